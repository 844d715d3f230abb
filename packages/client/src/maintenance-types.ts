/**
 * A maintenance window: one interval `[start, end)`, or a recurrence (an
 * RFC 5545 `rrule` evaluated in UTC from `start`, each occurrence
 * `durationMinutes` long, none starting after `until`), for every node of
 * the bucket (`nodeIds` null) or the listed ones. `imported` marks the
 * operator's import of history: not announced ahead.
 *
 * @example
 * const recurring = windows.filter((w: MaintenanceWindow) => w.rrule !== null);
 */
export interface MaintenanceWindow {
  id: string;
  bucketId: string;
  nodeIds: string[] | null;
  start: string;
  end: string | null;
  rrule: string | null;
  durationMinutes: number | null;
  until: string | null;
  reason: string | null;
  createdAt: string;
  /** The creating user's id, or `operator`. */
  createdBy: string;
  imported: boolean;
}

/**
 * The body of `createMaintenanceWindow` and `updateMaintenanceWindow`:
 * either `{start, end}` or `{start, rrule, durationMinutes, until?}`.
 * Instants are `Date`s or RFC 3339 strings; `start` must not lie before now
 * (an update may keep a start already past unchanged).
 *
 * @example
 * const weekly: MaintenanceWindowRequest = { start: '2030-01-06T02:00:00Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', durationMinutes: 60 };
 */
export interface MaintenanceWindowRequest {
  start: Date | string;
  end?: Date | string | null;
  rrule?: string | null;
  /** 1-1440, with `rrule`. */
  durationMinutes?: number | null;
  until?: Date | string | null;
  /** Registered nodes; left out or null: every node of the bucket. */
  nodeIds?: string[] | null;
  reason?: string | null;
}

/**
 * The answer of `createMaintenanceWindow` and `updateMaintenanceWindow`.
 *
 * @example
 * const { window } = await client.createMaintenanceWindow(bucketId, { start, end });
 */
export interface MaintenanceWindowResponse {
  success: boolean;
  window: MaintenanceWindow;
}

/**
 * The answer of `getMaintenanceWindows`.
 *
 * @example
 * const { windows } = await client.getMaintenanceWindows(bucketId);
 */
export interface MaintenanceWindowsResponse {
  success: boolean;
  windows: MaintenanceWindow[];
}

/**
 * A past window to import: a window's fields and its bucket.
 *
 * @example
 * const entry: ImportedMaintenanceWindow = { bucketId, start: '2023-05-01T02:00:00Z', end: '2023-05-01T04:00:00Z' };
 */
export interface ImportedMaintenanceWindow extends MaintenanceWindowRequest {
  bucketId: string;
}

/**
 * The body of `importMaintenanceWindows` (operator): up to 10 000 windows, all or nothing.
 *
 * @example
 * await operator.importMaintenanceWindows({ windows: [{ bucketId, start, end, reason: 'from the old tool' }] });
 */
export interface ImportMaintenanceRequest {
  windows: ImportedMaintenanceWindow[];
}

/**
 * The answer of `importMaintenanceWindows`: how many windows were stored, and their ids in the order given.
 *
 * @example
 * const { ids } = await operator.importMaintenanceWindows({ windows });
 */
export interface ImportMaintenanceResponse {
  success: boolean;
  imported: number;
  ids: string[];
}
