import { mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join, parse, relative, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { resolveOperatorToken } from '../auth/operator-token.js';
import { envToConfig } from '../config/config.js';
import { openServiceStore, type ServiceStore } from '../ingest/service-store.js';
import { demoTimeline, type DemoTimeline } from './demo-behaviour.js';
import { importHistory, importUpgrade, type HistoryResult } from './demo-history.js';
import { startLiveFleet, type LiveFleet } from './demo-live.js';
import { startDemoAlerts, type DemoAlerts } from './demo-alerts.js';
import { addDemoMaintenance } from './demo-maintenance.js';
import { createDemoAccount, type DemoAccount } from './demo-setup.js';

export interface DemoOptions {
  /** The demo's own directory: deleted and made again at start (operator token, agent buffers, the embedded store). */
  dataDir: string;
  /** Default `sqlite:<dataDir>/flashback.db`; a PostgreSQL URL is used as it is, never emptied. */
  databaseUrl?: string;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** The operator's token; null or absent: generated into `<dataDir>/operator-token`. */
  adminToken?: string | null;
  historyDays: number;
  /** One report per node and bucket every `historyStepMs` in the history. */
  historyStepMs: number;
  /** Between two live reports of one node. */
  liveIntervalMs: number;
  /** The demo rule's hold-down before node.down (default 60 s: a flap of minutes alerts, one lost report does not). */
  alertForSeconds?: number;
  /** When the flapping node's first live flap begins, from the start (default 60 s). */
  firstFlapInMs?: number;
  /** The service's log level (Fastify); default `warn`, so the console shows the demo's lines. */
  logLevel?: string;
  /** The demo's progress lines. */
  log?: (line: string) => void;
  /** Aborted while starting: the demo stops what it started and rejects with the abort reason. */
  signal?: AbortSignal;
}

/** A running demo: where it is, what it made, and how to stop it. */
export interface DemoHandle extends DemoAccount {
  /** The service's base URL, without a trailing slash. */
  url: string;
  /** Where the operator's token is: a file path, or the environment variable that holds it. */
  operatorTokenSource: string;
  timeline: DemoTimeline;
  history: HistoryResult;
  /** The local webhook receiver and the channel and rule that feed it. */
  alerts: DemoAlerts;
  /** Stops the live senders, then closes the service and the store. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Refuses to delete a directory that is obviously not the demo's own. */
function recreateDataDir(dataDir: string): void {
  const target = resolve(dataDir);
  const fromTarget = (place: string): string => relative(target, place);
  const holds = (place: string): boolean => !fromTarget(place).startsWith('..') && !isAbsolute(fromTarget(place));
  if (target === parse(target).root || holds(process.cwd()) || holds(homedir())) {
    throw new Error(`refusing to delete ${target} as the demo's data directory; choose a directory of its own`);
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
}

/** The address clients use: a wildcard listen address is reached on the loopback. */
function baseUrlOf(app: FastifyInstance, host: string): string {
  const { port } = app.server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Starts the demo in this process: the service (as `src/server.ts` does,
 * with the demo's settings) on a fresh store, a demo user and workspace
 * with two buckets, eight simulated bridge nodes with `historyDays` of
 * imported history, then the nodes live, each a real agent sending signed
 * reports. Everything goes through the HTTP API.
 *
 * @example
 * const demo = await startDemo({ dataDir: './data/demo', port: 3000, host: '127.0.0.1', historyDays: 30, historyStepMs: 60_000, liveIntervalMs: 5000 });
 * console.log(`${demo.url}/ token ${demo.token}`);
 * await demo.stop();
 */
export async function startDemo(options: DemoOptions): Promise<DemoHandle> {
  const log = options.log ?? (() => undefined);
  recreateDataDir(options.dataDir);
  const config = envToConfig({
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(options.dataDir, 'flashback.db')}`,
    PORT: String(options.port),
    HOST: options.host,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...(options.adminToken && { FLASHBACK_ADMIN_TOKEN: options.adminToken }),
    // The demo's webhook receiver listens on the loopback, which alerts.md refuses unless told otherwise.
    ALERT_ALLOW_PRIVATE_TARGETS: '1',
    ...(options.port !== 0 && {
      DASHBOARD_URL: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}/`,
    }),
  });
  const store: ServiceStore = await openServiceStore({
    databaseUrl: config.databaseUrl,
    staleAfterMs: config.staleAfterSeconds * 1000,
    log,
  });
  let app: FastifyInstance | undefined;
  let live: LiveFleet | undefined;
  let alerts: DemoAlerts | undefined;
  let stopped: Promise<void> | undefined;
  let closing = false;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await live?.stop();
      closing = true;
      await app?.close();
      await store.close();
      await alerts?.close();
    })());

  try {
    const operatorToken = resolveOperatorToken(config.adminToken, config.dataDir, () => undefined);
    app = await buildApp({ config, store, operatorToken, logger: { level: config.logLevel } });
    const { server } = app;
    // As in server.ts: close() drops only the connections idle at that moment, and a
    // dashboard's keep-alive connection whose request ends during the stop would hold
    // the exit for keepAliveTimeout; close each one as soon as it is idle.
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      response.once('finish', () => closing && setImmediate(() => server.closeIdleConnections()));
    });
    await app.listen({ port: config.port, host: config.host });
    const url = baseUrlOf(app, config.host);
    const timeline = demoTimeline(Date.now(), options.historyDays, options.firstFlapInMs);
    options.signal?.throwIfAborted();

    const account = await createDemoAccount(url, operatorToken, Date.now());
    log(`created the demo user, workspace, ${account.buckets.length} buckets and ${account.nodes.length} nodes`);
    const upgraded = account.nodes.find((node) => node.trait === 'upgraded');
    if (upgraded) await importUpgrade(url, operatorToken, upgraded, timeline.upgradeAt);
    const history = await importHistory({
      baseUrl: url,
      operatorToken,
      nodes: account.nodes,
      buckets: account.buckets,
      timeline,
      days: options.historyDays,
      stepMs: options.historyStepMs,
      now: Date.now,
      log,
      ...(options.signal && { signal: options.signal }),
    });
    log(`history: ${history.reports} reports imported in ${(history.elapsedMs / 1000).toFixed(1)} s`);
    await addDemoMaintenance(url, operatorToken, account, timeline, options.historyDays);
    alerts = await startDemoAlerts(url, account, options.alertForSeconds ?? 60, log);
    options.signal?.throwIfAborted();

    live = await startLiveFleet({
      baseUrl: url,
      nodes: account.nodes,
      buckets: account.buckets,
      timeline,
      intervalMs: options.liveIntervalMs,
      bufferDir: join(config.dataDir, 'agent-buffers'),
      log,
    });
    const operatorTokenSource = config.adminToken === null ? join(config.dataDir, 'operator-token') : 'FLASHBACK_ADMIN_TOKEN';
    return { ...account, url, operatorTokenSource, timeline, history, alerts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
