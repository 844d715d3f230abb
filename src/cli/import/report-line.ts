import { Id } from '../../http/schemas/common-schemas.js';
import { NODE_STATUSES, type NodeStatus } from '../../stats/node-status.js';
import { parseDateTime } from '../../time/instant.js';

/** One report as `POST /admin/reports` takes it. */
export interface ImportReport {
  nodeId: string;
  bucketId: string;
  at: string;
  status: NodeStatus;
  latencyMs: number | null;
}

/** What one line of an import file holds: a report, nothing (a blank line), or why it is unusable. */
export type ParsedLine = { report: ImportReport } | { problem: string } | { blank: true };

const UUID = new RegExp(Id.pattern as string);
const STATUSES: ReadonlySet<string> = new Set(NODE_STATUSES);

/** The fields of a report as found in a line, before their types are checked. */
export interface RawReportFields {
  nodeId?: unknown;
  bucketId?: unknown;
  at?: unknown;
  status?: unknown;
  latencyMs?: unknown;
}

/**
 * Checks a line's fields the way the service would (api.md), so that most
 * bad lines are reported without a round trip; what only the service knows
 * (unknown nodes and buckets, its raw-report window) it reports by index.
 *
 * @example
 * toReport({ nodeId, bucketId, at: '2024-01-15T06:00:00Z', status: 'ONLINE', latencyMs: 40 }) // { report: {...} }
 * toReport({ nodeId, bucketId, at: 'yesterday', status: 'ONLINE' })                         // { problem: 'at must be ...' }
 */
export function toReport(fields: RawReportFields): ParsedLine {
  for (const name of ['nodeId', 'bucketId', 'at', 'status'] as const) {
    if (fields[name] === undefined || fields[name] === null || fields[name] === '') return { problem: `missing ${name}` };
  }
  const { nodeId, bucketId, at, status, latencyMs } = fields;
  if (typeof nodeId !== 'string' || !UUID.test(nodeId)) return { problem: `nodeId must be a UUID, got ${show(nodeId)}` };
  if (typeof bucketId !== 'string' || !UUID.test(bucketId)) return { problem: `bucketId must be a UUID, got ${show(bucketId)}` };
  if (typeof at !== 'string' || parseDateTime(at) === undefined) {
    return { problem: `at must be an RFC 3339 date-time with an offset (2024-01-15T10:30:00Z), got ${show(at)}` };
  }
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    return { problem: `status must be one of ${NODE_STATUSES.join(', ')}, got ${show(status)}` };
  }
  if (
    latencyMs !== undefined &&
    latencyMs !== null &&
    !(typeof latencyMs === 'number' && latencyMs >= 0 && Number.isFinite(latencyMs))
  ) {
    return { problem: `latencyMs must be a number of at least 0, or null, got ${show(latencyMs)}` };
  }
  return {
    report: { nodeId, bucketId, at, status: status as NodeStatus, latencyMs: latencyMs ?? null },
  };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One NDJSON line: a JSON object with nodeId, bucketId, at, status and
 * optionally latencyMs (extra fields are ignored, as the service does).
 *
 * @example
 * parseJsonLine('{"nodeId":"...","bucketId":"...","at":"2024-01-15T06:00:00Z","status":"ONLINE","latencyMs":40}')
 */
export function parseJsonLine(text: string): ParsedLine {
  if (text.trim() === '') return { blank: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  return toReport(value);
}
