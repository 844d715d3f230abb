import type { NodeProfile, NodeProfiles } from './bucket-day-stats.js';

/** The fields of a node's profile, which a re-registration may change one by one. */
export const NODE_PROFILE_FIELDS = ['ip', 'host', 'region', 'provider', 'version'] as const;

/** A re-registration: from `at` on, each field that is not null replaces the node's value. */
export type ProfileChange = { at: number } & { [Field in keyof NodeProfile]: string | null };

/** How a node was created, and its re-registrations, oldest first. */
export interface NodeHistory {
  created: NodeProfile;
  changes: readonly ProfileChange[];
}

/**
 * Each node's profile as of `asOf` (spec/stats-semantics.md, `version`,
 * `ip`, `host`): its creation values, overridden field by field by the
 * re-registrations dated before `asOf`, oldest first; and the earliest
 * re-registration dated at or after `asOf` (Infinity when none is), from
 * which on the profiles may differ. A node without a history is left out.
 *
 * @example
 * const { byNode, nextChangeAt } = profilesAsOf(histories, ['node-1'], Date.parse('2024-03-06T00:00:00Z'));
 */
export function profilesAsOf(
  histories: ReadonlyMap<string, NodeHistory>,
  nodeIds: readonly string[],
  asOf: number,
): NodeProfiles {
  const byNode = new Map<string, NodeProfile>();
  let nextChangeAt = Infinity;
  for (const id of nodeIds) {
    const history = histories.get(id);
    if (!history) continue;
    const profile = { ...history.created };
    for (const change of history.changes) {
      if (change.at >= asOf) {
        nextChangeAt = Math.min(nextChangeAt, change.at);
        break;
      }
      for (const field of NODE_PROFILE_FIELDS) profile[field] = change[field] ?? profile[field];
    }
    byNode.set(id, profile);
  }
  return { byNode, nextChangeAt };
}
