import { loadavg } from 'node:os';
import { openServiceStore } from '../src/ingest/service-store.js';
import { SERVICE_URL, startService } from './bench-service.js';
import { USER_TOKEN } from './bench-fleet.js';
import { freshDatabase } from './fresh-database.js';
import { pacedLoadProcess } from './paced-load-process.js';
import { ingestFigures, latencyFigures, type ScaleFigures } from './scale-figures.js';
import { seedScale, SCALE_NODES } from './scale-seed.js';
import { histogramQuantileMs, serviceHistogram } from './service-histogram.js';
import { steadyIngest } from './steady-ingest.js';

/** Stats calls a second during the steady ingest, each for a random bucket's current day. */
export const SCALE_STATS_PER_SECOND = 200;

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/**
 * One run of the scale bench (issue 16, item 3) on a fresh store of
 * `kind`: seeds `series` series (`seedScale`), starts the built service,
 * and for `minutes` has every series report once a minute
 * (`steadyIngest`) while random buckets' current day is asked 200 times a
 * second; then measures the store on disk.
 *
 * @example
 * const figures = await scaleBench('sqlite', 10_000, 1, console.error);
 */
export async function scaleBench(
  kind: string,
  series: number,
  minutes: number,
  log: (line: string) => void,
): Promise<ScaleFigures> {
  log(`\n== scale: ${kind}, ${series} series (${series / SCALE_NODES} buckets × ${SCALE_NODES} nodes), ${minutes} min ==`);
  const database = await freshDatabase(kind);
  const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
  const seeded = await seedScale(store, series, Date.now()).finally(() => store.close());
  log(
    `seeded ${seeded.reports} reports in ${seeded.seedSeconds.toFixed(0)} s (${Math.round(seeded.reports / seeded.seedSeconds)} reports/s)`,
  );

  const service = await startService(database.url);
  try {
    const startBytes = service.rss();
    log(
      `service started, RSS ${mib(startBytes)}; ${minutes} min of steady ingest (${Math.round(series / 60)} entries/s) and stats calls`,
    );
    const rssSamples: number[] = [];
    let exited = false;
    const sampler = setInterval(() => {
      try {
        rssSamples.push(service.rss());
      } catch {
        exited = true; // its /proc entry is gone
      }
    }, 1000);
    const day = new Date().toISOString().slice(0, 10);
    const bucketUrls = seeded.buckets.map((bucketId) => `${SERVICE_URL}/bucket/${bucketId}/stats`);
    const STATS_ROUTE = '/bucket/:bucketId/stats';
    const answeredBefore = await serviceHistogram(SERVICE_URL, 'POST', STATS_ROUTE);
    const loadAverage = loadavg()[0] ?? NaN;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // The stats calls from a process of their own: this one signs the ingest, and its event loop, busy with
    // that, held their timings back (stats p99 204 ms here against 18.9 ms as the service timed them).
    const stats = await pacedLoadProcess(
      bucketUrls,
      JSON.stringify({ day }),
      { authorization: `Bearer ${USER_TOKEN}` },
      SCALE_STATS_PER_SECOND,
    );
    const run = await steadyIngest(SERVICE_URL, seeded, minutes * 60_000);
    const statsSamples = await stats.stop();
    const answeredAfter = await serviceHistogram(SERVICE_URL, 'POST', STATS_ROUTE);
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    if (exited) throw new Error(`the service exited during the run (code ${service.process.exitCode})`);
    const ingest = ingestFigures(run, series / 60, minutes * 60);
    log(
      `ingest: rate ${ingest.held ? 'held' : 'NOT held'}, p50 ${ingest.p50Ms} ms, p99 ${ingest.p99Ms} ms, ` +
        `${ingest.failed}/${ingest.requests} failed; RSS end ${mib(rssSamples.at(-1) ?? 0)}, peak ${mib(service.peakRss())}`,
    );
    const endBytes = rssSamples.at(-1) ?? service.rss();
    const peakBytes = service.peakRss();
    await service.stop();
    const ingested = run.samples.reduce((sum, s) => sum + (s.accepted ?? 0), 0);
    return {
      kind,
      series,
      buckets: seeded.buckets.length,
      minutes,
      loadAverage,
      seededReports: seeded.reports,
      seedSeconds: seeded.seedSeconds,
      ingest,
      stats: latencyFigures(statsSamples),
      statsInService: {
        p50Ms: histogramQuantileMs(answeredBefore, answeredAfter, 0.5),
        p99Ms: histogramQuantileMs(answeredBefore, answeredAfter, 0.99),
      },
      generatorCores: ((cpu.user + cpu.system) / 1000 + stats.cpuSeconds() * 1000) / elapsedMs,
      rss: { startBytes, endBytes, peakBytes },
      storeBytes: await database.bytes(),
      reports: seeded.reports + ingested,
    };
  } finally {
    await service.stop();
  }
}
