import type { AccessType, EnumOrValue } from './enums.js';

/**
 * The body of `createWorkspace`. A user becomes the new workspace's ADMIN;
 * the operator must name that user in `ownerId`.
 *
 * @example
 * const request: CreateWorkspaceRequest = { name: 'Acme' };
 */
export interface CreateWorkspaceRequest {
  name: string;
  ownerId?: string;
}

/**
 * A workspace as created.
 *
 * @example
 * const workspace: Workspace = (await client.createWorkspace({ name: 'Acme' })).workspace;
 */
export interface Workspace {
  id: string;
  name: string;
}

/**
 * The answer of `createWorkspace`.
 *
 * @example
 * const { workspace } = await client.createWorkspace({ name: 'Acme' });
 */
export interface CreateWorkspaceResponse {
  success: boolean;
  workspace: Workspace;
}

/**
 * A workspace as its member sees it: with the member's own role.
 *
 * @example
 * const admin = workspaces.filter((w: WorkspaceWithRole) => w.role === AccessType.ADMIN);
 */
export interface WorkspaceWithRole {
  id: string;
  name: string;
  role: AccessType;
}

/**
 * The answer of `getWorkspaces`.
 *
 * @example
 * const { workspaces } = await client.getWorkspaces();
 */
export interface GetWorkspacesResponse {
  success: boolean;
  workspaces: WorkspaceWithRole[];
}

/**
 * The body of `addUserToWorkspace`.
 *
 * @example
 * const request: AddUserToWorkspaceRequest = { userId, role: AccessType.WRITE };
 */
export interface AddUserToWorkspaceRequest {
  userId: string;
  role: EnumOrValue<AccessType>;
}

/**
 * The body of `updateWorkspaceUserRole`.
 *
 * @example
 * const request: UpdateUserRoleRequest = { role: AccessType.ADMIN };
 */
export interface UpdateUserRoleRequest {
  role: EnumOrValue<AccessType>;
}
