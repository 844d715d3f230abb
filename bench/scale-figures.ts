import { quantile, type PacedSample } from './paced-load.js';
import type { IngestSample, SteadyIngestRun } from './steady-ingest.js';

/** How long after it was due a request may be answered and still count as on time. */
export const ON_TIME_MS = 5_000;
/** The share of requests that must be on time, in the whole run and in its last fifth. */
export const ON_TIME_SHARE = 0.99;

export interface IngestFigures {
  /** The rate was held: see `ingestFigures`. */
  held: boolean;
  targetEntriesPerSecond: number;
  /** Entries stored per second over the run (acknowledged by 200 answers). */
  storedEntriesPerSecond: number;
  requests: number;
  /** Requests refused, failed or never answered. */
  failed: number;
  /** Shares of requests answered within `ON_TIME_MS` of being due: the whole run, its last fifth. */
  onTime: number;
  onTimeLastFifth: number;
  /** Answer time counted from when the request was due, so that a backlog shows. */
  p50Ms: number;
  p99Ms: number;
  maxInFlight: number;
}

export interface LatencyFigures {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

/** One (store, series count) run of `npm run bench -- --scale`. */
export interface ScaleFigures {
  kind: string;
  series: number;
  buckets: number;
  minutes: number;
  /** The machine's 1-minute load average when the steady phase began (other tenants of its cores). */
  loadAverage: number;
  seededReports: number;
  seedSeconds: number;
  ingest: IngestFigures;
  stats: LatencyFigures;
  /**
   * The same calls as the service timed them (its `/metrics` histogram, interpolated within buckets): without
   * the load generator's delays, which shares its event loop with the signing of the ingest.
   */
  statsInService: { p50Ms: number; p99Ms: number };
  /** How much of a core the bench process (signing the ingest, sending the stats calls) used during the run. */
  generatorCores: number;
  rss: { startBytes: number; endBytes: number; peakBytes: number };
  storeBytes: number;
  /** Reports in the store after the run: seeded and ingested. */
  reports: number;
}

const onTimeShare = (samples: readonly IngestSample[]): number =>
  samples.length === 0 ? 1 : samples.filter((s) => s.answeredAt - s.scheduledAt <= ON_TIME_MS).length / samples.length;

/**
 * The steady ingest's figures. The rate is held when every request was
 * answered 200 with all its entries stored, and at least 99 % of the
 * requests were answered within 5 s of being due, both over the whole run
 * and over its last fifth (a backlog that grows shows there first).
 *
 * @example
 * const figures = ingestFigures(run, 1_000_000 / 60, 600);
 */
export function ingestFigures(run: SteadyIngestRun, targetEntriesPerSecond: number, seconds: number): IngestFigures {
  const { samples } = run;
  const firstDue = Math.min(...samples.map((s) => s.scheduledAt));
  const lastDue = Math.max(...samples.map((s) => s.scheduledAt));
  const lastFifth = samples.filter((s) => s.scheduledAt >= lastDue - (lastDue - firstDue) / 5);
  const failed = samples.filter((s) => s.accepted === null || s.accepted < s.entries).length;
  const latencies = samples.map((s) => s.answeredAt - s.scheduledAt);
  const onTime = onTimeShare(samples);
  const onTimeLastFifth = onTimeShare(lastFifth);
  return {
    held: failed === 0 && onTime >= ON_TIME_SHARE && onTimeLastFifth >= ON_TIME_SHARE,
    targetEntriesPerSecond,
    storedEntriesPerSecond: samples.reduce((sum, s) => sum + (s.accepted ?? 0), 0) / seconds,
    requests: samples.length,
    failed,
    onTime,
    onTimeLastFifth,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxInFlight: Math.max(0, ...run.inFlight),
  };
}

/** The stats calls' figures: errors are answers other than 2xx. */
export function latencyFigures(samples: readonly PacedSample[]): LatencyFigures {
  const latencies = samples.map((s) => s.latencyMs);
  return {
    count: samples.length,
    errors: samples.filter((s) => s.status < 200 || s.status >= 300).length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}
