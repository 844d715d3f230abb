import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';

/** The counts an import reports at its end, carried over an interruption. */
export interface ImportTotals {
  linesRead: number;
  accepted: number;
  duplicates: number;
  badLines: number;
}

/**
 * How far an import got: every line up to `line` (ending at byte `offset`)
 * has been acknowledged by the service or reported as bad. `prefixSha256`
 * is the SHA-256 of those bytes, so that the state is only reused for the
 * same file (or the same file with lines appended).
 */
export interface ImportState {
  version: 1;
  offset: number;
  line: number;
  prefixSha256: string;
  totals: ImportTotals;
}

/**
 * Where the state of importing `file` is kept unless `--state` says otherwise.
 *
 * @example
 * statePathFor('/data/history.ndjson') // '/data/history.ndjson.fbstats-import.json'
 */
export function statePathFor(file: string): string {
  return `${file}.fbstats-import.json`;
}

function isState(value: unknown): value is ImportState {
  const state = value as ImportState | null;
  const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  return (
    state?.version === 1 &&
    count(state.offset) &&
    count(state.line) &&
    typeof state.prefixSha256 === 'string' &&
    typeof state.totals === 'object' &&
    state.totals !== null &&
    [state.totals.linesRead, state.totals.accepted, state.totals.duplicates, state.totals.badLines].every(count)
  );
}

/**
 * The saved state, `undefined` when there is none, or a string saying why
 * the file there cannot be used.
 *
 * @example
 * const state = await loadImportState(statePathFor(file));
 */
export async function loadImportState(path: string): Promise<ImportState | string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return (error as Error).message;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isState(value) ? value : 'it is not an fbstats import state';
  } catch {
    return 'it is not valid JSON';
  }
}

/**
 * Replaces the state file atomically (write, fsync, rename): after a crash
 * it holds either the previous state or this one, never half of each.
 *
 * @example
 * await saveImportState(statePath, { version: 1, offset, line, prefixSha256, totals });
 */
export async function saveImportState(path: string, state: ImportState): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/**
 * Removes the state once the import is complete: it exists only while one is not.
 *
 * @example
 * await removeImportState(statePathFor(file));
 */
export async function removeImportState(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * A SHA-256 over the first `length` bytes of `file`, still open for the
 * bytes that follow; `undefined` when the file is shorter.
 *
 * @example
 * const hash = await hashPrefix(file, state.offset);
 * if (hash?.copy().digest('hex') === state.prefixSha256) resume(hash);
 */
export async function hashPrefix(file: string, length: number): Promise<Hash | undefined> {
  const hash = createHash('sha256');
  if ((await stat(file)).size < length) return undefined;
  if (length === 0) return hash;
  for await (const chunk of createReadStream(file, { start: 0, end: length - 1 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash;
}
