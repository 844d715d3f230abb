import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ROLES } from '../src/auth/roles.js';
import type { Database } from '../src/store/database-schema.js';
import { NODE_STATUSES } from '../src/stats/node-status.js';
import {
  createBucket,
  createMember,
  createToken,
  createUser,
  createWorkspace,
  importReports,
  NODE_PUBLIC_PEM,
} from './helpers/fixtures.js';
import {
  assertErrorShape,
  badEmail,
  badHost,
  badInstant,
  badIp,
  badName,
  bodyBytes,
  brokenJsonFlaw,
  contentLengthFlaw,
  credentialFlaw,
  describeRequest,
  type Draft,
  emptyBodyFlaw,
  expectedStatuses,
  extraFields,
  fieldFlaw,
  type FieldRule,
  flaw,
  type Flaw,
  flawed,
  hostile,
  type Hostile,
  INJECTIONS,
  jsonMediaType,
  mediaFlaw,
  noiseHeaders,
  notObjectFlaw,
  notOneOf,
  notString,
  notStringOrNull,
  notUuid,
  pathIdFlaw,
  pinned,
  Rank,
  type RawCase,
  rawCases,
  rawExchange,
  readableBody,
  sizeFlaw,
  toInject,
  unknownIdFlaw,
  weighted,
  withoutHost,
} from './helpers/hostile-requests.js';
import { SignedNode } from './helpers/node-signer.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// Property-based hostile input (issue 8): thousands of generated malformed
// requests against every endpoint, on each store. Each must get a 4xx in the
// error shape, with the status api.md's precedence gives its flaws; the
// stored data and the stats answers must be exactly as before.

// A failure shows the error of the failing request, not only the counterexample.
fc.configureGlobal({ includeErrorInReport: true });

const NOW = '2024-02-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const MIB = 1024 * 1024;
const LAST_NODE_TIMESTAMP = NOW_MS - 60_000;

type Caller = 'operator' | 'owner' | 'reader' | 'outsider';

interface World {
  tokens: Record<Caller, string>;
  users: Record<Exclude<Caller, 'operator'> | 'candidate', string>;
  emails: string[];
  workspaceId: string;
  bucketId: string;
  otherBucketId: string;
  spareTokenId: string;
  rejectedTokens: string[];
  node: SignedNode;
}

const TABLES: Array<keyof Database> = [
  'users',
  'tokens',
  'workspaces',
  'workspace_members',
  'buckets',
  'nodes',
  'node_registrations',
  'series',
  'reports',
  'daily_rollups',
  'settings',
];

/** Row count and a checksum of every row of every table. */
async function snapshot(t: TestApp): Promise<Record<string, { rows: number; sha256: string }>> {
  const result: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    const rows = (await t.store.db.selectFrom(table).selectAll().execute()) as unknown[];
    const lines = rows.map((row) =>
      JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
    );
    result[table] = { rows: rows.length, sha256: createHash('sha256').update(lines.sort().join('\n')).digest('hex') };
  }
  return result;
}

const caseOf = (id: string) => fc.constantFrom(id, id.toUpperCase());
const validName = fc
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
const validInstant = (from: string, to: string) =>
  fc.integer({ min: Date.parse(from), max: Date.parse(to) }).map((ms) => new Date(ms).toISOString());
const orText = (bad: fc.Arbitrary<unknown>) => fc.oneof(bad, notString);
const required = (bad: fc.Arbitrary<unknown>): FieldRule => ({ bad, required: true });
const optional = (bad: fc.Arbitrary<unknown>): FieldRule => ({ bad, required: false });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** The first entry of an array field, to corrupt (a detached object when there is none). */
const firstOf = (field: string) => (body: Record<string, unknown>) => {
  const list = body[field];
  return Array.isArray(list) && isObject(list[0]) ? list[0] : {};
};

