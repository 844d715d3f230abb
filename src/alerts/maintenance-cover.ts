import { isUnderMaintenance } from '../stats/maintenance.js';
import type { Store } from '../store/store.js';

/**
 * Whether a maintenance window (spec/sla.md) covers a node of a bucket at
 * an instant: `node.down` and `uptime.below` wait while it does.
 *
 * @example
 * const never: MaintenanceCover = { covers: async () => false };
 */
export interface MaintenanceCover {
  covers(bucketId: string, nodeId: string, at: number): Promise<boolean>;
}

/** No maintenance windows: nothing is ever muted. */
export const NO_MAINTENANCE: MaintenanceCover = { covers: async () => false };

/**
 * The maintenance windows of the store (spec/sla.md): a node is covered
 * when a window version in force at `at` covers it.
 *
 * @example
 * const cover = storeMaintenanceCover(store);
 */
export function storeMaintenanceCover(store: Pick<Store, 'maintenance'>): MaintenanceCover {
  return { covers: async (bucketId, nodeId, at) => isUnderMaintenance(await store.maintenance.versions(bucketId), nodeId, at) };
}
