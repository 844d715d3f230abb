import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { GetTokensResponse, TokenParams } from '../schemas/account-schemas.js';
import { ActionResponse, errorResponses } from '../schemas/common-schemas.js';

const instantOrNull = (instant: number | null): string | null => (instant === null ? null : formatInstant(instant));

/** A user's own tokens: listed without their secrets, and revoked. */
export const tokenRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock }) => {
  app.get(
    '/token',
    {
      config: { access: 'user' },
      schema: {
        summary: "List the caller's tokens (never their secrets)",
        description: 'Revoked tokens are left out; the operator, who has no stored tokens, gets an empty list.',
        tags: ['tokens'],
        response: { 200: GetTokensResponse, ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tokens = principal.kind === 'operator' ? [] : await store.tokens.listForUser(principal.userId);
      return {
        success: true,
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          createdAt: formatInstant(t.created_at),
          expiresAt: instantOrNull(t.expires_at),
          lastUsedAt: instantOrNull(t.last_used_at),
        })),
      };
    },
  );

  app.delete(
    '/token/:tokenId',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Revoke a token; it stops working at once',
        tags: ['tokens'],
        params: TokenParams,
        response: { 200: ActionResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tokenId = request.params.tokenId.toLowerCase();
      const token = await store.tokens.find(tokenId);
      if (!token) throw ApiError.notFound(`no token ${tokenId}`);
      if (principal.kind === 'user' && token.user_id !== principal.userId)
        throw ApiError.forbidden('you may only revoke your own tokens');
      await store.tokens.revoke(tokenId, clock.now());
      return { success: true };
    },
  );
};
