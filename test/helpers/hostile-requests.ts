import assert from 'node:assert/strict';
import { sign, type KeyObject } from 'node:crypto';
import { METHODS } from 'node:http';
import { connect, isIP } from 'node:net';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';

// Generators of hostile requests for property-based tests, and the checks
// every answer to one must pass. A request starts as a valid `Draft` (one
// the service would carry out) and gets one or more `Flaw`s; each flaw says
// what it answers alone and how early the service notices it, so that the
// status of a request with several flaws follows api.md's order
// (401, then 413/415, then 400, then 404, then 403).

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOST = /^[a-z0-9.*-]{1,253}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A request before it is sent: path segments are decoded text, the body a JSON value. */
export interface Draft {
  method: string;
  segments: readonly string[];
  /** `''`, or `?...` already encoded. */
  query: string;
  headers: Record<string, string | string[]>;
  /** The JSON value sent; undefined: no body. */
  body?: unknown;
  /** The exact bytes sent instead of the body's JSON text. */
  bytes?: Buffer;
  /** Pads the body with a field to at least this many bytes. */
  padTo?: number;
  /** Signs the final bytes into X-Signature (unless a flaw set that header). */
  signWith?: KeyObject;
}

/**
 * How early a flaw is noticed: the lowest rank present answers. Header
 * credentials come first, then sizes (and, on user routes, media types),
 * then the signature of a node's body (and after it, on node routes, the
 * media type), the body's syntax, the node's timestamp, entry counts, the
 * shape of body, path and query, and last what the store holds.
 */
export const Rank = {
  credentials: 0,
  size: 1,
  signature: 2,
  media: 3,
  syntax: 4,
  timestamp: 5,
  count: 6,
  shape: 7,
  missing: 8,
  forbidden: 9,
  conflict: 10,
} as const;

export interface Flaw {
  what: string;
  status: number;
  rank: number;
  apply(draft: Draft): Draft;
  /** Whether the flaw is still there in the final request (another flaw may hide it). */
  effective?: (final: Draft) => boolean;
}

export const flaw = (what: string, status: number, rank: number, apply: (draft: Draft) => Draft): Flaw =>
  // Counterexamples name their flaws, not the code that applies them.
  Object.assign({ what, status, rank, apply }, { [fc.toStringMethod]: () => `${what} (${status})` });

/** A request with its flaws: what is sent, and the statuses it may answer. */
export interface Hostile {
  draft: Draft;
  flaws: Flaw[];
}

/** A kind of flaw drawn more often than the others (e.g. one that stands for many fields). */
export interface WeightedFlaw {
  weight: number;
  arbitrary: fc.Arbitrary<Flaw>;
}

export const weighted = (weight: number, arbitrary: fc.Arbitrary<Flaw>): WeightedFlaw => ({ weight, arbitrary });

/**
 * A valid request with one flaw (mostly) or several, chosen from `flaws`.
 *
 * @example
 * fc.assert(fc.asyncProperty(hostile(validStats, { day: badDayFlaw, auth: credentialFlaw }), check));
 */
export function hostile(
  base: fc.Arbitrary<Draft>,
  flaws: Record<string, fc.Arbitrary<Flaw> | WeightedFlaw>,
): fc.Arbitrary<Hostile> {
  const kinds = Object.entries(flaws).map(([name, kind]) => ({
    name,
    ...('weight' in kind ? kind : { weight: 1, arbitrary: kind }),
  }));
  const one = fc.oneof(...kinds.map(({ weight, arbitrary }) => ({ weight, arbitrary: arbitrary.map((f) => [f]) })));
  const several = () =>
    fc
      .subarray(kinds, { minLength: 2, maxLength: Math.min(3, kinds.length) })
      .chain((chosen) => fc.tuple(...chosen.map(({ arbitrary }) => arbitrary)));
  const chosen = kinds.length < 2 ? one : fc.oneof({ weight: 3, arbitrary: one }, { weight: 1, arbitrary: several() });
  return fc.tuple(base, chosen).map(([draft, chosenFlaws]) => ({ draft, flaws: chosenFlaws }));
}

/** One fixed request of `base` with `flaws`: a case every run tries first (`fc.assert`'s examples). */
export function pinned(base: fc.Arbitrary<Draft>, ...flaws: Flaw[]): Hostile {
  const [draft] = fc.sample(base, { numRuns: 1, seed: 8 });
  if (!draft) throw new Error('no sample of the base request');
  return { draft, flaws };
}

/** Applies the flaws, the least urgent first, so that a more urgent one has the last word. */
export function flawed({ draft, flaws }: Hostile): Draft {
  return [...flaws].sort((a, b) => b.rank - a.rank).reduce((d, f) => f.apply(d), draft);
}

