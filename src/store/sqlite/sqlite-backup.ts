import { existsSync, renameSync, rmSync } from 'node:fs';
import SqliteDriver from 'better-sqlite3';

/** Where a backup stands after a step. */
export interface BackupProgress {
  copiedPages: number;
  totalPages: number;
}

/** What a backup copied. */
export interface BackupResult {
  pages: number;
  bytes: number;
  /** Steps of the SQLite backup API (`pagesPerStep` pages each). */
  steps: number;
  /** Times the copy started over: 0, since it reads one snapshot (see `backupSqliteFile`). */
  restarts: number;
}

export interface BackupOptions {
  /** Pages copied between two progress reports (4 096: 16 MiB with the default 4 KiB pages). */
  pagesPerStep?: number;
  onProgress?: (progress: BackupProgress) => void;
}

/**
 * Copies the SQLite store at `sourcePath` into a new file at
 * `destinationPath`, consistently, while the service goes on writing it.
 *
 * The copy uses SQLite's online backup API from a read transaction opened
 * before the first page: in WAL mode that transaction is a snapshot, so every
 * page comes from the same committed state (committed WAL content included),
 * and the copy holds everything committed before it began. Without it the
 * API restarts from page one whenever another connection commits between two
 * steps, which under steady ingest may never end. The service's writes go on
 * meanwhile (WAL readers do not block writers); its WAL only cannot be
 * checkpointed past the snapshot until the copy ends.
 *
 * The copy is written beside the destination and renamed over it once
 * complete, so a destination never holds half a copy.
 *
 * @example
 * const { pages } = await backupSqliteFile('./data/flashback.db', './backups/flashback-2024-01-15.db');
 */
export async function backupSqliteFile(
  sourcePath: string,
  destinationPath: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  if (!existsSync(sourcePath)) throw new Error(`there is no SQLite store at ${sourcePath}`);
  const pagesPerStep = options.pagesPerStep ?? 4096;
  const partial = `${destinationPath}.partial`;
  const source = new SqliteDriver(sourcePath, { readonly: true, fileMustExist: true });
  let snapshot = false;
  try {
    source.exec('begin');
    // A deferred transaction takes its snapshot at its first read.
    source.prepare('select count(*) from sqlite_schema').get();
    snapshot = true;
    const pageSize = source.pragma('page_size', { simple: true }) as number;
    rmSync(partial, { force: true });
    let steps = 0;
    let restarts = 0;
    let remaining = Infinity;
    const done = await source.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        steps++;
        if (remainingPages > remaining) restarts++;
        remaining = remainingPages;
        options.onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
        return pagesPerStep;
      },
    });
    options.onProgress?.({ copiedPages: done.totalPages, totalPages: done.totalPages });
    renameSync(partial, destinationPath);
    return { pages: done.totalPages, bytes: done.totalPages * pageSize, steps, restarts };
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw error;
  } finally {
    if (snapshot) source.exec('rollback');
    source.close();
  }
}
