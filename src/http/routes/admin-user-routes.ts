import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireOperator } from '../../auth/access.js';
import { generateToken, hashToken } from '../../auth/token-secret.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { instantOf, requireEmail } from '../input.js';
import {
  CreateTokenRequest,
  CreateTokenResponse,
  CreateUserRequest,
  CreateUserResponse,
  UserParams,
} from '../schemas/account-schemas.js';
import { errorResponses } from '../schemas/common-schemas.js';

/** Operator calls that create users and issue their tokens. */
export const adminUserRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, credentials }) => {
  app.post(
    '/admin/users',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Create a user (operator)',
        tags: ['admin'],
        body: CreateUserRequest,
        response: { 201: CreateUserResponse, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const email = requireEmail(request.body.email);
      const name = request.body.name.trim();
      requireOperator(principalOf(request));
      const user = await store.users.create(email, name, clock.now());
      if (!user) throw ApiError.conflict(`the email ${email} is already taken`);
      return reply.status(201).send({ success: true, user: { id: user.id, email: user.email, name: user.name } });
    },
  );

  app.post(
    '/admin/users/:userId/tokens',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Issue a bearer token to a user (operator); the secret is shown once',
        tags: ['admin'],
        params: UserParams,
        body: CreateTokenRequest,
        response: { 201: CreateTokenResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const userId = request.params.userId.toLowerCase();
      const name = request.body.name.trim();
      const { expiresAt: expiresText } = request.body;
      const expiresAt = expiresText === undefined || expiresText === null ? null : instantOf(expiresText);
      const now = clock.now();
      if (expiresAt !== null && expiresAt <= now) throw ApiError.badRequest('expiresAt must be in the future');
      if (!(await store.users.find(userId))) throw ApiError.notFound(`no user ${userId}`);
      requireOperator(principalOf(request));
      const secret = generateToken();
      const hash = hashToken(secret);
      const token = await store.tokens.create(userId, name, hash, expiresAt, now);
      credentials.forget('token', hash);
      return reply.status(201).send({ success: true, tokenId: token.id, token: secret });
    },
  );
};