/** The statuses api.md allows for these flaws: those of the most urgent ones still present. */
export function expectedStatuses(flaws: readonly Flaw[], final: Draft): number[] {
  const present = flaws.filter((f) => f.effective?.(final) ?? true);
  if (present.length === 0) throw new Error(`no flaw is left in the request (${flaws.map((f) => f.what).join('; ')})`);
  const first = Math.min(...present.map((f) => f.rank));
  return [...new Set(present.filter((f) => f.rank === first).map((f) => f.status))].sort();
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON value the final request's body parses to, or undefined when it does not parse. */
export function readableBody(final: Draft): unknown {
  const bytes = bodyBytes(final);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(strictUtf8.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** A body-less request given a JSON body, so that the body's flaws can matter. */
function ensureBody(d: Draft): Draft {
  if (d.body !== undefined || d.bytes !== undefined) return d;
  return { ...d, body: {}, headers: { 'content-type': 'application/json', ...d.headers } };
}

function pad(bytes: Buffer | undefined, size: number): Buffer {
  const body = bytes ?? Buffer.alloc(0);
  const filler = Buffer.alloc(Math.max(0, size - body.length), 'p');
  // Inside an object the padding is just one more (ignored) field: the size is the only fault.
  if (body[0] === 0x7b && body.length > 2) {
    return Buffer.concat([Buffer.from('{"padding":"'), filler, Buffer.from('",'), body.subarray(1)]);
  }
  return Buffer.concat([body, filler.fill(0x20)]);
}

const serialized = new WeakMap<Draft, Buffer | undefined>();

/** The bytes a draft sends, if any (computed once per draft: some are megabytes). */
export function bodyBytes(draft: Draft): Buffer | undefined {
  if (serialized.has(draft)) return serialized.get(draft);
  let bytes = draft.bytes ?? (draft.body === undefined ? undefined : Buffer.from(JSON.stringify(draft.body)));
  if (draft.padTo !== undefined) bytes = pad(bytes, draft.padTo);
  serialized.set(draft, bytes);
  return bytes;
}

/** What `inject` is given for a draft. */
export interface InjectRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: Buffer;
}

/** The inject options of a draft: segments encoded, the body serialized and, for nodes, signed. */
export function toInject(draft: Draft): InjectRequest {
  const payload = bodyBytes(draft);
  const headers = { ...draft.headers };
  if (draft.signWith && headers['x-signature'] === undefined) {
    headers['x-signature'] = sign(null, payload ?? Buffer.alloc(0), draft.signWith).toString('base64');
  }
  const url = `/${draft.segments.map(encodeURIComponent).join('/')}${draft.query}`;
  return { method: draft.method, url, headers, ...(payload !== undefined && { payload }) };
}

/** Asserts the API's error shape: JSON `{"success": false, "message": "<non-empty>"}` and nothing else. */
export function assertErrorShape(res: Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body'>, where: string): void {
  assert.match(String(res.headers['content-type']), /^application\/json/, `${where}: answered ${res.statusCode} without JSON`);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['message', 'success'], `${where}: ${res.body}`);
  assert.equal(body.success, false, `${where}: ${res.body}`);
  assert.equal(typeof body.message, 'string', `${where}: ${res.body}`);
  assert.ok((body.message as string).length > 0, `${where}: an empty message`);
}

/** A short description of a request, for failure messages. */
export function describeRequest(options: InjectRequest, flaws: readonly Flaw[]): string {
  const payload = options.payload;
  const body =
    payload === undefined ? '' : ` body(${payload.length} B)=${JSON.stringify(payload.subarray(0, 300).toString('latin1'))}`;
  return `${options.method} ${options.url.slice(0, 300)} [${flaws.map((f) => f.what).join('; ')}] headers=${JSON.stringify(options.headers).slice(0, 400)}${body}`;
}

// ---------------------------------------------------------------- values

/** Strings aimed at SQL, paths, templates, prototypes and parsers. */
export const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '1; DROP TABLE users; --',
  "'); DELETE FROM reports; --",
  '" OR ""="',
  "1' UNION SELECT token_hash FROM tokens --",
  "' || (SELECT pg_sleep(5)) || '",
  "x'); UPDATE nodes SET last_timestamp = NULL; --",
  "%' AND 1=1 --",
  "\\'; --",
  '$1',
  '?',
  'NULL',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '....//....//',
  'file:///etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  '{"$gt":""}',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '%s%s%s%n',
  '\u0000',
  'a\u0000b',
  '\r\nX-Injected: 1',
  '\u202eevil',
  '\u200b',
  '😀',
  'Ａ',
  '\ufeff',
];

const junkText = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Any JSON value that is not a string. */
export const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

