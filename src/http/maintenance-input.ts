import type { MaintenanceDefinition } from '../stats/maintenance.js';
import { RecurrenceRuleError, checkRecurrence } from '../stats/recurrence.js';
import type { MaintenanceWindowRecord } from '../store/maintenance-store.js';
import type { Store } from '../store/store.js';
import { formatInstant } from '../time/instant.js';
import { ApiError } from './api-error.js';
import { instantOf, storedName } from './input.js';
import type { MaintenanceWindow, MaintenanceWindowRequest } from './schemas/maintenance-schemas.js';

/** A window's definition and reason, as checked from a request. */
export interface CheckedWindow {
  definition: MaintenanceDefinition;
  reason: string | null;
}

const optionalInstant = (text: string | null | undefined): number | null =>
  text === undefined || text === null ? null : instantOf(text);

/**
 * The checks of a window's fields that a JSON Schema cannot make (it has
 * checked each field alone): which fields go together, instants in order, a
 * usable rule. `prefix` names the entry in a message (`windows[3].`).
 * Whether `start` may lie in the past is the caller's to decide.
 */
export function checkWindowFields(body: MaintenanceWindowRequest, prefix = ''): CheckedWindow {
  const bad = (message: string): ApiError => ApiError.badRequest(`${prefix}${message}`);
  const start = instantOf(body.start);
  const end = optionalInstant(body.end);
  const until = optionalInstant(body.until);
  const rrule = body.rrule === undefined || body.rrule === null ? null : body.rrule.trim();
  const durationMinutes = body.durationMinutes ?? null;
  // rrule.js counts years from 1970; no maintenance lies before the service's epoch anyway.
  if (start < 0) throw bad('start must not lie before 1970-01-01T00:00:00Z');
  if (end !== null && rrule !== null) throw bad('give either end (one window) or rrule (a recurrence), not both');
  if (end === null && rrule === null) throw bad('give end (one window) or rrule with durationMinutes (a recurrence)');
  if (end !== null) {
    if (end <= start) throw bad('end must lie after start');
    if (durationMinutes !== null) throw bad('durationMinutes belongs to a recurrence (rrule), not to a window with end');
    if (until !== null) throw bad('until belongs to a recurrence (rrule), not to a window with end');
  }
  if (rrule !== null) {
    if (durationMinutes === null) throw bad('rrule needs durationMinutes (1-1440)');
    if (until !== null && until < start) throw bad('until must not lie before start');
    try {
      checkRecurrence({ start, rrule, durationMinutes, until });
    } catch (error) {
      if (error instanceof RecurrenceRuleError) throw bad(error.message);
      throw error;
    }
  }
  const nodeIds =
    body.nodeIds === undefined || body.nodeIds === null ? null : [...new Set(body.nodeIds.map((id) => id.toLowerCase()))];
  const reason = storedName(body.reason);
  return { definition: { nodeIds, start, end, rrule, durationMinutes, until }, reason };
}

/** A 400 naming the first node id of the windows that no registered node has. */
export async function requireKnownNodes(
  store: Store,
  windows: readonly CheckedWindow[],
  entryName?: (index: number) => string,
): Promise<void> {
  const asked = [...new Set(windows.flatMap((w) => w.definition.nodeIds ?? []))];
  if (asked.length === 0) return;
  const known = await store.nodes.existing(asked);
  windows.forEach((window, index) => {
    const unknown = window.definition.nodeIds?.find((id) => !known.has(id));
    if (unknown !== undefined) throw ApiError.badRequest(`${entryName ? entryName(index) : ''}nodeIds: no node ${unknown}`);
  });
}

/** A stored window as the API answers it. */
export function windowOut(record: MaintenanceWindowRecord): MaintenanceWindow {
  const { definition } = record;
  return {
    id: record.id,
    bucketId: record.bucketId,
    nodeIds: definition.nodeIds === null ? null : [...definition.nodeIds],
    start: formatInstant(definition.start),
    end: definition.end === null ? null : formatInstant(definition.end),
    rrule: definition.rrule,
    durationMinutes: definition.durationMinutes,
    until: definition.until === null ? null : formatInstant(definition.until),
    reason: record.reason,
    createdAt: formatInstant(record.createdAt),
    createdBy: record.createdBy,
    imported: record.imported,
  };
}
