import { ApiClient, type ImportedReport } from '@flashback/bucket-stats-client';
import { cliClient } from '../cli/cli-client.js';
import { DAY_MS } from '../time/instant.js';
import { observe, type DemoTimeline } from './demo-behaviour.js';
import { DEMO_UPGRADE } from './demo-fleet.js';
import type { DemoBucket, RegisteredNode } from './demo-setup.js';

export interface HistoryOptions {
  baseUrl: string;
  operatorToken: string;
  nodes: readonly RegisteredNode[];
  buckets: readonly DemoBucket[];
  timeline: DemoTimeline;
  /** How far back the history starts. */
  days: number;
  /** One report per node and bucket every `stepMs`; at most STALE_AFTER_SECONDS, or the gaps would count as down. */
  stepMs: number;
  /** Read again for every batch, so that the history reaches the instant the import ends. */
  now: () => number;
  /** Checked between batches: stop importing. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface HistoryResult {
  reports: number;
  elapsedMs: number;
}

/** The most reports one `POST /admin/reports` takes (api.md). */
const BATCH_SIZE = 10_000;
/** Nodes do not all report on the same millisecond: each its own few seconds into the step. */
const NODE_OFFSET_MS = 2_000;
const BUCKET_OFFSET_MS = 250;
const LAST_OFFSET_MS = 20_000;

/** What every node saw of every bucket at step instant `step`, in the fleet's order. */
function reportsAt(step: number, options: HistoryOptions): ImportedReport[] {
  const reports: ImportedReport[] = [];
  options.nodes.forEach((node, nodeIndex) => {
    options.buckets.forEach((bucket, bucketIndex) => {
      const at = step + nodeIndex * NODE_OFFSET_MS + bucketIndex * BUCKET_OFFSET_MS;
      const seen = observe(node, nodeIndex, bucketIndex, at, options.timeline);
      if (seen) reports.push({ nodeId: node.id, bucketId: bucket.id, at: new Date(at).toISOString(), ...seen });
    });
  });
  return reports;
}

/**
 * Imports the fleet's past, oldest first, through `POST /admin/reports` in
 * batches of 10 000 (the service applies each batch all or nothing), until
 * the present: the last batch ends at the instant it is made, so the live
 * senders carry on without a gap. Logs progress about six times.
 *
 * @example
 * const { reports, elapsedMs } = await importHistory({ baseUrl, operatorToken, nodes, buckets, timeline, days: 30, stepMs: 60_000, now: Date.now, log });
 */
export async function importHistory(options: HistoryOptions): Promise<HistoryResult> {
  const operator = new ApiClient(options.baseUrl, { timeoutMs: 120_000 });
  operator.setAuthToken(options.operatorToken);
  const started = Date.now();
  const start = Math.floor((options.now() - options.days * DAY_MS) / options.stepMs) * options.stepMs;
  const logEvery = Math.max(1, Math.ceil(options.days / 6)) * DAY_MS;
  let nextLog = start + logEvery;
  let batch: ImportedReport[] = [];
  let reports = 0;
  const send = async (): Promise<void> => {
    options.signal?.throwIfAborted();
    reports += (await operator.importReports({ reports: batch })).accepted;
    batch = [];
  };
  for (let step = start; step + LAST_OFFSET_MS <= options.now(); step += options.stepMs) {
    batch.push(...reportsAt(step, options));
    if (batch.length >= BATCH_SIZE - options.nodes.length * options.buckets.length) await send();
    if (step >= nextLog) {
      options.log(`history: ${Math.round((step - start) / DAY_MS)} of ${options.days} days imported (${reports} reports)`);
      nextLog += logEvery;
    }
  }
  if (batch.length > 0) await send();
  return { reports, elapsedMs: Date.now() - started };
}

/**
 * Imports the `upgraded` node's re-registration with the new version at the
 * upgrade instant (`POST /admin/nodes/{id}/registrations`), as a migration
 * of an existing fleet would: days before it answer the old version.
 *
 * @example
 * await importUpgrade(baseUrl, operatorToken, node, timeline.upgradeAt);
 */
export async function importUpgrade(baseUrl: string, operatorToken: string, node: RegisteredNode, at: number): Promise<void> {
  const operator = cliClient(baseUrl);
  operator.setAuthToken(operatorToken);
  await operator.importNodeRegistration(node.id, { at: new Date(at).toISOString(), version: DEMO_UPGRADE.to });
}
