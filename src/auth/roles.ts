import type { Role } from '../store/member-roles.js';

// The roles themselves are stored values, declared where the store keeps
// them; here for the schemas and routes that name them with the rule.
export { ROLES, type Role } from '../store/member-roles.js';

const RANK: Record<Role, number> = { READ: 1, WRITE: 2, ADMIN: 3 };

/**
 * Whether `role` grants at least what `needed` does.
 *
 * @example
 * grants('ADMIN', 'WRITE'); // true
 */
export function grants(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