const TOO_LATE = fc.constantFrom('2024-02-01T12:05:00.001Z', '2024-02-02T00:00:00Z', '2099-01-01T00:00:00Z');
const badLatency = fc.oneof(
  fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const otherKeys = generateKeyPairSync('ed25519');
const PEMS = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  x25519: generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  // A node's private key is no public key, though one can be derived from it.
  ed25519Private: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
const badPem = fc.oneof(
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

/** An endpoint as a generator of hostile requests. */
interface Model {
  name: string;
  runs: number;
  requests: fc.Arbitrary<Hostile>;
  /** Requests tried first on every run: the defects this test has found, so they stay fixed. */
  examples?: Hostile[];
}

/** The flaws every JSON body can have; `limit` is the endpoint's body limit. */
function jsonBodyFlaws(limit: number, mediaRank: number = Rank.size): Record<string, fc.Arbitrary<Flaw>> {
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
function strayBodyFlaws(): Record<string, fc.Arbitrary<Flaw>> {
  return { media: mediaFlaw(Rank.size), brokenJson: brokenJsonFlaw, contentLength: contentLengthFlaw, size: sizeFlaw(MIB) };
}

function models(w: World): Model[] {
  const bearer = (caller: Caller) => `Bearer ${w.tokens[caller]}`;
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
  const as = (callers: Caller[], what: string, status: number, rank: number, change: (d: Draft) => Draft = (d) => d) =>
    fc
      .constantFrom(...callers)
      .map((caller) =>
        flaw(`${what} (as ${caller})`, status, rank, (d) =>
          change({ ...d, headers: { ...d.headers, authorization: bearer(caller) } }),
        ),
      );
  const setSegment = (index: number, value: string) => (d: Draft) => ({
    ...d,
    segments: d.segments.map((s, i) => (i === index ? value : s)),
  });
  const setField = (field: string, value: unknown) => (d: Draft) => ({
    ...d,
    body: isObject(d.body) ? { ...d.body, [field]: value } : d.body,
  });
  const junkQuery = fc.oneof(
    fc.constant(''),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }).map((q) => {
      const text = new URLSearchParams(q).toString();
      return text === '' ? '' : `?${text}`;
    }),
  );
  const withJunkQuery = (query: fc.Arbitrary<string>) =>
    fc.tuple(query, junkQuery).map(([q, junk]) => (junk === '' ? q : q === '' ? junk : `${q}&${junk.slice(1)}`));

  const day = fc.constantFrom(
    '2024-01-31',
    '2024-01-31T00:00:00.000Z',
    '2024-01-31T23:59:59.999Z',
    '2024-02-01',
    '2024-02-01T13:30:00+02:00',
    '2023-12-31',
  );
  const badDay = fc.oneof(
    badInstant.filter((s) => s !== '2024-01-15'),
    fc.constantFrom('2024-02-02', '2099-01-01', '2024-02-02T00:00:00Z', '2024-02-01T23:00:00-02:00', '9999-12-31'),
    notString,
  );
  const stats: Model = {
    name: 'POST /bucket/{bucketId}/stats',
    runs: 1200,
    requests: hostile(
      request(
        'POST',
        ['operator', 'owner', 'reader'],
        caseOf(w.bucketId).map((id) => ['bucket', id, 'stats']),
        fc.tuple(day, extraFields(['day'])).map(([d, extra]) => ({ ...extra, day: d })),
      ),
      {
        credentials,
        ...jsonBodyFlaws(MIB),
        day: fieldFlaw({ day: required(badDay) }),
        bucketId: pathIdFlaw(1, 'bucketId'),
        unknown: unknownIdFlaw(1, 'bucketId'),
        foreign: as(['owner', 'reader'], 'a bucket of another workspace', 403, Rank.forbidden, setSegment(1, w.otherBucketId)),
      },
    ),
  };

  const status: Model = {
    name: 'GET /bucket/{bucketId}/status',
    runs: 500,
    requests: hostile(
      request(
        'GET',
        ['operator', 'owner', 'reader'],
        caseOf(w.bucketId).map((id) => ['bucket', id, 'status']),
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

  const bucketFields = ['name', 'workspaceId', 'storageType', 'bucket', 'endpoint', 'region'];
  const createBucketBody = fc
    .record(
      {
        name: validName,
        workspaceId: caseOf(w.workspaceId),
        storageType: fc.constantFrom('S3', 'GCS', 'BLOB'),
        bucket: fc.option(validName),
        endpoint: fc.option(validName),
        region: fc.option(validName),
      },
      { requiredKeys: ['name', 'workspaceId'] },
    )
    .chain((body) => extraFields(bucketFields).map((extra) => ({ ...extra, ...body })));
  const createBucketRequest = request('POST', ['operator', 'owner'], fc.constant(['bucket']), createBucketBody);
  const createBucket: Model = {
    name: 'POST /bucket',
    runs: 700,
    examples: [
      pinned(createBucketRequest, flaw('body.endpoint = "a\\ud800b"', 400, Rank.shape, setField('endpoint', 'a\ud800b'))),
    ],
    requests: hostile(createBucketRequest, {
      credentials,
      ...jsonBodyFlaws(MIB),
      fields: weighted(
        3,
        fieldFlaw({
          name: required(orText(badName)),
          workspaceId: required(orText(notUuid)),
          storageType: optional(notOneOf(['S3', 'GCS', 'BLOB'])),
          bucket: optional(fc.oneof(badName, notStringOrNull)),
          endpoint: optional(fc.oneof(badName, notStringOrNull)),
          region: optional(fc.oneof(badName, notStringOrNull)),
        }),
      ),
      unknownWorkspace: fc.uuid().map((id) => flaw(`workspaceId unknown ${id}`, 404, Rank.missing, setField('workspaceId', id))),
      forbidden: as(['reader', 'outsider'], 'not a writer of the workspace', 403, Rank.forbidden),
    }),
  };

  const workspaceQuery = fc.oneof(
    fc.constant(''),
    caseOf(w.workspaceId).map((id) => `?workspaceId=${id}`),
  );
  const listBuckets: Model = {
    name: 'GET /bucket',
    runs: 400,
    requests: hostile(
      request('GET', ['operator', 'owner', 'reader'], fc.constant(['bucket']), undefined, withJunkQuery(workspaceQuery)),
      {
        credentials,
        query: fc
          .oneof(
            notUuid.map((id) => `?workspaceId=${encodeURIComponent(id).replace(/%(?![0-9A-F]{2})/g, '%25')}`),
            fc.constant(`?workspaceId=${w.workspaceId}&workspaceId=${w.workspaceId}`),
            fc.constant('?workspaceId'),
          )
          .map((query) => flaw(`query ${query.slice(0, 60)}`, 400, Rank.shape, (d) => ({ ...d, query }))),
        unknown: fc
          .uuid()
          .map((id) => flaw(`workspaceId unknown ${id}`, 404, Rank.missing, (d) => ({ ...d, query: `?workspaceId=${id}` }))),
        forbidden: as(['outsider'], 'not a member', 403, Rank.forbidden, (d) => ({
          ...d,
          query: `?workspaceId=${w.workspaceId}`,
        })),
      },
    ),
  };

  const deleteBucket: Model = {
    name: 'DELETE /bucket/{bucketId}',
    runs: 400,
    requests: hostile(
      request(
        'DELETE',
        ['operator', 'owner'],
        caseOf(w.bucketId).map((id) => ['bucket', id]),
      ),
      {
        credentials,
        ...strayBodyFlaws(),
        bucketId: pathIdFlaw(1, 'bucketId'),
        unknown: unknownIdFlaw(1, 'bucketId'),
        forbidden: as(['reader', 'outsider'], 'not a writer', 403, Rank.forbidden),
      },
    ),
  };

  const createWorkspace: Model = {
    name: 'POST /workspace',
    runs: 500,
    requests: hostile(
      fc.oneof(
        request(
          'POST',
          ['owner', 'reader', 'outsider'],
          fc.constant(['workspace']),
          fc.tuple(validName, extraFields(['name', 'ownerId'])).map(([name, extra]) => ({ ...extra, name })),
        ),
        request(
          'POST',
          ['operator'],
          fc.constant(['workspace']),
          fc.tuple(validName, caseOf(w.users.candidate)).map(([name, ownerId]) => ({ name, ownerId })),
        ),
      ),
      {
        credentials,
        ...jsonBodyFlaws(MIB),
        fields: weighted(3, fieldFlaw({ name: required(orText(badName)), ownerId: optional(orText(notUuid)) })),
        noOwner: fc.constant(
          flaw('the operator names no owner', 400, Rank.shape, (d) => {
            const body = isObject(d.body) ? { ...d.body } : d.body;
            if (isObject(body)) delete body.ownerId;
            return { ...d, body, headers: { ...d.headers, authorization: bearer('operator') } };
          }),
        ),
        unknownOwner: fc
          .uuid()
          .map((id) =>
            flaw(`ownerId unknown ${id}`, 404, Rank.missing, (d) =>
              setField('ownerId', id)({ ...d, headers: { ...d.headers, authorization: bearer('operator') } }),
            ),
          ),
      },
    ),
  };

  const listWorkspaces: Model = {
    name: 'GET /workspace',
    runs: 200,
    requests: hostile(
      request('GET', ['operator', 'owner', 'reader', 'outsider'], fc.constant(['workspace']), undefined, junkQuery),
      { credentials },
    ),
  };
  const listTokens: Model = {
    name: 'GET /token',
    runs: 200,
    requests: hostile(request('GET', ['operator', 'owner', 'reader', 'outsider'], fc.constant(['token']), undefined, junkQuery), {
      credentials,
    }),
  };

  const notMember = fc.oneof(fc.uuid(), fc.constantFrom(w.users.candidate, w.users.outsider));
  const addMember: Model = {
    name: 'POST /workspace/{workspaceId}/users',
    runs: 500,
    requests: hostile(
      request(
        'POST',
        ['operator', 'owner'],
        caseOf(w.workspaceId).map((id) => ['workspace', id, 'users']),
        fc
          .record({ userId: caseOf(w.users.candidate), role: fc.constantFrom(...ROLES), extra: extraFields(['userId', 'role']) })
          .map(({ extra, ...body }) => ({ ...extra, ...body })),
      ),
      {
        credentials,
        ...jsonBodyFlaws(MIB),
        workspaceId: pathIdFlaw(1, 'workspaceId'),
        unknownWorkspace: unknownIdFlaw(1, 'workspaceId'),
        fields: weighted(3, fieldFlaw({ userId: required(orText(notUuid)), role: required(notOneOf(ROLES)) })),
        // Whether a user exists is told only to those who may manage the workspace.
        unknownUser: fc.uuid().map((id) => flaw(`userId unknown ${id}`, 404, Rank.forbidden, setField('userId', id))),
        forbidden: as(['reader', 'outsider'], 'not an ADMIN', 403, Rank.forbidden),
        member: fc
          .constantFrom(w.users.owner, w.users.reader)
          .map((id) => flaw(`userId ${id} already a member`, 409, Rank.conflict, setField('userId', id))),
      },
    ),
  };

  const memberPath = fc
    .tuple(caseOf(w.workspaceId), caseOf(w.users.reader))
    .map(([ws, user]) => ['workspace', ws, 'users', user]);
  const memberFlaws = {
    credentials,
    workspaceId: pathIdFlaw(1, 'workspaceId'),
    userId: pathIdFlaw(3, 'userId'),
    unknownWorkspace: unknownIdFlaw(1, 'workspaceId'),
    notMember: notMember.map((id) => flaw(`userId ${id} not a member`, 404, Rank.forbidden, setSegment(3, id))),
    forbidden: as(['reader', 'outsider'], 'not an ADMIN', 403, Rank.forbidden),
  };
  const setRole: Model = {
    name: 'PUT /workspace/{workspaceId}/users/{userId}',
    runs: 450,
    requests: hostile(
      request(
        'PUT',
        ['operator', 'owner'],
        memberPath,
        fc.tuple(fc.constantFrom(...ROLES), extraFields(['role'])).map(([role, extra]) => ({ ...extra, role })),
      ),
      {
        ...memberFlaws,
        ...jsonBodyFlaws(MIB),
        role: fieldFlaw({ role: required(notOneOf(ROLES)) }),
        lastAdmin: fc
          .constantFrom('READ', 'WRITE')
          .map((role) =>
            flaw(`the last ADMIN made ${role}`, 409, Rank.conflict, (d) =>
              setField('role', role)(setSegment(3, w.users.owner)(d)),
            ),
          ),
      },
    ),
  };
  const removeMember: Model = {
    name: 'DELETE /workspace/{workspaceId}/users/{userId}',
    runs: 400,
    requests: hostile(request('DELETE', ['operator', 'owner'], memberPath), {
      ...memberFlaws,
      ...strayBodyFlaws(),
      lastAdmin: fc.constant(flaw('the last ADMIN removed', 409, Rank.conflict, setSegment(3, w.users.owner))),
    }),
  };

  const revokeToken: Model = {
    name: 'DELETE /token/{tokenId}',
    runs: 400,
    requests: hostile(
      request(
        'DELETE',
        ['operator', 'owner'],
        caseOf(w.spareTokenId).map((id) => ['token', id]),
      ),
      {
        credentials,
        ...strayBodyFlaws(),
        tokenId: pathIdFlaw(1, 'tokenId'),
        unknown: unknownIdFlaw(1, 'tokenId'),
        forbidden: as(['reader', 'outsider'], "another user's token", 403, Rank.forbidden),
      },
    ),
  };

  const createUserRequest = request(
    'POST',
    ['operator'],
    fc.constant(['admin', 'users']),
    fc
      .record({ email: fc.uuid().map((id) => `${id}@example.com`), name: validName, extra: extraFields(['email', 'name']) })
      .map(({ extra, ...body }) => ({ ...extra, ...body })),
  );
  const createUser: Model = {
    name: 'POST /admin/users',
    runs: 500,
    examples: [
      pinned(createUserRequest, flaw('body.name = "x\\udc00"', 400, Rank.shape, setField('name', 'x\udc00'))),
      pinned(
        createUserRequest,
        flaw('body.email = "a\\ud800@example.com"', 400, Rank.shape, setField('email', 'a\ud800@example.com')),
      ),
    ],
    requests: hostile(createUserRequest, {
      credentials,
      ...jsonBodyFlaws(MIB),
      fields: weighted(3, fieldFlaw({ email: required(orText(badEmail)), name: required(orText(badName)) })),
      member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      taken: fc
        .tuple(fc.constantFrom(...w.emails), fc.boolean())
        .map(([email, upper]) =>
          flaw(`email ${email} taken`, 409, Rank.conflict, setField('email', upper ? email.toUpperCase() : email)),
        ),
    }),
  };

  const issueToken: Model = {
    name: 'POST /admin/users/{userId}/tokens',
    runs: 500,
    requests: hostile(
      request(
        'POST',
        ['operator'],
        fc
          .constantFrom(w.users.owner, w.users.candidate)
          .chain(caseOf)
          .map((id) => ['admin', 'users', id, 'tokens']),
        fc
          .record(
            {
              name: validName,
              expiresAt: fc.oneof(fc.constant(null), validInstant('2024-02-01T12:00:01Z', '2030-01-01T00:00:00Z')),
              extra: extraFields(['name', 'expiresAt']),
            },
            { requiredKeys: ['name', 'extra'] },
          )
          .map(({ extra, ...body }) => ({ ...extra, ...body })),
      ),
      {
        credentials,
        ...jsonBodyFlaws(MIB),
        userId: pathIdFlaw(2, 'userId'),
        unknown: unknownIdFlaw(2, 'userId'),
        fields: weighted(
          3,
          fieldFlaw({
            name: required(orText(badName)),
            expiresAt: optional(
              fc.oneof(badInstant, notStringOrNull, fc.constantFrom(NOW, '2024-02-01T11:59:59.999Z', '1970-01-01T00:00:00Z')),
            ),
          }),
        ),
        member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      },
    ),
  };

  const nodeFields = { region: validName, provider: validName, version: validName };
  const createNodeRequest = request(
    'POST',
    ['operator'],
    fc.constant(['admin', 'nodes']),
    fc
      .record({
        ...nodeFields,
        ip: fc.oneof(fc.ipV4(), fc.ipV6()),
        host: fc.stringMatching(/^[a-z0-9.*-]{1,60}$/),
        publicKey: fc.constant(NODE_PUBLIC_PEM),
      })
      .chain((body) => extraFields(Object.keys(body)).map((extra) => ({ ...extra, ...body }))),
  );
  const createNode: Model = {
    name: 'POST /admin/nodes',
    runs: 450,
    examples: [
      pinned(createNodeRequest, flaw('publicKey is a private key', 400, Rank.shape, setField('publicKey', PEMS.ed25519Private))),
    ],
    requests: hostile(createNodeRequest, {
      credentials,
      ...jsonBodyFlaws(MIB),
      fields: weighted(
        3,
        fieldFlaw({
          ip: required(orText(badIp)),
          host: required(orText(badHost)),
          region: required(orText(badName)),
          provider: required(orText(badName)),
          version: required(orText(badName)),
          publicKey: required(badPem),
        }),
      ),
      member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
    }),
  };

  const registration: Model = {
    name: 'POST /admin/nodes/{nodeId}/registrations',
    runs: 450,
    requests: hostile(
      request(
        'POST',
        ['operator'],
        caseOf(w.node.id).map((id) => ['admin', 'nodes', id, 'registrations']),
        fc
          .record(
            {
              at: validInstant('2023-01-01T00:00:00Z', NOW),
              ip: fc.ipV4(),
              host: fc.stringMatching(/^[a-z0-9.-]{1,30}$/),
              ...nodeFields,
            },
            { requiredKeys: ['at'] },
          )
          .chain((body) =>
            extraFields(['at', 'ip', 'host', 'region', 'provider', 'version']).map((extra) => ({ ...extra, ...body })),
          ),
      ),
      {
        credentials,
        ...jsonBodyFlaws(MIB),
        nodeId: pathIdFlaw(2, 'nodeId'),
        unknown: unknownIdFlaw(2, 'nodeId'),
        fields: weighted(
          3,
          fieldFlaw({
            at: required(orText(badInstant)),
            ip: optional(orText(badIp)),
            host: optional(orText(badHost)),
            region: optional(orText(badName)),
            provider: optional(orText(badName)),
            version: optional(orText(badName)),
          }),
        ),
        member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      },
    ),
  };

  const importEntry = fc.record(
    {
      nodeId: caseOf(w.node.id),
      bucketId: caseOf(w.bucketId),
      at: validInstant('2024-01-20T00:00:00Z', NOW),
      status: fc.constantFrom(...NODE_STATUSES),
      latencyMs: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5000 })),
    },
    { requiredKeys: ['nodeId', 'bucketId', 'at', 'status'] },
  );
  const importBase = request(
    'POST',
    ['operator'],
    fc.constant(['admin', 'reports']),
    fc.record({ reports: fc.array(importEntry, { minLength: 1, maxLength: 3 }) }),
  );
  const reportFlaws = (entries: string, entryRules: Record<string, FieldRule>, max: number) => ({
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
  const importReportsModel: Model = {
    name: 'POST /admin/reports',
    runs: 450,
    requests: hostile(
      // Now and then a body over 1 MiB (and within 8 MiB), which this endpoint reads.
      fc
        .tuple(
          importBase,
          fc.oneof(
            { weight: 40, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.integer({ min: MIB + 1, max: 1.5 * MIB }) },
          ),
        )
        .map(([draft, bulk]) => (bulk === undefined ? draft : { ...draft, padTo: bulk })),
      {
        credentials,
        ...jsonBodyFlaws(8 * MIB),
        ...reportFlaws(
          'reports',
          {
            nodeId: required(orText(notUuid)),
            bucketId: required(orText(notUuid)),
            at: required(fc.oneof(badInstant, notString, TOO_LATE)),
            status: required(notOneOf(NODE_STATUSES)),
            latencyMs: optional(badLatency),
          },
          10_000,
        ),
        unknownNode: fc
          .uuid()
          .map((id) => flaw(`reports[0].nodeId unknown ${id}`, 400, Rank.shape, (d) => fieldSet(d, 'reports', 'nodeId', id))),
        unknownBucket: fc
          .uuid()
          .map((id) => flaw(`reports[0].bucketId unknown ${id}`, 400, Rank.shape, (d) => fieldSet(d, 'reports', 'bucketId', id))),
        member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      },
    ),
  };

  // Signed node requests: each is signed by the node's key over its final bytes unless a flaw says otherwise.
  const nodeRequest = (url: string, body: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Draft> =>
    fc
      .record({
        id: caseOf(w.node.id),
        body,
        timestamp: fc.integer({ min: NOW_MS + 1, max: NOW_MS + 300_000 }),
        type: jsonMediaType,
        noise: noiseHeaders,
        extra: extraFields([]),
      })
      .map(({ id, body: value, timestamp, type, noise, extra }) => ({
        method: 'POST',
        segments: ['node', url],
        query: '',
        headers: { ...noise, 'x-node-id': id, 'content-type': type },
        body: { ...extra, ...value, timestamp },
        signWith: w.node.keys.privateKey,
      }));
  const withoutHeader = (d: Draft, name: string) => {
    const headers = { ...d.headers };
    delete headers[name];
    return { ...d, headers };
  };
  const nodeCredentials = fc.oneof(
    fc.constant(flaw('no X-Node-Id', 401, Rank.credentials, (d) => withoutHeader(d, 'x-node-id'))),
    fc.constant(
      flaw('no X-Signature', 401, Rank.credentials, (d) => ({ ...withoutHeader(d, 'x-signature'), signWith: undefined })),
    ),
    fc.constant(
      flaw('empty X-Signature', 401, Rank.credentials, (d) => ({ ...d, headers: { ...d.headers, 'x-signature': '' } })),
    ),
    fc
      .oneof(
        notUuid.filter((s) => /^[\x20-\x7e]*$/.test(s)),
        fc.uuid(),
        fc.constant(`${w.node.id}, ${w.node.id}`),
      )
      .map((id) =>
        flaw(`X-Node-Id ${JSON.stringify(id)}`, 401, Rank.credentials, (d) => ({
          ...d,
          headers: { ...d.headers, 'x-node-id': id },
        })),
      ),
    fc.constant(
      flaw('X-Node-Id twice', 401, Rank.credentials, (d) => ({
        ...d,
        headers: { ...d.headers, 'x-node-id': [w.node.id, w.node.id] },
      })),
    ),
  );
  const signature = fc.oneof(
    fc.constant(flaw('signed by another key', 401, Rank.signature, (d) => ({ ...d, signWith: otherKeys.privateKey }))),
    fc
      .oneof(
        fc.base64String({ minLength: 4, maxLength: 120 }),
        fc.stringMatching(/^[A-Za-z0-9+/]{86}(==)?$/),
        fc.string({ minLength: 1, maxLength: 100 }).filter((s) => /^[\x21-\x7e]+$/.test(s)),
        fc.constantFrom(
          '====',
          'A'.repeat(86) + '==',
          'A'.repeat(88),
          '-'.repeat(86) + '==',
          ...INJECTIONS.filter((s) => /^[\x21-\x7e]+$/.test(s)),
        ),
      )
      .map((sig) =>
        flaw(`X-Signature ${sig.slice(0, 40)}`, 401, Rank.signature, (d) => ({
          ...d,
          headers: { ...d.headers, 'x-signature': sig },
        })),
      ),
  );
  const timestamp = fc
    .oneof(
      fc.integer({ min: NOW_MS + 300_001, max: NOW_MS + 1e12 }),
      fc.integer({ min: -1e13, max: NOW_MS - 300_001 }),
      fc.integer({ min: NOW_MS - 300_000, max: LAST_NODE_TIMESTAMP }),
    )
    .map((ts) => ({
      ...flaw(`timestamp ${ts} (now ${NOW_MS})`, 401, Rank.timestamp, (d) => setField('timestamp', ts)(d)),
      // Only a body that parses can tell its timestamp (and another flaw may have replaced the body).
      effective: (final: Draft) => {
        const body = readableBody(final);
        return isObject(body) && body.timestamp === ts;
      },
    }));
  const nodeFlaws = {
    credentials: nodeCredentials,
    signature,
    timestamp,
    ...jsonBodyFlaws(MIB, Rank.media),
  };
  const timestampType = fc.oneof(
    fc.string({ maxLength: 14 }),
    fc.constant(String(NOW_MS + 1000)),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: 1, max: 299_000 }).map((k) => NOW_MS + k + 0.5),
    fc.array(fc.constant(NOW_MS + 1000), { maxLength: 2 }),
  );
  const registerRequest = nodeRequest(
    'register',
    fc.record(
      { ip: fc.oneof(fc.ipV4(), fc.ipV6()), ...nodeFields, host: fc.stringMatching(/^[a-z0-9.-]{1,30}$/) },
      { requiredKeys: ['ip', 'region', 'provider', 'version'] },
    ),
  );
  const forged = flaw('signed by another key', 401, Rank.signature, (d) => ({ ...d, signWith: otherKeys.privateKey }));
  const register: Model = {
    name: 'POST /node/register',
    runs: 650,
    // A forged signature is a 401 whatever else is wrong with the body (it was a 400 or a 415).
    examples: [
      pinned(
        registerRequest,
        forged,
        flaw('JSON truncated', 400, Rank.syntax, (d) => ({ ...d, bytes: Buffer.from('{"ip":') })),
      ),
      pinned(
        registerRequest,
        forged,
        flaw('Content-Type text/plain', 415, Rank.media, (d) => ({
          ...d,
          headers: { ...d.headers, 'content-type': 'text/plain' },
        })),
      ),
      pinned(
        registerRequest,
        forged,
        flaw('Content-Type ;;;', 415, Rank.media, (d) => ({ ...d, headers: { ...d.headers, 'content-type': ';;;' } })),
      ),
    ],
    requests: hostile(registerRequest, {
      ...nodeFlaws,
      fields: weighted(
        3,
        fieldFlaw({
          ip: required(orText(badIp)),
          region: required(orText(badName)),
          provider: required(orText(badName)),
          version: required(orText(badName)),
          host: optional(orText(badHost)),
          timestamp: required(timestampType),
        }),
      ),
    }),
  };

  const statusEntry = fc.record(
    {
      bucketId: caseOf(w.bucketId),
      status: fc.constantFrom(...NODE_STATUSES),
      latencyMs: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 10_000, noNaN: true })),
      createdAt: validInstant('2024-01-29T12:00:00Z', NOW),
    },
    { requiredKeys: ['bucketId', 'status', 'createdAt'] },
  );
  const statusRequest = nodeRequest(
    'status',
    fc.record({ ip: fc.ipV4(), region: validName, buckets: fc.array(statusEntry, { minLength: 1, maxLength: 4 }) }),
  );
  const nodeStatus: Model = {
    name: 'POST /node/status',
    runs: 750,
    examples: [
      pinned(
        statusRequest,
        forged,
        flaw('Content-Length off by 1', 400, Rank.syntax, (d) => ({
          ...d,
          headers: { ...d.headers, 'content-length': String((bodyBytes(d)?.length ?? 0) + 1) },
        })),
      ),
    ],
    requests: hostile(statusRequest, {
      ...nodeFlaws,
      fields: weighted(
        3,
        fieldFlaw({ ip: required(orText(badIp)), region: required(orText(badName)), timestamp: required(timestampType) }),
      ),
      ...reportFlaws(
        'buckets',
        {
          bucketId: required(orText(notUuid)),
          status: required(notOneOf(NODE_STATUSES)),
          latencyMs: optional(badLatency),
          createdAt: required(orText(badInstant)),
        },
        1000,
      ),
    }),
  };

  return [
    stats,
    status,
    createBucket,
    listBuckets,
    deleteBucket,
    createWorkspace,
    listWorkspaces,
    addMember,
    setRole,
    removeMember,
    listTokens,
    revokeToken,
    createUser,
    issueToken,
    createNode,
    registration,
    importReportsModel,
    register,
    nodeStatus,
  ];
}

