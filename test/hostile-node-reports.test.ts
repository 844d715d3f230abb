import fc from 'fast-check';
import { NODE_STATUSES } from '../src/stats/node-status.js';
import {
  badLatency,
  caseOf,
  isObject,
  jsonBodyFlaws,
  nodeFields,
  nodeFieldRules,
  optional,
  orText,
  otherKeys,
  reportFlaws,
  required,
  setField,
  validInstant,
  validName,
} from './helpers/hostile-generators.js';
import {
  badHost,
  badInstant,
  badIp,
  badName,
  bodyBytes,
  type Draft,
  extraFields,
  fieldFlaw,
  flaw,
  hostile,
  INJECTIONS,
  jsonMediaType,
  noiseHeaders,
  notOneOf,
  notUuid,
  pinned,
  Rank,
  readableBody,
  weighted,
} from './helpers/hostile-requests.js';
import {
  describeHostileEndpoints,
  type EndpointModel,
  LAST_NODE_TIMESTAMP,
  MIB,
  NOW,
  NOW_MS,
  type World,
} from './helpers/hostile-stage.js';

// Hostile input to the bridge nodes' signed calls (src/http/routes/node-routes.ts): each request is
// signed by the node's key over its final bytes unless a flaw says otherwise.

/** Signed node requests, and the flaws of their credentials, signature and timestamp. */
function signedNodeCalls(w: World) {
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
  const forged = flaw('signed by another key', 401, Rank.signature, (d) => ({ ...d, signWith: otherKeys.privateKey }));
  return { nodeRequest, nodeFlaws, timestampType, forged };
}

const register: EndpointModel = {
  name: 'POST /node/register',
  runs: 650,
  build: (w) => {
    const { nodeRequest, nodeFlaws, timestampType, forged } = signedNodeCalls(w);
    const registerRequest = nodeRequest(
      'register',
      fc.record(
        { ip: fc.oneof(fc.ipV4(), fc.ipV6()), ...nodeFields, host: fc.stringMatching(/^[a-z0-9.-]{1,30}$/) },
        { requiredKeys: ['ip', 'region', 'provider', 'version'] },
      ),
    );
    return {
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
            ...nodeFieldRules(required),
            host: optional(orText(badHost)),
            timestamp: required(timestampType),
          }),
        ),
      }),
    };
  },
};

const nodeStatus: EndpointModel = {
  name: 'POST /node/status',
  runs: 750,
  build: (w) => {
    const { nodeRequest, nodeFlaws, timestampType, forged } = signedNodeCalls(w);
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
    return {
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
  },
};

describeHostileEndpoints("to the nodes' signed calls", [register, nodeStatus]);
