import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireWorkspaceRole } from '../../auth/access.js';
import { LastAdminError } from '../../store/last-admin-error.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { requireName } from '../input.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import {
  AddUserToWorkspaceRequest,
  CreateWorkspaceRequest,
  CreateWorkspaceResponse,
  GetWorkspacesResponse,
  MemberParams,
  UpdateUserRoleRequest,
  WorkspaceParams,
} from '../schemas/workspace-schemas.js';

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

/** Workspaces and their members. */
export const workspaceRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock }) => {
  app.post(
    '/workspace',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Create a workspace',
        description: 'The caller becomes its ADMIN; the operator must name the owning user in ownerId.',
        tags: ['workspaces'],
        body: CreateWorkspaceRequest,
        response: { 201: CreateWorkspaceResponse, ...errorResponses(400, 401, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const name = requireName('name', request.body.name);
      let ownerId: string;
      if (principal.kind === 'operator') {
        if (!request.body.ownerId) throw ApiError.badRequest('the operator must name the owning user in ownerId');
        ownerId = request.body.ownerId.toLowerCase();
        if (!(await store.users.find(ownerId))) throw ApiError.notFound(`no user ${ownerId}`);
      } else {
        ownerId = principal.userId;
      }
      const workspace = await store.workspaces.create(name, ownerId, clock.now());
      return reply.status(201).send({ success: true, workspace: { id: workspace.id, name: workspace.name } });
    },
  );

  app.get(
    '/workspace',
    {
      config: { access: 'user' },
      schema: {
        summary: "List the caller's workspaces with the caller's role",
        tags: ['workspaces'],
        response: { 200: GetWorkspacesResponse, ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        success: true,
        workspaces: await store.workspaces.listFor(principal.kind === 'operator' ? null : principal.userId),
      };
    },
  );

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
