import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

const SECURITY = {
  public: [],
  user: [{ BearerAuth: [] }],
  operator: [{ BearerAuth: [] }],
  node: [{ NodeId: [], NodeSignature: [] }],
} as const;

/**
 * The OpenAPI 3.1 document, generated from the route schemas (never written
 * by hand), at `GET /openapi.json`, rendered at `GET /docs` with assets
 * served by this process.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flashback bucket statistics',
        version,
        description:
          'Daily per-node statistics of storage buckets, from the reports of the bridge nodes that serve them. ' +
          'Every error answers `{"success": false, "message": "..."}`.',
      },
      components: {
        securitySchemes: {
          BearerAuth: { type: 'http', scheme: 'bearer', description: 'A user token, or the operator token' },
          NodeId: { type: 'apiKey', in: 'header', name: 'X-Node-Id', description: 'The id of the signing bridge node' },
          NodeSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Signature',
            description: "Base64 Ed25519 signature of the exact request body bytes, by the node's key",
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access ?? 'public';
      return { schema: { ...schema, security: SECURITY[access] }, url };
    },
  });
  // No validator badge: the page must not load anything from the internet.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { validatorUrl: null } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
