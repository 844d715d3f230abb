import { Type } from '@sinclair/typebox';
import { DateTimeOut, DateTimeText, Host, Id, Ip, LatencyMs, Name, Nullable } from './common-schemas.js';
import { NodeStatusType } from './stats-schemas.js';

export const CreateNodeRequest = Type.Object({
  ip: Ip,
  host: Host,
  region: Name,
  provider: Name,
  version: Name,
  publicKey: Type.String({ maxLength: 10_000, description: "The node's Ed25519 public key, PEM (SPKI)" }),
});

export const BridgeNode = Type.Object({
  id: Id,
  ip: Type.String(),
  host: Type.String(),
  region: Type.String(),
  provider: Type.String(),
  version: Type.String(),
  publicKey: Type.String(),
  createdAt: DateTimeOut,
});
export const CreateNodeResponse = Type.Object({ success: Type.Boolean(), node: BridgeNode });

export const NodeParams = Type.Object({ nodeId: Id });
export const ImportRegistrationRequest = Type.Object({
  at: DateTimeText,
  ip: Type.Optional(Ip),
  host: Type.Optional(Host),
  region: Type.Optional(Name),
  provider: Type.Optional(Name),
  version: Type.Optional(Name),
});

export const MAX_IMPORT_REPORTS = 10_000;

export const ImportedReport = Type.Object({
  nodeId: Id,
  bucketId: Id,
  at: DateTimeText,
  status: NodeStatusType,
  latencyMs: Type.Optional(Nullable(LatencyMs)),
});
export const ImportReportsRequest = Type.Object({
  reports: Type.Array(ImportedReport, {
    maxItems: MAX_IMPORT_REPORTS,
    description: `At most ${MAX_IMPORT_REPORTS} reports (more is a 413), applied in array order`,
  }),
});
export const ImportReportsResponse = Type.Object({
  success: Type.Boolean(),
  accepted: Type.Integer({ description: 'Reports stored' }),
  duplicates: Type.Integer({ description: 'Repeats of a stored (nodeId, bucketId, at), which changed nothing' }),
});
