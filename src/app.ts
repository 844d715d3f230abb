import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { systemClock, type Clock } from './time/clock.js';
import type { Config } from './config/config.js';
import type { AppContext } from './http/app-context.js';
import { ApiError } from './http/api-error.js';
import { registerAuthentication } from './http/authenticate.js';
import { registerBodyDrain } from './http/body-drain.js';
import { CallerBudgets } from './http/caller-budgets.js';
import { CredentialLookups } from './http/credential-lookups.js';
import { dashboardRoutes } from './http/dashboard.js';
import { answerClientError, answerFrameworkError, formatSchemaErrors, registerErrorHandling } from './http/error-handler.js';
import { registerProtection } from './http/protection.js';
import { registerRequestFormats } from './http/request-formats.js';
import { registerJsonBody } from './http/json-body.js';
import { OneLineRequestLog } from './http/request-log.js';
import { registerMetrics } from './http/metrics.js';
import { registerOpenApi } from './http/openapi.js';
import { StatsAnswerCache } from './http/stats-answer-cache.js';
import { adminNodeRoutes } from './http/routes/admin-node-routes.js';
import { adminUserRoutes } from './http/routes/admin-user-routes.js';
import { bucketRoutes } from './http/routes/bucket-routes.js';
import { healthRoutes } from './http/routes/health-routes.js';
import { historyRoutes } from './http/routes/history-routes.js';
import { maintenanceRoutes } from './http/routes/maintenance-routes.js';
import { nodeRoutes } from './http/routes/node-routes.js';
import { reportRoutes } from './http/routes/report-routes.js';
import { statsRoutes } from './http/routes/stats-routes.js';
import { tokenRoutes } from './http/routes/token-routes.js';
import { workspaceMemberRoutes } from './http/routes/workspace-member-routes.js';
import { workspaceRoutes } from './http/routes/workspace-routes.js';
import { AlertService } from './alerts/alert-service.js';
import { storeMaintenanceCover, type MaintenanceCover } from './alerts/maintenance-cover.js';
import { alertChannelRoutes } from './http/routes/alert-channel-routes.js';
import { alertRuleRoutes } from './http/routes/alert-rule-routes.js';
import { lookbackDays } from './stats/bucket-day-stats.js';
import type { ServiceStore } from './ingest/service-store.js';

export interface AppOptions {
  config: Config;
  store: ServiceStore;
  /** The operator's bearer token (see `resolveOperatorToken`). */
  operatorToken: string;
  clock?: Clock;
  /** Whether maintenance windows cover a node now (mutes alerts); the store's windows by default. */
  maintenance?: MaintenanceCover;
  logger?: FastifyServerOptions['logger'];
}

const ONE_MIB = 1024 * 1024;
const SERVICE_VERSION = '0.1.0';

/**
 * Builds the HTTP service with every route registered; it never listens
 * (only `server.ts` does), so tests drive it with `inject`.
 *
 * @example
 * const app = await buildApp({ config, store, operatorToken, clock: { now: () => fixedTime } });
 * const res = await app.inject({ method: 'POST', url: `/bucket/${id}/stats`, payload: { day: '2024-01-15' } });
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? false,
    // One line per request instead of two (request-log.ts).
    logController: new OneLineRequestLog(),
    bodyLimit: ONE_MIB,
    // A slow or stalled client cannot hold a connection for ever.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    clientErrorHandler: answerClientError,
    // Undecodable or over-long paths, answered in the API's error shape.
    frameworkErrors: answerFrameworkError,
    // A request without Host is answered by our own check, in the error shape, not by Node's bare 400.
    http: { requireHostHeader: false },
    // Fastify's own 503 while closing lacks the API's error shape; ours is below.
    return503OnClosing: false,
    // Ajv must not coerce: a number where a string belongs is a 400. `verbose` gives an error
    // the refused value, which its message quotes; the formats are the ones api.md defines.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, verbose: true },
      onCreate: registerRequestFormats,
    },
    schemaErrorFormatter: formatSchemaErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks on every request take a callback: an async hook costs a promise per request.
  app.addHook('onRequest', (_request, _reply, done) => {
    done(closing ? new ApiError(503, 'the service is shutting down; retry in a moment') : undefined);
  });
  registerBodyDrain(app);
  registerProtection(app);
  // Before authentication: a flood of bad credentials is refused once its budget is spent.
  const budgets = await CallerBudgets.register(app, config.rateLimitPerMinute);
  registerJsonBody(app);
  const credentials = new CredentialLookups(clock);
  registerAuthentication(app, { store, clock, operatorToken: options.operatorToken, budgets, credentials });

  await registerOpenApi(app, SERVICE_VERSION);
  registerMetrics(app, store.events, credentials);

  const stats = { staleAfterMs: config.staleAfterSeconds * 1000, nodeRetentionDays: config.nodeRetentionDays };
  const answers = new StatsAnswerCache(store.events, lookbackDays(stats));
  const alerts = new AlertService({
    store,
    clock,
    stats,
    settings: config.alerts,
    maintenance: options.maintenance ?? storeMaintenanceCover(store),
    log: (level, message, facts) => app.log[level](facts, message),
  });
  await alerts.start();
  app.addHook('onClose', () => alerts.stop());
  const context: AppContext = { store, clock, config, stats, answers, credentials, budgets, alerts };
  for (const routes of [
    healthRoutes,
    statsRoutes,
    historyRoutes,
    reportRoutes,
    bucketRoutes,
    maintenanceRoutes,
    workspaceRoutes,
    workspaceMemberRoutes,
    tokenRoutes,
    adminUserRoutes,
    adminNodeRoutes,
    nodeRoutes,
    alertChannelRoutes,
    alertRuleRoutes,
    dashboardRoutes,
  ]) {
    await app.register(routes, context);
  }
  return app;
}
