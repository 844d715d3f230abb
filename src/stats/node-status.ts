/** What a bridge node says about a bucket, as published (`NodeStatusType`). */
export const NODE_STATUSES = ['ONLINE', 'OFFLINE', 'DISCONNECTED'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** One report of one node about one bucket at one instant. */
export interface Report {
  /** Epoch milliseconds at which the node measured. */
  at: number;
  status: NodeStatus;
  latencyMs: number | null;
}
