import { Type, type Static } from '@sinclair/typebox';
import { DateTimeOut, DateTimeText, Host, Id, Ip, LatencyMs, Name, Nullable } from './common-schemas.js';
import { NodeStatusType } from './stats-schemas.js';

/** The most entries one `POST /node/status` may carry; more is a 413. */
export const MAX_STATUS_ENTRIES = 1000;

const NodeTimestamp = Type.Integer({
  description:
    "Milliseconds since the epoch; within 300 s of the service's clock and greater than the last one accepted from the node",
  examples: [1705314600000],
});

export const RegisterNodeRequest = Type.Object({
  ip: Ip,
  region: Name,
  provider: Name,
  version: Name,
  host: Type.Optional(Host),
  timestamp: NodeTimestamp,
});
export type RegisterNodeRequest = Static<typeof RegisterNodeRequest>;

export const RegisterNodeResponse = Type.Object({ success: Type.Boolean(), message: Type.String() });

export const BucketStatusEntry = Type.Object({
  bucketId: Id,
  status: NodeStatusType,
  latencyMs: Type.Optional(Nullable(LatencyMs)),
  createdAt: DateTimeText,
});

export const NodeStatusRequest = Type.Object({
  ip: Ip,
  region: Name,
  timestamp: NodeTimestamp,
  buckets: Type.Array(BucketStatusEntry, {
    maxItems: MAX_STATUS_ENTRIES,
    description: `At most ${MAX_STATUS_ENTRIES} entries (more is a 413)`,
  }),
});
export type NodeStatusRequest = Static<typeof NodeStatusRequest>;

export const RejectedEntry = Type.Object({
  bucketId: Id,
  createdAt: DateTimeOut,
  message: Type.String({ description: 'Why this entry was not stored' }),
});

export const NodeStatusResponse = Type.Object({
  success: Type.Boolean(),
  accepted: Type.Integer({ description: 'Entries stored' }),
  duplicates: Type.Integer({ description: 'Repeats of a stored (node, bucketId, createdAt), which changed nothing' }),
  rejected: Type.Array(RejectedEntry, { description: 'Entries not stored, each with the reason; the others were stored' }),
});
