import { createHash, type Hash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { ApiClient, ImportedBatch } from '@flashback/bucket-stats-client';
import { CliError } from '../cli-errors.js';
import { failureText, isServiceFailure, serviceSaid } from '../service-failure.js';
import { lineParserFor } from './import-format.js';
import type { ImportProgress } from './import-progress.js';
import { hashPrefix, loadImportState, removeImportState, saveImportState, type ImportTotals } from './import-state.js';
import { readLines } from './line-reader.js';
import { RejectionMemo } from './rejection-memo.js';
import type { ImportReport } from './report-line.js';

export interface ImportOptions {
  file: string;
  /** Where progress is kept between runs (see `statePathFor`). */
  statePath: string;
  /** Reports per `POST /admin/reports` (the service takes at most 10 000). */
  batchSize: number;
  client: ApiClient;
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

/** A report with the line it came from, so that a refusal can name the line. */
interface PendingReport {
  line: number;
  report: ImportReport;
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
  return isServiceFailure(error) ? new CliError(`${failureText(error)}; ${rerun}`) : error;
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
  let done = { offset: start.offset, line: start.line };
  let savedLine = start.line;
  let fileRead = false;
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

  /** The file's reports from where this run starts; bad lines are reported as they are read and left out. */
  async function* pendingReports(): AsyncGenerator<PendingReport> {
    for await (const line of readLines(file, { start: start.offset, firstLine: start.line + 1 })) {
      hash.update(line.raw);
      totals.linesRead++;
      // Before the report goes: the batch it completes is acknowledged before this generator resumes.
      done = { offset: line.end, line: line.number };
      const parsed = parser.parse(line);
      if ('problem' in parsed) bad(line.number, parsed.problem);
      else if ('report' in parsed) {
        const refused = memo.check(parsed.report);
        if (refused === undefined) yield { line: line.number, report: parsed.report };
        else bad(line.number, refused);
      }
    }
    fileRead = true;
  }

  /** Counts an acknowledged batch and saves how far the import got. */
  const acknowledged = async (batch: ImportedBatch<PendingReport>): Promise<void> => {
    for (const { item, message } of batch.refused.sort((a, b) => a.item.line - b.item.line)) bad(item.line, message);
    totals.accepted += batch.accepted;
    totals.duplicates += batch.duplicates;
    await saveImportState(statePath, { version: 1, ...done, prefixSha256: hash.copy().digest('hex'), totals });
    savedLine = done.line;
    progress.step({ ...done, totals, linesPerSecond: rate() });
  };

  const batches = options.client.importReportStream(pendingReports(), {
    batchSize: options.batchSize,
    toReport: (pending) => pending.report,
    retry: { onRetry: (error, waitMs) => progress.warn(`${serviceSaid(error)}; retrying in ${(waitMs / 1000).toFixed(1)} s`) },
    // The service names only the first bad entry of a batch: what it said is applied to the rest.
    onRefused: (pending, refusal) => memo.learn(pending.report, refusal.field, refusal.message),
    precheck: (pending) => memo.check(pending.report),
  });
  progress.start(size, start.offset);
  try {
    for await (const batch of batches) {
      await acknowledged(batch);
      // A stop asked for meanwhile takes effect here, between batches; the last batch of the file completes the import.
      if (options.signal?.aborted && !fileRead) return result(false);
    }
  } catch (error) {
    throw stoppedBy(error, savedLine);
  } finally {
    progress.stop();
  }
  await removeImportState(statePath);
  return result(true);
}
