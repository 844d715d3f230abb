import { EventEmitter } from 'node:events';

/**
 * What changed in the store, told after the change is committed, so that
 * caches of derived answers can drop what the change touched.
 */
export interface StoreEventMap {
  /**
   * Reports were stored for `bucketId` on `days` (UTC day numbers), or
   * `all` when one became the earliest of its series, which moves the start
   * of its timeline on every later day.
   */
  reports: [bucketId: string, days: readonly number[] | 'all'];
  /** Reports that alert rules must look at were committed (`alert_observations`). */
  alertsObserved: [];
  /** An ingest transaction committed: how many reports it stored, and how many were repeats. */
  ingested: [stored: number, duplicates: number];
  /** A node's profile changed (creation or re-registration). */
  nodes: [];
  /** A bucket and its data were deleted. */
  bucketDeleted: [bucketId: string];
  /** A workspace was deleted, with its alert channels and rules. */
  workspaceDeleted: [workspaceId: string];
  /** A token, a membership or a bucket changed: access answers may differ. */
  access: [];
}

export class StoreEvents extends EventEmitter<StoreEventMap> {}
