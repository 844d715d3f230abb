import { createReadStream } from 'node:fs';
import { appendFile, open, rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError } from '../cli-errors.js';
import type { StatusEntry } from './node-client.js';

function isEntry(value: unknown): value is StatusEntry {
  const entry = value as StatusEntry | null;
  return (
    typeof entry?.bucketId === 'string' &&
    typeof entry.status === 'string' &&
    typeof entry.createdAt === 'string' &&
    (entry.latencyMs === null || entry.latencyMs === undefined || typeof entry.latencyMs === 'number')
  );
}

async function readEntries(path: string, warn: (text: string) => void): Promise<StatusEntry[]> {
  const entries: StatusEntry[] = [];
  let unreadable = 0;
  try {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (isEntry(value)) entries.push(value);
        else unreadable++;
      } catch {
        unreadable++; // typically the last line, cut short by a crash while appending
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (unreadable > 0) warn(`skipped ${unreadable} unreadable lines in the buffer ${path}`);
  return entries;
}

const toLines = (entries: readonly StatusEntry[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

/**
 * The entries a node could not deliver yet, oldest first: held in memory and
 * mirrored in an NDJSON file so that they survive a restart. At most
 * `maxEntries` are kept; beyond that the oldest are dropped (the newest say
 * more about the present).
 *
 * @example
 * const buffer = await DiskBuffer.open('./fbstats-agent-buffer.ndjson', 100_000, log);
 * await buffer.append(entries);
 * const chunk = buffer.oldest(1000); // send it, then, after a 200:
 * buffer.drop(chunk.length);
 * await buffer.persist();
 */
export class DiskBuffer {
  /** Set when memory and file differ in more than appended lines. */
  private rewriteNeeded = false;

  private constructor(
    readonly path: string,
    private readonly maxEntries: number,
    private entries: StatusEntry[],
    private readonly warn: (text: string) => void,
  ) {}

  static async open(path: string, maxEntries: number, warn: (text: string) => void): Promise<DiskBuffer> {
    try {
      await appendFile(path, '', { mode: 0o600 });
    } catch (error) {
      throw new CliError(`cannot write the buffer file ${path}: ${(error as Error).message}`);
    }
    const buffer = new DiskBuffer(path, maxEntries, await readEntries(path, warn), warn);
    if (buffer.trimToLimit() > 0) await buffer.persist();
    return buffer;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Adds entries at the new end, on disk at once. A failing disk does not
   * stop the node: the entries stay in memory and the file is rewritten later.
   */
  async append(entries: readonly StatusEntry[]): Promise<void> {
    this.entries.push(...entries);
    if (this.trimToLimit() > 0 || this.rewriteNeeded) return this.persist();
    try {
      await appendFile(this.path, toLines(entries));
    } catch (error) {
      this.rewriteNeeded = true;
      this.warn(`cannot append to the buffer file ${this.path} (${(error as Error).message}); keeping the entries in memory`);
    }
  }

  /** Up to `count` entries from the old end, left in place. */
  oldest(count: number): StatusEntry[] {
    return this.entries.slice(0, count);
  }

  /** Removes `count` entries from the old end (acknowledged ones); the file follows at `persist`. */
  drop(count: number): void {
    if (count <= 0) return;
    this.entries = this.entries.slice(count);
    this.rewriteNeeded = true;
  }

  /** Rewrites the file atomically (write, fsync, rename) when it differs from memory. */
  async persist(): Promise<void> {
    if (!this.rewriteNeeded) return;
    const temporary = `${this.path}.tmp`;
    try {
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(toLines(this.entries));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
      this.rewriteNeeded = false;
    } catch (error) {
      this.warn(`cannot rewrite the buffer file ${this.path} (${(error as Error).message}); trying again later`);
    }
  }

  private trimToLimit(): number {
    const excess = this.entries.length - this.maxEntries;
    if (excess <= 0) return 0;
    this.drop(excess);
    this.warn(`buffer full: dropped the ${excess} oldest entries (--buffer-max ${this.maxEntries})`);
    return excess;
  }
}
