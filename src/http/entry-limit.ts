import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * A `preValidation` hook for a bulk import: more than `max` entries in the
 * body's array `field` is a size problem (413), which outranks a malformed
 * entry (400), so it is checked before the schema.
 *
 * @example
 * app.post('/admin/reports', { preValidation: entryLimit('reports', 10_000), schema }, handler);
 */
export function entryLimit(field: string, max: number): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const entries = (request.body as Record<string, unknown> | undefined)?.[field];
    if (Array.isArray(entries) && entries.length > max) {
      throw ApiError.payloadTooLarge(`at most ${max} ${field} per request; got ${entries.length}`);
    }
  };
}
