import type { Transaction } from 'kysely';
import type { Database } from './database-schema.js';

/** A signed request's node and `timestamp`, to record as the node's last accepted one (`nodes.last_timestamp`). */
export interface NodeTimestamp {
  nodeId: string;
  timestamp: number;
}

/**
 * Moves the node's last accepted timestamp to `signed.timestamp`, inside the
 * transaction that stores what the request carries, so that it moves only
 * when that commits. False when the timestamp is not newer (a replay): the
 * caller then stores nothing.
 *
 * @example
 * if (!(await advanceLastTimestamp(trx, { nodeId, timestamp }))) return false;
 */
export async function advanceLastTimestamp(trx: Transaction<Database>, signed: NodeTimestamp): Promise<boolean> {
  const moved = await trx
    .updateTable('nodes')
    .set({ last_timestamp: signed.timestamp })
    .where('id', '=', signed.nodeId)
    .where((eb) => eb.or([eb('last_timestamp', 'is', null), eb('last_timestamp', '<', signed.timestamp)]))
    .executeTakeFirst();
  return moved.numUpdatedRows > 0n;
}
