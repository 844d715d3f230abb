import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Accepts JSON bodies only (anything else is a 415), decoded as strict
 * UTF-8 (invalid bytes are a 400 instead of silently becoming U+FFFD).
 * Signed node requests check their exact bytes before this (`readRawBody`);
 * the bytes are not kept on the request, so that they die young rather
 * than wait on the heap for the request's commit.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
      // A request to no endpoint is a 404 whatever its body: there is nothing to read it for.
      if (request.is404) {
        done(null, undefined);
        return;
      }
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        done(ApiError.badRequest('the body is not valid UTF-8'));
        return;
      }
      if (text.trim() === '') {
        done(ApiError.badRequest('the body is empty; send a JSON object'));
        return;
      }
      try {
        // JSON.parse defines "__proto__" as a plain own key, never as the
        // prototype, and handlers read only the fields their schema names.
        done(null, JSON.parse(text) as unknown);
      } catch (error) {
        done(ApiError.badRequest(`the body is not valid JSON: ${(error as Error).message}`));
      }
    },
  );
}
