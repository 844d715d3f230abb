import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { NODE_PUBLIC_PEM } from './fixtures.js';
import {
  badName,
  brokenJsonFlaw,
  contentLengthFlaw,
  credentialFlaw,
  type Draft,
  emptyBodyFlaw,
  fieldFlaw,
  type FieldRule,
  flaw,
  type Flaw,
  hostile,
  INJECTIONS,
  jsonMediaType,
  mediaFlaw,
  noiseHeaders,
  notObjectFlaw,
  notString,
  pathIdFlaw,
  Rank,
  readableBody,
  sizeFlaw,
  unknownIdFlaw,
  weighted,
} from './hostile-requests.js';
import { MIB, type Caller, type EndpointModel, type World } from './hostile-stage.js';

// The data generators the hostile-input files share: valid values, the
// flaws of any JSON body, and requests from the stage's callers.

export const caseOf = (id: string) => fc.constantFrom(id, id.toUpperCase());
export const validName = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.constantFrom(...INJECTIONS),
  )
  .filter(
    (s) =>
      s.trim().length > 0 &&
      s.trim().length <= 200 &&
      // eslint-disable-next-line no-control-regex -- names with control characters are the bad ones
      !/[\u0000-\u001f\u007f-\u009f]/.test(s) &&
      !/\p{Cs}/u.test(s),
  );
export const validInstant = (from: string, to: string) =>
  fc.integer({ min: Date.parse(from), max: Date.parse(to) }).map((ms) => new Date(ms).toISOString());
export const orText = (bad: fc.Arbitrary<unknown>) => fc.oneof(bad, notString);
export const required = (bad: fc.Arbitrary<unknown>): FieldRule => ({ bad, required: true });
export const optional = (bad: fc.Arbitrary<unknown>): FieldRule => ({ bad, required: false });
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** The first entry of an array field, to corrupt (a detached object when there is none). */
export const firstOf = (field: string) => (body: Record<string, unknown>) => {
  const list = body[field];
  return Array.isArray(list) && isObject(list[0]) ? list[0] : {};
};

export const TOO_LATE = fc.constantFrom('2024-02-01T12:05:00.001Z', '2024-02-02T00:00:00Z', '2099-01-01T00:00:00Z');
export const badLatency = fc.oneof(
  fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** A node key pair the service does not know: its signatures are forgeries. */
export const otherKeys = generateKeyPairSync('ed25519');
export const PEMS = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  x25519: generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  // A node's private key is no public key, though one can be derived from it.
  ed25519Private: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
export const badPem = fc.oneof(
  fc.constantFrom(
    PEMS.rsa,
    PEMS.ec,
    PEMS.x25519,
    PEMS.ed25519Private,
    NODE_PUBLIC_PEM.slice(0, 60),
    NODE_PUBLIC_PEM.replace(/[A-Za-z]{4}/, '!!!!'),
    '',
  ),
  fc.constantFrom(...INJECTIONS),
  fc.integer({ min: 10_001, max: 20_000 }).map((n) => 'k'.repeat(n)),
  notString,
);

/** The flaws every JSON body can have; `limit` is the endpoint's body limit. */
export function jsonBodyFlaws(limit: number, mediaRank: number = Rank.size): Record<string, fc.Arbitrary<Flaw>> {
  return {
    media: mediaFlaw(mediaRank),
    brokenJson: brokenJsonFlaw,
    emptyBody: emptyBodyFlaw,
    notObject: notObjectFlaw,
    contentLength: contentLengthFlaw,
    size: sizeFlaw(limit),
  };
}

/** The flaws of a body on a route that takes none (any JSON is ignored there, so only non-JSON is a flaw). */
export function strayBodyFlaws(): Record<string, fc.Arbitrary<Flaw>> {
  return { media: mediaFlaw(Rank.size), brokenJson: brokenJsonFlaw, contentLength: contentLengthFlaw, size: sizeFlaw(MIB) };
}

/** Sets `field` of the first entry of the array `entries`. */
export function fieldSet(d: Draft, entries: string, field: string, value: unknown): Draft {
  const body = structuredClone(d.body);
  if (!isObject(body)) return d;
  firstOf(entries)(body)[field] = value;
  return { ...d, body, bytes: undefined };
}

/** The flaws of a list of entries in a body (`reports`, `buckets`): a bad entry, not a list, more than `max`, an infinite number. */
export const reportFlaws = (entries: string, entryRules: Record<string, FieldRule>, max: number) => ({
  entry: weighted(3, fieldFlaw(entryRules, firstOf(entries), `body.${entries}[0]`)),
  list: fieldFlaw({
    [entries]: required(
      fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.constant(null),
        fc.integer(),
        fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
      ),
    ),
  }),
  tooMany: fc.integer({ min: max + 1, max: max + 5 }).map((count) => ({
    ...flaw(`${count} ${entries}`, 413, Rank.count, (d) => {
      if (!isObject(d.body) || !Array.isArray(d.body[entries])) return d;
      const list = d.body[entries] as unknown[];
      return { ...d, body: { ...d.body, [entries]: Array.from({ length: count }, (_, i) => list[i % list.length]) } };
    }),
    effective: (final: Draft) => {
      const body = readableBody(final);
      return isObject(body) && Array.isArray(body[entries]) && body[entries].length > max;
    },
  })),
  infinite: fc.constant(
    flaw(`${entries}[0].latencyMs 1e400`, 400, Rank.shape, (d) => {
      const body = structuredClone(d.body);
      if (!isObject(body)) return d;
      const entry = firstOf(entries)(body);
      entry.latencyMs = 123456.789;
      return { ...d, body, bytes: Buffer.from(JSON.stringify(body).replace('123456.789', '1e400')) };
    }),
  ),
});

