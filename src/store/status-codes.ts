import type { NodeStatus } from '../stats/node-status.js';

// Statuses are stored as small integers: a report row stays a few bytes.
const CODES: Record<NodeStatus, number> = { ONLINE: 1, OFFLINE: 2, DISCONNECTED: 3 };
const STATUSES: Record<number, NodeStatus> = { 1: 'ONLINE', 2: 'OFFLINE', 3: 'DISCONNECTED' };

export function statusCode(status: NodeStatus): number {
  return CODES[status];
}

export function statusFromCode(code: number): NodeStatus {
  const status = STATUSES[code];
  if (!status) throw new Error(`unknown stored status code ${code}`);
  return status;
}
