// Where ingest's time and memory go: the bench's ingest load (16 nodes sending signed 100-entry requests) for
// a few seconds against the service as `npm start` runs it, on a store seeded with one day, and meanwhile
// the machine's busy share (/proc/stat), each thread's CPU (/proc/<pid>/task/*/stat: the main thread, the
// SQLite writer thread, V8's helpers), the memory at its peak (/proc/<pid>/smaps_rollup and the service's
// /metrics every 250 ms) and how long a request waited in the service (its /metrics histogram, p50 and p99).
// `node --import tsx bench/ingest-probe.ts [sqlite|postgres] [seconds]` (not in `npm run bench`; builds nothing:
// run `npm run build` first). BENCH_SERVICE_NODE_ARGS passes flags to the service's node (bench-service.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { openServiceStore } from '../src/ingest/service-store.js';
import { startService, SERVICE_URL } from './bench-service.js';
import { statCpuSeconds } from './child-process.js';
import { freshDatabase } from './fresh-database.js';
import { signedIngestLoad } from './ingest-load.js';
import { INGEST_NODES, seedHistory } from './seed-history.js';
import { histogramQuantileMs, serviceHistogram } from './service-histogram.js';

const kind = process.argv[2] ?? 'sqlite';
const seconds = Number(process.argv[3] ?? 10);
const mb = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/** CPU seconds of each thread of `pid`, by thread id. */
function threadCpu(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) cpu.set(Number(tid), statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
  return cpu;
}

/** Idle and total jiffies of the whole machine. */
function machineJiffies(): { idle: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.reduce((sum, v) => sum + v, 0) };
}

/** The process's memory now: resident (anonymous and file-backed) from the kernel, the V8 heap from /metrics. */
async function memory(pid: number): Promise<{ rss: number; text: string }> {
  const metrics = await (await fetch(`${SERVICE_URL}/metrics`)).text();
  const metric = (pattern: string): number => Number(new RegExp(`^${pattern} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kernel = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
  const rss = kernel('Rss');
  const anonymous = kernel('Anonymous');
  const heap = [
    `used ${mb(metric('nodejs_heap_size_used_bytes'))} of ${mb(metric('nodejs_heap_size_total_bytes'))}`,
    `old space ${mb(metric('nodejs_heap_space_size_used_bytes\\{space="old"\\}'))}`,
    `new space ${mb(metric('nodejs_heap_space_size_used_bytes\\{space="new"\\}'))}`,
  ].join(', ');
  const text = `RSS ${mb(rss)} (anonymous ${mb(anonymous)}, from files ${mb(rss - anonymous)}); main V8 heap ${heap}; external ${mb(metric('nodejs_external_memory_bytes'))}`;
  return { rss, text };
}

const database = await freshDatabase(kind);
const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
const seeded = await seedHistory(store, Date.now(), () => {}, 1);
await store.close();
const service = await startService(database.url);
const pid = service.process.pid as number;
try {
  process.stdout.write(`idle: ${(await memory(pid)).text}\n`);
  let peak = { rss: 0, text: '' };
  const sampler = setInterval(() => {
    void memory(pid).then(
      (now) => void (now.rss > peak.rss && (peak = now)),
      () => {},
    );
  }, 250);
  const machineBefore = machineJiffies();
  const cpuBefore = threadCpu(pid);
  const answeredBefore = await serviceHistogram(SERVICE_URL, 'POST', '/node/status');
  const started = Date.now();
  const load = await signedIngestLoad(SERVICE_URL, seeded.nodes.slice(0, INGEST_NODES), seeded.ingestBuckets, seconds);
  const wall = (Date.now() - started) / 1000;
  const cpuAfter = threadCpu(pid);
  const machineAfter = machineJiffies();
  clearInterval(sampler);

  const busy = 1 - (machineAfter.idle - machineBefore.idle) / (machineAfter.total - machineBefore.total);
  const threads = [...cpuAfter]
    .map(([tid, cpu]) => ({ tid, cores: (cpu - (cpuBefore.get(tid) ?? 0)) / wall }))
    .filter((t) => t.cores >= 0.01)
    .sort((a, b) => b.cores - a.cores)
    .map((t) => `${t.tid === pid ? 'main' : `thread ${t.tid}`} ${t.cores.toFixed(2)}`);
  const answered = await serviceHistogram(SERVICE_URL, 'POST', '/node/status');
  const inService = (q: number): string => histogramQuantileMs(answeredBefore, answered, q).toFixed(1);
  const roundTrip = (INGEST_NODES * wall * 1000) / load.requests;
  process.stdout.write(
    [
      `${kind}: ${Math.round(load.entriesPerSecond)} entries/s for ${seconds} s (${load.requests} requests, ${load.failures} failed)`,
      `machine busy ${(busy * 100).toFixed(0)} % of its ${cpus().length} cores; cores used by the service's threads: ${threads.join(', ')}; load generator ${load.generatorCores.toFixed(2)}`,
      `a request: ${inService(0.5)} / ${inService(0.99)} ms in the service (p50 / p99) of a ${roundTrip.toFixed(1)} ms round trip (mean)`,
      `peak: ${peak.text}; VmHWM ${mb(service.peakRss())}`,
      '',
    ].join('\n'),
  );
} finally {
  await service.stop();
}
