import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createMember, createNode, createWorkspace, stage } from './helpers/fixtures.js';
import { OpenApiConformance, type OpenApiDocument } from './helpers/openapi-conformance.js';
import { requestField, requestFields, type FieldSchema } from './helpers/request-schemas.js';
import { assertCopyIsCurrent, specCopy } from './helpers/spec-copy.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'];

interface Operation {
  security?: unknown;
  requestBody?: { content?: Record<string, { example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }>;
}

/** The seed's page, committed; the seed beside the repository, when there, must say the same. */
const seedCopy = specCopy('seed/bucket-daily-stats-endpoint.txt', 'bucket-daily-stats-endpoint.txt');

describe('the seed page bucket-daily-stats-endpoint.txt', () => {
  it("is the seed's, when the seed is beside the repository (../shared/seed/)", () => {
    assertCopyIsCurrent(seedCopy);
  });
});

/** The example request and 200 answer of the seed's page for `POST /bucket/{bucketId}/stats`. */
function seedExamples(): { request: unknown; response: { nodeStats: Array<Record<string, unknown>> } } {
  const seed = seedCopy.text;
  const request = /Body parameter\n(\{[\s\S]*?\n\})/.exec(seed)?.[1];
  const response = /200 Response\n(\{[\s\S]*?\})Responses/.exec(seed)?.[1];
  assert.ok(request !== undefined && response !== undefined, 'the seed page still holds its examples');
  return {
    request: JSON.parse(request) as unknown,
    response: JSON.parse(response) as { nodeStats: Array<Record<string, unknown>> },
  };
}

/** Every `METHOD /path` the app routes, from Fastify's own route tree, paths in OpenAPI form. */
function routesOf(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const ancestors: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const [, indent = '', segment = '', methods] = match;
    ancestors.length = indent.length / 4;
    ancestors.push(segment);
    const path = ancestors.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of methods?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}

const INSTANT = {
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})$',
};
const DAY = {
  format: 'date-or-date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2}))?$',
};
const NAME = { pattern: '^\\s*(?=\\S)[^\\p{Cc}\\p{Cs}]{1,200}(?<=\\S)\\s*$', maxLength: 1000 };

/** api.md's conventions, by the request fields they hold for: what each one's schema must say. */
const CONVENTIONS: Record<string, Partial<FieldSchema>> = {
  ...Object.fromEntries(['name', 'region', 'provider', 'version', 'bucket', 'endpoint', 'reason'].map((f) => [f, NAME])),
  ip: { format: 'ip' },
  host: { minLength: 1, maxLength: 253, pattern: '^[a-z0-9.*-]+$' },
  ...Object.fromEntries(['at', 'createdAt', 'expiresAt', 'start', 'end', 'until'].map((f) => [f, INSTANT])),
  ...Object.fromEntries(['day', 'from', 'to'].map((f) => [f, DAY])),
  latencyMs: { type: ['number', 'null'], minimum: 0, maximum: 3_600_000 },
};

function operationsOf(document: OpenApiDocument): Array<{ method: string; template: string; operation: Operation }> {
  return Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ method, template, operation: operation as Operation })),
  );
}

