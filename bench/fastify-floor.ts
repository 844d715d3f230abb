// What Fastify itself costs on the closed-day load: a bare node:http server
// and a minimal Fastify route (same path shape, a JSON body schema, the same
// 12 KB answer from memory), each in a process of its own under the bench's
// autocannon load, alternated.
// `node --import tsx bench/fastify-floor.ts [seconds] [rounds]`
import Fastify from 'fastify';
import { startChild } from './child-process.js';
import { load } from './http-load.js';

const BARE_PORT = 4312;
const FASTIFY_PORT = 4313;
const body = JSON.stringify({ success: true, nodeStats: [], padding: 'x'.repeat(12_000) });

if (process.argv[2] === 'serve') {
  const payload = Buffer.from(body);
  const app = Fastify({ logger: false });
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
  const [seconds = '5', rounds = '3'] = process.argv.slice(2);
  const request = { method: 'POST' as const, body: '{"day":"x"}', seconds: Number(seconds) };
  for (let round = 0; round < Number(rounds); round++) {
    const bare = await startChild(['--import', 'tsx', 'bench/bare-server.ts', String(BARE_PORT), body], {});
    const b = await load({ url: `http://127.0.0.1:${BARE_PORT}/`, ...request });
    await bare.stop();
    const fastify = await startChild(['--import', 'tsx', 'bench/fastify-floor.ts', 'serve'], {});
    const f = await load({ url: `http://127.0.0.1:${FASTIFY_PORT}/bucket/b/stats`, ...request });
    await fastify.stop();
    process.stdout.write(
      `round ${round + 1}: bare ${Math.round(b.requestsPerSecond)} req/s, minimal Fastify ${Math.round(f.requestsPerSecond)} req/s, ratio ${(f.requestsPerSecond / b.requestsPerSecond).toFixed(2)}\n`,
    );
  }
}
