import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreEvents } from '../store/store-events.js';
import type { CredentialLookups } from './credential-lookups.js';
import { errorResponses } from './schemas/common-schemas.js';

/**
 * `GET /metrics` in Prometheus' text format: the process (memory, event
 * loop lag, GC), every answer by route and status with its duration, and
 * the reports stored and repeated, and the credential lookups of
 * authentication. Each app has its own registry, so tests can build several
 * apps in one process.
 */
export function registerMetrics(app: FastifyInstance, events: StoreEvents, credentials: CredentialLookups): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const answers = new Histogram({
    name: 'fbstats_http_request_duration_seconds',
    help: 'Time to answer, by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const reports = new Counter({
    name: 'fbstats_reports_total',
    help: 'Reports received through ingest, by outcome (stored or duplicate)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  events.on('ingested', (stored, duplicates) => {
    reports.inc({ outcome: 'stored' }, stored);
    reports.inc({ outcome: 'duplicate' }, duplicates);
  });
  const lookups = new Counter({
    name: 'fbstats_credential_lookups_total',
    help:
      'Bearer tokens and node ids looked up by authentication, by who answered: the store (an unknown one is ' +
      'always a database query), or the memory of ones the store did not know a moment ago',
    labelNames: ['credential', 'answered_by'],
    registers: [registry],
  });
  credentials.events.on('lookup', (credential, answeredBy) => lookups.inc({ credential, answered_by: answeredBy }));
  // One labelled child per (method, route, status), found by a string key
  // instead of prom-client hashing the labels on every answer.
  const series = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern, not the URL: ids would make one series per bucket.
    const route = request.routeOptions.url ?? 'unknown';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = series.get(key);
    if (!child) {
      child = answers.labels({ method: request.method, route, status: reply.statusCode });
      series.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Metrics in the Prometheus text format',
        tags: ['operations'],
        response: {
          200: { description: 'Prometheus exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...errorResponses(429),
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
