import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_STATUS_ENTRIES } from '../src/http/schemas/node-report-schemas.js';
import type { ScaleFleet } from './scale-seed.js';
import { postStatus, signStatus, type StatusEntry } from './signed-status.js';

/** One `POST /node/status` of the steady ingest: when it was due, when it was answered, and what it stored (null: refused or failed). */
export interface IngestSample {
  scheduledAt: number;
  /** Infinity: no answer before the drain time ran out. */
  answeredAt: number;
  entries: number;
  accepted: number | null;
}

export interface SteadyIngestRun {
  samples: IngestSample[];
  /** Requests due but not answered yet, once a second. */
  inFlight: number[];
}

const MINUTE = 60_000;
// After the last request is due, how long its answers are waited for.
const DRAIN_MS = 60_000;

/**
 * Every (node, bucket) series of `fleet` reports once a minute for
 * `durationMs`: each node sends its entries for all buckets every minute,
 * in signed requests of at most 1 000 entries, the requests of all nodes
 * spread evenly over the minute. The schedule is kept whatever the answers
 * (open loop: a slow service shows as a growing backlog and latency counted
 * from when each request was due), but a node sends its requests one after
 * the other, as the agent does: its replay guard only accepts increasing
 * timestamps, so requests of one node must not overtake each other.
 *
 * @example
 * const run = await steadyIngest('http://127.0.0.1:4310', seeded, 600_000);
 */
export async function steadyIngest(baseUrl: string, fleet: ScaleFleet, durationMs: number): Promise<SteadyIngestRun> {
  const { nodes, buckets } = fleet;
  const perNode = Math.ceil(buckets.length / MAX_STATUS_ENTRIES);
  const chunk = Math.ceil(buckets.length / perNode);
  const chunks = Array.from({ length: perNode }, (_, j) => buckets.slice(j * chunk, (j + 1) * chunk));
  // Slot s of the minute: node s % nodes, chunk floor(s / nodes).
  const slots = perNode * nodes.length;
  const samples: IngestSample[] = [];
  const chains = nodes.map(() => Promise.resolve());
  const lastTimestamp = nodes.map(() => 0);
  let due = 0;
  let answered = 0;

  let stopped = false;

  const send = async (n: number, bucketIds: string[], sample: IngestSample): Promise<void> => {
    const node = nodes[n];
    if (!node || stopped) return;
    const createdAt = new Date(sample.scheduledAt).toISOString();
    const entries: StatusEntry[] = bucketIds.map((bucketId, i) => ({
      bucketId,
      status: 'ONLINE',
      latencyMs: 20 + ((i + n) % 40),
      createdAt,
    }));
    const timestamp = Math.max(Date.now(), (lastTimestamp[n] ?? 0) + 1);
    lastTimestamp[n] = timestamp;
    const accepted = await postStatus(baseUrl, signStatus(node, timestamp, entries)).catch(() => null);
    sample.answeredAt = Date.now();
    sample.accepted = accepted;
    answered++;
  };

  const inFlight: number[] = [];
  const sampler = setInterval(() => inFlight.push(due - answered), 1000);
  const start = Date.now();
  for (let i = 0; ; i++) {
    const slot = i % slots;
    const scheduledAt = start + Math.floor(i / slots) * MINUTE + Math.floor((slot * MINUTE) / slots);
    if (scheduledAt >= start + durationMs) break;
    const wait = scheduledAt - Date.now();
    if (wait > 0) await sleep(wait);
    const n = slot % nodes.length;
    const bucketIds = chunks[Math.floor(slot / nodes.length)] ?? [];
    const sample: IngestSample = { scheduledAt, answeredAt: Infinity, entries: bucketIds.length, accepted: null };
    samples.push(sample);
    due++;
    chains[n] = (chains[n] as Promise<void>).then(() => send(n, bucketIds, sample));
  }
  // The run lasts its whole time (the stats calls alongside too), then the answers still due are waited for.
  await sleep(Math.max(0, start + durationMs - Date.now()));
  await Promise.race([Promise.all(chains), sleep(DRAIN_MS)]);
  clearInterval(sampler);
  // What is still queued is not sent; it stays unanswered (Infinity: too late).
  stopped = true;
  return { samples: samples.map((sample) => ({ ...sample })), inFlight };
}