/** Any JSON value that is neither a string nor null (for optional, nullable text). */
export const notStringOrNull = notString.filter((v) => v !== null);

const swapOne = fc
  .tuple(fc.uuid(), fc.nat(35), fc.constantFrom('g', 'z', ' ', '_', '\n', '%', 'Ｇ', "'", '-'))
  .map(([uuid, at, c]) => uuid.slice(0, at) + c + uuid.slice(at + 1));

/** Text that is not a UUID: near misses, injections and junk. */
export const notUuid: fc.Arbitrary<string> = fc
  .oneof(
    junkText,
    swapOne,
    fc.uuid().map((u) => u.slice(0, -1)),
    fc.tuple(fc.uuid(), fc.constantFrom('0', ' ', '\n', '\t', "'", ';--', '/x', '.json', "' OR '1'='1")).map(([u, s]) => u + s),
    fc.tuple(fc.constantFrom(' ', '{', '(', 'urn:uuid:', "'", '\n', '../'), fc.uuid()).map(([p, u]) => p + u),
    fc.uuid().map((u) => u.replace(/-/g, '')),
    fc.integer().map(String),
  )
  .filter((s) => !UUID.test(s));

/** A path segment that is not a UUID and stays one segment that the router takes whole. */
export const notUuidSegment = notUuid.filter(
  (s) => s !== '' && s !== '.' && s !== '..' && s.length <= 100 && !/[\ud800-\udfff]/.test(s),
);

const controlChar = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((c) => String.fromCharCode(c));

/** Names api.md refuses: empty after trimming, too long, control characters, lone surrogates. */
export const badName = fc.oneof(
  fc.constantFrom('', ' ', '   ', '\t\n', '\u00a0', '\u2028 ', '\ufeff', ' \r\n '),
  fc.integer({ min: 201, max: 1000 }).map((n) => `${' '.repeat(n % 3)}${'n'.repeat(n)}`),
  fc.integer({ min: 1001, max: 4000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(fc.string({ maxLength: 10 }), controlChar, fc.string({ maxLength: 10 })).map(([a, c, b]) => `a${a}${c}${b}b`),
  fc.constantFrom('a\ud800b', '\udc00', 'name\udbff', '\udfff\ud800'),
);

/** Instants api.md refuses: impossible dates, missing offsets, other forms. */
export const badInstant = fc.oneof(
  fc.constantFrom(
    '2025-02-30T00:00:00Z',
    '2023-02-29T12:00:00Z',
    '2024-04-31T00:00:00.000Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-15T24:00:00Z',
    '2024-01-15T10:60:00Z',
    '2024-01-15T10:00:00',
    '2024-01-15T10:00:00.1234Z',
    '2024-01-15 10:00:00Z',
    '2024-01-15T10:00:00+24:00',
    '2024-01-15T10:00:00+05:60',
    '2024-01-15T10:00:00+0500',
    '2024-01-15T10:00:00+05',
    '2024-01-15',
    '2024-W03-1T10:00:00Z',
    '2024-015T10:00:00Z',
    '+02024-01-15T10:00:00Z',
    '-2024-01-15T10:00:00Z',
    '２０２４-01-15T10:00:00Z',
    '1705314600000',
    'now',
    'yesterday',
    '',
    ' 2024-01-15T10:00:00Z',
    '2024-01-15T10:00:00Z ',
    '2024-01-15T10:00:00Z\n',
    'Mon, 15 Jan 2024 10:00:00 GMT',
  ),
  fc
    .record({
      year: fc.integer({ min: 1000, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 29, max: 39 }),
      hour: fc.integer({ min: 0, max: 99 }),
      minute: fc.integer({ min: 0, max: 99 }),
    })
    .filter(({ year, month, day, hour, minute }) => hour > 23 || minute > 59 || day > daysIn(year, month))
    .map(({ year, month, day, hour, minute }) => `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:00.000Z`),
  junkText,
);

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Text that is no IP literal. */
export const badIp = fc
  .oneof(
    fc.constantFrom('256.1.1.1', '1.2.3', '1.2.3.4.5', '::g', '1.2.3.4 ', ' 1.2.3.4', 'localhost', '1.2.3.4/24', '[::1]', ''),
    junkText,
  )
  .filter((s) => isIP(s) === 0);

/** Text that is no host pattern (a-z 0-9 . - *, at most 253 characters). */
export const badHost = fc
  .oneof(
    fc.constantFrom('Node.Example.com', 'node_1.example.com', 'a b', 'ünï.example', ''),
    fc.integer({ min: 254, max: 600 }).map((n) => 'h'.repeat(n)),
    junkText,
  )
  .filter((s) => !HOST.test(s));

/** Text that is no email address. */
export const badEmail = fc
  .oneof(
    fc.constantFrom('no-at-sign', 'a@b', '@example.com', 'a b@example.com', 'a@@example.com', ''),
    fc.integer({ min: 250, max: 900 }).map((n) => `${'e'.repeat(n)}@example.com`),
    junkText,
  )
  .filter((s) => s.trim().length > 254 || !EMAIL.test(s.trim()));

/** Anything but one of `values` (case variants, padding, junk). */
export function notOneOf(values: readonly string[]): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      fc.constantFrom(...values).map((v) => v.toLowerCase()),
      fc.constantFrom(...values).map((v) => ` ${v}`),
      fc.constantFrom(...values).map((v) => `${v}\u0000`),
      junkText,
      notString,
    )
    .filter((v) => typeof v !== 'string' || !values.includes(v));
}

