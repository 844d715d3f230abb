import type { Selectable } from 'kysely';
import type { MaintenanceDefinition } from '../stats/maintenance.js';
import type { MaintenanceVersionTable } from './database-schema.js';
import type { MaintenanceWindowRecord, NewMaintenanceWindow } from './maintenance-store.js';

// Maintenance windows between their rows (one per version) and the records the store answers.

export type VersionRow = Selectable<MaintenanceVersionTable>;

export function recordOf(row: VersionRow): MaintenanceWindowRecord {
  return {
    id: row.window_id,
    bucketId: row.bucket_id,
    definition: definitionOf(row),
    reason: row.reason,
    createdAt: row.created_at,
    createdBy: row.created_by,
    imported: row.imported === 1,
  };
}

export function definitionOf(row: VersionRow): MaintenanceDefinition {
  return {
    nodeIds: row.node_ids === null ? null : (JSON.parse(row.node_ids) as string[]),
    start: row.start_at,
    end: row.end_at,
    rrule: row.rrule,
    durationMinutes: row.duration_minutes,
    until: row.until_at,
  };
}

export function rowOf(
  window: NewMaintenanceWindow,
  fields: Pick<VersionRow, 'window_id' | 'version' | 'bucket_id' | 'in_force_from' | 'created_at' | 'created_by' | 'imported'>,
): VersionRow {
  const { definition } = window;
  return {
    ...fields,
    in_force_until: null,
    node_ids: definition.nodeIds === null ? null : JSON.stringify(definition.nodeIds),
    start_at: definition.start,
    end_at: definition.end,
    rrule: definition.rrule,
    duration_minutes: definition.durationMinutes,
    until_at: definition.until,
    reason: window.reason,
  };
}
