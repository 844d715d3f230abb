import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireWorkspaceRole } from '../../auth/access.js';
import { checkTargetUrl, TargetRefusedError } from '../../alerts/target-guard.js';
import type { AlertChannelRecord } from '../../store/alert-rule-store.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { channelView, newWebhookSecret } from '../alert-views.js';
import { principalOf } from '../authenticate.js';
import { requireEmail } from '../input.js';
import {
  AlertChannelParams,
  AlertChannelResponse,
  AlertChannelsResponse,
  CreateAlertChannelRequest,
  CreateAlertChannelResponse,
  RotateSecretResponse,
  TestEventResponse,
  UpdateAlertChannelRequest,
} from '../schemas/alert-schemas.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import { WorkspaceParams } from '../schemas/workspace-schemas.js';

const errors = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);
const tags = ['alerts'];

/** A workspace's alert channels (spec/alerts.md): ADMINs manage them, any member lists them. */
export const alertChannelRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, config, alerts }) => {
  /** The target a channel of `kind` may use, checked (the URL's host against internal addresses). */
  async function target(kind: string, url: string | undefined, email: string | undefined): Promise<string> {
    if (kind === 'email') {
      if (config.alerts.smtpUrl === null)
        throw ApiError.badRequest('email channels need the setting SMTP_URL, which this service lacks');
      if (email === undefined) throw ApiError.badRequest('an email channel needs email');
      return requireEmail(email);
    }
    if (url === undefined) throw ApiError.badRequest(`a ${kind} channel needs url`);
    try {
      return (await checkTargetUrl(url, config.alerts.allowPrivateTargets)).toString();
    } catch (error) {
      if (error instanceof TargetRefusedError) throw ApiError.badRequest(`url refused: ${error.message}`);
      throw error;
    }
  }

  async function channelOf(workspaceId: string, channelId: string): Promise<AlertChannelRecord> {
    const channel = await store.alertRules.channel(workspaceId, channelId);
    if (!channel) throw ApiError.notFound(`no channel ${channelId} in workspace ${workspaceId}`);
    return channel;
  }

  const ids = (params: { workspaceId: string; channelId: string }) => ({
    workspaceId: params.workspaceId.toLowerCase(),
    channelId: params.channelId.toLowerCase(),
  });

  app.post(
    '/workspace/:workspaceId/alerts/channels',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Create an alert channel (a webhook\u2019s signing secret is answered this once)',
        tags,
        params: WorkspaceParams,
        body: CreateAlertChannelRequest,
        response: { 201: CreateAlertChannelResponse, ...errors },
      },
    },
    async (request, reply) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const { kind, url, email } = request.body;
      const name = request.body.name.trim();
      const checked = await target(kind, url, email);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const secret = kind === 'webhook' ? newWebhookSecret() : null;
      const channel: AlertChannelRecord = {
        id: randomUUID(),
        workspace_id: workspaceId,
        name,
        kind,
        target: checked,
        secret,
        disabled_at: null,
        disabled_reason: null,
        created_at: clock.now(),
      };
      await store.alertRules.createChannel(channel);
      return reply.code(201).send({ success: true, channel: channelView(channel), ...(secret !== null && { secret }) });
    },
  );

  app.get(
    '/workspace/:workspaceId/alerts/channels',
    {
      config: { access: 'user' },
      schema: {
        summary: 'List alert channels',
        tags,
        params: WorkspaceParams,
        response: { 200: AlertChannelsResponse, ...errors },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      return { success: true, channels: (await store.alertRules.channels(workspaceId)).map(channelView) };
    },
  );

  app.get(
    '/workspace/:workspaceId/alerts/channels/:channelId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'One alert channel',
        tags,
        params: AlertChannelParams,
        response: { 200: AlertChannelResponse, ...errors },
      },
    },
    async (request) => {
      const { workspaceId, channelId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      return { success: true, channel: channelView(await channelOf(workspaceId, channelId)) };
    },
  );

  app.put(
    '/workspace/:workspaceId/alerts/channels/:channelId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Change an alert channel: name, target, or enable one a 410 disabled',
        tags,
        params: AlertChannelParams,
        body: UpdateAlertChannelRequest,
        response: { 200: AlertChannelResponse, ...errors },
      },
    },
    async (request) => {
      const { workspaceId, channelId } = ids(request.params);
      const { url, email, enabled } = request.body;
      const name = request.body.name?.trim();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const channel = await channelOf(workspaceId, channelId);
      const changed = url !== undefined || email !== undefined ? await target(channel.kind, url, email) : undefined;
      await store.alertRules.updateChannel(channelId, {
        ...(name !== undefined && { name }),
        ...(changed !== undefined && { target: changed }),
        ...(enabled === true && { disabled_at: null, disabled_reason: null }),
        ...(enabled === false &&
          channel.disabled_at === null && { disabled_at: clock.now(), disabled_reason: 'disabled by an ADMIN' }),
      });
      return { success: true, channel: channelView(await channelOf(workspaceId, channelId)) };
    },
  );

  app.delete(
    '/workspace/:workspaceId/alerts/channels/:channelId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete an alert channel',
        tags,
        params: AlertChannelParams,
        response: { 200: ActionResponse, ...errors },
      },
    },
    async (request) => {
      const { workspaceId, channelId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      await channelOf(workspaceId, channelId);
      const users = await store.alertRules.deleteChannel(workspaceId, channelId);
      if (users.length > 0)
        throw ApiError.conflict(`rules still send to this channel: ${users.join(', ')}; change or delete them first`);
      return { success: true };
    },
  );

  app.post(
    '/workspace/:workspaceId/alerts/channels/:channelId/test',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Send a test event to a channel now',
        tags,
        params: AlertChannelParams,
        response: { 202: TestEventResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { workspaceId, channelId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const channel = await channelOf(workspaceId, channelId);
      if (channel.disabled_at !== null)
        throw ApiError.conflict(`the channel is disabled (${channel.disabled_reason ?? ''}); enable it first`);
      const event = alerts.builder.test(workspaceId, channelId, clock.now());
      await store.alertOutbox.apply({ kind: 'test' }, event);
      return reply.code(202).send({ success: true, eventId: event.id });
    },
  );

  app.post(
    '/workspace/:workspaceId/alerts/channels/:channelId/rotate-secret',
    {
      config: { access: 'user' },
      schema: {
        summary: "Replace a webhook channel's signing secret (answered this once)",
        tags,
        params: AlertChannelParams,
        response: { 200: RotateSecretResponse, ...errors },
      },
    },
    async (request) => {
      const { workspaceId, channelId } = ids(request.params);
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const channel = await channelOf(workspaceId, channelId);
      if (channel.kind !== 'webhook') throw ApiError.badRequest(`a ${channel.kind} channel has no signing secret`);
      const secret = newWebhookSecret();
      await store.alertRules.updateChannel(channelId, { secret });
      return { success: true, secret };
    },
  );
};