/** A value nested `depth` levels deep in arrays or objects. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 500, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Keys that are none of `known`, with any JSON values: extra fields the service must ignore. */
export function extraFields(known: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = fc
    .oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where'),
    )
    .filter((k) => !known.includes(k));
  return fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
}

// ---------------------------------------------------------------- flaws of any request

/** Authorization headers that identify nobody (the tokens in `valid` are excluded). */
export function credentialFlaw(valid: readonly string[], rejectedTokens: readonly string[]): fc.Arbitrary<Flaw> {
  const notValid = (token: string) => !valid.some((v) => v.toLowerCase() === token.trim().toLowerCase());
  const token = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 80 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/).map((s) => `fbk_${s}`),
      fc.constantFrom(...valid).map((v) => v.slice(0, -1)),
      fc.constantFrom(...valid).map((v) => `${v}x`),
      fc.constantFrom(...INJECTIONS.filter((s) => /^[\x20-\x7e]+$/.test(s))),
    )
    .filter((s) => /^[\x21-\x7e]+$/.test(s) && notValid(s));
  const header = fc.oneof(
    fc.constant(undefined),
    token.map((t) => `Bearer ${t}`),
    fc.constantFrom(...rejectedTokens).map((t) => `Bearer ${t}`),
    fc.constantFrom(...valid).map((v) => `Basic ${v}`),
    fc.constantFrom(...valid).map((v) => `Token ${v}`),
    fc.constantFrom(...valid).map((v) => `Bearer${v}`),
    fc.constantFrom(...valid).map((v) => `Bearer ${v} ${v}`),
    fc.constantFrom(...valid).map((v) => `Bearer ${v.slice(0, 4)} ${v.slice(4)}`),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer    ', 'bearer', 'Basic', 'Bearer "', 'Bearer \u00ff\u00fe'),
    fc.string({ unit: 'binary-ascii', maxLength: 60 }).filter((s) => !/^Bearer +\S+ *$/i.test(s) || notValid(s.slice(7))),
    // Duplicated headers: the first is the one that counts.
    fc.tuple(token, fc.constantFrom(...valid)).map(([t, v]) => [`Bearer ${t}`, `Bearer ${v}`]),
  );
  return header.map((value) =>
    flaw(`Authorization ${JSON.stringify(value)?.slice(0, 80)}`, 401, Rank.credentials, (d) => {
      const headers = { ...d.headers };
      delete headers.authorization;
      return { ...d, headers: value === undefined ? headers : { ...headers, authorization: value } };
    }),
  );
}

const NOT_JSON_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/octet-stream',
  'json',
  'application',
  ';;;',
  'application/json/x',
  '*/*',
  'application/*',
  'text/html; charset=utf-8',
];

/**
 * A body sent with a media type that is not JSON, or with none. `rank`:
 * where the route notices it (with sizes, or after a node's signature).
 */
export function mediaFlaw(rank: number): fc.Arbitrary<Flaw> {
  return fc
    .oneof(fc.constant(undefined), fc.constantFrom(...NOT_JSON_TYPES), fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,15}$/))
    .filter((type) => type === undefined || !/^application\/json$/i.test(type))
    .map((type) =>
      flaw(`Content-Type ${String(type)}`, 415, rank, (draft) => {
        const d = ensureBody(draft);
        const headers = { ...d.headers };
        delete headers['content-type'];
        if (type !== undefined) return { ...d, headers: { ...headers, 'content-type': type } };
        // Without a media type, an empty body is no body at all.
        return { ...d, headers, ...(bodyBytes(d)?.length === 0 && { bytes: Buffer.from('x') }) };
      }),
    );
}

/** Media types that are JSON in other spellings: never a flaw. */
export const jsonMediaType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json;charset=UTF-8',
);