/** Sets path segment `index` of a draft. */
export const setSegment = (index: number, value: string) => (d: Draft) => ({
  ...d,
  segments: d.segments.map((s, i) => (i === index ? value : s)),
});

/** Sets `field` of a draft's JSON body (a body that is no object is left as it is). */
export const setField = (field: string, value: unknown) => (d: Draft) => ({
  ...d,
  body: isObject(d.body) ? { ...d.body, [field]: value } : d.body,
});

/** A query string of unknown parameters, or none. */
export const junkQuery = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }).map((q) => {
    const text = new URLSearchParams(q).toString();
    return text === '' ? '' : `?${text}`;
  }),
);

/** `query` with unknown parameters added now and then. */
export const withJunkQuery = (query: fc.Arbitrary<string>) =>
  fc.tuple(query, junkQuery).map(([q, junk]) => (junk === '' ? q : q === '' ? junk : `${q}&${junk.slice(1)}`));

/** The three names a node's registration and creation share. */
export const nodeFields = { region: validName, provider: validName, version: validName };

/** The flaws of those three names, each `required` or `optional`. */
export const nodeFieldRules = (rule: typeof required) => ({
  region: rule(orText(badName)),
  provider: rule(orText(badName)),
  version: rule(orText(badName)),
});

/**
 * Requests as the stage's callers make them, and the flaws of who calls.
 *
 * @example
 * const { request, credentials, as } = callersOf(w);
 * hostile(request('GET', ['owner'], fc.constant(['workspace'])), { credentials, outsider: as(['outsider'], 'not a member', 403, Rank.forbidden) });
 */
export function callersOf(w: World) {
  const bearer = (caller: Caller) => `Bearer ${w.tokens[caller]}`;
  /** A missing, malformed, unknown, revoked or expired bearer token. */
  const credentials = credentialFlaw(Object.values(w.tokens), w.rejectedTokens);
  /** A valid request of `callers`, with noise headers and, when `body` is given, a JSON body. */
  const request = (
    method: string,
    callers: Caller[],
    segments: fc.Arbitrary<string[]>,
    body?: fc.Arbitrary<unknown>,
    query: fc.Arbitrary<string> = fc.constant(''),
  ): fc.Arbitrary<Draft> =>
    fc
      .record({
        caller: fc.constantFrom(...callers),
        segments,
        body: body ?? fc.constant(undefined),
        query,
        type: jsonMediaType,
        noise: noiseHeaders,
      })
      .map(({ caller, segments: path, body: value, query: q, type, noise }) => ({
        method,
        segments: path,
        query: q,
        body: value,
        headers: { ...noise, authorization: bearer(caller), ...(value !== undefined && { 'content-type': type }) },
      }));
  /** The request made by one of `callers`, who may not make it: `status` at `rank`. */
  const as = (callers: Caller[], what: string, status: number, rank: number, change: (d: Draft) => Draft = (d) => d) =>
    fc
      .constantFrom(...callers)
      .map((caller) =>
        flaw(`${what} (as ${caller})`, status, rank, (d) =>
          change({ ...d, headers: { ...d.headers, authorization: bearer(caller) } }),
        ),
      );
  return { bearer, credentials, request, as };
}

/**
 * `GET /bucket/{bucketId}/<resource>`, which any member may read: a bad or
 * unknown bucket id, bad credentials, and a caller outside the workspace.
 *
 * @example
 * describeHostileEndpoints('to the status call', [bucketReadModel('status', 500)]);
 */
export function bucketReadModel(resource: string, runs: number): EndpointModel {
  return {
    name: `GET /bucket/{bucketId}/${resource}`,
    runs,
    build: (w) => {
      const { credentials, request, as } = callersOf(w);
      return {
        requests: hostile(
          request(
            'GET',
            ['operator', 'owner', 'reader'],
            caseOf(w.bucketId).map((id) => ['bucket', id, resource]),
            undefined,
            junkQuery,
          ),
          {
            credentials,
            bucketId: pathIdFlaw(1, 'bucketId'),
            unknown: unknownIdFlaw(1, 'bucketId'),
            foreign: as(['outsider'], 'a bucket of another workspace', 403, Rank.forbidden),
          },
        ),
      };
    },
  };
}
