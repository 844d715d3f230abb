import { setTimeout as sleep } from 'node:timers/promises';
import type { NewReport } from '../src/ingest/report-ingest.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import type { Child } from './child-process.js';
import { startLiveReporters } from './live-reporters.js';
import { pacedLoad, quantile, type PacedSample } from './paced-load.js';
import { seedHistory, USER_TOKEN } from './seed-history.js';

/** The size of the bucket deleted. */
export const DOOMED_REPORTS = 1_000_000;
const STATS_PER_SECOND = 200;
// Load before and after the deletion, so that it starts and ends on a steady service.
const SETTLE_MS = 2_000;

export interface DeleteUnderLoadFigures {
  reports: number;
  /** How long `DELETE /bucket/{id}` took to answer. */
  deleteMs: number;
  deleteStatus: number;
  /** Stats answers sent while the deletion ran: their count and latency. */
  stats: LatencyFigures;
  /** The same, sent in the seconds before the deletion: what the service does without it. */
  statsBefore: LatencyFigures;
  /** Answers other than 2xx (stats and live reports), the whole run long. */
  errors: number;
  liveReports: number;
}

const MINUTE = 60_000;

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function latencies(samples: readonly PacedSample[], from: number, to: number): LatencyFigures {
  const during = samples.filter((s) => s.sentAt >= from && s.sentAt < to).map((s) => s.latencyMs);
  return { count: during.length, p50Ms: quantile(during, 0.5), p99Ms: quantile(during, 0.99), maxMs: Math.max(...during) };
}

/**
 * Deletes a bucket of a million reports while another bucket's current
 * day is asked 200 times a second and 50 nodes report on it once a second
 * each: every answer must be a 2xx, and the stats answers sent during the
 * deletion keep their latency (issue 13). Seeds a fresh store at
 * `databaseUrl` (one day of history on the bucket asked, the million on
 * the doomed one), then runs the service from `startService`.
 *
 * @example
 * const figures = await deleteUnderLoad(url, () => startChild(['dist/server.js'], env, readyUrl), base, log);
 */
export async function deleteUnderLoad(
  databaseUrl: string,
  startService: () => Promise<Child>,
  baseUrl: string,
  log: (line: string) => void,
): Promise<DeleteUnderLoadFigures> {
  const now = Date.now();
  const store = await openServiceStore({ databaseUrl, staleAfterMs: 180_000 });
  let doomed: string;
  let seeded;
  try {
    seeded = await seedHistory(store, now, log, 1);
    const workspaceId = (await store.buckets.find(seeded.denseBucket))?.workspace_id ?? '';
    doomed = (
      await store.buckets.create(
        { name: 'doomed', workspaceId, storageType: 'S3', bucket: null, endpoint: null, region: null },
        now,
      )
    ).id;
    log(`seeding ${DOOMED_REPORTS} reports in the bucket to delete`);
    const perNode = DOOMED_REPORTS / seeded.nodes.length;
    const start = Math.floor(now / MINUTE) * MINUTE - perNode * MINUTE;
    let batch: NewReport[] = [];
    for (let i = 0; i < perNode; i++) {
      for (const node of seeded.nodes)
        batch.push({ nodeId: node.id, bucketId: doomed, at: start + i * MINUTE, status: 'ONLINE', latencyMs: 20 + (i % 9) });
      if (batch.length >= 10_000) {
        await store.reports.ingest(batch);
        batch = [];
      }
    }
    await store.reports.ingest(batch);
  } finally {
    await store.close();
  }

  const service = await startService();
  try {
    const reporters = startLiveReporters(baseUrl, seeded.nodes, seeded.denseBucket);
    const statsBody = JSON.stringify({ day: new Date(now).toISOString().slice(0, 10) });
    const headers = { authorization: `Bearer ${USER_TOKEN}` };
    const loadStart = Date.now();
    const load = pacedLoad(`${baseUrl}/bucket/${seeded.denseBucket}/stats`, statsBody, headers, STATS_PER_SECOND);
    await sleep(SETTLE_MS);
    log('deleting the bucket of a million reports');
    const deleteStart = Date.now();
    const deleted = await fetch(`${baseUrl}/bucket/${doomed}`, { method: 'DELETE', headers });
    await deleted.text();
    const deleteEnd = Date.now();
    await sleep(SETTLE_MS);
    const samples = await load.stop();
    const live = await reporters.stop();
    return {
      reports: DOOMED_REPORTS,
      deleteMs: deleteEnd - deleteStart,
      deleteStatus: deleted.status,
      stats: latencies(samples, deleteStart, deleteEnd),
      // The first half second warms the connections up.
      statsBefore: latencies(samples, loadStart + 500, deleteStart),
      errors: samples.filter((s) => s.status < 200 || s.status >= 300).length + live.failed + (deleted.ok ? 0 : 1),
      liveReports: live.sent,
    };
  } finally {
    await service.stop();
  }
}
