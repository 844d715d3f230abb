import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireWorkspaceRole } from '../../auth/access.js';
import { LastAdminError } from '../../store/last-admin-error.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import { AddUserToWorkspaceRequest, MemberParams, UpdateUserRoleRequest, WorkspaceParams } from '../schemas/workspace-schemas.js';

const memberErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);

/** A workspace must keep someone who can manage it: the store refuses, in the transaction that writes. */
async function keepingAnAdmin(change: () => Promise<boolean>): Promise<boolean> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof LastAdminError) {
      throw ApiError.conflict("this is the workspace's last ADMIN; make another member ADMIN first");
    }
    throw error;
  }
}

/** A workspace's members, managed by its ADMINs. */
export const workspaceMemberRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store }) => {
  app.post(
    '/workspace/:workspaceId/users',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Add a user to a workspace',
        tags: ['workspaces'],
        params: WorkspaceParams,
        body: AddUserToWorkspaceRequest,
        response: { 200: ActionResponse, ...memberErrors },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const userId = request.body.userId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      if (!(await store.users.find(userId))) throw ApiError.notFound(`no user ${userId}`);
      if (!(await store.workspaces.addMember(workspaceId, userId, request.body.role))) {
        throw ApiError.conflict(
          `user ${userId} is already a member; change the role with PUT /workspace/${workspaceId}/users/${userId}`,
        );
      }
      return { success: true };
    },
  );

  app.put(
    '/workspace/:workspaceId/users/:userId',
    {
      config: { access: 'user' },
      schema: {
        summary: "Change a member's role",
        tags: ['workspaces'],
        params: MemberParams,
        body: UpdateUserRoleRequest,
        response: { 200: ActionResponse, ...memberErrors },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const userId = request.params.userId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      if (!(await store.workspaces.roleOf(workspaceId, userId)))
        throw ApiError.notFound(`user ${userId} is not a member of workspace ${workspaceId}`);
      if (!(await keepingAnAdmin(() => store.workspaces.setRole(workspaceId, userId, request.body.role))))
        throw ApiError.notFound(`user ${userId} is not a member of workspace ${workspaceId}`);
      return { success: true };
    },
  );

  app.delete(
    '/workspace/:workspaceId/users/:userId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Remove a member from a workspace',
        tags: ['workspaces'],
        params: MemberParams,
        response: { 200: ActionResponse, ...memberErrors },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const userId = request.params.userId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      if (!(await store.workspaces.roleOf(workspaceId, userId)))
        throw ApiError.notFound(`user ${userId} is not a member of workspace ${workspaceId}`);
      if (!(await keepingAnAdmin(() => store.workspaces.removeMember(workspaceId, userId))))
        throw ApiError.notFound(`user ${userId} is not a member of workspace ${workspaceId}`);
      return { success: true };
    },
  );
};
