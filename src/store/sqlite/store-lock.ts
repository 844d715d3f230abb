import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import SqliteDriver from 'better-sqlite3';

/** Who holds a store file, as its holder wrote it down. */
export interface StoreHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Another process holds the store file. Its message is one line naming
 * that process, for the start that has to give up.
 */
export class StoreInUseError extends Error {
  override name = 'StoreInUseError';
}

// How long a refused start waits for the holder's note: the holder writes
// it just after it takes the lock, so a start racing it may come first.
const NOTE_WAIT_MS = 1_000;
const NOTE_POLL_MS = 50;

const lockPathOf = (databasePath: string): string => `${databasePath}.lock`;
const notePathOf = (databasePath: string): string => `${databasePath}.holder`;

function readNote(path: string): StoreHolder | undefined {
  try {
    const note = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreHolder>;
    if (typeof note.pid !== 'number' || typeof note.host !== 'string' || typeof note.startedAt !== 'string') return undefined;
    return { pid: note.pid, host: note.host, startedAt: note.startedAt };
  } catch {
    return undefined;
  }
}

/** Whether a process of this host with `pid` runs (a note left by a killed holder names a dead one). */
function isRunningHere(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder's note, once it names a live process; undefined if none came within `NOTE_WAIT_MS`. */
async function currentHolder(notePath: string): Promise<StoreHolder | undefined> {
  for (let waited = 0; ; waited += NOTE_POLL_MS) {
    const note = readNote(notePath);
    if (note && (note.host !== hostname() || isRunningHere(note.pid))) return note;
    if (waited >= NOTE_WAIT_MS) return undefined;
    await delay(NOTE_POLL_MS);
  }
}

/**
 * One process per SQLite store file. The writer thread keeps in memory the
 * series it wrote; a second process writing the same file would make those
 * ids wrong, so a second start must refuse.
 *
 * The lock is an OS lock that dies with the process: a small SQLite file
 * beside the store (`<store>.lock`), opened with `locking_mode=EXCLUSIVE`
 * and written once, so that SQLite holds its exclusive byte-range lock on
 * it until the connection closes or the process ends, however it ends (a
 * SIGKILL leaves nothing stale to clear). The store file itself stays open
 * to readers such as `fbstats backup`. Since nobody else can read a file
 * locked that way, the holder also writes a note (`<store>.holder`: pid,
 * host, start time) for the message of a refused start.
 *
 * @example
 * const lock = await SqliteStoreLock.acquire('./data/flashback.db'); // StoreInUseError when another process holds it
 * try { ... } finally { lock.release(); }
 */
export class SqliteStoreLock {
  private constructor(
    private readonly connection: SqliteDriver.Database,
    private readonly notePath: string,
    private readonly holder: StoreHolder,
  ) {}

  static async acquire(databasePath: string): Promise<SqliteStoreLock> {
    mkdirSync(dirname(databasePath), { recursive: true });
    // No busy wait: the lock is either free or held by a live process.
    const connection = new SqliteDriver(lockPathOf(databasePath), { timeout: 0 });
    const holder: StoreHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    try {
      connection.pragma('locking_mode = EXCLUSIVE');
      // BEGIN EXCLUSIVE takes the exclusive lock at once (or fails at once):
      // a connection that only read first would keep a shared lock that
      // blocks the other of two racing starts, and both would refuse.
      connection.exec('begin exclusive');
      connection.exec('create table if not exists holder (id integer primary key, pid integer, host text, started_at text)');
      connection
        .prepare('insert or replace into holder (id, pid, host, started_at) values (1, ?, ?, ?)')
        .run(holder.pid, holder.host, holder.startedAt);
      connection.exec('commit');
    } catch (error) {
      connection.close();
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
      throw await inUse(databasePath);
    }
    const notePath = notePathOf(databasePath);
    const draft = `${notePath}.${process.pid}`;
    writeFileSync(draft, `${JSON.stringify(holder)}\n`);
    renameSync(draft, notePath);
    return new SqliteStoreLock(connection, notePath, holder);
  }

  /** Lets another process have the store: closes the lock's connection and removes the note. */
  release(): void {
    if (!this.connection.open) return;
    const note = readNote(this.notePath);
    if (note?.pid === this.holder.pid && note.startedAt === this.holder.startedAt) rmSync(this.notePath, { force: true });
    this.connection.close();
  }
}

async function inUse(databasePath: string): Promise<StoreInUseError> {
  const holder = await currentHolder(notePathOf(databasePath));
  const who = holder
    ? `process ${holder.pid} on ${holder.host} (since ${holder.startedAt})`
    : `another process (it has not written ${notePathOf(databasePath)} yet)`;
  return new StoreInUseError(
    `the store ${databasePath} is in use by ${who}: one process per SQLite file; stop that one first, or point DATABASE_URL or DATA_DIR elsewhere`,
  );
}
