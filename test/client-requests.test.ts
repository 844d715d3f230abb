import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AccessType,
  ApiClient,
  errorMessage,
  HttpError,
  isTransient,
  NodeStatusType,
  ServiceUnreachableError,
  UnexpectedAnswerError,
  withRetries,
} from '@flashback/bucket-stats-client';
import { closedPort } from './fixtures/cli/cli-harness.js';
import { httpError, rejectsWith } from './helpers/client-errors.js';

// The client's side of HTTP against a local server that answers what each
// test sets: what goes on the wire, and how each kind of answer (or its
// absence) comes back to the caller.

describe("the client's requests, and how it reads answers", () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  let server: Server;
  let base: string;
  let seen: Seen[] = [];
  const OK = { status: 200, statusText: 'OK', contentType: 'application/json', body: '{"success":true}' };
  /** What the server answers next; `silent`: nothing at all. */
  let answer: typeof OK | 'silent' = OK;
  let answerHeaders: Record<string, string> = {};

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { method = '', url = '', headers } = request;
        seen.push({ method, url, headers, body: Buffer.concat(chunks).toString('utf8') });
        if (answer === 'silent') return;
        response.writeHead(answer.status, answer.statusText, { 'content-type': answer.contentType, ...answerHeaders });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });
  beforeEach(() => {
    answer = OK;
    answerHeaders = {};
    seen = [];
  });

  /** The one request that `call` made. */
  async function requestOf(call: () => Promise<unknown>): Promise<Seen> {
    seen = [];
    await call();
    assert.equal(seen.length, 1);
    return seen[0] as Seen;
  }

  it('joins the path to the base URL with one slash; GET data is the query string, other data a JSON body', async () => {
    for (const baseURL of [base, `${base}/`]) {
      const client = new ApiClient(baseURL);
      const list = await requestOf(() => client.getStorageBuckets('w 1'));
      assert.deepEqual([list.method, list.url, list.body], ['GET', '/bucket?workspaceId=w+1', '']);
      assert.equal(list.headers['content-type'], undefined);
      assert.equal(list.headers.accept, 'application/json');
      assert.equal((await requestOf(() => client.getStorageBuckets())).url, '/bucket');
    }
    const client = new ApiClient(`${base}/api/`);
    const stats = await requestOf(() => client.getBucketNodeStats('b1', { day: new Date('2024-01-15T00:00:00Z') }));
    assert.deepEqual(
      [stats.method, stats.url, stats.body],
      ['POST', '/api/bucket/b1/stats', '{"day":"2024-01-15T00:00:00.000Z"}'],
    );
    assert.equal(stats.headers['content-type'], 'application/json');
    const role = await requestOf(() => client.updateWorkspaceUserRole('w1', 'u1', { role: AccessType.READ }));
    assert.deepEqual([role.method, role.url, role.body], ['PUT', '/api/workspace/w1/users/u1', '{"role":"READ"}']);
    const removal = await requestOf(() => client.deleteStorageBucket('b/1'));
    assert.deepEqual([removal.method, removal.url, removal.body], ['DELETE', '/api/bucket/b%2F1', '']);
    assert.equal(removal.headers['content-type'], undefined);
  });

  it('sends the bearer token once set, and keeps it when given null or an empty one', async () => {
    const client = new ApiClient(base);
    const authorization = async () => (await requestOf(() => client.getTokens())).headers.authorization;
    assert.equal(await authorization(), undefined);
    client.setAuthToken('first');
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken(null);
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken('');
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken('second');
    assert.equal(await authorization(), 'Bearer second');
  });

  it('resolves an empty 2xx to null, and throws HttpError with data null when the error body is not JSON', async () => {
    const client = new ApiClient(base);
    answer = { status: 204, statusText: 'No Content', contentType: 'application/json', body: '' };
    assert.equal(await client.deleteStorageBucket('b1'), null);
    answer = { status: 502, statusText: 'Bad Gateway', contentType: 'text/html', body: '<h1>Bad Gateway</h1>' };
    const error = await httpError(client.getWorkspaces(), 502);
    assert.deepEqual(
      [error.name, error.message, error.statusText, error.data],
      ['HttpError', 'HTTP Error 502: Bad Gateway', 'Bad Gateway', null],
    );
    answer = {
      status: 418,
      statusText: "I'm a teapot",
      contentType: 'application/json',
      body: '{"success":false,"message":"short"}',
    };
    const teapot = await httpError(client.getWorkspaces(), 418);
    assert.deepEqual([teapot.message, teapot.data], ["HTTP Error 418: I'm a teapot", { success: false, message: 'short' }]);
  });

  it("sends the dashboard's history calls as JSON bodies", async () => {
    const client = new ApiClient(base);
    const range = await requestOf(() =>
      client.getBucketRangeStats('b1', { from: '2024-01-01', to: new Date('2024-01-31T00:00:00Z') }),
    );
    assert.deepEqual(
      [range.method, range.url, range.body],
      ['POST', '/bucket/b1/stats/range', '{"from":"2024-01-01","to":"2024-01-31T00:00:00.000Z"}'],
    );
    const latency = await requestOf(() => client.getBucketLatency('b 1', { day: '2024-01-15' }));
    assert.deepEqual([latency.method, latency.url, latency.body], ['POST', '/bucket/b%201/latency', '{"day":"2024-01-15"}']);
  });

  it('sends the maintenance calls to their paths, instants as ISO strings', async () => {
    const client = new ApiClient(base);
    const start = new Date('2030-01-06T02:00:00Z');
    const calls = [
      await requestOf(() => client.createMaintenanceWindow('b1', { start, rrule: 'FREQ=WEEKLY', durationMinutes: 60 })),
      await requestOf(() => client.getMaintenanceWindows('b1')),
      await requestOf(() => client.updateMaintenanceWindow('b1', 'w/1', { start, end: '2030-01-06T03:00:00Z' })),
      await requestOf(() => client.deleteMaintenanceWindow('b1', 'w1')),
      await requestOf(() => client.importMaintenanceWindows({ windows: [{ bucketId: 'b1', start, end: start }] })),
    ];
    assert.deepEqual(
      calls.map((c) => [c.method, c.url, c.body]),
      [
        ['POST', '/bucket/b1/maintenance', '{"start":"2030-01-06T02:00:00.000Z","rrule":"FREQ=WEEKLY","durationMinutes":60}'],
        ['GET', '/bucket/b1/maintenance', ''],
        ['PUT', '/bucket/b1/maintenance/w%2F1', '{"start":"2030-01-06T02:00:00.000Z","end":"2030-01-06T03:00:00Z"}'],
        ['DELETE', '/bucket/b1/maintenance/w1', ''],
        [
          'POST',
          '/admin/maintenance',
          '{"windows":[{"bucketId":"b1","start":"2030-01-06T02:00:00.000Z","end":"2030-01-06T02:00:00.000Z"}]}',
        ],
      ],
    );
  });

  it("signs a node's call over the exact bytes it sends, with the node's headers and no bearer token", async () => {
    const keys = generateKeyPairSync('ed25519');
    const client = new ApiClient(`${base}/api`);
    client.setAuthToken('a-user-token');
    const node = {
      nodeId: 'n-1',
      sign: async (body: string) => sign(null, Buffer.from(body), keys.privateKey).toString('base64'),
    };
    const entry = { bucketId: 'b1', status: NodeStatusType.ONLINE, latencyMs: 12, createdAt: '2024-01-15T10:00:00.000Z' };
    const status = await requestOf(() =>
      client.sendNodeStatus(node, { ip: '10.0.0.1', region: 'r', timestamp: 5, buckets: [entry] }),
    );
    const register = await requestOf(() =>
      client.registerNode(node, { ip: '10.0.0.1', region: 'r', provider: 'p', version: '1', timestamp: 6 }),
    );
    assert.deepEqual([status.url, register.url], ['/api/node/status', '/api/node/register']);
    assert.equal(status.body, JSON.stringify({ ip: '10.0.0.1', region: 'r', timestamp: 5, buckets: [entry] }));
    for (const request of [status, register]) {
      assert.equal(request.method, 'POST');
      assert.equal(request.headers['x-node-id'], 'n-1');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.authorization, undefined);
      const signature = Buffer.from(String(request.headers['x-signature']), 'base64');
      assert.ok(verify(null, Buffer.from(request.body), keys.publicKey, signature), 'the signature is of the bytes sent');
    }
  });

  it('fails with ServiceUnreachableError when nothing listens, and when no answer comes within the timeout', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const refused = await rejectsWith(new ApiClient(nowhere).getWorkspaces(), ServiceUnreachableError);
    assert.deepEqual([refused.url, refused.reason], [nowhere, 'ECONNREFUSED']);
    assert.equal(refused.message, `cannot reach the service at ${nowhere}: ECONNREFUSED`);

    answer = 'silent';
    const started = Date.now();
    const late = await rejectsWith(new ApiClient(base, { timeoutMs: 200 }).getWorkspaces(), ServiceUnreachableError);
    assert.deepEqual([late.url, late.reason], [base, 'no answer in time']);
    assert.ok(Date.now() - started < 5_000, 'gave up at the timeout');
    assert.ok(isTransient(refused) && isTransient(late));
  });

  it("stops a call in flight, and refuses later ones, when the caller's signal aborts, with the signal's reason", async () => {
    answer = 'silent';
    const stopping = new AbortController();
    const client = new ApiClient(base, { signal: stopping.signal, timeoutMs: 60_000 });
    const inFlight = client.getWorkspaces();
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('stopped by the test');
    stopping.abort(reason);
    await assert.rejects(inFlight, (error) => error === reason);
    await assert.rejects(client.getTokens(), (error) => error === reason);
  });

  it('reads Retry-After into the HttpError, as seconds or as a date', async () => {
    const client = new ApiClient(base);
    answer = {
      status: 429,
      statusText: 'Too Many Requests',
      contentType: 'application/json',
      body: '{"success":false,"message":"slow down"}',
    };
    answerHeaders = { 'retry-after': '3' };
    const limited = await httpError(client.getWorkspaces(), 429, /slow down/);
    assert.equal(limited.retryAfterMs, 3000);
    assert.ok(isTransient(limited));
    answerHeaders = { 'retry-after': new Date(Date.now() + 60_000).toUTCString() };
    const dated = await httpError(client.getWorkspaces(), 429);
    assert.ok(
      dated.retryAfterMs !== undefined && dated.retryAfterMs > 50_000 && dated.retryAfterMs <= 60_000,
      String(dated.retryAfterMs),
    );
    answerHeaders = {};
    assert.equal((await httpError(client.getWorkspaces(), 429)).retryAfterMs, undefined);
    answer = { status: 403, statusText: 'Forbidden', contentType: 'application/json', body: '{"success":false,"message":"no"}' };
    assert.equal(isTransient(await httpError(client.getWorkspaces(), 403)), false);
  });

  it('withRetries tries a transient failure again after the wait asked for, and gives up on the rest at once', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => waits.push(ms);
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 1) throw new HttpError(429, 'Too Many Requests', null, 2500);
      if (calls <= 3) throw new HttpError(503, 'Service Unavailable', null);
      return 'done';
    };
    const retried: string[] = [];
    assert.equal(await withRetries(flaky, { sleep, onRetry: (error) => retried.push(errorMessage(error)) }), 'done');
    assert.deepEqual(waits, [2500, 1000, 2000]);
    assert.deepEqual(retried, ['HTTP 429 Too Many Requests', 'HTTP 503 Service Unavailable', 'HTTP 503 Service Unavailable']);

    const refused = new HttpError(400, 'Bad Request', { success: false, message: 'bad' });
    await assert.rejects(
      withRetries(() => Promise.reject(refused), { sleep }),
      (error) => error === refused,
    );
    const down = new HttpError(502, 'Bad Gateway', null);
    calls = 0;
    await assert.rejects(
      withRetries(() => (calls++, Promise.reject(down)), { sleep, attempts: 3 }),
      (error) => error === down,
    );
    assert.equal(calls, 3);
  });

  it('throws UnexpectedAnswerError for a 2xx that is not JSON, and tells every answer to onResponse', async () => {
    const dates: Array<string | null> = [];
    const client = new ApiClient(`${base}/api`, { onResponse: (response) => dates.push(response.headers.get('date')) });
    answer = { status: 200, statusText: 'OK', contentType: 'text/html', body: '<h1>Welcome to nginx!</h1>' };
    const error = await rejectsWith(client.getWorkspaces(), UnexpectedAnswerError);
    assert.deepEqual(
      [error.status, error.path, error.message],
      [200, '/api/workspace', 'the answer from /api/workspace is not JSON'],
    );
    answer = {
      status: 401,
      statusText: 'Unauthorized',
      contentType: 'application/json',
      body: '{"success":false,"message":"who?"}',
    };
    assert.equal(errorMessage(await httpError(client.getWorkspaces(), 401)), 'who?');
    assert.equal(dates.length, 2);
    assert.ok(dates.every((date) => date !== null && Number.isFinite(Date.parse(date))));
  });

  it('calls the fetch it was given', async () => {
    const urls: string[] = [];
    const client = new ApiClient(base, {
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      },
    });
    assert.deepEqual(await client.getWorkspaces(), { success: true });
    assert.deepEqual(urls, [`${base}/workspace`]);
  });
});
