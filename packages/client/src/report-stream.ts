import { errorMessage } from './error-message.js';
import { HttpError } from './http-error.js';
import type { ImportedReport, ImportReportsRequest, ImportReportsResponse } from './node-types.js';
import { withRetries, type RetryOptions } from './retry-policy.js';

/** The most reports one `importReports` call takes (a larger batch is a 400). */
export const MAX_IMPORT_BATCH = 10_000;

/** Why the service refused one report of a batch. */
export interface ReportRefusal {
  /** The report's field the service named (`nodeId`, `at`...), if it named one. */
  field: string | undefined;
  /** The service's message, with the entry's place in the batch (`reports[12].at`) replaced by the field's name. */
  message: string;
}

/** How `importReportStream` sends a stream of reports. */
export interface ImportStreamOptions<T> {
  /** Reports per `importReports` call, from 1 to 10 000; default 10 000. */
  batchSize?: number;
  /** The report an item stands for; needed when the items are not reports themselves. */
  toReport?: (item: T) => ImportedReport;
  /** How a batch is tried again when the service is unreachable, failing or rate limiting (see `withRetries`). */
  retry?: RetryOptions;
  /** Told of each item the service refused, before the rest of its batch is sent again without it. */
  onRefused?: (item: T, refusal: ReportRefusal) => void;
  /**
   * Asked, after a refusal, about each item of the batch still to send: a
   * reason to leave it out too (what was just refused will be refused again,
   * say the same unknown node), or `undefined` to send it.
   */
  precheck?: (item: T) => string | undefined;
}

/** What became of one batch, once the service acknowledged it. */
export interface ImportedBatch<T> {
  /** The batch's items in their order, the refused ones included. */
  items: T[];
  accepted: number;
  duplicates: number;
  /** Items left out, each with why; the others were sent. */
  refused: Array<{ item: T; message: string }>;
}

/** `reports[12]` or `body.reports[12].status` in a 400's message: the entry it names, and the field. */
const NAMED_ENTRY = /(?:body\.)?reports\[(\d+)\](?:\.(\w+))?/;

type SendReports = (request: ImportReportsRequest) => Promise<ImportReportsResponse>;

/**
 * Sends one batch, all or nothing as the service applies it: when the
 * service refuses the batch with a 400 naming `reports[i]`, that item (and
 * those `precheck` then rules out) is left out and the rest sent again. Any
 * other failure is thrown.
 */
async function sendBatch<T>(send: SendReports, items: T[], options: ImportStreamOptions<T>): Promise<ImportedBatch<T>> {
  const toReport = options.toReport ?? ((item: T) => item as ImportedReport);
  const refused: ImportedBatch<T>['refused'] = [];
  let pending = items;
  while (pending.length > 0) {
    const reports = pending.map(toReport);
    try {
      const answer = await withRetries(() => send({ reports }), options.retry);
      return { items, accepted: answer.accepted, duplicates: answer.duplicates, refused };
    } catch (error) {
      const said = errorMessage(error);
      const named = error instanceof HttpError && error.status === 400 ? NAMED_ENTRY.exec(said) : null;
      const index = Number(named?.[1]);
      if (!named || !(index < pending.length)) throw error;
      const entry = pending[index] as T;
      const message = said.replace(NAMED_ENTRY, (_all, _index, field?: string) => field ?? 'report');
      options.onRefused?.(entry, { field: named[2], message });
      pending = pending.filter((item) => {
        const reason = item === entry ? message : options.precheck?.(item);
        if (reason !== undefined) refused.push({ item, message: reason });
        return reason === undefined;
      });
    }
  }
  return { items, accepted: 0, duplicates: 0, refused };
}

/**
 * Reads `items` (any iterable, e.g. the lines of a file as they are read)
 * and sends them in batches through `send`, yielding each batch once the
 * service acknowledged it: a caller that stops iterating stops after the
 * batch in flight, and knows exactly what was stored. Nothing is read ahead
 * of the batch being filled.
 *
 * @example
 * for await (const batch of importReportStream(operator.importReports, reports, { batchSize: 5000 })) {
 *   console.log(`${batch.accepted} stored`);
 * }
 */
export async function* importReportStream<T>(
  send: SendReports,
  items: AsyncIterable<T> | Iterable<T>,
  options: ImportStreamOptions<T> = {},
): AsyncGenerator<ImportedBatch<T>, void, undefined> {
  const batchSize = options.batchSize ?? MAX_IMPORT_BATCH;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_IMPORT_BATCH)) {
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_IMPORT_BATCH}, got ${batchSize}`);
  }
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= batchSize) {
      yield await sendBatch(send, batch, options);
      batch = [];
    }
  }
  if (batch.length > 0) yield await sendBatch(send, batch, options);
}

/**
 * `importReportStream`'s two forms: a stream of reports, or of any items
 * with the report each stands for (so that the batches it yields give the
 * caller's own items back, say with the line each came from).
 */
export interface ImportReportStream {
  (
    reports: AsyncIterable<ImportedReport> | Iterable<ImportedReport>,
    options?: ImportStreamOptions<ImportedReport>,
  ): AsyncGenerator<ImportedBatch<ImportedReport>, void, undefined>;
  <T>(
    items: AsyncIterable<T> | Iterable<T>,
    options: ImportStreamOptions<T> & Required<Pick<ImportStreamOptions<T>, 'toReport'>>,
  ): AsyncGenerator<ImportedBatch<T>, void, undefined>;
}