/** Sets `field` of the first entry of the array `entries`. */
function fieldSet(d: Draft, entries: string, field: string, value: unknown): Draft {
  const body = structuredClone(d.body);
  if (!isObject(body)) return d;
  firstOf(entries)(body)[field] = value;
  return { ...d, body, bytes: undefined };
}

for (const kind of STORE_KINDS) {
  describe(`hostile input (${kind})`, () => {
    let t: TestApp;
    let w: World;
    let baseline: Awaited<ReturnType<typeof snapshot>>;
    let answers: string[];
    const sent = { inject: 0, raw: 0, valid: 0 };
    let started = 0;

    /** What the read endpoints answer: must not move while hostile requests come and go. */
    async function readAnswers(): Promise<string[]> {
      const calls: Array<{ method: 'GET' | 'POST'; url: string; payload?: object; token?: string }> = [
        { method: 'POST', url: `/bucket/${w.bucketId}/stats`, payload: { day: '2024-01-31' } },
        { method: 'POST', url: `/bucket/${w.bucketId}/stats`, payload: { day: '2024-02-01' }, token: w.tokens.reader },
        { method: 'GET', url: `/bucket/${w.bucketId}/status` },
        { method: 'GET', url: '/bucket' },
        { method: 'GET', url: '/workspace' },
        { method: 'GET', url: '/token', token: w.tokens.owner },
      ];
      const bodies: string[] = [];
      for (const call of calls) {
        const res = await t.call(call);
        assert.equal(res.statusCode, 200, `${call.method} ${call.url}: ${res.body}`);
        bodies.push(res.body);
      }
      return bodies;
    }

    async function assertUnchanged(): Promise<void> {
      assert.deepEqual(await snapshot(t), baseline, 'the stored data changed');
      assert.deepEqual(await readAnswers(), answers, 'the read endpoints answer differently');
      const stats = JSON.parse(answers[0] as string) as { nodeStats: unknown[] };
      assert.ok(stats.nodeStats.length > 0, 'the baseline stats have numbers to compare');
    }

    /** Sends one hostile request and checks its answer against the statuses its flaws allow. */
    async function sendHostile(request: Hostile): Promise<void> {
      const final = flawed(request);
      const options = toInject(final);
      const allowed = expectedStatuses(request.flaws, final);
      const where = describeRequest(options, request.flaws);
      sent.inject++;
      const res = await t.app.inject(options);
      assert.ok(
        allowed.includes(res.statusCode),
        `${where}\n→ ${res.statusCode} (expected ${allowed.join(' or ')}): ${res.body.slice(0, 300)}`,
      );
      assertErrorShape(res, where);
    }

    /** Sends raw bytes over a socket: the answer must be a whole 4xx in the error shape. */
    async function sendRaw(rawCase: RawCase): Promise<void> {
      sent.raw++;
      if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const answer = await rawExchange(port, rawCase.bytes);
      const where = `${rawCase.what}: ${JSON.stringify(rawCase.bytes.subarray(0, 200).toString('latin1'))}`;
      assert.ok(answer.status >= 400 && answer.status < 500, `${where}\n→ ${answer.status}: ${answer.body.slice(0, 200)}`);
      assertErrorShape({ statusCode: answer.status, headers: answer.headers, body: answer.body }, where);
    }

    before(async () => {
      started = Date.now();
      t = await startTestApp(kind, { now: NOW });
      const owner = await createMember(t, 'owner@example.com');
      const reader = await createMember(t, 'reader@example.com');
      const outsider = await createMember(t, 'outsider@example.com');
      const candidate = await createUser(t, 'candidate@example.com');
      const workspaceId = await createWorkspace(t, owner.userId);
      const bucketId = await createBucket(t, workspaceId);
      const added = await t.call({
        method: 'POST',
        url: `/workspace/${workspaceId}/users`,
        payload: { userId: reader.userId, role: 'READ' },
      });
      assert.equal(added.statusCode, 200, added.body);
      const otherBucketId = await createBucket(t, await createWorkspace(t, outsider.userId));
      const spare = await createToken(t, owner.userId);
      const revoked = await createToken(t, owner.userId);
      assert.equal((await t.call({ method: 'DELETE', url: `/token/${revoked.tokenId}` })).statusCode, 200);
      t.clock.current = NOW_MS - 10_000;
      const expired = await createToken(t, owner.userId, new Date(NOW_MS - 5_000).toISOString());
      t.clock.current = NOW_MS;
      const node = await SignedNode.create(t);
      const at = (iso: string, status: string, latencyMs: number | null) => ({
        nodeId: node.id,
        bucketId,
        at: iso,
        status,
        latencyMs,
      });
      await importReports(t, [
        at('2024-01-31T00:10:00.000Z', 'ONLINE', 40),
        at('2024-01-31T06:00:00.000Z', 'OFFLINE', null),
        at('2024-01-31T09:30:00.000Z', 'ONLINE', 55),
        at('2024-02-01T08:00:00.000Z', 'ONLINE', 30),
      ]);
      const reported = await node.send('/node/status', {
        ip: '10.0.0.1',
        region: 'us-east-1',
        timestamp: LAST_NODE_TIMESTAMP,
        buckets: [{ bucketId, status: 'ONLINE', latencyMs: 25, createdAt: '2024-02-01T11:50:00.000Z' }],
      });
      assert.equal(reported.statusCode, 200, reported.body);
      w = {
        tokens: { operator: OPERATOR_TOKEN, owner: owner.token, reader: reader.token, outsider: outsider.token },
        users: { owner: owner.userId, reader: reader.userId, outsider: outsider.userId, candidate },
        emails: ['owner@example.com', 'reader@example.com', 'outsider@example.com', 'candidate@example.com'],
        workspaceId,
        bucketId,
        otherBucketId,
        spareTokenId: spare.tokenId,
        rejectedTokens: [revoked.token, expired.token],
        node,
      };
      // Every valid token is used once now, so that last_used_at is already set before the snapshot.
      for (const token of [owner.token, reader.token, outsider.token, spare.token]) {
        assert.equal((await t.call({ method: 'GET', url: '/workspace', token })).statusCode, 200);
      }
      baseline = await snapshot(t);
      answers = await readAnswers();
    });

    after(async () => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `hostile input (${kind}): ${sent.inject + sent.raw} malformed requests (${sent.inject} injected, ${sent.raw} over sockets) ` +
          `and ${sent.valid} valid ones with junk, in ${seconds} s`,
      );
      await t.close();
    });

    it('answers every malformed request to every endpoint with a 4xx in the error shape, and stores nothing', async () => {
      for (const model of models(w)) {
        const examples = (model.examples ?? []).map((example): [Hostile] => [example]);
        await fc.assert(fc.asyncProperty(model.requests, sendHostile), { numRuns: model.runs, examples });
        await assertUnchanged();
      }
    });

    it('answers oversized bodies with 413 (over 1 MiB; over 8 MiB for /admin/reports)', async () => {
      const routes: Array<[string, string, number]> = [
        ['POST', `/bucket/${w.bucketId}/stats`, MIB],
        ['POST', '/bucket', MIB],
        ['POST', '/workspace', MIB],
        ['PUT', `/workspace/${w.workspaceId}/users/${w.users.reader}`, MIB],
        ['POST', '/admin/users', MIB],
        ['POST', '/admin/nodes', MIB],
        ['POST', '/admin/reports', 8 * MIB],
        ['DELETE', `/bucket/${w.bucketId}`, MIB],
      ];
      const oversized = fc.record({
        route: fc.constantFrom(...routes),
        over: fc.integer({ min: 1, max: 64 * 1024 }),
        json: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(oversized, async ({ route: [method, url, limit], over, json }) => {
          const payload = json ? `{"pad":"${'x'.repeat(limit + over)}"}` : 'x'.repeat(limit + over);
          sent.inject++;
          const res = await t.call({ method, url, payload, headers: { 'content-type': 'application/json' } });
          assert.equal(res.statusCode, 413, `${method} ${url} with ${payload.length} B: ${res.body}`);
          assertErrorShape(res, `${method} ${url}`);
        }),
        { numRuns: 24 },
      );
      // Between 1 and 8 MiB, /admin/reports reads the body: a bad one is a 400, not a 413.
      const bulky = { reports: [{ nodeId: 'x', bucketId: w.bucketId, at: NOW, status: 'ONLINE' }], pad: 'x'.repeat(3 * MIB) };
      sent.inject++;
      const res = await t.call({ method: 'POST', url: '/admin/reports', payload: bulky });
      assert.equal(res.statusCode, 400, res.body);
      await assertUnchanged();
    });

    it('answers unknown routes and methods with 404 in the error shape', async () => {
      const known = new Set([
        'bucket',
        'workspace',
        'token',
        'admin',
        'node',
        'healthz',
        'readyz',
        'openapi.json',
        'docs',
        'assets',
      ]);
      const segment = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== '.' && s !== '..');
      const unknownPath = fc.oneof(
        fc
          .array(segment, { minLength: 1, maxLength: 4 })
          .filter(([first]) => !known.has(first as string))
          .map((parts) => `/${parts.map(encodeURIComponent).join('/')}`),
        fc.constantFrom(
          `/bucket/${w.bucketId}/stats/extra`,
          `/bucket/${w.bucketId}/status/`,
          '/workspace/',
          `/admin/users/${w.users.owner}/tokens/x`,
          `/workspace/${w.workspaceId}/users/${w.users.reader}/extra`,
          '/Bucket',
          '/WORKSPACE',
          '/HEALTHZ',
          '/node',
          '/admin',
          `/node/status/${w.node.id}`,
          '/%2e%2e/%2e%2e/etc/passwd',
          '/bucket%2F' + w.bucketId,
        ),
      );
      const wrongMethod = fc.constantFrom<[string, string]>(
        ['PUT', '/bucket'],
        ['PATCH', '/bucket'],
        ['GET', `/bucket/${w.bucketId}/stats`],
        ['POST', `/bucket/${w.bucketId}/status`],
        ['GET', `/bucket/${w.bucketId}`],
        ['POST', '/token'],
        ['GET', '/admin/users'],
        ['DELETE', '/admin/users'],
        ['GET', '/admin/reports'],
        ['GET', '/node/status'],
        ['PUT', '/node/register'],
        ['POST', '/healthz'],
        ['DELETE', '/readyz'],
        ['DELETE', '/workspace'],
        ['PATCH', `/workspace/${w.workspaceId}/users/${w.users.reader}`],
        ['GET', `/workspace/${w.workspaceId}/users`],
        ['OPTIONS', '/bucket'],
        ['OPTIONS', `/bucket/${w.bucketId}/stats`],
      );
      const requests = fc.record({
        target: fc.oneof(fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), unknownPath), wrongMethod),
        authorization: fc.oneof(fc.constant(undefined), fc.constant(`Bearer ${OPERATOR_TOKEN}`), fc.string({ maxLength: 30 })),
        body: fc.oneof(fc.constant(undefined), fc.constantFrom('{', '{"a":1}', 'x=1', '[]')),
        type: fc.constantFrom('application/json', 'text/plain'),
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(requests, async ({ target: [method, url], authorization, body, type, noise }) => {
          sent.inject++;
          const res = await t.app.inject({
            method: method as 'GET',
            url,
            headers: {
              ...noise,
              ...(authorization !== undefined && { authorization }),
              ...(body !== undefined && { 'content-type': type }),
            },
            ...(body !== undefined && { payload: body }),
          });
          assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
          assertErrorShape(res, `${method} ${url}`);
        }),
        { numRuns: 500 },
      );
      await assertUnchanged();
    });

    it('answers ids that are not even valid URL text, or longer than a router segment, with 400 in the error shape', async () => {
      const badSegment = fc.oneof(
        fc.constantFrom('%', '%Z', '%ZZ', '%C0%AF', '%E0%80', '%FF', '%ED%A0%80', 'a%2', `${w.bucketId}%`),
        fc.integer({ min: 101, max: 2000 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 101, max: 500 }).map((n) => `${w.bucketId}${'0'.repeat(n)}`),
      );
      const route = fc.constantFrom<
        Array<(id: string) => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object }>
      >(
        (id) => ({ method: 'GET', url: `/bucket/${id}/status` }),
        (id) => ({ method: 'POST', url: `/bucket/${id}/stats`, payload: { day: '2024-01-31' } }),
        (id) => ({ method: 'DELETE', url: `/bucket/${id}` }),
        (id) => ({ method: 'DELETE', url: `/token/${id}` }),
        (id) => ({ method: 'POST', url: `/admin/users/${id}/tokens`, payload: { name: 'x' } }),
        (id) => ({ method: 'PUT', url: `/workspace/${w.workspaceId}/users/${id}`, payload: { role: 'READ' } }),
      );
      await fc.assert(
        fc.asyncProperty(route, badSegment, async (build, id) => {
          const options = build(id);
          sent.inject++;
          const res = await t.call(options);
          assert.equal(res.statusCode, 400, `${options.method} ${options.url}: ${res.body}`);
          assertErrorShape(res, `${options.method} ${options.url.slice(0, 100)}`);
        }),
        { numRuns: 150 },
      );
      await assertUnchanged();
    });

    it('ignores unknown extra fields, junk queries and junk headers: valid requests still succeed', async () => {
      const statsAnswers: Record<string, string> = {
        '2024-01-31': answers[0] as string,
        '2024-02-01': answers[1] as string,
      };
      const statsCall = fc.record({
        caller: fc.constantFrom<Caller>('operator', 'owner', 'reader'),
        id: caseOf(w.bucketId),
        day: fc.constantFrom('2024-01-31', '2024-02-01'),
        extra: extraFields(['day']),
        type: jsonMediaType,
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(statsCall, async ({ caller, id, day, extra, type, noise }) => {
          const payload = JSON.stringify({ ...extra, day });
          sent.valid++;
          const res = await t.app.inject({
            method: 'POST',
            url: `/bucket/${id}/stats`,
            payload,
            headers: { ...noise, authorization: `Bearer ${w.tokens[caller]}`, 'content-type': type },
          });
          assert.equal(res.statusCode, 200, `${payload.slice(0, 200)}: ${res.body}`);
          assert.deepEqual(JSON.parse(res.body), JSON.parse(statsAnswers[day] as string));
        }),
        { numRuns: 300 },
      );
      // Setting a member's role to the one it has is a valid write that changes nothing.
      const sameRole = fc.record({
        member: fc.constantFrom<[string, string]>([w.users.owner, 'ADMIN'], [w.users.reader, 'READ']),
        caller: fc.constantFrom<Caller>('operator', 'owner'),
        extra: extraFields(['role']),
      });
      await fc.assert(
        fc.asyncProperty(sameRole, async ({ member: [userId, role], caller, extra }) => {
          sent.valid++;
          const res = await t.call({
            method: 'PUT',
            url: `/workspace/${w.workspaceId}/users/${userId}`,
            payload: { ...extra, role },
            token: w.tokens[caller],
          });
          assert.equal(res.statusCode, 200, res.body);
        }),
        { numRuns: 100 },
      );
      const health = fc.record({
        url: fc.constantFrom('/healthz', '/readyz'),
        query: fc.string({ maxLength: 20 }).map((q) => (q === '' ? '' : `?${encodeURIComponent(q)}=1`)),
        authorization: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })),
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(health, async ({ url, query, authorization, noise }) => {
          sent.valid++;
          const res = await t.app.inject({
            method: 'GET',
            url: url + query,
            headers: { ...noise, ...(authorization !== undefined && { authorization }) },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json<{ success: boolean }>().success, true);
        }),
        { numRuns: 200 },
      );
      await assertUnchanged();
    });

    it("answers what Node's HTTP parser rejects, and hostile headers over a socket, with a 4xx in the error shape", async () => {
      await fc.assert(fc.asyncProperty(rawCases({ operatorToken: OPERATOR_TOKEN, nodeId: w.node.id }), sendRaw), {
        numRuns: 250,
      });
      await assertUnchanged();
    });

    it('answers an HTTP/1.1 request without Host with 400 in the error shape', async () => {
      await fc.assert(fc.asyncProperty(withoutHost, sendRaw), { numRuns: 20 });
    });

    it('sent at least 10 000 malformed requests', () => {
      assert.ok(sent.inject + sent.raw >= 10_000, `only ${sent.inject + sent.raw} malformed requests`);
    });
  });
}
