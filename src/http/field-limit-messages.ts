import { HOST_PATTERN, NAME_MAX_LENGTH, NAME_PATTERN } from './schemas/common-schemas.js';

/** The keywords of a request field's schema that name its limits (Ajv's `parentSchema` of an error). */
export interface LimitedField {
  format?: string;
  pattern?: string;
}

const CONTROL = /\p{Cc}/u;
// JSON can escape half of a surrogate pair ("\ud800"), which is no character:
// the stores would keep U+FFFD instead, so what is stored would differ from what was answered.
const LONE_SURROGATE = /\p{Cs}/u;

const got = (text: string): string => `got ${JSON.stringify(text.slice(0, 64))}`;

/** Which rule of `NAME_PATTERN` (or of the length around it) a refused name breaks. */
function nameProblem(text: string): string {
  const name = text.trim();
  const characters = [...name].length;
  if (characters < 1 || characters > 200) return 'must be 1-200 characters after trimming';
  if (CONTROL.test(name)) return 'may not contain control characters';
  if (LONE_SURROGATE.test(name)) return 'holds half of a surrogate pair, which is no character';
  return `must be at most ${NAME_MAX_LENGTH} characters with its surrounding whitespace`;
}

const BY_PATTERN: ReadonlyMap<string, (text: string) => string> = new Map([
  [NAME_PATTERN, nameProblem],
  [HOST_PATTERN, () => 'must be 1-253 characters of a-z, 0-9, ".", "-" and "*"'],
]);

const BY_FORMAT: ReadonlyMap<string, (text: string) => string> = new Map([
  ['ip', () => 'must be an IPv4 or IPv6 address'],
  [
    'date-time',
    (text: string) =>
      `must be an RFC 3339 date-time with an offset and at most 3 fractional digits, e.g. 2024-01-15T10:30:00.000Z; ${got(text)}`,
  ],
  [
    'date-or-date-time',
    (text: string) => `must be a date (2024-01-15) or an RFC 3339 date-time (2024-01-15T00:00:00.000Z); ${got(text)}`,
  ],
]);

/**
 * What is wrong with a string that a field's limits refused, for a person,
 * after the field's name: one sentence per kind of field (name, host, ip,
 * instant, day), whichever of its keywords (length, pattern, format) refused
 * it. `undefined` for fields without such a sentence, and for non-strings.
 *
 * @example
 * fieldLimitMessage(Ip, '10.0.0')  // 'must be an IPv4 or IPv6 address'
 * fieldLimitMessage(Name, '   ')   // 'must be 1-200 characters after trimming'
 */
export function fieldLimitMessage(field: LimitedField, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const explain =
    (field.pattern === undefined ? undefined : BY_PATTERN.get(field.pattern)) ??
    (field.format === undefined ? undefined : BY_FORMAT.get(field.format));
  return explain?.(value);
}
