import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { openServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS } from '../src/time/instant.js';
import { startChild } from './child-process.js';
import { startService, SERVICE_URL } from './bench-service.js';
import { BENCH_DATA_DIR, freshDatabase } from './fresh-database.js';
import { load, type LoadResult } from './http-load.js';
import { signedIngestLoad, type IngestLoadResult } from './ingest-load.js';
import { insertBaseline } from './insert-baseline.js';
import {
  alertsRows,
  deleteUnderLoadRow,
  ingestRow,
  writeBenchmarkRow,
  type IngestFigures,
  writeBenchmarks,
  yearReportRow,
  type StoreFigures,
} from './benchmarks-file.js';
import { deleteUnderLoad, type DeleteUnderLoadFigures } from './delete-under-load.js';
import { INGEST_NODES, seedHistory, USER_TOKEN, type Seeded } from './seed-history.js';
import { startLiveReporters } from './live-reporters.js';
import { yearReport } from './year-report.js';
import { ensureWrk } from './wrk-load.js';
import { scaleBench } from './scale-bench.js';
import { writeScaleSection } from './scale-table.js';
import { alertBench, type AlertFigures } from './alert-bench.js';

const { values: options } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite,postgres' },
    seconds: { type: 'string', default: '10' },
    'ingest-seconds': { type: 'string', default: '20' },
    'soak-seconds': { type: 'string', default: '60' },
    // One figure alone: 'delete-under-load', 'ingest', 'year-report' or 'alerts' (its rows put into
    // BENCHMARKS.md as it stands).
    only: { type: 'string' },
    // The million-series bench alone (issue 16, item 3): npm run bench -- --scale [--series 10000,100000] [--minutes 10].
    scale: { type: 'boolean', default: false },
    series: { type: 'string', default: '10000,100000,1000000' },
    minutes: { type: 'string', default: '10' },
  },
});
const SECONDS = Number(options.seconds);
const INGEST_SECONDS = Number(options['ingest-seconds']);
const SOAK_SECONDS = Number(options['soak-seconds']);
const BARE_PORT = 4311;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function bareBaseline(body: string, seconds: number): Promise<number> {
  const bare = await startChild(['--import', 'tsx', 'bench/bare-server.ts', String(BARE_PORT), body], {});
  try {
    const result = await load({ url: `http://127.0.0.1:${BARE_PORT}/`, method: 'POST', body: '{"day":"x"}', seconds });
    return result.requestsPerSecond;
  } finally {
    await bare.stop();
  }
}

// This machine's speed drifts by a third within a minute (other tenants):
// the service and its baseline alternate in short rounds, and the round
// with the median ratio is reported.
const ROUNDS = 3;

/** The round whose ratio to its baseline is the median one. */
function medianRound<T>(rounds: T[], ratio: (round: T) => number): T {
  return [...rounds].sort((a, b) => ratio(a) - ratio(b))[Math.floor(rounds.length / 2)] as T;
}

async function versusBare(
  bytes: string,
  measure: (seconds: number) => Promise<LoadResult>,
): Promise<LoadResult & { baseline: number; rounds: number[] }> {
  const seconds = Math.max(1, Math.round(SECONDS / 2));
  const rounds: Array<LoadResult & { baseline: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const baseline = await bareBaseline(bytes, seconds);
    rounds.push({ ...(await measure(seconds)), baseline });
  }
  const ratio = (r: LoadResult & { baseline: number }): number => r.requestsPerSecond / r.baseline;
  return {
    ...medianRound(rounds, ratio),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    rounds: rounds.map(ratio),
  };
}

