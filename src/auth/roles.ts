/** A member's role in a workspace, as published (`AccessType`). */
export const ROLES = ['READ', 'WRITE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { READ: 1, WRITE: 2, ADMIN: 3 };

/** Whether `role` grants at least what `needed` does. */
export function grants(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
