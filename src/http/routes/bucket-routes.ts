import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireBucketRole, requireWorkspaceRole } from '../../auth/access.js';
import { WorkspaceGoneError, type BucketRecord } from '../../store/bucket-store.js';
import { formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { storedName } from '../input.js';
import {
  CreateBucketRequest,
  CreateBucketResponse,
  GetBucketsQuery,
  GetBucketsResponse,
  UpdateBucketRequest,
  UpdateBucketResponse,
  workspaceOfFilter,
} from '../schemas/bucket-schemas.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import { BucketParams } from '../schemas/stats-schemas.js';

function bucketOut(b: BucketRecord) {
  return {
    id: b.id,
    name: b.name,
    workspaceId: b.workspace_id,
    storageType: b.storage_type as 'S3' | 'GCS' | 'BLOB',
    bucket: b.bucket,
    endpoint: b.endpoint,
    region: b.region,
    createdAt: formatInstant(b.created_at),
  };
}

/** Buckets: created, updated and deleted in a workspace by its WRITE/ADMIN members, listed by any member. */
export const bucketRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock }) => {
  app.post(
    '/bucket',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Create a storage bucket',
        tags: ['buckets'],
        body: CreateBucketRequest,
        response: { 201: CreateBucketResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const name = body.name.trim();
      const bucketName = storedName(body.bucket);
      const endpoint = storedName(body.endpoint);
      const region = storedName(body.region);
      const workspaceId = body.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'WRITE');
      const bucket = await store.buckets
        .create({ name, workspaceId, storageType: body.storageType ?? 'S3', bucket: bucketName, endpoint, region }, clock.now())
        .catch((error: unknown) => {
          // Deleted between the access check and the insert (see WorkspaceStore.deleteIfEmpty).
          throw error instanceof WorkspaceGoneError ? ApiError.notFound(error.message) : error;
        });
      return reply.status(201).send({ success: true, bucketId: bucket.id });
    },
  );

  app.get(
    '/bucket',
    {
      config: { access: 'user' },
      schema: {
        summary: 'List storage buckets',
        description:
          'The buckets of one workspace, or of every workspace the caller belongs to when workspaceId is left out, empty ' +
          'or "undefined" (as the platform\'s getStorageBuckets() sends it, with a walletAddress that is ignored).',
        tags: ['buckets'],
        querystring: GetBucketsQuery,
        response: { 200: GetBucketsResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const workspaceId = workspaceOfFilter(request.query.workspaceId);
      let workspaceIds: string[] | null;
      if (workspaceId !== undefined) {
        await requireWorkspaceRole(store, principal, workspaceId, 'READ');
        workspaceIds = [workspaceId];
      } else {
        workspaceIds = principal.kind === 'operator' ? null : (await store.workspaces.listFor(principal.userId)).map((w) => w.id);
      }
      return { success: true, buckets: (await store.buckets.list(workspaceIds)).map(bucketOut) };
    },
  );

  app.put(
    '/bucket/:bucketId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Update a storage bucket',
        description:
          "The platform's updateStorageBucket (WRITE or ADMIN): the fields of POST /bucket. workspaceId must be the " +
          "bucket's own (buckets do not move); an optional field left out keeps its value, null clears it.",
        tags: ['buckets'],
        params: BucketParams,
        body: UpdateBucketRequest,
        response: { 200: UpdateBucketResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const { body } = request;
      const changes = {
        name: body.name.trim(),
        storageType: body.storageType,
        // Left out keeps the value; null clears it.
        bucket: body.bucket === undefined ? undefined : storedName(body.bucket),
        endpoint: body.endpoint === undefined ? undefined : storedName(body.endpoint),
        region: body.region === undefined ? undefined : storedName(body.region),
      };
      const workspaceId = body.workspaceId.toLowerCase();
      const bucket = await store.buckets.find(bucketId);
      if (!bucket) throw ApiError.notFound(`no bucket ${bucketId}`);
      if (bucket.workspace_id !== workspaceId) {
        throw ApiError.badRequest(
          "workspaceId must be the bucket's own workspace: buckets do not move; create one in the other workspace instead",
        );
      }
      await requireBucketRole(store, principalOf(request), bucketId, 'WRITE');
      if (!(await store.buckets.update(bucketId, changes))) throw ApiError.notFound(`no bucket ${bucketId}`);
      return { success: true, bucketId };
    },
  );

  app.delete(
    '/bucket/:bucketId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete a storage bucket, with its reports and statistics',
        tags: ['buckets'],
        params: BucketParams,
        response: { 200: ActionResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      await requireBucketRole(store, principalOf(request), bucketId, 'WRITE');
      await store.buckets.delete(bucketId);
      return { success: true };
    },
  );
};
