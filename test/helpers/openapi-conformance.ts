import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/** The parts of an OpenAPI 3.1 document this checker reads. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface OperationResponse {
  content?: Record<string, { schema?: unknown }>;
}

interface Operation {
  responses?: Record<string, OperationResponse>;
}

/** One answer as a client saw it, wherever it came from (inject or a socket). */
export interface ObservedResponse {
  method: string;
  /** The request URL: a path, with its query string or not, or an absolute URL. */
  url: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

interface PathRoute {
  template: string;
  pattern: RegExp;
  literalSegments: number;
}

const DOCUMENT_ID = 'urn:flashback:openapi';

// The document describes the API, not itself nor the page that renders it.
const isDocumentation = (path: string): boolean => path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');

const byDocumentText = new Map<string, OpenApiConformance>();
const byApp = new WeakMap<FastifyInstance, OpenApiConformance>();

/**
 * Checks answers against the OpenAPI document: the status must be one the
 * operation documents, and the body must validate against that status's
 * schema. A request that matches no operation must get the not-found answer
 * (404, in the documented error shape), since that is what the app gives.
 *
 * @example
 * const conformance = OpenApiConformance.of(app.swagger());
 * conformance.assertResponse({ method: 'GET', url: '/token', status: 200, contentType: 'application/json', body });
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  private readonly routes: PathRoute[];
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly document: OpenApiDocument) {
    // OpenAPI's own annotations inside schemas are not JSON Schema keywords.
    this.ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    addFormatsModule.default(this.ajv);
    // The whole document as one schema, so that `$ref`s into components resolve as they do for any reader.
    this.ajv.addSchema({ $id: DOCUMENT_ID, $defs: { document: document } });
    this.routes = Object.keys(document.paths ?? {})
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
        literalSegments: template.split('/').filter((part) => part !== '' && !part.startsWith('{')).length,
      }))
      // A literal segment wins over a parameter, as in Fastify's router.
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  /** The checker of `document`, compiled once per distinct document in this process. */
  static of(document: OpenApiDocument): OpenApiConformance {
    const text = JSON.stringify(document);
    let conformance = byDocumentText.get(text);
    if (!conformance) {
      conformance = new OpenApiConformance(JSON.parse(text) as OpenApiDocument);
      byDocumentText.set(text, conformance);
    }
    return conformance;
  }

  /** The checker of the document a (ready) app serves at `/openapi.json`. */
  static ofApp(app: FastifyInstance): OpenApiConformance {
    let conformance = byApp.get(app);
    if (!conformance) {
      conformance = OpenApiConformance.of(app.swagger() as OpenApiDocument);
      byApp.set(app, conformance);
    }
    return conformance;
  }

  /** The path template of the document that `path` falls under, if any. */
  templateFor(path: string): string | undefined {
    return this.routes.find((route) => route.pattern.test(path))?.template;
  }

  /** Asserts that an observed answer is what the document allows for its request. */
  assertResponse(observed: ObservedResponse): void {
    const path = new URL(observed.url, 'http://localhost').pathname;
    if (isDocumentation(path)) return;
    // Fastify answers HEAD from the GET route, without a body.
    const method = observed.method.toUpperCase() === 'HEAD' ? 'GET' : observed.method.toUpperCase();
    const template = this.templateFor(path);
    if (template !== undefined && this.operation(method, template) !== undefined) {
      const body = observed.method.toUpperCase() === 'HEAD' ? undefined : observed.body;
      this.assertOperationResponse({ ...observed, method, template, body });
      return;
    }
    const where = `${observed.method} ${observed.url} (no operation in the OpenAPI document)`;
    assert.equal(observed.status, 404, `${where} answered ${observed.status}, not the not-found answer: ${observed.body}`);
    this.assertBody(where, this.notFoundSchemaPointer(), observed.contentType, observed.body);
  }

  /**
   * Asserts that `status` is documented for the operation `method template`,
   * and that the body (left out: not checked, as for HEAD) validates against its schema.
   */
  assertOperationResponse(answer: {
    method: string;
    template: string;
    status: number;
    contentType: string | undefined;
    body: string | undefined;
  }): void {
    const method = answer.method.toLowerCase();
    const where = `${answer.method.toUpperCase()} ${answer.template} → ${answer.status}`;
    const operation = this.operation(method, answer.template);
    assert.ok(operation, `${answer.method.toUpperCase()} ${answer.template} is not an operation of the OpenAPI document`);
    const documented = Object.keys(operation.responses ?? {});
    const key = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find((k) => documented.includes(k));
    assert.ok(
      key !== undefined,
      `${where}: status ${answer.status} is not documented for this operation (documented: ${documented.join(', ')}); body: ${answer.body}`,
    );
    if (answer.body === undefined) return;
    const content = operation.responses?.[key]?.content;
    if (content === undefined || Object.keys(content).length === 0) {
      assert.equal(answer.body, '', `${where}: documented without a body, but one came`);
      return;
    }
    const type = answer.contentType?.split(';')[0]?.trim() ?? '';
    if (!content['application/json'] || (type !== 'application/json' && type in content)) {
      // A page or a file (the dashboard, a report's CSV or PDF): its media type must be a documented one;
      // only JSON has a schema to check.
      assert.ok(type in content, `${where}: content-type ${answer.contentType} is none of ${Object.keys(content).join(', ')}`);
      return;
    }
    const pointer = ['paths', answer.template, method, 'responses', key, 'content', 'application/json', 'schema'];
    this.assertBody(where, pointer, answer.contentType, answer.body);
  }

  private operation(method: string, template: string): Operation | undefined {
    return this.document.paths?.[template]?.[method.toLowerCase()] as Operation | undefined;
  }

  private assertBody(where: string, pointer: string[], contentType: string | undefined, body: string): void {
    assert.match(contentType ?? '', /^application\/json\b/, `${where}: content-type ${contentType} is not JSON`);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      assert.fail(`${where}: the body is not JSON: ${body.slice(0, 200)}`);
    }
    const validate = this.validator(pointer);
    if (!validate(value)) {
      assert.fail(`${where}: the body does not match the documented schema: ${this.ajv.errorsText(validate.errors)}\n${body}`);
    }
  }

  private validator(pointer: string[]): ValidateFunction {
    const ref = `${DOCUMENT_ID}#/$defs/document/${pointer.map(escapePointerSegment).join('/')}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }

  /** Where the document says what a 404 looks like: the shape of the app's not-found answer too. */
  private notFoundSchemaPointer(): string[] {
    for (const [template, operations] of Object.entries(this.document.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        if ((operation as Operation).responses?.['404']?.content?.['application/json']) {
          return ['paths', template, method, 'responses', '404', 'content', 'application/json', 'schema'];
        }
      }
    }
    assert.fail('the OpenAPI document documents no 404 answer to compare the not-found answer with');
  }
}

// JSON Pointer escaping, then URI escaping, since the pointer sits in a URI fragment.
function escapePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
