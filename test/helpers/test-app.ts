import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { envToConfig, type Config } from '../../src/config/config.js';
import type { StoreOptions } from '../../src/store/store.js';
import { openServiceStore, type ServiceStore } from '../../src/ingest/service-store.js';
import { OpenApiConformance } from './openapi-conformance.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from './test-stores.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public current: number) {}
  now = (): number => this.current;
  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}

export interface TestApp {
  kind: StoreKind;
  app: FastifyInstance;
  store: ServiceStore;
  clock: TestClock;
  config: Config;
  database: TestDatabase;
  /** `inject` with the operator's token unless `token` says otherwise (null: no header). */
  call(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>;
  /** Closes the app and the store, then opens both again on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Where an inject request went, for matching it to an operation of the OpenAPI document. */
function requestLine(options: InjectOptions | string): { method: string; url: string } {
  if (typeof options === 'string') return { method: 'GET', url: options };
  const target = options.url ?? options.path ?? '/';
  const url = typeof target === 'string' ? target : target.pathname;
  return { method: options.method ?? 'GET', url };
}

/**
 * Makes every `inject` of `app` (through `call`, a `SignedNode` or
 * `t.app.inject` itself) assert that the answer is one the OpenAPI document
 * allows for the request: a documented status, and a body matching its
 * schema. An answer the document does not describe is a defect of the
 * document or of the route, whichever test happens to receive it.
 */
function checkEveryAnswer(app: FastifyInstance): void {
  const inject = app.inject.bind(app);
  const checked = async (options?: InjectOptions | string, ...rest: unknown[]): Promise<LightMyRequestResponse> => {
    if (options === undefined || rest.length > 0) {
      throw new Error('the test app checks every answer: call inject(options) and await it (no chain, no callback)');
    }
    const response = await inject(options);
    OpenApiConformance.ofApp(app).assertResponse({
      ...requestLine(options),
      status: response.statusCode,
      contentType: response.headers['content-type'] as string | undefined,
      body: response.body,
    });
    return response;
  };
  app.inject = checked as FastifyInstance['inject'];
}

/**
 * Builds the real app on a fresh database of `kind`, with a hand-moved clock
 * (and, with `store`, store options no environment variable sets).
 *
 * @example
 * const t = await startTestApp('postgres', { now: '2024-02-01T00:00:00Z' });
 */
export async function startTestApp(
  kind: StoreKind,
  options: { now?: string; env?: Record<string, string>; store?: Pick<StoreOptions, 'sqliteBusyTimeoutMs'> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config = envToConfig({
    DATABASE_URL: database.url,
    FLASHBACK_ADMIN_TOKEN: OPERATOR_TOKEN,
    // Suites send thousands of calls with one token; the limits have their own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  });
  const clock = new TestClock(Date.parse(options.now ?? '2024-02-01T00:00:00.000Z'));
  const open = async (): Promise<{ app: FastifyInstance; store: ServiceStore }> => {
    const store = await openServiceStore({
      databaseUrl: config.databaseUrl,
      staleAfterMs: config.staleAfterSeconds * 1000,
      ...options.store,
    });
    const app = await buildApp({ config, store, clock, operatorToken: OPERATOR_TOKEN });
    checkEveryAnswer(app);
    return { app, store };
  };
  let current = await open();
  const test: TestApp = {
    kind,
    get app() {
      return current.app;
    },
    get store() {
      return current.store;
    },
    clock,
    config,
    database,
    call: ({ token = OPERATOR_TOKEN, headers, ...rest }) =>
      current.app.inject({ ...rest, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } }),
    restart: async () => {
      await current.app.close();
      await current.store.close();
      current = await open();
    },
    close: async () => {
      await current.app.close();
      await current.store.close();
      await database.drop();
    },
  };
  return test;
}
