import type { NodeTimestamp } from '../store/node-last-timestamp.js';

/**
 * A signed request's `timestamp`, which must exceed the last one accepted
 * from its node. It moves in the transaction that stores the request's
 * data (see `writeGroup`, `NodeStore.register`), so that a replayed request
 * stores nothing and a refused one leaves the guard where it was.
 *
 * @example
 * await reports.ingest(batch, { nodeId, timestamp: body.timestamp });
 */
export type ReplayGuard = NodeTimestamp;

/** The request's `timestamp` was not greater than its node's last accepted one: nothing was stored. */
export class ReplayError extends Error {
  override name = 'ReplayError';
  constructor() {
    super('timestamp is not greater than the last one accepted from this node');
  }
}
