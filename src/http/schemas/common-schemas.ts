import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A UUID in any case, as a regular expression without anchors. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Any UUID, in any case; handlers lowercase it. */
export const Id = Type.String({
  pattern: `^${UUID_PATTERN}$`,
  description: 'A UUID (matched case-insensitively)',
  examples: ['3f2c8a4e-5b1d-4e8f-9a7c-1d2e3f4a5b6c'],
});

/** An enum of strings as a plain JSON Schema `enum` (one clear validation error, fast serialization). */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** `T` or JSON null, as one `type` array rather than an `anyOf`. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<T['static'] | null> {
  const { type, ...rest } = schema as unknown as { type: string };
  return Type.Unsafe<T['static'] | null>({ ...rest, type: [type, 'null'] });
}

/**
 * A measured latency. An hour bounds it: no probe waits that long, and the
 * bound keeps a day's latency sum far from overflowing a double.
 */
export const LatencyMs = Type.Number({ minimum: 0, maximum: 3_600_000, description: 'Milliseconds, 0 to 3 600 000' });

/**
 * A name: 1-200 characters after trimming (the surrounding whitespace is
 * dropped, not stored), none of them a control character or half of a
 * surrogate pair. The lookarounds make `{1,200}` count the trimmed text: it
 * starts and ends with a non-space. Handlers store `name.trim()`.
 */
export const NAME_PATTERN = '^\\s*(?=\\S)[^\\p{Cc}\\p{Cs}]{1,200}(?<=\\S)\\s*$';
/** The most characters a name may have with its surrounding whitespace (which bounds the pattern's work). */
export const NAME_MAX_LENGTH = 1000;

/**
 * A name as `NAME_PATTERN` says.
 *
 * @example
 * Type.Object({ name: Name }) // accepts ' Production ', stored as 'Production'; refuses '', '   ', 'a\u0007b'
 */
export const Name = Type.String({
  pattern: NAME_PATTERN,
  maxLength: NAME_MAX_LENGTH,
  description: `1-200 characters after trimming, no control characters (at most ${NAME_MAX_LENGTH} with the surrounding whitespace)`,
});

/** A host name pattern of a bridge node: ASCII a-z, 0-9, ".", "-" and "*". */
export const HOST_PATTERN = '^[a-z0-9.*-]+$';

/**
 * A bridge node's host name pattern, 1-253 characters.
 *
 * @example
 * Type.Object({ host: Host }) // accepts '*-us-east-1-aws.flashback.tech'; refuses 'Node_1.example.com'
 */
export const Host = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: HOST_PATTERN,
  description: '1-253 characters of a-z, 0-9, ".", "-" and "*"',
  examples: ['*-us-east-1-aws.flashback.tech'],
});

/**
 * An IPv4 or IPv6 literal (the custom format `ip`, see request-formats.ts).
 *
 * @example
 * Type.Object({ ip: Ip }) // accepts '192.168.1.100' and '2001:db8::1'; refuses '10.0.0'
 */
export const Ip = Type.String({
  format: 'ip',
  maxLength: 1000,
  description: 'An IPv4 or IPv6 literal',
  examples: ['192.168.1.100'],
});

const DATE_SHAPE = '\\d{4}-\\d{2}-\\d{2}';
const TIME_SHAPE = 'T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})';

/** The shape of an instant in a request; the `date-time` format also refuses impossible dates and times. */
export const INSTANT_PATTERN = `^${DATE_SHAPE}${TIME_SHAPE}$`;

/**
 * An instant as the API takes it: RFC 3339 with an explicit offset, at most 3
 * fractional digits, a real date and time (`date-time`, as request-formats.ts
 * checks it). `description` says what the field means.
 *
 * @example
 * Type.Object({ at: Instant() }) // accepts '2024-01-15T10:30:00+02:00'; refuses '2024-02-30T00:00:00Z', '2024-01-15T10:30:00'
 */
export function Instant(description?: string) {
  const form = 'RFC 3339 date-time with an explicit offset (Z or ±HH:MM), at most 3 fractional digits';
  return Type.String({
    format: 'date-time',
    pattern: INSTANT_PATTERN,
    description: description === undefined ? form : `${form}. ${description}`,
    examples: ['2024-01-15T10:30:00.000Z'],
  });
}

/** An instant as the API takes it (see `Instant`). */
export const DateTimeText = Instant();

/** The shape of a day in a request: a date, or an instant whose UTC date is taken. */
export const DAY_PATTERN = `^${DATE_SHAPE}(${TIME_SHAPE})?$`;

/**
 * A UTC day as a request names it: `YYYY-MM-DD`, or an instant as `Instant`
 * takes it, whose UTC date is meant (the custom format `date-or-date-time`).
 *
 * @example
 * Type.Object({ day: Day('The UTC day asked for') }) // accepts '2024-01-15' and '2024-01-15T01:00:00+02:00'
 */
export function Day(description: string, examples: string[] = ['2024-01-15']) {
  return Type.String({ format: 'date-or-date-time', pattern: DAY_PATTERN, description, examples });
}

/** An instant as the API answers it: UTC with milliseconds. */
export const DateTimeOut = Type.String({ format: 'date-time', examples: ['2024-01-15T10:30:00.000Z'] });

export const ErrorResponse = Type.Object(
  { success: Type.Literal(false), message: Type.String() },
  { description: 'What was wrong, for a person' },
);

export const ActionResponse = Type.Object({ success: Type.Boolean(), message: Type.Optional(Type.String()) });

/** The error answers a route can give, keyed by status, for its schema and the OpenAPI document. */
export function errorResponses<S extends number>(...statuses: S[]): { [K in S]: typeof ErrorResponse } {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse])) as { [K in S]: typeof ErrorResponse };
}
