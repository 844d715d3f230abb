import { intersectIntervals, normalizeIntervals, type Interval } from './intervals.js';
import { recurrenceIntervals, type RecurrenceDefinition } from './recurrence.js';

/**
 * What a maintenance window says: one interval `[start, end)`, or a
 * recurrence (`rrule` from `start`, each occurrence `durationMinutes` long,
 * none starting after `until`), for all nodes of its bucket (`nodeIds`
 * null) or the listed ones.
 */
export interface MaintenanceDefinition {
  nodeIds: readonly string[] | null;
  start: number;
  end: number | null;
  rrule: string | null;
  durationMinutes: number | null;
  until: number | null;
}

/**
 * One version of a window: its definition, in force over
 * `[inForceFrom, inForceUntil)`. A window is announced, never retroactive:
 * its first version is in force from its creation, and a change or a
 * deletion at instant c closes the version in force at c and (a change)
 * opens the next, so the part before c stays as it was. An imported window
 * (the operator's history) is in force from its own start.
 */
export interface MaintenanceVersion {
  windowId: string;
  definition: MaintenanceDefinition;
  inForceFrom: number;
  /** null: the version in force now. */
  inForceUntil: number | null;
}

/**
 * The intervals a definition covers within `[from, to)`, for any node it
 * names, normalized.
 *
 * @example
 * definitionIntervals({ nodeIds: null, start: 0, end: 10, rrule: null, durationMinutes: null, until: null }, 5, 20)
 * // [{ from: 5, to: 10 }]
 */
export function definitionIntervals(definition: MaintenanceDefinition, from: number, to: number): Interval[] {
  if (to <= from) return [];
  const { start, end } = definition;
  if (isRecurring(definition)) {
    return intersectIntervals(normalizeIntervals(recurrenceIntervals(definition, from, to)), [{ from, to }]);
  }
  if (end === null) return [];
  const clippedFrom = Math.max(from, start);
  const clippedTo = Math.min(to, end);
  return clippedTo > clippedFrom ? [{ from: clippedFrom, to: clippedTo }] : [];
}

const isRecurring = (definition: MaintenanceDefinition): definition is MaintenanceDefinition & RecurrenceDefinition =>
  definition.rrule !== null && definition.durationMinutes !== null;

const coversNode = (definition: MaintenanceDefinition, nodeId: string): boolean =>
  definition.nodeIds === null || definition.nodeIds.includes(nodeId);

/**
 * Maintenance time of one node: the union of what every version in force
 * covers for `nodeId`, each version only over its own time in force,
 * clipped to `[from, to)`; normalized (time covered twice counts once).
 *
 * @example
 * const versions = await store.maintenance.versions(bucketId);
 * const inMaintenance = maintenanceOf(versions, nodeId, day * DAY_MS, (day + 1) * DAY_MS);
 */
export function maintenanceOf(versions: readonly MaintenanceVersion[], nodeId: string, from: number, to: number): Interval[] {
  const parts: Interval[] = [];
  for (const version of versions) {
    if (!coversNode(version.definition, nodeId)) continue;
    const inForceFrom = Math.max(from, version.inForceFrom);
    const inForceTo = Math.min(to, version.inForceUntil ?? Infinity);
    if (inForceTo <= inForceFrom) continue;
    parts.push(...definitionIntervals(version.definition, inForceFrom, inForceTo));
  }
  return normalizeIntervals(parts);
}

/**
 * Whether `nodeId` is under maintenance at instant `at`: cheap enough to ask
 * for every alert evaluation (one interval per version, a lookup for a rule).
 *
 * @example
 * if (isUnderMaintenance(versions, nodeId, clock.now())) return; // no alert during announced maintenance
 */
export function isUnderMaintenance(versions: readonly MaintenanceVersion[], nodeId: string, at: number): boolean {
  return versions.some(
    (version) =>
      version.inForceFrom <= at &&
      (version.inForceUntil === null || at < version.inForceUntil) &&
      coversNode(version.definition, nodeId) &&
      definitionIntervals(version.definition, at, at + 1).length > 0,
  );
}
