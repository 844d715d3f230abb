import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasValidSignature } from '../../ingest/node-signature.js';
import { reportTimeProblem } from '../../ingest/report-window.js';
import type { NodeSigner } from '../../store/node-store.js';
import type { NewReport } from '../../ingest/report-ingest.js';
import { ReplayError, type ReplayGuard } from '../../ingest/replay-guard.js';
import { formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { instantOf } from '../input.js';
import { entryLimit } from '../entry-limit.js';
import { readRawBody } from '../raw-body.js';
import { Id, errorResponses } from '../schemas/common-schemas.js';
import {
  NodeStatusRequest,
  NodeStatusResponse,
  RegisterNodeRequest,
  RegisterNodeResponse,
} from '../schemas/node-report-schemas.js';

/** How far a request's `timestamp` may be from the service's clock, either way. */
const MAX_CLOCK_SKEW_MS = 300_000;

const UUID = new RegExp(Id.pattern as string);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The body's `timestamp` if it is a number; anything else is left for the schema (400). */
function bodyTimestamp(body: unknown): number | undefined {
  const timestamp = (body as { timestamp?: unknown } | null | undefined)?.timestamp;
  return typeof timestamp === 'number' ? timestamp : undefined;
}

/**
 * Bridge nodes' signed calls: `POST /node/register` and `POST /node/status`
 * (api.md, "Signed node requests"). Their 401 checks run as hooks, so that a
 * bad credential answers before a too-large or malformed body does (only a
 * body over the limit, which is never read, cannot have its signature checked).
 */
export const nodeRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, config, credentials, budgets }) => {
  // The node named by X-Node-Id, from onRequest to the handler.
  const signers = new WeakMap<FastifyRequest, NodeSigner>();

  function signerOf(request: FastifyRequest): NodeSigner {
    const node = signers.get(request);
    if (!node) throw new Error('signed node route without its onRequest hook');
    return node;
  }

  // Header-only checks, before the body is read: a caller without usable
  // credentials gets a 401 even when its body would be a 413 or 415.
  async function identifyNode(request: FastifyRequest): Promise<void> {
    const nodeId = header(request, 'x-node-id');
    if (nodeId === undefined) {
      throw ApiError.unauthorized('missing X-Node-Id header; signed node requests carry X-Node-Id and X-Signature');
    }
    if (header(request, 'x-signature') === undefined) {
      throw ApiError.unauthorized('missing X-Signature header: send the base64 Ed25519 signature of the exact body bytes');
    }
    const id = nodeId.toLowerCase();
    const node = UUID.test(id) ? await credentials.find('node', id, () => store.nodes.signer(id)) : undefined;
    if (!node) throw ApiError.unauthorized(`unknown node ${JSON.stringify(nodeId.slice(0, 64))} in X-Node-Id`);
    signers.set(request, node);
  }

  // Before the body is parsed: the signature covers its exact bytes, so a
  // forged request is a 401 whatever its media type or JSON (401 comes
  // first), and no body field is trusted until the signature holds.
  async function verifySignature(request: FastifyRequest, reply: FastifyReply, payload: Readable): Promise<Readable> {
    const node = signerOf(request);
    const { bytes, stream } = await readRawBody(request, reply, payload);
    if (!hasValidSignature(bytes, header(request, 'x-signature') as string, node.public_key)) {
      throw ApiError.unauthorized(`X-Signature is not a valid Ed25519 signature of this body by node ${node.id}`);
    }
    budgets.verified(request);
    return stream;
  }

  // After the body is parsed, before the schema.
  async function verifyTimestamp(request: FastifyRequest): Promise<void> {
    const node = signerOf(request);
    const timestamp = bodyTimestamp(request.body);
    if (timestamp === undefined) return;
    const now = clock.now();
    if (!(Math.abs(timestamp - now) <= MAX_CLOCK_SKEW_MS)) {
      throw ApiError.unauthorized(
        `timestamp ${timestamp} is more than ${MAX_CLOCK_SKEW_MS / 1000} s away from the service's clock (${now}); ` +
          "check the node's clock and send milliseconds since the epoch",
      );
    }
    const last = await store.nodes.lastTimestamp(node.id);
    if (last !== null && timestamp <= last) throw replay(timestamp, last);
  }

  function replay(timestamp: number, last: number | null): ApiError {
    return ApiError.unauthorized(
      `timestamp ${timestamp} is not greater than the last one accepted from this node` +
        `${last === null ? '' : ` (${last})`}; a retry must be a new request, re-signed with a new timestamp`,
    );
  }

  // The early check above answers most replays without touching the store;
  // the guard that counts moves inside the transaction that stores the
  // request's data (ReplayError), so it moves only with a 200 and two
  // concurrent copies of one request cannot both be stored.
  async function storeGuarded<T>(nodeId: string, timestamp: number, write: (guard: ReplayGuard) => Promise<T>): Promise<T> {
    try {
      return await write({ nodeId, timestamp });
    } catch (error) {
      if (error instanceof ReplayError) throw replay(timestamp, await store.nodes.lastTimestamp(nodeId));
      throw error;
    }
  }

  app.post(
    '/node/register',
    {
      config: { access: 'node' },
      onRequest: identifyNode,
      preParsing: verifySignature,
      preValidation: verifyTimestamp,
      schema: {
        summary: 'Re-register a bridge node from now on (signed by the node)',
        description: 'Records new ip, region, provider, version and (if given) host, effective from the moment of the call.',
        tags: ['node'],
        body: RegisterNodeRequest,
        response: { 200: RegisterNodeResponse, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request) => {
      const { body } = request;
      const nodeId = signerOf(request).id;
      const change = {
        ip: body.ip,
        region: body.region.trim(),
        provider: body.provider.trim(),
        version: body.version.trim(),
        ...(body.host !== undefined && { host: body.host }),
      };
      await storeGuarded(nodeId, body.timestamp, async (guard) => {
        if (!(await store.nodes.register(nodeId, clock.now(), change, guard))) throw new ReplayError();
      });
      return { success: true, message: 'registered' };
    },
  );

  app.post(
    '/node/status',
    {
      config: { access: 'node' },
      onRequest: identifyNode,
      preParsing: verifySignature,
      preValidation: [verifyTimestamp, entryLimit(NodeStatusRequest, 'buckets', 'entries in buckets')],
      schema: {
        summary: "Report the node's view of buckets (signed by the node)",
        description:
          'Entries for unknown buckets, older than LATE_REPORT_DAYS or the raw-report window, or more than 300 s ahead ' +
          'are listed in rejected; the others are stored. Repeats are counted in duplicates. ip and region are informational.',
        tags: ['node'],
        body: NodeStatusRequest,
        response: { 200: NodeStatusResponse, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request) => {
      const { body } = request;
      const nodeId = signerOf(request).id;
      const entries: NewReport[] = body.buckets.map((entry) => ({
        nodeId,
        bucketId: entry.bucketId.toLowerCase(),
        at: instantOf(entry.createdAt),
        status: entry.status,
        latencyMs: entry.latencyMs ?? null,
      }));
      const now = clock.now();
      const window = { lateReportDays: config.lateReportDays, rawRetentionDays: config.rawRetentionDays };
      const buckets = await store.buckets.existing([...new Set(entries.map((e) => e.bucketId))]);
      const problemOf = (entry: NewReport): string | undefined => {
        if (!buckets.has(entry.bucketId)) return `no bucket ${entry.bucketId}`;
        const problem = reportTimeProblem(entry.at, now, window);
        return problem === undefined ? undefined : `createdAt ${problem}`;
      };
      const problems = new Map<NewReport, string>();
      const reports = entries.filter((entry) => {
        const message = problemOf(entry);
        if (message !== undefined) problems.set(entry, message);
        return message === undefined;
      });
      const { accepted, duplicates, bucketGone } = await storeGuarded(nodeId, body.timestamp, (guard) =>
        store.reports.ingest(reports, guard),
      );
      // Deleted between the check above and the commit: refused as if it had been gone before.
      for (const entry of bucketGone) problems.set(entry, `no bucket ${entry.bucketId}`);
      const rejected = entries.flatMap((entry) => {
        const message = problems.get(entry);
        return message === undefined ? [] : [{ bucketId: entry.bucketId, createdAt: formatInstant(entry.at), message }];
      });
      return { success: true, accepted, duplicates, rejected };
    },
  );
};
