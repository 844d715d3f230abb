import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { requireWorkspaceRole } from '../../auth/access.js';
import type { AlertRuleFields, AlertRuleRecord } from '../../store/alert-rule-store.js';
import type { Store } from '../../store/store.js';
import { formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { ruleView } from '../alert-views.js';
import { principalOf } from '../authenticate.js';
import {
  AlertRuleParams,
  AlertRuleRequest,
  AlertRuleResponse,
  AlertRulesResponse,
  DeliveriesQuery,
  DeliveriesResponse,
  type Delivery,
} from '../schemas/alert-schemas.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import { WorkspaceParams } from '../schemas/workspace-schemas.js';

const errors = errorResponses(400, 401, 403, 404, 413, 415, 429);
const tags = ['alerts'];

/** A rule's fields, checked against the workspace: its channels and buckets must be the workspace's own. */
async function ruleFields(store: Store, workspaceId: string, body: Static<typeof AlertRuleRequest>): Promise<AlertRuleFields> {
  const name = body.name.trim();
  const uptimeBelow = body.uptimeBelow ?? null;
  if (body.events.includes('uptime.below') && uptimeBelow === null) throw ApiError.badRequest('uptime.below needs uptimeBelow');
  const channelIds = [...new Set(body.channelIds.map((id) => id.toLowerCase()))];
  const channels = new Set((await store.alertRules.channels(workspaceId)).map((c) => c.id));
  const strayChannel = channelIds.find((id) => !channels.has(id));
  if (strayChannel) throw ApiError.badRequest(`channelIds: no channel ${strayChannel} in workspace ${workspaceId}`);
  const bucketIds = [...new Set((body.bucketIds ?? []).map((id) => id.toLowerCase()))];
  const buckets = new Set((await store.buckets.list([workspaceId])).map((b) => b.id));
  const strayBucket = bucketIds.find((id) => !buckets.has(id));
  if (strayBucket) throw ApiError.badRequest(`bucketIds: no bucket ${strayBucket} in workspace ${workspaceId}`);
  return { name, events: [...body.events], bucketIds, channelIds, forSeconds: body.forSeconds ?? 0, uptimeBelow };
}

/** A workspace's alert rules and the deliveries of its alerts (spec/alerts.md). */
export const alertRuleRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock }) => {
  async function ruleOf(workspaceId: string, ruleId: string): Promise<AlertRuleRecord> {
    const rule = await store.alertRules.rule(workspaceId, ruleId);
    if (!rule) throw ApiError.notFound(`no rule ${ruleId} in workspace ${workspaceId}`);
    return rule;
  }
  const ids = (params: { workspaceId: string; ruleId: string }) => ({
    workspaceId: params.workspaceId.toLowerCase(),
    ruleId: params.ruleId.toLowerCase(),
  });

  app.post(
    '/workspace/:workspaceId/alerts/rules',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Create an alert rule',
        tags,
        params: WorkspaceParams,
        body: AlertRuleRequest,
        response: { 201: AlertRuleResponse, ...errors },
      },
    },
    async (request, reply) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const fields = await ruleFields(store, workspaceId, request.body);
      const rule = await store.alertRules.createRule(workspaceId, randomUUID(), fields, clock.now());
      return reply.code(201).send({ success: true, rule: ruleView(rule) });
    },
  );

  app.get(
    '/workspace/:workspaceId/alerts/rules',
    {
      config: { access: 'user' },
      schema: { summary: 'List alert rules', tags, params: WorkspaceParams, response: { 200: AlertRulesResponse, ...errors } },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      return { success: true, rules: (await store.alertRules.rules(workspaceId)).map(ruleView) };
    },
  );

  app.get(
    '/workspace/:workspaceId/alerts/rules/:ruleId',
    {
      config: { access: 'user' },
      schema: { summary: 'One alert rule', tags, params: AlertRuleParams, response: { 200: AlertRuleResponse, ...errors } },
    },
    async (request) => {
      const { workspaceId, ruleId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      return { success: true, rule: ruleView(await ruleOf(workspaceId, ruleId)) };
    },
  );

  app.put(
    '/workspace/:workspaceId/alerts/rules/:ruleId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Replace an alert rule',
        tags,
        params: AlertRuleParams,
        body: AlertRuleRequest,
        response: { 200: AlertRuleResponse, ...errors },
      },
    },
    async (request) => {
      const { workspaceId, ruleId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const existing = await ruleOf(workspaceId, ruleId);
      const fields = await ruleFields(store, workspaceId, request.body);
      await store.alertRules.updateRule(ruleId, fields);
      return { success: true, rule: ruleView({ ...existing, ...fields }) };
    },
  );

  app.delete(
    '/workspace/:workspaceId/alerts/rules/:ruleId',
    {
      config: { access: 'user' },
      schema: { summary: 'Delete an alert rule', tags, params: AlertRuleParams, response: { 200: ActionResponse, ...errors } },
    },
    async (request) => {
      const { workspaceId, ruleId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      await ruleOf(workspaceId, ruleId);
      await store.alertRules.deleteRule(ruleId);
      return { success: true };
    },
  );

  app.get(
    '/workspace/:workspaceId/alerts/deliveries',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Every try of every delivery, and deliveries waiting for their next try, newest first',
        tags,
        params: WorkspaceParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveriesResponse, ...errors },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
      if (limit < 1 || limit > 500) throw ApiError.badRequest('limit must be 1-500');
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      const lines = await store.alertDeliveries.list(workspaceId, {
        channelId: request.query.channelId?.toLowerCase(),
        eventType: request.query.eventType,
        status: request.query.status,
        limit,
      });
      const deliveries: Array<Static<typeof Delivery>> = lines.map((line) => ({
        ...line,
        eventType: line.eventType as Static<typeof Delivery>['eventType'],
        status: line.status as Static<typeof Delivery>['status'],
        attemptedAt: line.attemptedAt === null ? null : formatInstant(line.attemptedAt),
        nextAttemptAt: line.nextAttemptAt === null ? null : formatInstant(line.nextAttemptAt),
      }));
      return { success: true, deliveries };
    },
  );
};