const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const syntaxMutation = fc.oneof(
  // Every proper prefix of an object's text is incomplete.
  fc.nat().map((n) => ({ what: 'truncated', mutate: (text: string) => text.slice(0, n % Math.max(1, text.length)) })),
  fc.constantFrom(
    { what: 'trailing comma', mutate: (text: string) => `${text.slice(0, -1)},}` },
    { what: 'single quotes', mutate: (text: string) => `{'quoted':1,${text.slice(1)}` },
    { what: 'two values', mutate: (text: string) => `${text}${text}` },
    { what: 'NaN', mutate: (text: string) => `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"n":NaN}` },
    { what: 'comment', mutate: (text: string) => `/* c */${text}` },
    { what: 'unquoted key', mutate: (text: string) => `{key:1,${text.slice(1)}` },
    { what: 'closing brace only', mutate: () => '}' },
    { what: 'undefined', mutate: () => 'undefined' },
  ),
);

const jsonText = (d: Draft) => JSON.stringify(d.body ?? {});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A body that is not JSON text: broken syntax or invalid UTF-8. */
export const brokenJsonFlaw: fc.Arbitrary<Flaw> = fc.oneof(
  syntaxMutation.map(({ what, mutate }) =>
    flaw(`JSON ${what}`, 400, Rank.syntax, (draft) => {
      const d = ensureBody(draft);
      const text = mutate(jsonText(d));
      // Some mutations leave a body that is no object (`1` doubled is `11`) valid: an open brace never is.
      return { ...d, bytes: Buffer.from(parses(text) ? `${text}{` : text) };
    }),
  ),
  fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([bad, at]) =>
    flaw(`invalid UTF-8 ${bad.map((b) => b.toString(16)).join(' ')}`, 400, Rank.syntax, (draft) => {
      const d = ensureBody(draft);
      const text = Buffer.from(jsonText(d));
      const where = at % (text.length + 1);
      return { ...d, bytes: Buffer.concat([text.subarray(0, where), Buffer.from(bad), text.subarray(where)]) };
    }),
  ),
);

/** A JSON media type with an empty or blank body. */
export const emptyBodyFlaw: fc.Arbitrary<Flaw> = fc
  .constantFrom('', ' ', '\n\t ')
  .map((text) =>
    flaw(`empty body ${JSON.stringify(text)}`, 400, Rank.syntax, (d) => ({ ...ensureBody(d), bytes: Buffer.from(text) })),
  );

/** A JSON body that is not an object: an array, a string, a number, true, null, deep nesting. */
export const notObjectFlaw: fc.Arbitrary<Flaw> = fc.oneof(
  fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 20 }), fc.constant('__proto__')).map((value) =>
    flaw(`body ${JSON.stringify(value)}`, 400, Rank.shape, (d) => ({
      ...d,
      body: value,
      bytes: Buffer.from(JSON.stringify(value)),
    })),
  ),
  fc.constant(flaw('body is an array of it', 400, Rank.shape, (d) => ({ ...d, body: [d.body], bytes: undefined }))),
  deeplyNested.map((text) => flaw(`body nested ${text.length} B`, 400, Rank.shape, (d) => ({ ...d, bytes: Buffer.from(text) }))),
);

/** A Content-Length that does not match the body. */
export const contentLengthFlaw: fc.Arbitrary<Flaw> = fc.integer({ min: -50, max: 50 }).map((delta) =>
  flaw(`Content-Length off by ${delta === 0 ? 1 : delta}`, 400, Rank.syntax, (draft) => {
    const d = ensureBody(draft);
    const length = bodyBytes(d)?.length ?? 0;
    // Never 0: without a media type, that says there is no body at all.
    const lie = Math.max(1, length + (delta === 0 ? 1 : delta));
    return { ...d, headers: { ...d.headers, 'content-length': String(lie === length ? length + 1 : lie) } };
  }),
);

/** A body over `limit` bytes (by up to 64 KiB). */
export function sizeFlaw(limit: number): fc.Arbitrary<Flaw> {
  return fc
    .integer({ min: 1, max: 64 * 1024 })
    .map((over) => flaw(`body ${limit + over} B`, 413, Rank.size, (d) => ({ ...ensureBody(d), padTo: limit + over })));
}

/**
 * One field of the body replaced by a bad value, or left out when `required`.
 *
 * @example
 * fieldFlaw({ name: { bad: badName, required: true } }, (body) => body)
 */
export interface FieldRule {
  bad: fc.Arbitrary<unknown>;
  required: boolean;
}