async function timeOne(url: string, body: string): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${USER_TOKEN}` },
    body,
  });
  await response.text();
  if (response.status !== 200) throw new Error(`stats answered ${response.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Deleting a bucket of a million reports under load (`deleteUnderLoad`), on a store of its own. */
async function benchDeleteUnderLoad(kind: string): Promise<DeleteUnderLoadFigures> {
  log(`\n== ${kind}: deleting a bucket under load ==`);
  const database = await freshDatabase(kind);
  return deleteUnderLoad(database.url, () => startService(database.url), SERVICE_URL, log);
}

/** Alerts under load (`alertBench`) on a fresh store of `kind`. */
async function benchAlerts(kind: string): Promise<AlertFigures> {
  log(`\n== ${kind}: alerts ==`);
  const database = await freshDatabase(kind);
  return alertBench(database.url, (env) => startService(database.url, env), SERVICE_URL, INGEST_SECONDS, log);
}

/**
 * Signed ingest into the running service, in ROUNDS rounds of a third of
 * the time each, alternating with the plain-INSERT baseline; the median
 * round's figures, as for the HTTP figures.
 */
async function ingestRounds(kind: string, databaseUrl: string, seeded: Seeded): Promise<IngestFigures> {
  const rounds: Array<IngestLoadResult & { baseline: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const run = await signedIngestLoad(
      SERVICE_URL,
      seeded.nodes.slice(0, INGEST_NODES),
      seeded.ingestBuckets,
      INGEST_SECONDS / ROUNDS,
    );
    const baseline = await insertBaseline(kind as 'sqlite' | 'postgres', databaseUrl, Math.min(INGEST_SECONDS / ROUNDS, 5));
    rounds.push({ ...run, baseline });
  }
  const ratio = (r: IngestLoadResult & { baseline: number }): number => r.entriesPerSecond / r.baseline;
  return {
    ...medianRound(rounds, ratio),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    rounds: rounds.map(ratio),
  };
}

/** The ingest figure alone, on a store seeded with one day of history instead of thirty. */
async function benchIngest(kind: string): Promise<IngestFigures> {
  log(`\n== ${kind}: ingest ==`);
  const database = await freshDatabase(kind);
  const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
  const seeded = await seedHistory(store, Date.now(), log, 1);
  await store.close();
  const service = await startService(database.url);
  try {
    return await ingestRounds(kind, database.url, seeded);
  } finally {
    await service.stop();
  }
}

async function benchStore(kind: string): Promise<Omit<StoreFigures, 'deleteUnderLoad' | 'yearReport' | 'alerts'>> {
  log(`\n== ${kind} ==`);
  const database = await freshDatabase(kind);
  const now = Date.now();
  let seeded: Seeded;
  {
    const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
    log('seeding 50 nodes × 30 days × 1 report a minute');
    seeded = await seedHistory(store, now, log);
    await store.close();
  }
  const storageBytesPerMillion = ((await database.bytes()) / seeded.reports) * 1e6;

  const service = await startService(database.url);
  try {
    const base = SERVICE_URL;
    const statsUrl = (bucket: string) => `${base}/bucket/${bucket}/stats`;
    const day = (offset: number): string => new Date(now - offset * DAY_MS).toISOString().slice(0, 10);
    const headers = { authorization: `Bearer ${USER_TOKEN}` };

    // History independence first, while nothing is cached.
    await timeOne(statsUrl(seeded.sparseBucket), JSON.stringify({ day: day(20) }));
    await timeOne(statsUrl(seeded.denseBucket), JSON.stringify({ day: day(20) }));
    const sparse: number[] = [];
    const dense: number[] = [];
    for (let offset = 3; offset < 10; offset++) {
      sparse.push(await timeOne(statsUrl(seeded.sparseBucket), JSON.stringify({ day: day(offset) })));
      dense.push(await timeOne(statsUrl(seeded.denseBucket), JSON.stringify({ day: day(offset) })));
    }

    const logRss = (phase: string): void =>
      log(
        `  after ${phase}: RSS ${Math.round(service.rss() / 2 ** 20)} MB, peak so far ${Math.round(service.peakRss() / 2 ** 20)} MB`,
      );
    logRss('history independence');
    log('closed day');
    const closedBody = JSON.stringify({ day: day(1) });
    const closedBytes = await (
      await fetch(statsUrl(seeded.denseBucket), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: closedBody,
      })
    ).text();
    const closed = await versusBare(closedBytes, (seconds) =>
      load({ url: statsUrl(seeded.denseBucket), method: 'POST', body: closedBody, headers, seconds }),
    );

    logRss('closed day');
    log('current day, reports arriving');
    const reporters = startLiveReporters(base, seeded.nodes, seeded.denseBucket);
    const todayBody = JSON.stringify({ day: day(0) });
    const todayBytes = await (
      await fetch(statsUrl(seeded.denseBucket), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: todayBody,
      })
    ).text();
    const today = await versusBare(todayBytes, (seconds) =>
      load({ url: statsUrl(seeded.denseBucket), method: 'POST', body: todayBody, headers, seconds }),
    );
    const live = (await reporters.stop()).sent;

    logRss('current day');
    log('ingest');
    const ingest = await ingestRounds(kind, database.url, seeded);
    logRss('ingest');

    log('soak: steady mixed ingest and queries');
    const soakReporters = startLiveReporters(base, seeded.nodes, seeded.denseBucket);
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(service.rss()), 1000);
    const [soakToday, soakPast] = await Promise.all([
      load({
        url: statsUrl(seeded.denseBucket),
        method: 'POST',
        body: todayBody,
        headers,
        seconds: SOAK_SECONDS,
        connections: 4,
        rate: 100,
      }),
      load({
        url: statsUrl(seeded.sparseBucket),
        method: 'POST',
        body: closedBody,
        headers,
        seconds: SOAK_SECONDS,
        connections: 4,
        rate: 200,
      }),
    ]);
    clearInterval(sampler);
    const soakReports = (await soakReporters.stop()).sent;
    logRss('soak');
    const tenth = Math.max(1, Math.floor(rssSamples.length / 10));
    const soak = {
      seconds: SOAK_SECONDS,
      queries: Math.round((soakToday.requestsPerSecond + soakPast.requestsPerSecond) * SOAK_SECONDS),
      reports: soakReports,
      errors: soakToday.errors + soakToday.non2xx + soakPast.errors + soakPast.non2xx,
      rssEarlyBytes: median(rssSamples.slice(tenth, 2 * tenth)),
      rssLateBytes: median(rssSamples.slice(-tenth)),
    };

    return {
      kind,
      reports: seeded.reports,
      soak,
      closed: { ...closed, bytes: closedBytes.length },
      today: { ...today, bytes: todayBytes.length, liveReports: live },
      history: { sparseMedianMs: median(sparse), denseMedianMs: median(dense) },
      ingest,
      peakRssBytes: service.peakRss(),
      storageBytesPerMillion,
    };
  } finally {
    await service.stop();
  }
}

