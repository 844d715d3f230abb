import type { EnumOrValue, NodeStatusType } from './enums.js';

/**
 * The body of `createNode` (operator): a bridge node and its Ed25519 public
 * key in PEM (SPKI) form, which checks the signatures of its reports.
 *
 * @example
 * const request: CreateNodeRequest = { ip: '192.168.1.100', host: '*-us-east-1-aws.flashback.tech',
 *   region: 'us-east-1', provider: 'aws', version: '1.2.3', publicKey: pem };
 */
export interface CreateNodeRequest {
  ip: string;
  host: string;
  region: string;
  provider: string;
  version: string;
  publicKey: string;
}

/**
 * A bridge node as created: what `createNode` was given, with its id.
 *
 * @example
 * const node: BridgeNode = (await operator.createNode(request)).node;
 */
export interface BridgeNode extends CreateNodeRequest {
  id: string;
  createdAt: string;
}

/**
 * The answer of `createNode`.
 *
 * @example
 * const { node } = await operator.createNode(request);
 */
export interface CreateNodeResponse {
  success: boolean;
  node: BridgeNode;
}

/**
 * The body of `importNodeRegistration` (operator): from `at` on, the node
 * had the given values; what is left out stays as it was.
 *
 * @example
 * const request: ImportNodeRegistrationRequest = { at: new Date('2024-01-10T00:00:00Z'), version: '1.2.3' };
 */
export interface ImportNodeRegistrationRequest {
  at: Date | string;
  ip?: string;
  host?: string;
  region?: string;
  provider?: string;
  version?: string;
}

/**
 * One past report of a node about a bucket; `latencyMs` left out or `null`
 * means no measurement.
 *
 * @example
 * const report: ImportedReport = { nodeId, bucketId, at: '2024-01-15T06:00:00Z', status: NodeStatusType.ONLINE, latencyMs: 40 };
 */
export interface ImportedReport {
  nodeId: string;
  bucketId: string;
  at: Date | string;
  status: EnumOrValue<NodeStatusType>;
  latencyMs?: number | null;
}

/**
 * The body of `importReports` (operator): up to 10 000 reports, applied in
 * order, all or nothing.
 *
 * @example
 * const request: ImportReportsRequest = { reports: [report] };
 */
export interface ImportReportsRequest {
  reports: ImportedReport[];
}

/**
 * The answer of `importReports`: how many reports were stored, and how many
 * repeated a stored one and changed nothing.
 *
 * @example
 * const { accepted, duplicates } = await operator.importReports({ reports });
 */
export interface ImportReportsResponse {
  success: boolean;
  accepted: number;
  duplicates: number;
}
