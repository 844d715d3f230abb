import { createHash, type Hash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { CliError } from '../cli-errors.js';
import type { ServiceClient } from '../service-client.js';
import { ServiceError, ServiceUnreachableError } from '../service-errors.js';
import { sendBatch, type PendingReport } from './batch-sender.js';
import { lineParserFor } from './import-format.js';
import type { ImportProgress } from './import-progress.js';
import { hashPrefix, loadImportState, removeImportState, saveImportState, type ImportTotals } from './import-state.js';
import { readLines } from './line-reader.js';
import { RejectionMemo } from './rejection-memo.js';

export interface ImportOptions {
  file: string;
  /** Where progress is kept between runs (see `statePathFor`). */
  statePath: string;
  /** Reports per `POST /admin/reports` (the service takes at most 10 000). */
  batchSize: number;
  client: ServiceClient;
  progress: ImportProgress;
  /** When aborted, the import stops after the batch in flight, keeping its state. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface ImportResult {
  totals: ImportTotals;
  /** The last line a previous run had finished; 0 for a fresh import. */
  resumedAfterLine: number;
  /** The last line this run finished. */
  lastLine: number;
  /** Lines read by this run, and how long it took. */
  linesThisRun: number;
  seconds: number;
  /** False when interrupted; the state file then holds where to resume. */
  complete: boolean;
}

interface StartPoint {
  offset: number;
  line: number;
  hash: Hash;
  totals: ImportTotals;
}

const FRESH_TOTALS: ImportTotals = { linesRead: 0, accepted: 0, duplicates: 0, badLines: 0 };

/** Where to start: after the lines a previous run finished, if its state belongs to this very file. */
async function startPoint(file: string, statePath: string, warn: (text: string) => void): Promise<StartPoint> {
  const fresh = { offset: 0, line: 0, hash: createHash('sha256'), totals: { ...FRESH_TOTALS } };
  const state = await loadImportState(statePath);
  if (state === undefined) return fresh;
  if (typeof state === 'string') {
    warn(`ignoring ${statePath} (${state}); importing from the first line`);
    return fresh;
  }
  const hash = await hashPrefix(file, state.offset);
  if (hash?.copy().digest('hex') !== state.prefixSha256) {
    warn(`${statePath} belongs to another version of ${file}; importing from the first line`);
    return fresh;
  }
  warn(`resuming after line ${state.line} (${state.totals.accepted} reports already accepted)`);
  return { offset: state.offset, line: state.line, hash, totals: { ...state.totals } };
}

/** A failure of the service mid-import, saying what a rerun will do. */
function stoppedBy(error: unknown, savedLine: number): unknown {
  const rerun =
    savedLine > 0
      ? `lines up to ${savedLine} are imported; run the same command again to resume after it`
      : 'nothing was imported';
  if (error instanceof ServiceError) return new CliError(`${error.message} (HTTP ${error.status}); ${rerun}`);
  if (error instanceof ServiceUnreachableError) return new CliError(`${error.message}; ${rerun}`);
  return error;
}

/**
 * Streams an NDJSON or CSV file of reports into `POST /admin/reports`, batch
 * by batch, saving after each acknowledged batch how far it got, so that a
 * rerun after an interruption skips what is done (a batch sent twice is
 * harmless: repeats count as duplicates). Bad lines are reported with their
 * numbers through `progress.warn` and skipped.
 *
 * @example
 * const result = await importReportFile({ file, statePath: statePathFor(file), batchSize: 5000, client, progress });
 */
export async function importReportFile(options: ImportOptions): Promise<ImportResult> {
  const { file, statePath, progress } = options;
  const now = options.now ?? Date.now;
  const size = await stat(file).then(
    (s) => s.size,
    (error: Error) => {
      throw new CliError(`cannot read ${file}: ${error.message}`);
    },
  );
  const parser = await lineParserFor(file);
  const start = await startPoint(file, statePath, (text) => progress.warn(text));
  const { hash } = start;
  const totals = { ...start.totals };
  const memo = new RejectionMemo();
  const startedAt = now();
  let batch: PendingReport[] = [];
  let done = { offset: start.offset, line: start.line };
  let savedLine = start.line;
  const rate = (): number => (1000 * (totals.linesRead - start.totals.linesRead)) / Math.max(1, now() - startedAt);
  const result = (complete: boolean): ImportResult => ({
    totals,
    resumedAfterLine: start.line,
    lastLine: done.line,
    linesThisRun: totals.linesRead - start.totals.linesRead,
    seconds: (now() - startedAt) / 1000,
    complete,
  });
  const bad = (line: number, message: string): void => {
    totals.badLines++;
    progress.warn(`line ${line}: ${message}`);
  };

  const flush = async (): Promise<void> => {
    const outcome = await sendBatch(options.client, batch, {
      memo,
      onRetry: (reason, waitMs) => progress.warn(`${reason}; retrying in ${(waitMs / 1000).toFixed(1)} s`),
    }).catch((error: unknown) => {
      throw stoppedBy(error, savedLine);
    });
    for (const { line, message } of outcome.refused.sort((a, b) => a.line - b.line)) bad(line, message);
    totals.accepted += outcome.accepted;
    totals.duplicates += outcome.duplicates;
    batch = [];
    await saveImportState(statePath, { version: 1, ...done, prefixSha256: hash.copy().digest('hex'), totals });
    savedLine = done.line;
    progress.step({ ...done, totals, linesPerSecond: rate() });
  };

  progress.start(size, start.offset);
  try {
    for await (const line of readLines(file, { start: start.offset, firstLine: start.line + 1 })) {
      hash.update(line.raw);
      totals.linesRead++;
      const parsed = parser.parse(line);
      if ('problem' in parsed) bad(line.number, parsed.problem);
      else if ('report' in parsed) {
        const refused = memo.check(parsed.report);
        if (refused === undefined) batch.push({ line: line.number, report: parsed.report });
        else bad(line.number, refused);
      }
      done = { offset: line.end, line: line.number };
      if (batch.length >= options.batchSize) {
        await flush();
        if (options.signal?.aborted) return result(false);
      }
    }
    if (batch.length > 0) await flush();
  } finally {
    progress.stop();
  }
  await removeImportState(statePath);
  return result(true);
}
