import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';
import { ApiError } from './api-error.js';

// Fastify's own 4xx codes, reworded for a person.
const FASTIFY_MESSAGES: Record<string, (error: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'the body must be JSON: send Content-Type: application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'the Content-Length header does not match the body',
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'the body is larger than this endpoint accepts',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'the body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'the body is not valid JSON',
};

/**
 * Turns Ajv's errors into one sentence naming the field the way a caller
 * wrote it, e.g. `body.reports[3].status must be one of ONLINE, OFFLINE, DISCONNECTED`.
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

/** One error shape everywhere: `{"success": false, "message"}`; 5xx details only go to the log. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ success: false, message: error.message });
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
  if (!socket.writable) return;
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ success: false, message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
