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
