import { setTimeout as delay } from 'node:timers/promises';
import { HttpError } from '@flashback/bucket-stats-client';
import { CliError } from '../cli-errors.js';
import { serviceSaid } from '../service-failure.js';
import { flushBuffer, type FlushResult } from './buffer-flush.js';
import type { DiskBuffer } from './disk-buffer.js';
import type { NodeClient, NodeRegistration, StatusEntry } from './node-client.js';
import { probeStorage, type ProbeResult } from './probe.js';

/** A bucket the node serves, and the storage URL that shows whether it is reachable. */
export interface BucketProbe {
  bucketId: string;
  url: string;
}

export interface AgentSettings {
  registration: NodeRegistration;
  buckets: readonly BucketProbe[];
  intervalMs: number;
  probeTimeoutMs: number;
  /** At most 1000 (api.md); smaller in tests. */
  maxEntriesPerRequest?: number;
}

/** What the loop touches outside itself; tests pass a hand-moved clock and sleep. */
export interface AgentDeps {
  client: NodeClient;
  buffer: DiskBuffer;
  log: (line: string) => void;
  /** Aborted: finish the cycle in flight (its send bounded by `STOP_FLUSH_MS`), keep what is left buffered, return. */
  signal: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  probe?: (url: string, timeoutMs: number) => Promise<ProbeResult>;
}

export interface AgentSummary {
  cycles: number;
  sent: number;
  accepted: number;
  /** Entries still buffered when the loop ended. */
  buffered: number;
}

/**
 * How long a stopping agent may spend sending what it measured last: a
 * stop mid-cycle (a deploy, a reboot) should not leave the last minute's
 * entries waiting for the next start when the service is there to take them.
 */
export const STOP_FLUSH_MS = 3_000;

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);

function cycleLine(cycle: number, entries: readonly StatusEntry[], flush: FlushResult, buffered: number): string {
  const online = entries.filter((e) => e.status === 'ONLINE').length;
  const probed = `probed ${entries.length} buckets (${online} ONLINE, ${entries.length - online} OFFLINE)`;
  const sent = `sent ${flush.sent}, accepted ${flush.accepted}, duplicates ${flush.duplicates}, rejected ${flush.rejected}`;
  const failure = flush.failure ? `; not delivered: ${flush.failure}` : '';
  return `cycle ${cycle}: ${probed}; ${sent}, buffered ${buffered}${failure}`;
}

/**
 * The bridge-node agent: registers, then every interval probes each bucket's
 * storage, buffers the results on disk and sends the buffer (oldest first)
 * with signed `POST /node/status` requests. Runs until `deps.signal` aborts.
 * A registration the service calls malformed (400) stops it: its settings
 * are wrong; any other failure is retried on the next cycle.
 *
 * @example
 * await runAgent({ registration, buckets, intervalMs: 60_000, probeTimeoutMs: 5000 }, { client, buffer, log, signal });
 */
export async function runAgent(settings: AgentSettings, deps: AgentDeps): Promise<AgentSummary> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const probe = deps.probe ?? probeStorage;
  const { registration } = settings;
  const summary: AgentSummary = { cycles: 0, sent: 0, accepted: 0, buffered: deps.buffer.size };
  let registered = false;

  const register = async (): Promise<boolean> => {
    try {
      await deps.client.register(registration);
      deps.log(
        `registered node ${deps.client.nodeId}: ${registration.ip}, ${registration.region}, version ${registration.version}`,
      );
      return true;
    } catch (error) {
      if (error instanceof HttpError && error.status === 400) throw new CliError(`registration refused: ${serviceSaid(error)}`);
      deps.log(`registration failed (${serviceSaid(error)}); trying again next cycle`);
      return false;
    }
  };

  const probeAll = (): Promise<StatusEntry[]> =>
    Promise.all(
      settings.buckets.map(async ({ bucketId, url }) => {
        const createdAt = new Date(now()).toISOString();
        const { status, latencyMs } = await probe(url, settings.probeTimeoutMs);
        return { bucketId, status, latencyMs, createdAt };
      }),
    );

  while (!deps.signal.aborted) {
    const started = now();
    if (!registered) registered = await register();
    const entries = await probeAll();
    await deps.buffer.append(entries);
    // Stopped while probing: what was just measured is still sent, within STOP_FLUSH_MS.
    const flush = await flushBuffer(deps.client, deps.buffer, {
      ip: registration.ip,
      region: registration.region,
      log: deps.log,
      signal: deps.signal.aborted ? AbortSignal.timeout(STOP_FLUSH_MS) : deps.signal,
      ...(settings.maxEntriesPerRequest !== undefined && { maxEntriesPerRequest: settings.maxEntriesPerRequest }),
    });
    deps.log(cycleLine(summary.cycles, entries, flush, deps.buffer.size));
    summary.cycles++;
    summary.sent += flush.sent;
    summary.accepted += flush.accepted;
    if (deps.signal.aborted) break;
    await sleep(Math.max(0, started + settings.intervalMs - now()), deps.signal);
  }
  await deps.buffer.persist();
  summary.buffered = deps.buffer.size;
  return summary;
}
