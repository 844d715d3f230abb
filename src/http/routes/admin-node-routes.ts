import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireOperator } from '../../auth/access.js';
import { reportTimeProblem } from '../../ingest/report-window.js';
import { BucketGoneError } from '../../store/bucket-gone-error.js';
import type { NewReport } from '../../ingest/report-ingest.js';
import { formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import { entryLimit } from '../entry-limit.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { instantOf } from '../input.js';
import { errorResponses } from '../schemas/common-schemas.js';
import {
  CreateNodeRequest,
  CreateNodeResponse,
  ImportRegistrationRequest,
  ImportReportsRequest,
  ImportReportsResponse,
  NodeParams,
} from '../schemas/node-schemas.js';
import { ActionResponse } from '../schemas/common-schemas.js';

// createPublicKey also takes a private key (and derives the public one), which must not be kept.
function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

function requireEd25519Pem(pem: string): string {
  if (isPrivateKey(pem))
    throw ApiError.badRequest("publicKey is a private key: send the node's public key (PEM, SPKI), never its private key");
  try {
    if (createPublicKey(pem).asymmetricKeyType === 'ed25519') return pem;
  } catch {
    // reported below
  }
  throw ApiError.badRequest('publicKey must be an Ed25519 public key in PEM (SPKI) form');
}

/** Operator calls for bridge nodes: creating them, and importing their history. */
export const adminNodeRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, config, credentials }) => {
  app.post(
    '/admin/nodes',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Create a bridge node with its Ed25519 public key (operator)',
        tags: ['admin'],
        body: CreateNodeRequest,
        response: { 201: CreateNodeResponse, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const node = {
        ip: body.ip,
        host: body.host,
        region: body.region.trim(),
        provider: body.provider.trim(),
        version: body.version.trim(),
        publicKey: requireEd25519Pem(body.publicKey),
      };
      requireOperator(principalOf(request));
      const record = await store.nodes.create(node, clock.now());
      credentials.forget('node', record.id);
      return reply.status(201).send({
        success: true,
        node: { id: record.id, ...node, createdAt: formatInstant(record.created_at) },
      });
    },
  );

  app.post(
    '/admin/nodes/:nodeId/registrations',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Import a past re-registration of a node (operator)',
        description: 'From `at` on, the node has the given values; what is left out stays as it was.',
        tags: ['admin'],
        params: NodeParams,
        body: ImportRegistrationRequest,
        response: { 201: ActionResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const nodeId = request.params.nodeId.toLowerCase();
      const at = instantOf(body.at);
      const change = {
        ...(body.ip !== undefined && { ip: body.ip }),
        ...(body.host !== undefined && { host: body.host }),
        ...(body.region !== undefined && { region: body.region.trim() }),
        ...(body.provider !== undefined && { provider: body.provider.trim() }),
        ...(body.version !== undefined && { version: body.version.trim() }),
      };
      if (!(await store.nodes.find(nodeId))) throw ApiError.notFound(`no node ${nodeId}`);
      requireOperator(principalOf(request));
      await store.nodes.register(nodeId, at, change);
      return reply.status(201).send({ success: true });
    },
  );

  app.post(
    '/admin/reports',
    {
      config: { access: 'operator' },
      bodyLimit: 8 * 1024 * 1024,
      preValidation: entryLimit(ImportReportsRequest, 'reports'),
      schema: {
        summary: 'Import history: reports in bulk, all or nothing (operator)',
        description:
          'Applied in array order. One bad entry (malformed, unknown node or bucket, outside the raw-report window) ' +
          'is a 400 naming its index, and nothing is stored. Repeats are counted in duplicates.',
        tags: ['admin'],
        body: ImportReportsRequest,
        response: { 200: ImportReportsResponse, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const now = clock.now();
      const window = { lateReportDays: null, rawRetentionDays: config.rawRetentionDays };
      const reports: NewReport[] = request.body.reports.map((entry, index) => {
        const at = instantOf(entry.at);
        const problem = reportTimeProblem(at, now, window);
        if (problem) throw ApiError.badRequest(`reports[${index}].at ${problem}`);
        return {
          nodeId: entry.nodeId.toLowerCase(),
          bucketId: entry.bucketId.toLowerCase(),
          at,
          status: entry.status,
          latencyMs: entry.latencyMs ?? null,
        };
      });
      const nodes = await store.nodes.existing([...new Set(reports.map((r) => r.nodeId))]);
      const buckets = await store.buckets.existing([...new Set(reports.map((r) => r.bucketId))]);
      reports.forEach((r, index) => {
        if (!nodes.has(r.nodeId)) throw ApiError.badRequest(`reports[${index}].nodeId: no node ${r.nodeId}`);
        if (!buckets.has(r.bucketId)) throw ApiError.badRequest(`reports[${index}].bucketId: no bucket ${r.bucketId}`);
      });
      requireOperator(principalOf(request));
      try {
        const { accepted, duplicates } = await store.reports.importAll(reports);
        return { success: true, accepted, duplicates };
      } catch (error) {
        if (!(error instanceof BucketGoneError)) throw error;
        // Deleted between the check above and the commit: the same 400 as if it had been gone before.
        const index = reports.findIndex((r) => error.bucketIds.includes(r.bucketId));
        throw ApiError.badRequest(`reports[${index}].bucketId: no bucket ${reports[index]?.bucketId}`);
      }
    },
  );
};
