import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from './api-error.js';
import type { AppContext } from './app-context.js';
import { errorResponses } from './schemas/common-schemas.js';

/**
 * Where Vite writes the built page (`vite build --config web/vite.config.ts`):
 * `web/dist` at the repository root, two levels above this file both in
 * `src/http` (tsx) and in `dist/http` (compiled).
 */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const YEAR_SECONDS = 365 * 24 * 3600;

// The media types the OpenAPI document gives for the build's files (the `send` library would say application/javascript).
const ASSET_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const AssetParams = Type.Object({
  file: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    description: 'A file name of the build (hashed by Vite)',
  }),
});

const textBody = (description: string, ...types: string[]) => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' } }])),
});

/**
 * The dashboard (`web/`): its page at `GET /` and its bundled scripts and
 * styles at `GET /assets/{file}`, read from `dist` (a directory path ending
 * in `/`). Two explicit routes rather than a wildcard, so that the OpenAPI
 * document describes every route the app serves. Without a build, `/` says
 * how to make one (503).
 *
 * @example
 * await app.register(dashboardRoutesFrom('/srv/flashback/web/dist/'));
 */
export function dashboardRoutesFrom(dist: string): FastifyPluginAsyncTypebox<object> {
  return async (app) => {
    // Only `reply.sendFile`: the routes below decide what is served.
    await app.register(fastifyStatic, { root: dist, serve: false, suppressWarning: true });

    app.get(
      '/',
      {
        config: { page: true },
        schema: {
          summary: 'The dashboard page',
          description: "A bucket's node health at a glance, in the browser; it signs in with a user's API token.",
          tags: ['dashboard'],
          response: {
            200: textBody('The page (HTML); its scripts and styles come from /assets', 'text/html'),
            ...errorResponses(429, 503),
          },
        },
      },
      async (_request, reply) => {
        if (!existsSync(`${dist}index.html`)) {
          throw new ApiError(503, 'the dashboard is not built: run npm run build (or npm run build:web), then reload');
        }
        // Asset names change with every build; the page that names them must not be kept.
        return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
      },
    );

    app.get(
      '/assets/:file',
      {
        config: { page: true },
        schema: {
          summary: "The dashboard's scripts and styles",
          tags: ['dashboard'],
          params: AssetParams,
          response: {
            200: textBody('The file, cacheable for ever (its name changes with its content)', 'text/javascript', 'text/css'),
            ...errorResponses(400, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const { file } = request.params;
        if (!existsSync(`${dist}assets/${file}`)) throw ApiError.notFound(`no dashboard file ${file}`);
        const type = ASSET_TYPES[extname(file)];
        if (type !== undefined) reply.type(type);
        return reply.sendFile(`assets/${file}`, {
          maxAge: YEAR_SECONDS * 1000,
          immutable: true,
          contentType: type === undefined,
        });
      },
    );
  };
}

/** The dashboard as the service serves it, from `web/dist` (see `dashboardRoutesFrom`). */
export const dashboardRoutes: FastifyPluginAsyncTypebox<AppContext> = dashboardRoutesFrom(DASHBOARD_DIST);
