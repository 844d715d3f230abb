import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireWorkspaceRole } from '../../auth/access.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';
import {
  CreateWorkspaceRequest,
  CreateWorkspaceResponse,
  GetWorkspaceResponse,
  GetWorkspacesResponse,
  UpdateWorkspaceRequest,
  UpdateWorkspaceResponse,
  WorkspaceParams,
} from '../schemas/workspace-schemas.js';

/** Workspaces: created by any user, read by their members, renamed and deleted by their ADMINs (members: `workspaceMemberRoutes`). */
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
      const name = request.body.name.trim();
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

  app.get(
    '/workspace/:workspaceId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'A workspace with its members',
        description: "The platform's getWorkspace; any member may read it.",
        tags: ['workspaces'],
        params: WorkspaceParams,
        response: { 200: GetWorkspaceResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const workspace = await requireWorkspaceRole(store, principalOf(request), workspaceId, 'READ');
      const users = await store.workspaces.members(workspaceId);
      return { success: true, workspace: { id: workspace.id, name: workspace.name, users } };
    },
  );

  app.put(
    '/workspace/:workspaceId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Rename a workspace',
        description: "The platform's updateWorkspace (ADMIN of the workspace); without a name nothing changes.",
        tags: ['workspaces'],
        params: WorkspaceParams,
        body: UpdateWorkspaceRequest,
        response: { 200: UpdateWorkspaceResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      const name = request.body.name?.trim();
      const workspace = await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      if (name !== undefined && !(await store.workspaces.rename(workspaceId, name))) {
        throw ApiError.notFound(`no workspace ${workspaceId}`);
      }
      return { success: true, workspace: { id: workspace.id, name: name ?? workspace.name } };
    },
  );

  app.delete(
    '/workspace/:workspaceId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Delete a workspace and its memberships',
        description: "The platform's deleteWorkspace (ADMIN of the workspace); one that still has buckets is a 409.",
        tags: ['workspaces'],
        params: WorkspaceParams,
        response: { 200: ActionResponse, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => {
      const workspaceId = request.params.workspaceId.toLowerCase();
      await requireWorkspaceRole(store, principalOf(request), workspaceId, 'ADMIN');
      const deletion = await store.workspaces.deleteIfEmpty(workspaceId);
      if (deletion.outcome === 'missing') throw ApiError.notFound(`no workspace ${workspaceId}`);
      if (deletion.outcome === 'has buckets') {
        const buckets = deletion.buckets === 1 ? '1 bucket' : `${deletion.buckets} buckets`;
        throw ApiError.conflict(
          `workspace ${workspaceId} still has ${buckets}; delete its buckets first (buckets do not move between workspaces)`,
        );
      }
      return { success: true };
    },
  );
};
