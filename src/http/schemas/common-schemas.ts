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

/** A name: 1-200 characters after trimming, no control characters (checked by `requireName`). */
export const Name = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: '1-200 characters after trimming, no control characters',
});

/** An instant as the API takes it: RFC 3339 with an explicit offset, at most 3 fractional digits. */
export const DateTimeText = Type.String({
  description: 'RFC 3339 date-time with an explicit offset (Z or ±HH:MM), at most 3 fractional digits',
  examples: ['2024-01-15T10:30:00.000Z'],
});

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
