import type { TObject } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * A `preValidation` hook for a bulk call: more entries in the body's array
 * `field` than its schema's `maxItems` is a size problem (413), which
 * outranks a malformed entry (400), so it is checked before the schema.
 * The limit is the schema's, so `/openapi.json` shows it; `entries` names
 * them in the message (the field's name by default).
 *
 * @example
 * app.post('/admin/reports', { preValidation: entryLimit(ImportReportsRequest, 'reports'), schema }, handler);
 */
export function entryLimit(body: TObject, field: string, entries = field): (request: FastifyRequest) => Promise<void> {
  const max = (body.properties[field] as { maxItems?: unknown } | undefined)?.maxItems;
  if (typeof max !== 'number') throw new Error(`the schema's ${field} has no maxItems to enforce`);
  return async (request) => {
    const list = (request.body as Record<string, unknown> | undefined)?.[field];
    if (Array.isArray(list) && list.length > max) {
      throw ApiError.payloadTooLarge(`at most ${max} ${entries} per request; got ${list.length}`);
    }
  };
}
