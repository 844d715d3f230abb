import type { IncomingMessage, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { buildApp } from './app.js';
import { resolveOperatorToken } from './auth/operator-token.js';
import { envToConfig, exitOnConfigError, readEnv } from './config/config.js';
import { scheduleRawRetention } from './store/raw-retention.js';
import { openServiceStore } from './ingest/service-store.js';

// The only file that listens: reads the environment once, opens the store,
// serves, and closes cleanly on SIGINT/SIGTERM.

// V8 lets the old generation grow by up to 4 times what survived the last full collection before the next
// one, and under steady ingest what it holds then is mostly garbage: requests in flight when a young
// collection ran, moved up and dead a moment later. 1.3 times took the ingest peak from 259 to 151 MB on
// PostgreSQL at the same rate; it costs tail latency where the heap is large (100 000 series: stats p99 in the
// service 74 -> 220 ms), a trade BENCHMARKS.md measures. Read at each collection, so set here rather than on
// every node command line; one that sets it wins (README, Operations).
if (!process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) setFlagsFromString('--heap-growing-percent=30');

async function main(): Promise<void> {
  const config = exitOnConfigError(() => envToConfig(readEnv()));
  const log = (message: string): void =>
    void process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: message })}\n`);
  let store;
  try {
    store = await openServiceStore({ databaseUrl: config.databaseUrl, staleAfterMs: config.staleAfterSeconds * 1000, log });
  } catch (error) {
    process.stderr.write(
      `cannot open the store (${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}): ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
  const operatorToken = resolveOperatorToken(config.adminToken, config.dataDir, log);
  const app = await buildApp({ config, store, operatorToken, logger: { level: config.logLevel } });
  const stopRetention = scheduleRawRetention(store.db, config.rawRetentionDays, Date.now, (message) => app.log.info(message));

  let closing = false;
  // server.close() closes only the connections idle at that moment: a
  // keep-alive connection whose request finishes during the shutdown would
  // hold the exit for keepAliveTimeout (72 s). Close each once it is idle.
  app.server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.once('finish', () => {
      if (closing) setImmediate(() => app.server.closeIdleConnections());
    });
  });
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing in-flight requests`);
    stopRetention();
    app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
