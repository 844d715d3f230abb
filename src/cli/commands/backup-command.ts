import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { databaseUrlOf, readEnv } from '../../config/config.js';
import { backupSqliteFile, type BackupProgress } from '../../store/sqlite/sqlite-backup.js';
import { CliError, UsageError } from '../cli-errors.js';
import { writeLine, type TextSink } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';

const BACKUP_HELP = `
The copy is consistent: one snapshot of the store, taken when the command starts, with every
report acknowledged before it. The service keeps running and ingesting meanwhile. To restore,
stop the service, put the copy where DATABASE_URL (or DATA_DIR/flashback.db) points, start it.
PostgreSQL: use pg_dump -Fc and pg_restore (README, "Operations: backup and restore").

Example:
  $ DATA_DIR=/var/lib/fbstats fbstats backup --out /backups/flashback-$(date +%F).db`;

// A log line at most this often when stderr is not a terminal.
const LOG_EVERY_MS = 2_000;

interface BackupCommandOptions {
  out: string;
  database?: string;
  force?: boolean;
  json?: boolean;
}

/** The SQLite file a `--database` value or the service's environment names. */
function sqlitePathOf(databaseUrl: string): string {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new CliError(
      'the store is PostgreSQL: back it up with pg_dump -Fc (README, "Operations: backup and restore"); this command copies SQLite files',
    );
  }
  if (!databaseUrl.startsWith('sqlite:') || databaseUrl === 'sqlite:' || databaseUrl === 'sqlite::memory:') {
    throw new UsageError(`the store must be sqlite:<path>, got ${JSON.stringify(databaseUrl)}`);
  }
  return databaseUrl.slice('sqlite:'.length);
}

/** A bar over the pages at a terminal; otherwise a line every few seconds, so that a log shows a long copy moving. */
function progressTo(sink: TextSink): { step: (progress: BackupProgress) => void; stop: () => void } {
  if (sink.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: sink as NodeJS.WritableStream,
        format: 'backing up [{bar}] {percentage}% | {value}/{total} pages',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      step: ({ copiedPages, totalPages }) => {
        if (!started) bar.start(totalPages, copiedPages);
        started = true;
        bar.update(copiedPages);
      },
      stop: () => bar.stop(),
    };
  }
  let loggedAt = Date.now();
  return {
    step: ({ copiedPages, totalPages }) => {
      if (Date.now() - loggedAt < LOG_EVERY_MS || copiedPages === totalPages) return;
      loggedAt = Date.now();
      writeLine(sink, `backed up ${copiedPages} of ${totalPages} pages (${Math.floor((100 * copiedPages) / totalPages)}%)`);
    },
    stop: () => undefined,
  };
}

/**
 * `fbstats backup --out FILE`: a consistent copy of the SQLite store, taken
 * while the service runs (see `backupSqliteFile`). The store is found as
 * the service finds it (`DATABASE_URL`, else `$DATA_DIR/flashback.db`), or
 * given with `--database`; it is read directly, not through the service, and
 * the service's lock on its file (one process per store) does not stop it.
 *
 * @example
 * registerBackupCommand(program, context);
 */
export function registerBackupCommand(program: Command, context: CommandContext): void {
  program
    .command('backup')
    .description('copy the SQLite store, consistently, while the service runs and ingests')
    .requiredOption('--out <file>', 'where the copy goes (a new file; see --force)')
    .option('--database <url>', 'the store: sqlite:<path> (default: DATABASE_URL, else sqlite:$DATA_DIR/flashback.db)')
    .option('--force', 'replace <file> if it exists')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', BACKUP_HELP)
    .action(async (options: BackupCommandOptions) => {
      const databaseUrl = options.database ?? databaseUrlOf(readEnv(context.io.env));
      const source = sqlitePathOf(databaseUrl);
      if (resolve(source) === resolve(options.out)) throw new UsageError('--out must not be the store itself');
      if (existsSync(options.out) && !options.force) {
        throw new CliError(`${options.out} exists; pass --force to replace it, or choose another file`);
      }
      const progress = progressTo(context.io.stderr);
      const started = performance.now();
      let result;
      try {
        result = await backupSqliteFile(source, options.out, { onProgress: progress.step });
      } catch (error) {
        throw new CliError(`cannot back up ${source}: ${(error as Error).message}`);
      } finally {
        progress.stop();
      }
      const seconds = Math.round(performance.now() - started) / 1000;
      const summary = { source, out: options.out, pages: result.pages, bytes: result.bytes, seconds };
      const mib = (result.bytes / 1024 / 1024).toFixed(1);
      context.print(
        options.json,
        summary,
        `backed up ${source} to ${options.out}: ${result.pages} pages (${mib} MiB) in ${seconds} s`,
      );
    });
}
