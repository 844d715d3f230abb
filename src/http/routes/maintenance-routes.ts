import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireBucketRole, requireOperator } from '../../auth/access.js';
import type { Principal } from '../../auth/principal.js';
import { BucketGoneError } from '../../store/bucket-gone-error.js';
import { OPERATOR_AUTHOR, type MaintenanceWindowRecord } from '../../store/maintenance-store.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../api-error.js';
import { entryLimit } from '../entry-limit.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { checkWindowFields, requireKnownNodes, windowOut, type CheckedWindow } from '../maintenance-input.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import {
  ImportMaintenanceRequest,
  ImportMaintenanceResponse,
  MaintenanceWindowParams,
  MaintenanceWindowRequest,
  MaintenanceWindowResponse,
  MaintenanceWindowsResponse,
} from '../schemas/maintenance-schemas.js';
import { BucketParams } from '../schemas/stats-schemas.js';

const RETROACTIVE = 'lies before now: maintenance is announced ahead, never excused after the fact';

/** The window of the bucket, or a 404: checked before access, as every 404 is (api.md's error order). */
async function requireWindow(store: Store, bucketId: string, windowId: string): Promise<MaintenanceWindowRecord> {
  if (!(await store.buckets.find(bucketId))) throw ApiError.notFound(`no bucket ${bucketId}`);
  const window = await store.maintenance.find(bucketId, windowId);
  if (!window) throw ApiError.notFound(`no maintenance window ${windowId} in bucket ${bucketId}`);
  return window;
}

/**
 * A change may keep a start already past (the window goes on as it was
 * until now); any other instant it names must lie ahead: a change alters
 * only what is still to come.
 */
function requireChangeAhead(current: MaintenanceWindowRecord, change: CheckedWindow, now: number): void {
  const { start, end, until } = change.definition;
  if (start < now && start !== current.definition.start)
    throw ApiError.badRequest(`start ${RETROACTIVE} (a start already past may be kept as it is)`);
  if (end !== null && end <= now) throw ApiError.badRequest('end must lie ahead; to end a window now, delete it');
  if (until !== null && until < now) throw ApiError.badRequest('until must lie ahead; to end a recurrence now, delete it');
}

const authorOf = (principal: Principal): string => (principal.kind === 'operator' ? OPERATOR_AUTHOR : principal.userId);

/** Maintenance windows of a bucket: WRITE/ADMIN announce, change and delete them, any member lists them; the operator imports history. */
export const maintenanceRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock }) => {
  app.post(
    '/bucket/:bucketId/maintenance',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Announce a maintenance window',
        description:
          'One window {start, end} or a recurrence {start, rrule, durationMinutes, until?}, for every node of the bucket or the ' +
          'listed nodeIds (registered nodes). start must not lie before now. WRITE or ADMIN.',
        tags: ['maintenance'],
        params: BucketParams,
        body: MaintenanceWindowRequest,
        response: { 201: MaintenanceWindowResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const window = checkWindowFields(request.body);
      const now = clock.now();
      if (window.definition.start < now) throw ApiError.badRequest(`start ${RETROACTIVE}`);
      await requireKnownNodes(store, [window]);
      const principal = principalOf(request);
      await requireBucketRole(store, principal, bucketId, 'WRITE');
      const created = await store.maintenance.create(bucketId, window, authorOf(principal), now);
      if (!created) throw ApiError.notFound(`no bucket ${bucketId}`);
      return reply.status(201).send({ success: true, window: windowOut(created) });
    },
  );

  app.get(
    '/bucket/:bucketId/maintenance',
    {
      config: { access: 'user' },
      schema: {
        summary: "List a bucket's maintenance windows",
        description: 'The windows as they are now (deleted ones are left out; their past still counts). Any member.',
        tags: ['maintenance'],
        params: BucketParams,
        response: { 200: MaintenanceWindowsResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      await requireBucketRole(store, principalOf(request), bucketId, 'READ');
      return { success: true, windows: (await store.maintenance.list(bucketId)).map(windowOut) };
    },
  );

  app.put(
    '/bucket/:bucketId/maintenance/:windowId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Change a maintenance window from now on',
        description:
          'Replaces the definition from this instant on; what the window covered before stays as it was. A start already ' +
          'past may be kept unchanged; a new start, an end and an until must lie ahead. WRITE or ADMIN.',
        tags: ['maintenance'],
        params: MaintenanceWindowParams,
        body: MaintenanceWindowRequest,
        response: { 200: MaintenanceWindowResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const windowId = request.params.windowId.toLowerCase();
      const change = checkWindowFields(request.body);
      await requireKnownNodes(store, [change]);
      const current = await requireWindow(store, bucketId, windowId);
      const now = clock.now();
      requireChangeAhead(current, change, now);
      await requireBucketRole(store, principalOf(request), bucketId, 'WRITE');
      const updated = await store.maintenance.update(bucketId, windowId, change, now);
      if (!updated) throw ApiError.notFound(`no maintenance window ${windowId} in bucket ${bucketId}`);
      return { success: true, window: windowOut(updated) };
    },
  );

  app.delete(
    '/bucket/:bucketId/maintenance/:windowId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete a maintenance window from now on',
        description: 'Ends the window at this instant: the part already past stays and keeps counting. WRITE or ADMIN.',
        tags: ['maintenance'],
        params: MaintenanceWindowParams,
        response: { 200: ActionResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const windowId = request.params.windowId.toLowerCase();
      await requireWindow(store, bucketId, windowId);
      await requireBucketRole(store, principalOf(request), bucketId, 'WRITE');
      if (!(await store.maintenance.delete(bucketId, windowId, clock.now()))) {
        throw ApiError.notFound(`no maintenance window ${windowId} in bucket ${bucketId}`);
      }
      return { success: true };
    },
  );

  app.post(
    '/admin/maintenance',
    {
      config: { access: 'operator' },
      bodyLimit: 8 * 1024 * 1024,
      preValidation: entryLimit(ImportMaintenanceRequest, 'windows'),
      schema: {
        summary: 'Import past maintenance windows, all or nothing (operator)',
        description:
          'History from another system: windows whose start may lie in the past, in force over their whole definition and ' +
          'marked imported. One bad entry is a 400 naming its index, and nothing is stored.',
        tags: ['admin', 'maintenance'],
        body: ImportMaintenanceRequest,
        response: { 201: ImportMaintenanceResponse, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const entries = request.body.windows;
      const name = (index: number): string => `windows[${index}].`;
      const windows = entries.map((entry, index) => ({
        ...checkWindowFields(entry, name(index)),
        bucketId: entry.bucketId.toLowerCase(),
      }));
      await requireKnownNodes(store, windows, name);
      const buckets = await store.buckets.existing([...new Set(windows.map((w) => w.bucketId))]);
      windows.forEach((w, index) => {
        if (!buckets.has(w.bucketId)) throw ApiError.badRequest(`${name(index)}bucketId: no bucket ${w.bucketId}`);
      });
      requireOperator(principalOf(request));
      try {
        const stored = await store.maintenance.importAll(windows, clock.now());
        return reply.status(201).send({ success: true, imported: stored.length, ids: stored.map((w) => w.id) });
      } catch (error) {
        if (!(error instanceof BucketGoneError)) throw error;
        // Deleted between the check above and the commit: the same 400 as if it had been gone before.
        const index = windows.findIndex((w) => error.bucketIds.includes(w.bucketId));
        throw ApiError.badRequest(`${name(index)}bucketId: no bucket ${windows[index]?.bucketId}`);
      }
    },
  );
};