export function fieldFlaw(
  rules: Record<string, FieldRule>,
  locate: (body: Record<string, unknown>) => Record<string, unknown> = (body) => body,
  label = 'body',
): fc.Arbitrary<Flaw> {
  // A bad value comes three times as often as a missing field: there are many more of them.
  const options = Object.entries(rules).flatMap(([field, rule]) => [
    { weight: 3, arbitrary: rule.bad.map((value) => ({ field, value, remove: false })) },
    ...(rule.required ? [{ weight: 1, arbitrary: fc.constant({ field, value: undefined, remove: true }) }] : []),
  ]);
  return fc.oneof(...options).map(({ field, value, remove }) =>
    flaw(
      remove ? `${label}.${field} missing` : `${label}.${field} = ${JSON.stringify(value)?.slice(0, 60)}`,
      400,
      Rank.shape,
      (d) => {
        const body = structuredClone(d.body);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return d;
        const target = locate(body as Record<string, unknown>);
        if (remove) delete target[field];
        else target[field] = value;
        return { ...d, body, bytes: undefined };
      },
    ),
  );
}

/** A non-UUID where a path segment holds an id. */
export function pathIdFlaw(index: number, name: string): fc.Arbitrary<Flaw> {
  return notUuidSegment.map((id) =>
    flaw(`${name} ${JSON.stringify(id).slice(0, 60)}`, 400, Rank.shape, (d) => ({
      ...d,
      segments: d.segments.map((s, i) => (i === index ? id : s)),
    })),
  );
}

/** An id that is a well-formed UUID of nothing stored. */
export function unknownIdFlaw(index: number, name: string, status = 404): fc.Arbitrary<Flaw> {
  return fc
    .uuid()
    .chain((id) => fc.constantFrom(id, id.toUpperCase()))
    .map((id) =>
      flaw(`${name} unknown ${id}`, status, Rank.missing, (d) => ({
        ...d,
        segments: d.segments.map((s, i) => (i === index ? id : s)),
      })),
    );
}

/** Headers that are junk but harmless: whatever they say, the answer does not change. */
export const noiseHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(
    'accept',
    'accept-language',
    'x-forwarded-for',
    'x-request-id',
    'user-agent',
    'referer',
    'cookie',
    'x-real-ip',
    'if-none-match',
    'origin',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  { maxKeys: 3 },
);

// ---------------------------------------------------------------- raw sockets

/** An answer read off a socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function dechunk(text: string): string | undefined {
  let body = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return undefined;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error(`a broken chunked answer: ${JSON.stringify(text.slice(0, 200))}`);
    if (size === 0) return rest.length >= lineEnd + 4 ? Buffer.from(body, 'latin1').toString('utf8') : undefined;
    if (rest.length < lineEnd + 2 + size + 2) return undefined;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** The first complete final answer in `data`; undefined while incomplete (or until the socket closes, when no length is given). */
