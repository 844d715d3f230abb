import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireBucketRole, requireWorkspaceRole } from '../../auth/access.js';
import type { BucketRecord } from '../../store/bucket-store.js';
import { formatInstant } from '../../time/instant.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { optionalName, requireName } from '../input.js';
import { CreateBucketRequest, CreateBucketResponse, GetBucketsQuery, GetBucketsResponse } from '../schemas/bucket-schemas.js';
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

/** Buckets: created in a workspace by its WRITE/ADMIN members, listed by any member. */
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
      const name = requireName('name', body.name);
      const bucketName = optionalName('bucket', body.bucket);
      const endpoint = optionalName('endpoint', body.endpoint);
      const region = optionalName('region', body.region);
      const workspaceId = body.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'WRITE');
      const bucket = await store.buckets.create(
        { name, workspaceId, storageType: body.storageType ?? 'S3', bucket: bucketName, endpoint, region },
        clock.now(),
      );
      return reply.status(201).send({ success: true, bucketId: bucket.id });
    },
  );

  app.get(
    '/bucket',
    {
      config: { access: 'user' },
      schema: {
        summary: 'List storage buckets',
        description: 'The buckets of one workspace, or of every workspace the caller belongs to when workspaceId is left out.',
        tags: ['buckets'],
        querystring: GetBucketsQuery,
        response: { 200: GetBucketsResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const workspaceId = request.query.workspaceId?.toLowerCase();
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
