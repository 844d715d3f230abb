import { Type } from '@sinclair/typebox';
import { ROLES } from '../../auth/roles.js';
import { Id, Name, StringEnum } from './common-schemas.js';

export const AccessType = StringEnum(ROLES, { description: "A member's role in a workspace" });

export const CreateWorkspaceRequest = Type.Object({
  name: Name,
  ownerId: Type.Optional(Id),
});

export const Workspace = Type.Object({ id: Id, name: Type.String() });
export const CreateWorkspaceResponse = Type.Object({ success: Type.Boolean(), workspace: Workspace });

export const GetWorkspacesResponse = Type.Object({
  success: Type.Boolean(),
  workspaces: Type.Array(Type.Object({ id: Id, name: Type.String(), role: AccessType })),
});

export const WorkspaceParams = Type.Object({ workspaceId: Id });
export const MemberParams = Type.Object({ workspaceId: Id, userId: Id });
export const AddUserToWorkspaceRequest = Type.Object({ userId: Id, role: AccessType });
export const UpdateUserRoleRequest = Type.Object({ role: AccessType });

/** A member as `GET /workspace/{workspaceId}` lists them (the platform's `WorkspaceUser`). */
export const WorkspaceUser = Type.Object({
  userId: Id,
  role: AccessType,
  user: Type.Object({ id: Id, name: Type.String(), email: Type.String() }),
});
export const GetWorkspaceResponse = Type.Object({
  success: Type.Boolean(),
  workspace: Type.Object({ id: Id, name: Type.String(), users: Type.Array(WorkspaceUser) }),
});

/** The platform's `UpdateWorkspaceRequest`: a name left out leaves the workspace as it is. */
export const UpdateWorkspaceRequest = Type.Object({ name: Type.Optional(Name) });
export const UpdateWorkspaceResponse = CreateWorkspaceResponse;