const kinds = (options.store ?? '').split(',');
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
if (options.scale) {
  const sizes = (options.series ?? '').split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 10))
    throw new Error(`--series takes counts of series, not ${options.series}`);
  for (const kind of kinds) {
    for (const series of sizes) {
      // Each row is written as soon as it is measured: a long run stopped midway keeps what it measured.
      const table = writeScaleSection('BENCHMARKS.md', [await scaleBench(kind, series, Number(options.minutes), log)], {
        command,
        machine,
      });
      process.stdout.write(`${table}\n`);
    }
  }
} else if (options.only === 'alerts') {
  for (const kind of kinds) {
    for (const row of alertsRows(await benchAlerts(kind))) {
      writeBenchmarkRow('BENCHMARKS.md', kind, row);
      process.stdout.write(`${kind}: | ${row.join(' | ')} |\n`);
    }
  }
} else {
  ensureWrk(log);
  if (options.only === 'delete-under-load') {
    for (const kind of kinds) {
      const row = deleteUnderLoadRow(await benchDeleteUnderLoad(kind));
      writeBenchmarkRow('BENCHMARKS.md', kind, row);
      process.stdout.write(`${kind}: | ${row.join(' | ')} |\n`);
    }
  } else if (options.only === 'ingest') {
    for (const kind of kinds) {
      const row = ingestRow(kind, await benchIngest(kind));
      writeBenchmarkRow('BENCHMARKS.md', kind, row);
      process.stdout.write(`${kind}: | ${row.join(' | ')} |\n`);
    }
  } else if (options.only === 'year-report') {
    for (const kind of kinds) {
      const row = yearReportRow(await yearReport(kind, log));
      writeBenchmarkRow('BENCHMARKS.md', kind, row);
      process.stdout.write(`${kind}: | ${row.join(' | ')} |\n`);
    }
  } else if (options.only !== undefined) {
    throw new Error(`--only takes delete-under-load, ingest, year-report or alerts, not ${JSON.stringify(options.only)}`);
  } else {
    const figures: StoreFigures[] = [];
    for (const kind of kinds) {
      figures.push({
        ...(await benchStore(kind)),
        deleteUnderLoad: await benchDeleteUnderLoad(kind),
        yearReport: await yearReport(kind, log),
        alerts: await benchAlerts(kind),
      });
    }
    const table = writeBenchmarks('BENCHMARKS.md', figures, { command, machine });
    process.stdout.write(`${table}\n`);
  }
}
rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