function parseAnswer(data: Buffer, closed: boolean): RawAnswer | undefined {
  let text = data.toString('latin1');
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(statusLine)?.[1]);
    if (Number.isNaN(status)) throw new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`);
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const rest = text.slice(end + 4);
    if (status < 200) {
      text = rest;
      continue;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      return rest.length < Number(length)
        ? undefined
        : { status, headers, body: Buffer.from(rest.slice(0, Number(length)), 'latin1').toString('utf8') };
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const body = dechunk(rest);
      return body === undefined ? undefined : { status, headers, body };
    }
    return closed ? { status, headers, body: Buffer.from(rest, 'latin1').toString('utf8') } : undefined;
  }
}

/**
 * Writes `bytes` to a fresh connection and reads one complete answer.
 * Rejects when the connection is reset or closed before a whole answer came
 * (a dropped connection), or after a generous 20 s without one.
 */
export function rawExchange(port: number, bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const settle = (error: Error | undefined, answer?: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer as RawAnswer);
    };
    const seen = () => JSON.stringify(data.subarray(0, 300).toString('latin1'));
    const timer = setTimeout(() => settle(new Error(`no complete answer within 20 s; got ${seen()}`)), 20_000);
    const check = (closed: boolean) => {
      try {
        const answer = parseAnswer(data, closed);
        if (answer) settle(undefined, answer);
        else if (closed) settle(new Error(`the connection was dropped before a complete answer; got ${seen()}`));
      } catch (error) {
        settle(error as Error);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('close', () => check(true));
    socket.on('error', (error) => settle(new Error(`${error.message} before a complete answer; got ${seen()}`)));
    socket.write(bytes);
  });
}

const ROUTES_WITHOUT_HOST = ['GET /healthz', 'GET /workspace', 'POST /admin/users', 'DELETE /bucket/x'];

/** HTTP/1.1 requests without the Host header HTTP/1.1 requires. */
export const withoutHost: fc.Arbitrary<RawCase> = fc
  .tuple(fc.constantFrom(...ROUTES_WITHOUT_HOST), fc.constantFrom('', 'Content-Length: 0\r\n', 'Connection: close\r\n'))
  .map(([line, header]) => ({ what: 'HTTP/1.1 without Host', bytes: Buffer.from(`${line} HTTP/1.1\r\n${header}\r\n`) }));

/** Bytes for a socket, and what is wrong with them. */
export interface RawCase {
  what: string;
  bytes: Buffer;
}

const raw = (what: string, text: string): RawCase => ({ what, bytes: Buffer.from(text, 'latin1') });
const printable = (max: number) => fc.string({ unit: 'binary-ascii', maxLength: max }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const ROUTES = ['GET /healthz', 'GET /workspace', 'POST /workspace', 'GET /bucket', 'POST /node/status', 'GET /token'];
const HEADER_NAME_BAD = [
  ' ',
  '(',
  ')',
  ',',
  '/',
  ';',
  '<',
  '=',
  '>',
  '?',
  '@',
  '[',
  '\\',
  ']',
  '{',
  '}',
  '"',
  '\x7f',
  '\x80',
  '\xdc',
  '\xff',
];
const HEADER_VALUE_BAD = ['\x00', '\x01', '\x08', '\x0b', '\x0c', '\x0e', '\x1f', '\x7f', '\r'];
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * Raw requests Node's parser refuses (junk request lines, oversized or
 * invalid headers, broken framing) or lets through with hostile headers.
 */
export function rawCases(ids: { operatorToken: string; nodeId: string }): fc.Arbitrary<RawCase> {
  const route = fc.constantFrom(...ROUTES);
  const request = (line: string, headers: string[], body = '') =>
    `${line} HTTP/1.1\r\n${['Host: localhost', ...headers].join('\r\n')}\r\n\r\n${body}`;
  const junkLine = fc
    .tuple(fc.constantFrom('{', '<', '\x16', '\xff', 'g', '1', '-', '@', ' ', '\x00', '\x7f', '\t'), printable(60))
    .map(([first, rest]) => raw('junk request line', `${first}${rest}\r\n\r\n`));
  const junkBytes = fc
    .tuple(fc.constantFrom(0x00, 0x16, 0x80, 0xff, 0x7b), fc.uint8Array({ maxLength: 200 }))
    .map(([first, rest]) => ({
      what: 'junk bytes',
      bytes: Buffer.concat([Buffer.from([first]), rest, Buffer.from('\r\n\r\n')]),
    }));
  const badTarget = fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'DELETE'),
      printable(10),
      fc.constantFrom('\x00', '\x01', '\x7f', '\xe9', '\xff\xfe', ' x', '#\x01'),
      printable(10),
    )
    .map(([method, a, bad, b]) =>
      raw('bad request target', request(`${method} /${a.replace(/[ #?]/g, '')}${bad}${b.replace(/[ #?]/g, '')}`, [])),
    );
  const badVersion = fc
    .tuple(
      route,
      fc.constantFrom(
        'HTTP/9.9',
        'HTTP/1',
        'HTTP/x.y',
        'HTTPS/1.1',
        'http/1.1',
        'HTTP/1.1x',
        'HTTP/11.1',
        'HTTP/1.2',
        'HTTP/1.1 extra',
      ),
    )
    .map(([line, version]) => raw('bad HTTP version', `${line} ${version}\r\nHost: localhost\r\n\r\n`));
  const unknownMethod = fc
    .stringMatching(/^[A-Z]{3,10}$/)
    .filter((method) => !METHODS.includes(method))
    .map((method) => raw(`unknown method ${method}`, request(`${method} /healthz`, [])));
  const oversized = fc.oneof(
    fc
      .integer({ min: 16_500, max: 24_000 })
      .map((n) => raw(`a ${n} B header`, request('GET /healthz', [`X-Big: ${'a'.repeat(n)}`]))),
    fc.integer({ min: 800, max: 1_100 }).map((n) =>
      raw(
        `${n} headers`,
        request(
          'GET /healthz',
          Array.from({ length: n }, (_, i) => `X-Header-${i}: value-${i}`),
        ),
      ),
    ),
    fc.integer({ min: 16_500, max: 24_000 }).map((n) => raw(`a ${n} B URL`, request(`GET /${'u'.repeat(n)}`, []))),
  );
  const badHeader = fc.oneof(
    fc
      .tuple(printable(8), fc.constantFrom(...HEADER_NAME_BAD), printable(8))
      .map(([a, bad, b]) => `X-${a.replace(/[^A-Za-z0-9-]/g, '')}${bad}${b.replace(/[^A-Za-z0-9-]/g, '')}: v`),
    fc.tuple(printable(8), fc.constantFrom(...HEADER_VALUE_BAD), printable(8)).map(([a, bad, b]) => `X-Value: ${a}${bad}${b}`),
    fc.constantFrom(': no-name', 'NoColon', 'X-A : v', 'X-Fold: a\r\n folded', 'X-Fold: a\r\n\tfolded', 'X-LF: a\nb'),
  );
  const invalidHeaders = fc
    .tuple(route, badHeader)
    .map(([line, header]) => raw(`invalid header ${JSON.stringify(header)}`, request(line, [header])));
  const framing = fc
    .oneof(
      fc.constantFrom(
        ['two Content-Lengths', ['Content-Length: 2', 'Content-Length: 3'], '{}'],
        ['repeated Content-Length', ['Content-Length: 2', 'Content-Length: 2'], '{}'],
        ['Content-Length and Transfer-Encoding', ['Content-Length: 2', 'Transfer-Encoding: chunked'], '0\r\n\r\n'],
        ['Transfer-Encoding gzip', ['Transfer-Encoding: gzip'], '{}'],
        ['Transfer-Encoding identity', ['Transfer-Encoding: identity'], '{}'],
        ['chunked twice', ['Transfer-Encoding: chunked, chunked'], '0\r\n\r\n'],
        ['bad chunk size', ['Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'],
        ['negative chunk size', ['Transfer-Encoding: chunked'], '-1\r\n\r\n'],
        ['huge chunk size', ['Transfer-Encoding: chunked'], 'ffffffffffffffffff\r\n'],
        ['NUL in chunk extension', ['Transfer-Encoding: chunked'], '1;\x00\r\na\r\n0\r\n\r\n'],
      ),
      printable(12)
        .filter((junk) => /\D/.test(junk.trim()) || junk.trim() === '')
        .map((junk): [string, string[], string] => [`Content-Length ${JSON.stringify(junk)}`, [`Content-Length: ${junk}`], '{}']),
    )
    .map(([what, headers, body]) => raw(what, request('POST /workspace', ['Content-Type: application/json', ...headers], body)));
  const accepted = fc.oneof(
    printable(40).map((junk) =>
      raw(
        'two Authorization headers, the first junk',
        request('GET /workspace', [
          `Authorization: Bearer x${junk.replace(/\s/g, '')}`,
          `Authorization: Bearer ${ids.operatorToken}`,
        ]),
      ),
    ),
    fc.constant(
      raw(
        'two X-Node-Id headers',
        request(
          'POST /node/status',
          [
            `X-Node-Id: ${ids.nodeId}`,
            `X-Node-Id: ${ids.nodeId}`,
            'X-Signature: AAAA',
            'Content-Type: application/json',
            'Content-Length: 2',
          ],
          '{}',
        ),
      ),
    ),
    fc.constant(
      raw(
        'two X-Signature headers',
        request(
          'POST /node/register',
          [
            `X-Node-Id: ${ids.nodeId}`,
            'X-Signature: AAAA',
            'X-Signature: BBBB',
            'Content-Type: application/json',
            'Content-Length: 2',
          ],
          '{}',
        ),
      ),
    ),
    fc.constant(
      raw(
        'two Content-Types, the first not JSON',
        request(
          'POST /workspace',
          [
            `Authorization: Bearer ${ids.operatorToken}`,
            'Content-Type: text/plain',
            'Content-Type: application/json',
            'Content-Length: 2',
          ],
          '{}',
        ),
      ),
    ),
    fc
      .uint8Array({ minLength: 1, maxLength: 40 })
      .map((bytes) =>
        raw(
          'Latin-1 junk in Authorization',
          request('GET /token', [`Authorization: Bearer ${Buffer.from(bytes.map((b) => 0x80 | b)).toString('latin1')}`]),
        ),
      ),
    printable(30).map((host) =>
      raw(`Host ${JSON.stringify(host)} without credentials`, `GET /workspace HTTP/1.1\r\nHost: ${host}\r\n\r\n`),
    ),
  );
  const connectMethod = fc
    .tuple(fc.domain(), fc.integer({ min: 1, max: 65_535 }))
    .map(([host, port]) => raw('CONNECT', `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`));
  const expectation = printable(20)
    .filter((value) => !CONTINUE.test(value))
    .chain((value) =>
      route.map((line) => raw(`Expect ${JSON.stringify(value)}`, request(line, [`Expect: ${value}`, 'Content-Length: 0']))),
    );
  return fc.oneof(
    { weight: 3, arbitrary: junkLine },
    { weight: 2, arbitrary: junkBytes },
    { weight: 2, arbitrary: badTarget },
    { weight: 1, arbitrary: badVersion },
    { weight: 1, arbitrary: unknownMethod },
    { weight: 2, arbitrary: oversized },
    { weight: 3, arbitrary: invalidHeaders },
    { weight: 3, arbitrary: framing },
    { weight: 3, arbitrary: accepted },
    { weight: 1, arbitrary: connectMethod },
    { weight: 1, arbitrary: expectation },
  );
}
