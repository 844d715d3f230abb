import { isIP } from 'node:net';
import { parseDateTime, parseDay } from '../time/instant.js';

/**
 * The string formats of request fields that a pattern cannot check alone,
 * by the name the schemas give them (common-schemas.ts). `date-time` replaces
 * ajv-formats' own, which also takes leap seconds, lowercase letters, a
 * space for `T` and any number of fractional digits: here it is the one form
 * api.md allows, with a real date and time, exactly as the handlers parse it.
 */
export const REQUEST_FORMATS: Readonly<Record<string, (text: string) => boolean>> = {
  'date-time': (text) => parseDateTime(text) !== undefined,
  'date-or-date-time': (text) => parseDay(text) !== undefined,
  ip: (text) => isIP(text) !== 0,
};

/** The part of an Ajv instance that registering a format needs. */
export interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (text: string) => boolean }): unknown;
}

/**
 * Registers `REQUEST_FORMATS` with Fastify's Ajv, after its ajv-formats (so
 * that `date-time` is ours).
 *
 * @example
 * Fastify({ ajv: { onCreate: registerRequestFormats } })
 */
export function registerRequestFormats(ajv: FormatRegistry): void {
  for (const [name, validate] of Object.entries(REQUEST_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
}
