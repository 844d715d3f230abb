import type { Transaction } from 'kysely';
import type { Database } from './database-schema.js';

/** A signed request's `timestamp`, which must exceed the last one accepted from its node. */
export interface ReplayGuard {
  nodeId: string;
  timestamp: number;
}

/** The request's `timestamp` was not greater than its node's last accepted one: nothing was stored. */
export class ReplayError extends Error {
  override name = 'ReplayError';
  constructor() {
    super('timestamp is not greater than the last one accepted from this node');
  }
}

/**
 * Moves the node's last accepted timestamp to the guard's, inside the
 * transaction that stores what the request carries, so that it moves only
 * when that commits. False when the timestamp is not newer (a replay).
 */
export async function advanceReplayGuard(trx: Transaction<Database>, guard: ReplayGuard): Promise<boolean> {
  const moved = await trx
    .updateTable('nodes')
    .set({ last_timestamp: guard.timestamp })
    .where('id', '=', guard.nodeId)
    .where((eb) => eb.or([eb('last_timestamp', 'is', null), eb('last_timestamp', '<', guard.timestamp)]))
    .executeTakeFirst();
  return moved.numUpdatedRows > 0n;
}
