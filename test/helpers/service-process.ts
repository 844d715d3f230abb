import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { signBody, type NodeKeys } from './node-signer.js';
import { OPERATOR_TOKEN } from './test-app.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(REPO, 'src', 'server.ts');

/** How a child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The service started as a child process, before anyone knows whether it will be ready. */
export interface SpawnedService {
  url: string;
  process: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<ProcessExit>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/** The real service (`node --import tsx src/server.ts`) running as a child process, ready. */
export interface ServiceProcess extends SpawnedService {
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<ProcessExit>;
  /** SIGTERM, then the exit (the graceful shutdown of src/server.ts). */
  stop(): Promise<ProcessExit>;
}

export interface ServiceOptions {
  databaseUrl: string;
  /** More environment variables (they win over the defaults below). */
  env?: Record<string, string>;
  /** How long to wait for GET /readyz; a loaded machine makes tsx slow to start. */
  readyTimeoutMs?: number;
}

/** A TCP port that was free a moment ago (the child may still lose a race for it: startService retries). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether the service at `url` answers GET /readyz with a 2xx now. */
export async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

// Every child still running, so that a failing test leaves none behind (see `killRunningServices`).
const running = new Set<ChildProcess>();

/** SIGKILLs every service child of this process that is still running; for a test file's `after`. */
export async function killRunningServices(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }),
  );
}

/**
 * Starts `node --import tsx src/server.ts` on `databaseUrl` and `port` with
 * the test operator token, no rate limits and a DATA_DIR of its own (removed
 * when it exits), without waiting for it: for a start that is meant to fail.
 *
 * @example
 * const second = spawnService({ databaseUrl }, await freePort());
 * assert.equal((await second.exited).code, 1);
 */
export function spawnService(options: ServiceOptions, port: number): SpawnedService {
  const dataDir = mkdtempSync(join(tmpdir(), 'fbstats-service-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: REPO,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FLASHBACK_ADMIN_TOKEN: OPERATOR_TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  return { url: `http://127.0.0.1:${port}`, process: child, exited, output: () => output };
}

async function startOnce(options: ServiceOptions, port: number): Promise<ServiceProcess> {
  const spawned = spawnService(options, port);
  const { url, process: child, exited } = spawned;
  const output = (): string => spawned.output();
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 45_000);
  while (!(await isReady(url))) {
    if (gone) throw new Error(`the service exited before it was ready: ${output().slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the service was not ready within ${options.readyTimeoutMs ?? 45_000} ms: ${output().slice(-2000)}`);
    }
    await delay(50);
  }
  const signal = async (name: NodeJS.Signals): Promise<ProcessExit> => {
    if (!gone) child.kill(name);
    return exited;
  };
  return { url, process: child, exited, output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/**
 * Starts the service on `databaseUrl`, on a random free port, with the test
 * operator token and no rate limits, and resolves once GET /readyz answers 200.
 *
 * @example
 * const service = await startService({ databaseUrl: database.url });
 * await fetch(`${service.url}/healthz`);
 * assert.deepEqual(await service.stop(), { code: 0, signal: null });
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      // Another process may have taken the port between freePort() and the child's listen.
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

/** An answer of the service: status and parsed JSON body. */
export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A JSON request to the service, with the operator's token unless `token` says otherwise (null: none). */
export async function callJson<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = OPERATOR_TOKEN,
): Promise<JsonAnswer<T>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token !== null && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T };
}

/** Like `callJson`, but anything other than `status` throws with the answer in the message. */
export async function expectJson<T = Record<string, unknown>>(
  status: number,
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<T> {
  const answer = await callJson<T>(url, method, path, body, token);
  if (answer.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** A signed POST of a bridge node, as the agent sends it (X-Node-Id, X-Signature over the exact bytes). */
export async function sendSigned(url: string, path: string, nodeId: string, keys: NodeKeys, body: unknown): Promise<JsonAnswer> {
  const text = JSON.stringify(body);
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-node-id': nodeId, 'x-signature': signBody(text, keys.privateKey) },
    body: text,
  });
  const answer = await res.text();
  return { status: res.status, body: (answer === '' ? {} : JSON.parse(answer)) as Record<string, unknown> };
}

/** The ids of a user with a token, a workspace they own, and buckets in it, created through the HTTP API. */
export interface ServiceStage {
  userId: string;
  token: string;
  tokenId: string;
  workspaceId: string;
  bucketIds: string[];
}

/** Creates a user, their token, a workspace and `buckets` buckets through the operator's HTTP API. */
export async function stageThroughApi(url: string, label: string, buckets: number): Promise<ServiceStage> {
  const email = `${label}-${Math.random().toString(36).slice(2)}@example.com`;
  const { user } = await expectJson<{ user: { id: string } }>(201, url, 'POST', '/admin/users', { email, name: label });
  const { token, tokenId } = await expectJson<{ token: string; tokenId: string }>(
    201,
    url,
    'POST',
    `/admin/users/${user.id}/tokens`,
    { name: label },
  );
  const { workspace } = await expectJson<{ workspace: { id: string } }>(201, url, 'POST', '/workspace', {
    name: label,
    ownerId: user.id,
  });
  const bucketIds: string[] = [];
  for (let i = 0; i < buckets; i++) {
    const { bucketId } = await expectJson<{ bucketId: string }>(201, url, 'POST', '/bucket', {
      name: `${label}-${i}`,
      workspaceId: workspace.id,
    });
    bucketIds.push(bucketId);
  }
  return { userId: user.id, token, tokenId, workspaceId: workspace.id, bucketIds };
}

/** Creates a bridge node with `keys` through POST /admin/nodes; returns its id. */
export async function createNodeThroughApi(url: string, keys: NodeKeys, host: string): Promise<string> {
  const { node } = await expectJson<{ node: { id: string } }>(201, url, 'POST', '/admin/nodes', {
    ip: '10.0.0.1',
    host,
    region: 'eu-west-1',
    provider: 'aws',
    version: '1.0.0',
    publicKey: keys.publicKeyPem,
  });
  return node.id;
}
