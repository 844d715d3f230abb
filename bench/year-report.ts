import { performance } from 'node:perf_hooks';
import type { NodeStatus } from '../src/stats/node-status.js';
import type { NewReport } from '../src/ingest/report-ingest.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS } from '../src/time/instant.js';
import { createBenchAccount, createBenchNodes, USER_TOKEN } from './bench-fleet.js';
import { SERVICE_URL, startService } from './bench-service.js';
import { freshDatabase } from './fresh-database.js';

export interface YearReportFigures {
  reports: number;
  /** The first report of the year asked after the service started. */
  firstMs: number;
  /** The same report asked again right after: the median of 5. */
  keptMs: number;
  /** A closed month's report, asked first. */
  monthMs: number;
}

const NODES = 50;
const DAYS = 365;
// A report every 10 minutes, held for 15: a realistic timeline (a few
// incidents a month per node) with a tenth of the reports of one a minute.
// The report reads one rollup per node and day whatever their number.
const EVERY_MS = 600_000;
const STALE_SECONDS = 900;

function reportOf(node: number, at: number): { status: NodeStatus; latencyMs: number | null } {
  const day = Math.floor(at / DAY_MS);
  const minute = Math.floor((at % DAY_MS) / 60_000);
  if ((day + node) % 30 === 0 && minute >= 180 && minute < 240) return { status: 'OFFLINE', latencyMs: null };
  return { status: 'ONLINE', latencyMs: 20 + (node % 7) * 5 + ((minute * 7 + node) % 40) };
}

async function timed(url: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${USER_TOKEN}` },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the report answered ${response.status}`);
  return performance.now() - started;
}

/**
 * The period report of a year of 50 nodes (`sla.md`): a fresh store seeded
 * with 365 days of reports, the built service started on it, then the
 * year's report asked once (first) and again (kept), and a month's.
 *
 * @example
 * const figures = await yearReport('sqlite', console.error);
 */
export async function yearReport(kind: string, log: (line: string) => void): Promise<YearReportFigures> {
  log(`\n== ${kind}: year report, ${NODES} nodes × ${DAYS} days ==`);
  const database = await freshDatabase(kind);
  const now = Date.now();
  const today = Math.floor(now / DAY_MS);
  const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_SECONDS * 1000 });
  let reports = 0;
  let bucketId: string;
  try {
    const workspaceId = await createBenchAccount(store, now);
    const nodes = await createBenchNodes(store, NODES, now);
    bucketId = (
      await store.buckets.create(
        { name: 'year', workspaceId, storageType: 'S3', bucket: null, endpoint: null, region: null },
        now,
      )
    ).id;
    // Series by series, so that each day's rollup is made once.
    for (const [i, node] of nodes.entries()) {
      let batch: NewReport[] = [];
      for (let at = (today - DAYS) * DAY_MS; at < today * DAY_MS; at += EVERY_MS) {
        batch.push({ nodeId: node.id, bucketId, at: at + i * 1000, ...reportOf(i, at) });
        if (batch.length === 10_000) {
          reports += (await store.reports.ingest(batch)).accepted;
          batch = [];
        }
      }
      reports += (await store.reports.ingest(batch)).accepted;
      if (i % 10 === 9) log(`  seeded ${i + 1}/${NODES} nodes: ${reports} reports`);
    }
  } finally {
    await store.close();
  }

  const service = await startService(database.url, { STALE_AFTER_SECONDS: String(STALE_SECONDS) });
  try {
    const url = `${SERVICE_URL}/bucket/${bucketId}/report`;
    const iso = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
    const year = JSON.stringify({ from: iso(today - DAYS), to: iso(today - 1) });
    const month = JSON.stringify({ from: iso(today - 60), to: iso(today - 31) });
    const monthMs = await timed(url, month);
    const firstMs = await timed(url, year);
    const again: number[] = [];
    for (let i = 0; i < 5; i++) again.push(await timed(url, year));
    const keptMs = again.sort((a, b) => a - b)[2] as number;
    return { reports, firstMs, keptMs, monthMs };
  } finally {
    await service.stop();
  }
}
