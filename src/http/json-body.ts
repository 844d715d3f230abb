import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { readBody } from './raw-body.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Accepts JSON bodies only (anything else is a 415), decoded as strict
 * UTF-8 (invalid bytes are a 400 instead of silently becoming U+FFFD).
 * Signed node requests check their exact bytes before this (`readRawBody`),
 * and it parses those same bytes: Fastify's own reading would copy them
 * again, and at a few hundred requests a second the copies, freed only at
 * the next collection, were most of the process's external memory. The
 * bytes are not kept on the request, so that they die young rather than
 * wait on the heap for the request's commit.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', async (request: FastifyRequest, payload: Readable) => {
    // A request to no endpoint is a 404 whatever its body: there is nothing to read it for.
    if (request.is404) {
      payload.resume();
      return undefined;
    }
    const bytes = await readBody(request, payload);
    // As Fastify's own reading checks (a client that sent too few bytes, through inject or a proxy).
    const declared = Number(request.headers['content-length']);
    if (!Number.isNaN(declared) && bytes.length !== declared) {
      throw ApiError.badRequest('the Content-Length header does not match the body');
    }
    return parseJson(bytes);
  });
}

function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw ApiError.badRequest('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw ApiError.badRequest('the body is empty; send a JSON object');
  try {
    // JSON.parse defines "__proto__" as a plain own key, never as the
    // prototype, and handlers read only the fields their schema names.
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw ApiError.badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}