for (const kind of STORE_KINDS) {
  describe(`the OpenAPI document (${kind})`, () => {
    let t: TestApp;
    let document: OpenApiDocument;
    let conformance: OpenApiConformance;

    before(async () => {
      t = await startTestApp(kind, { now: '2024-02-01T00:00:00.000Z' });
      const res = await t.call({ method: 'GET', url: '/openapi.json', token: null });
      assert.equal(res.statusCode, 200);
      document = res.json<OpenApiDocument>();
      conformance = OpenApiConformance.of(document);
    });
    after(() => t.close());

    const stats = (): Operation => {
      const operation = document.paths?.['/bucket/{bucketId}/stats']?.post as Operation | undefined;
      assert.ok(operation, 'POST /bucket/{bucketId}/stats is documented');
      return operation;
    };

    it('is a valid OpenAPI 3.1 document', async () => {
      assert.equal(document.openapi, '3.1.0');
      const result = await new Validator().validate(document);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    });

    it("declares the limits of api.md's conventions in every request schema that has such a field", () => {
      const seen = new Set<string>();
      for (const { where, name, schema } of requestFields(document)) {
        const rule = CONVENTIONS[name];
        if (rule === undefined) continue;
        seen.add(name);
        const declared = Object.fromEntries(Object.keys(rule).map((key) => [key, schema[key as keyof FieldSchema]]));
        assert.deepEqual(declared, rule, where);
      }
      assert.deepEqual([...seen].sort(), Object.keys(CONVENTIONS).sort(), 'every convention has fields in the document');
    });

    it('declares limits that mean what api.md says: names, instants, days and list sizes', () => {
      const name = new RegExp(requestField(document, 'post', '/workspace', ['name']).pattern ?? '', 'u');
      for (const ok of ['a', ' Production ', 'x'.repeat(200), ` ${'x'.repeat(200)}\t`, 'a b', '\u00e9t\u00e9 \ud83d\ude00']) {
        assert.ok(name.test(ok), JSON.stringify(ok));
      }
      for (const bad of ['', '   ', '\u00a0', 'x'.repeat(201), 'a\u0007b', 'a\tb', 'a\u0085b', 'a\ud800b']) {
        assert.ok(!name.test(bad), JSON.stringify(bad));
      }
      const at = new RegExp(requestField(document, 'post', '/admin/reports', ['reports', '[]', 'at']).pattern ?? '', 'u');
      for (const ok of ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00.123+02:00']) assert.ok(at.test(ok), ok);
      for (const bad of ['2024-01-15', '2024-01-15T10:30:00', '2024-01-15T10:30:00.1234Z', '2024-01-15 10:30:00Z']) {
        assert.ok(!at.test(bad), bad);
      }
      const day = new RegExp(requestField(document, 'post', '/bucket/{bucketId}/stats', ['day']).pattern ?? '', 'u');
      for (const ok of ['2024-01-15', '2024-01-15T00:00:00.000Z']) assert.ok(day.test(ok), ok);
      for (const bad of ['2024-1-5', ' 2024-01-15', '2024-01-15T10:00:00']) assert.ok(!day.test(bad), bad);
      assert.equal(requestField(document, 'post', '/node/status', ['buckets']).maxItems, 1000);
      assert.equal(requestField(document, 'post', '/admin/reports', ['reports']).maxItems, 10_000);
      assert.equal(requestField(document, 'post', '/admin/maintenance', ['windows']).maxItems, 10_000);
    });

    it('documents every route of the app, and nothing else', () => {
      const routed = routesOf(t.app)
        .filter((route) => !route.startsWith('HEAD '))
        .filter((route) => !/^\w+ \/(docs|openapi\.json)\b/.test(route))
        .sort();
      const documented = operationsOf(document)
        .map(({ method, template }) => `${method.toUpperCase()} ${template}`)
        .sort();
      assert.ok(routed.includes('POST /bucket/{bucketId}/stats'), `the route tree was read: ${routed.join(', ')}`);
      assert.deepEqual(documented, routed);
    });

    it("gives the stats call the seed's example request and answer", () => {
      const seed = seedExamples();
      const operation = stats();
      assert.deepEqual(operation.requestBody?.content?.['application/json']?.example, seed.request);
      const example = operation.responses['200']?.content?.['application/json']?.example as typeof seed.response;
      // The seed writes last_updated without milliseconds; the service always answers them, and so does its example.
      const instants = (answer: typeof seed.response) =>
        answer.nodeStats.map((entry) => ({ ...entry, last_updated: Date.parse(String(entry.last_updated)) }));
      assert.deepEqual({ ...example, nodeStats: instants(example) }, { ...seed.response, nodeStats: instants(seed.response) });
      conformance.assertOperationResponse({
        method: 'post',
        template: '/bucket/{bucketId}/stats',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(example),
      });
    });

    it('secures the stats call with the bearer scheme', () => {
      const schemes = (document.components as { securitySchemes?: Record<string, unknown> }).securitySchemes;
      assert.deepEqual(schemes?.BearerAuth, {
        type: 'http',
        scheme: 'bearer',
        description: 'A user token, or the operator token',
      });
      assert.deepEqual(stats().security, [{ BearerAuth: [] }]);
    });

    it('documents 400, 401, 403 and 404 of the stats call as {success: false, message}', () => {
      for (const status of [400, 401, 403, 404]) {
        const answer = { method: 'post', template: '/bucket/{bucketId}/stats', status, contentType: 'application/json' };
        conformance.assertOperationResponse({ ...answer, body: '{"success":false,"message":"what was wrong"}' });
        for (const wrong of ['{"success":true,"message":"x"}', '{"success":false}', '{"message":"x"}']) {
          assert.throws(() => conformance.assertOperationResponse({ ...answer, body: wrong }), /does not match/, wrong);
        }
      }
    });

    it('renders /docs from assets served by this process only', async () => {
      let res = await t.call({ method: 'GET', url: '/docs', token: null });
      for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
        res = await t.call({ method: 'GET', url: new URL(String(res.headers.location), 'http://localhost/docs/').pathname });
      }
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.doesNotMatch(res.body, /https?:\/\//, 'the page names no other host');
      const assets = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
      assert.ok(assets.some((asset) => asset.endsWith('.js')) && assets.some((asset) => asset.endsWith('.css')), assets.join());
      for (const asset of assets) {
        assert.doesNotMatch(asset, /^(\w+:)?\/\//, `${asset} is local`);
        const served = await t.call({ method: 'GET', url: new URL(asset, 'http://localhost/docs/').pathname, token: null });
        assert.equal(served.statusCode, 200, asset);
      }
      const initializer = await t.call({ method: 'GET', url: '/docs/static/swagger-initializer.js', token: null });
      const code = initializer.body.replace(/^\s*\/\/.*$/gm, '');
      assert.doesNotMatch(code, /https?:\/\//, 'the page loads nothing from another host');
      assert.match(code, /validatorUrl: null/, 'no badge from the public validator');
      const rendered = await t.call({ method: 'GET', url: '/docs/json', token: null });
      assert.deepEqual(rendered.json(), document);
    });

    it('answers bad and unauthorized requests to every operation with documented statuses', async () => {
      // Every answer below goes through the conformance check of t.call; this test reaches the error paths.
      const owner = await stage(t, 'probe');
      const outsider = await createMember(t, `probe-outsider-${kind}@example.com`);
      const existing: Record<string, string> = {
        bucketId: owner.bucketId,
        workspaceId: await createWorkspace(t, outsider.userId),
        userId: outsider.userId,
        tokenId: UNKNOWN_ID,
        nodeId: await createNode(t),
      };
      const bodies: Array<Pick<InjectOptions, 'payload' | 'headers'>> = [
        {},
        { payload: {} },
        { payload: { name: 5, day: 5, reports: 'x', role: 'OWNER' } },
        { payload: 'x', headers: { 'content-type': 'text/plain' } },
        { payload: '', headers: { 'content-type': 'application/json' } },
      ];
      // Over every body limit (8 MiB for /admin/reports), serialized once.
      const tooLarge = JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024) });
      const json = { 'content-type': 'application/json' };
      const operations = operationsOf(document);
      let probes = 0;
      for (const { method, template } of operations) {
        const urls = [UNKNOWN_ID, 'not-a-uuid', undefined].map((id) =>
          template.replace(/\{(\w+)\}/g, (_, name: string) => id ?? existing[name] ?? UNKNOWN_ID),
        );
        for (const url of urls)
          for (const token of [null, 'fbk_unknown', outsider.token, OPERATOR_TOKEN])
            for (const body of bodies) {
              if (method === 'get' && body.payload !== undefined) continue;
              await t.call({ method: method.toUpperCase(), url, token, ...body });
              probes++;
            }
        if (method !== 'get') {
          await t.call({ method: method.toUpperCase(), url: urls[2], payload: tooLarge, headers: json });
          probes++;
        }
      }
      assert.ok(
        operations.length >= 20 && probes > operations.length * 20,
        `${probes} probes of ${operations.length} operations`,
      );
    });

    it('has a conformance checker that refuses what the document does not allow', () => {
      const json = 'application/json';
      const tokenList = '{"success":true,"tokens":[]}';
      conformance.assertResponse({ method: 'GET', url: '/token?x=1', status: 200, contentType: json, body: tokenList });
      const refused: Array<[Parameters<OpenApiConformance['assertResponse']>[0], RegExp]> = [
        [
          { method: 'GET', url: '/token', status: 500, contentType: json, body: '{"success":false,"message":"x"}' },
          /not documented/,
        ],
        [{ method: 'GET', url: '/token', status: 200, contentType: json, body: '{"success":true}' }, /does not match/],
        [{ method: 'GET', url: '/token', status: 200, contentType: 'text/plain', body: tokenList }, /not JSON/],
        [{ method: 'GET', url: '/token', status: 200, contentType: json, body: '{"success":' }, /not JSON/],
        [
          {
            method: 'GET',
            url: `/token`,
            status: 200,
            contentType: json,
            body: `{"success":true,"tokens":[{"id":"${UNKNOWN_ID}","name":"a","createdAt":"yesterday","expiresAt":null,"lastUsedAt":null}]}`,
          },
          /date-time/,
        ],
        [{ method: 'GET', url: '/nope', status: 200, contentType: json, body: '{}' }, /not the not-found answer/],
        [{ method: 'PATCH', url: '/bucket', status: 404, contentType: json, body: '{"success":true}' }, /does not match/],
      ];
      for (const [answer, message] of refused) {
        assert.throws(() => conformance.assertResponse(answer), message, JSON.stringify(answer));
      }
    });
  });
}
