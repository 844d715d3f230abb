import { startChild, type Child } from './child-process.js';
import { BENCH_DATA_DIR } from './fresh-database.js';

// BENCH_PORT: another port, when two benches share a machine (4310 taken by the other's service
// would answer this one's /readyz).
const SERVICE_PORT = Number(process.env.BENCH_PORT ?? 4310);

/** Where the service started by `startService` listens. */
export const SERVICE_URL = `http://127.0.0.1:${SERVICE_PORT}`;

/**
 * The built service (`dist/server.js`) on `databaseUrl`, once it answers
 * /readyz, with the settings `npm start` uses and no rate limit, and `env` over them.
 *
 * @example
 * const service = await startService(database.url);
 * try { ... } finally { await service.stop(); }
 */
export function startService(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  // BENCH_SERVICE_NODE_ARGS: flags for the service's node alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  return startChild(
    [...nodeArgs, 'dist/server.js'],
    {
      DATABASE_URL: databaseUrl,
      PORT: String(SERVICE_PORT),
      FLASHBACK_ADMIN_TOKEN: 'bench-operator-token-0123456789',
      RATE_LIMIT_PER_MINUTE: '0',
      // As `npm start` runs it: a log line per request (src/http/request-log.ts).
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      DATA_DIR: BENCH_DATA_DIR,
      ...env,
    },
    `${SERVICE_URL}/readyz`,
  );
}
