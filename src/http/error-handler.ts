import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';
import { AccessError, type AccessRefusal } from '../auth/access-error.js';
import { ApiError } from './api-error.js';
import { fieldLimitMessage, type LimitedField } from './field-limit-messages.js';

// Fastify's own 4xx codes, reworded for a person.
const FASTIFY_MESSAGES: Record<string, (error: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'the body must be JSON: send Content-Type: application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'the Content-Length header does not match the body',
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'the body is larger than this endpoint accepts',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'the body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'the body is not valid JSON',
};

// The keywords that limit a string; a field's sentence (field-limit-messages.ts) covers them all.
const STRING_LIMITS = new Set(['minLength', 'maxLength', 'pattern', 'format']);

/**
 * Turns Ajv's errors into one sentence naming the field the way a caller
 * wrote it, e.g. `body.reports[3].status must be one of ONLINE, OFFLINE, DISCONNECTED`,
 * or, for a field with limits of its own (a name, an ip, an instant...),
 * `reports[3].at must be an RFC 3339 date-time ...`. Ajv runs with `verbose`,
 * so that an error carries the refused value and its field's schema.
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const [error] = errors;
  if (!error) return ApiError.badRequest(`${dataVar} is invalid`);
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
  const where = `${dataVar}${path}`;
  const params = error.params;
  if (path === '' && error.keyword === 'type' && dataVar === 'body') {
    return ApiError.badRequest('the body must be a JSON object');
  }
  if (STRING_LIMITS.has(error.keyword)) {
    const { parentSchema, data } = error as { parentSchema?: LimitedField; data?: unknown };
    const message = parentSchema === undefined ? undefined : fieldLimitMessage(parentSchema, data);
    // A body field is named as the caller wrote it (`ip`, `buckets[3].createdAt`).
    if (message !== undefined) return ApiError.badRequest(`${dataVar === 'body' ? path.slice(1) : where} ${message}`);
  }
  switch (error.keyword) {
    case 'required':
      return ApiError.badRequest(`${where} is missing the required field "${String(params.missingProperty)}"`);
    case 'enum':
      return ApiError.badRequest(`${where} must be one of ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'pattern':
      return ApiError.badRequest(`${where} ${patternMeaning(String(params.pattern))}`);
    default:
      return ApiError.badRequest(`${where} ${error.message ?? 'is invalid'}`);
  }
}

function patternMeaning(pattern: string): string {
  if (pattern.includes('{12}')) return 'must be a UUID';
  return `has the wrong form (expected ${pattern})`;
}

// What Fastify's router refuses before any route runs; in this API both are where an id belongs.
const ROUTER_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'the path is not valid URL text: a "%" must start an escape such as %2F',
  FST_ERR_MAX_PARAM_LENGTH: 'a path segment is too long to be an id',
};

/**
 * Fastify's `frameworkErrors` option: the answers its router gives by itself
 * (a path that does not decode, a segment over the router's length limit)
 * in the API's error shape instead of Fastify's own.
 *
 * @example
 * Fastify({ frameworkErrors: answerFrameworkError })
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = ROUTER_MESSAGES[error.code];
  if (message !== undefined) {
    void reply.status(400).send({ success: false, message });
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.status(500).send({ success: false, message: 'internal error; it has been logged' });
}

// Auth's refusals, as HTTP answers them.
const ACCESS_STATUS: Record<AccessRefusal, number> = { 'not-found': 404, forbidden: 403 };

/** One error shape everywhere: `{"success": false, "message"}`; 5xx details only go to the log. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ success: false, message: error.message });
    }
    if (error instanceof AccessError) {
      return reply.status(ACCESS_STATUS[error.refusal]).send({ success: false, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = FASTIFY_MESSAGES[error.code]?.(error) ?? error.message;
      return reply.status(status).send({ success: false, message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ success: false, message: 'internal error; it has been logged' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ success: false, message: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` }),
  );
  // The router matches `/workspace/` to `/workspace/:workspaceId` with an empty id. A path
  // without its id names no route: the not-found answer, before credentials are looked at,
  // as for any other unknown path. (`*` is a wildcard's rest, which may be empty.)
  app.addHook('onRequest', (request, _reply, done) => {
    const params = request.params as Record<string, string>;
    for (const name in params) {
      if (name !== '*' && params[name] === '') {
        done(ApiError.notFound(`no such endpoint: ${request.method} ${request.url.split('?')[0]}`));
        return;
      }
    }
    done();
  });
  // HTTP/1.1 requires Host (RFC 9112, 3.2). Node refuses a request without it
  // with a bare 400 unless it is created with `http: { requireHostHeader: false }`;
  // then this answers it in the API's shape.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      done(ApiError.badRequest('an HTTP/1.1 request must carry a Host header'));
    } else done();
  });
  // Node answers these two itself, with an empty body or none at all, unless someone listens.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify({
      success: false,
      message: `the expectation ${JSON.stringify(request.headers.expect)} is not supported`,
    });
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  });
  app.server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, 404, 'Not Found', `no such endpoint: CONNECT ${request.url ?? ''}`);
  });
}

/** Writes one answer in the error shape straight to a socket and closes it. */
function answerOnSocket(socket: Duplex, status: number, reason: string, message: string): void {
  if (!socket.writable) return;
  const body = JSON.stringify({ success: false, message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request took too long to arrive'],
};

/**
 * Answers what Node's HTTP parser rejects before any route runs (a broken
 * request line, oversized headers) in the API's error shape, instead of
 * Node's bare text or a dropped connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'the request is not valid HTTP'];
  answerOnSocket(socket, status, reason, message);
}
