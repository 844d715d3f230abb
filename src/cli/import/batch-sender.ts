import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceClient } from '../service-client.js';
import { isTransient, ServiceError } from '../service-errors.js';
import type { RejectionMemo } from './rejection-memo.js';
import type { ImportReport } from './report-line.js';

/** A report with the line it came from, so that a refusal can name the line. */
export interface PendingReport {
  line: number;
  report: ImportReport;
}

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  /** Entries the service refused, with the line each came from. */
  refused: Array<{ line: number; message: string }>;
}

export interface SendOptions {
  memo: RejectionMemo;
  /** Tries per request when the service is unreachable, failing or rate limiting. */
  attempts?: number;
  /** Told before each wait, so that a long outage does not look like a hang. */
  onRetry?: (reason: string, waitMs: number) => void;
  sleep?: (ms: number) => Promise<unknown>;
}

/** `reports[12]` (or `body.reports[12].status`) in a 400's message: the entry it names, and the field. */
const NAMED_ENTRY = /(?:body\.)?reports\[(\d+)\](?:\.(\w+))?/;

async function postWithRetries(client: ServiceClient, reports: ImportReport[], options: SendOptions) {
  const attempts = options.attempts ?? 6;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.post<{ accepted: number; duplicates: number }>('/admin/reports', { reports });
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      const waitMs = (error instanceof ServiceError && error.retryAfterMs) || Math.min(10_000, 500 * 2 ** (attempt - 1));
      options.onRetry?.((error as Error).message, waitMs);
      await sleep(waitMs);
    }
  }
}

/**
 * Sends one batch through `POST /admin/reports`, which is all-or-nothing:
 * when the service refuses the batch with a 400 naming `reports[i]`, that
 * entry (and those the memo then knows to be refused too) is dropped and
 * the rest is sent again. Any other refusal is thrown.
 *
 * @example
 * const { accepted, duplicates, refused } = await sendBatch(client, batch, { memo });
 */
export async function sendBatch(
  client: ServiceClient,
  batch: readonly PendingReport[],
  options: SendOptions,
): Promise<BatchOutcome> {
  const refused: BatchOutcome['refused'] = [];
  let pending = [...batch];
  for (;;) {
    if (pending.length === 0) return { accepted: 0, duplicates: 0, refused };
    try {
      const answer = await postWithRetries(
        client,
        pending.map((p) => p.report),
        options,
      );
      return { accepted: answer.accepted, duplicates: answer.duplicates, refused };
    } catch (error) {
      const named = error instanceof ServiceError && error.status === 400 ? NAMED_ENTRY.exec(error.message) : null;
      const entry = named ? pending[Number(named[1])] : undefined;
      if (!named || !entry) throw error;
      // The index means nothing to the person reading; the line number will stand in for it.
      const message = (error as Error).message.replace(NAMED_ENTRY, (_all, _index, field?: string) => field ?? 'report');
      options.memo.learn(entry.report, named[2], message);
      pending = pending.filter((p) => {
        const reason = p === entry ? message : options.memo.check(p.report);
        if (reason !== undefined) refused.push({ line: p.line, message: reason });
        return reason === undefined;
      });
    }
  }
}
