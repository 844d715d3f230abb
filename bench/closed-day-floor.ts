// Where the closed-day ratio goes: the same wrk load (one thread, 32
// connections, the dense bucket's closed day) against a bare node:http server
// answering the service's bytes, a minimal Fastify route (a JSON body schema,
// the bytes from memory), that route logging a line per request as the
// service does at `info`, and the service itself at `info` and at `warn`,
// each in a process of its own, alternated in rounds. Each is asked for its
// requests per second and for the CPU it used per request, read from /proc
// (this machine's speed drifts within a minute; CPU per request drifts less).
// `node --import tsx bench/closed-day-floor.ts [seconds] [rounds]` (SQLite; not in `npm run bench`)
import Fastify from 'fastify';
import { openServiceStore } from '../src/ingest/service-store.js';
import { OneLineRequestLog } from '../src/http/request-log.js';
import { DAY_MS } from '../src/time/instant.js';
import { startService, SERVICE_URL } from './bench-service.js';
import { startChild, type Child } from './child-process.js';
import { freshDatabase } from './fresh-database.js';
import { seedHistory, USER_TOKEN } from './seed-history.js';
import { ensureWrk, wrkLoad } from './wrk-load.js';

const BARE_PORT = 4312;
const FASTIFY_PORT = 4313;

if (process.argv[2] === 'serve') {
  // argv: serve plain|logged <body>
  const payload = Buffer.from(process.argv[4] ?? '{}');
  const logged = process.argv[3] === 'logged';
  const app = Fastify({
    logger: logged ? { level: 'info' } : false,
    ...(logged ? { logController: new OneLineRequestLog() } : {}),
  });
  app.post(
    '/bucket/:bucketId/stats',
    { schema: { body: { type: 'object', required: ['day'], properties: { day: { type: 'string' } } } } },
    (_request, reply) => {
      reply.type('application/json; charset=utf-8').send(payload);
    },
  );
  await app.listen({ port: FASTIFY_PORT, host: '127.0.0.1' });
  process.stdout.write('ready\n');
} else {
  await compare(Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 3));
}

async function compare(seconds: number, rounds: number): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  ensureWrk(log);
  const database = await freshDatabase('sqlite');
  const now = Date.now();
  const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
  const seeded = await seedHistory(store, now, () => undefined, 2);
  await store.close();
  const body = JSON.stringify({ day: new Date(now - DAY_MS).toISOString().slice(0, 10) });
  const headers = { authorization: `Bearer ${USER_TOKEN}` };
  const statsUrl = `${SERVICE_URL}/bucket/${seeded.denseBucket}/stats`;
  const first = await startService(database.url);
  const answer = await fetch(statsUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  const bytes = await answer.text();
  await first.stop();
  log(`closed day of ${seeded.denseBucket}: ${bytes.length} bytes; ${seconds} s per arm after 2 s of warm-up`);

  const floor = (logged: boolean) => () =>
    startChild(['--import', 'tsx', 'bench/closed-day-floor.ts', 'serve', logged ? 'logged' : 'plain', bytes], {});
  const arms: Array<[name: string, start: () => Promise<Child>, url: string]> = [
    [
      'bare node:http',
      () => startChild(['--import', 'tsx', 'bench/bare-server.ts', String(BARE_PORT), bytes], {}),
      `http://127.0.0.1:${BARE_PORT}/`,
    ],
    ['minimal Fastify', floor(false), `http://127.0.0.1:${FASTIFY_PORT}/bucket/b/stats`],
    ['minimal Fastify, a log line per request', floor(true), `http://127.0.0.1:${FASTIFY_PORT}/bucket/b/stats`],
    ['the service, LOG_LEVEL=info', () => startService(database.url), statsUrl],
    ['the service, LOG_LEVEL=warn', () => startService(database.url, { LOG_LEVEL: 'warn' }), statsUrl],
  ];
  for (let round = 1; round <= rounds; round++) {
    let bare = 0;
    for (const [name, start, url] of arms) {
      const child = await start();
      try {
        await wrkLoad({ url, method: 'POST', body, headers, seconds: 2 });
        const before = child.cpuSeconds();
        const result = await wrkLoad({ url, method: 'POST', body, headers, seconds });
        const used = child.cpuSeconds() - before;
        if (result.errors + result.non2xx > 0) throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
        bare ||= result.requestsPerSecond;
        const perRequestUs = (used / (result.requestsPerSecond * seconds)) * 1e6;
        log(
          `round ${round}  ${name.padEnd(40)} ${String(Math.round(result.requestsPerSecond)).padStart(6)} req/s ` +
            `(${(result.requestsPerSecond / bare).toFixed(2)} of bare)  ${(used / seconds).toFixed(2)} cores  ${perRequestUs.toFixed(1)} µs CPU per request`,
        );
      } finally {
        await child.stop();
      }
    }
  }
}
