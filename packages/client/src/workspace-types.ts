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

/**
 * A member of a workspace as `getWorkspace` lists them: the role, and who
 * they are.
 *
 * @example
 * const admins = workspace.users.filter((member: WorkspaceUser) => member.role === AccessType.ADMIN);
 */
export interface WorkspaceUser {
  userId: string;
  role: AccessType;
  user: { id: string; name: string; email: string };
}

/**
 * The answer of `getWorkspace`: the workspace with its members.
 *
 * @example
 * const { workspace } = await client.getWorkspace(workspaceId);
 * console.log(workspace.name, workspace.users.length);
 */
export interface GetWorkspaceResponse {
  success: boolean;
  workspace: Workspace & { users: WorkspaceUser[] };
}

/**
 * The body of `updateWorkspace`; without a `name` nothing changes.
 *
 * @example
 * const request: UpdateWorkspaceRequest = { name: 'Acme Europe' };
 */
export interface UpdateWorkspaceRequest {
  name?: string;
}

/**
 * The answer of `updateWorkspace`: the workspace as it now is.
 *
 * @example
 * const { workspace } = await client.updateWorkspace(workspaceId, { name: 'Acme Europe' });
 */
export interface UpdateWorkspaceResponse {
  success: boolean;
  workspace: Workspace;
}
