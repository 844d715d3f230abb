/**
 * A member's role in a workspace, as stored (`memberships.role`) and
 * published (`AccessType`). Who may do what with a role is auth's rule
 * (`grants`); the store only keeps it.
 *
 * @example
 * const role: Role = ROLES[0]; // 'READ'
 */
export const ROLES = ['READ', 'WRITE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
