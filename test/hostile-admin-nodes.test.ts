import fc from 'fast-check';
import { NODE_STATUSES } from '../src/stats/node-status.js';
import { NODE_PUBLIC_PEM } from './helpers/fixtures.js';
import {
  badLatency,
  badPem,
  callersOf,
  caseOf,
  fieldSet,
  jsonBodyFlaws,
  nodeFields,
  nodeFieldRules,
  optional,
  orText,
  PEMS,
  reportFlaws,
  required,
  setField,
  TOO_LATE,
  validInstant,
} from './helpers/hostile-generators.js';
import {
  badHost,
  badInstant,
  badIp,
  extraFields,
  fieldFlaw,
  flaw,
  hostile,
  notOneOf,
  notString,
  notUuid,
  pathIdFlaw,
  pinned,
  Rank,
  unknownIdFlaw,
  weighted,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, type EndpointModel, MIB, NOW } from './helpers/hostile-stage.js';

// Hostile input to the operator's node and import calls (src/http/routes/admin-node-routes.ts).

const createNode: EndpointModel = {
  name: 'POST /admin/nodes',
  runs: 450,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
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
    return {
      examples: [
        pinned(
          createNodeRequest,
          flaw('publicKey is a private key', 400, Rank.shape, setField('publicKey', PEMS.ed25519Private)),
        ),
      ],
      requests: hostile(createNodeRequest, {
        credentials,
        ...jsonBodyFlaws(MIB),
        fields: weighted(
          3,
          fieldFlaw({
            ip: required(orText(badIp)),
            host: required(orText(badHost)),
            ...nodeFieldRules(required),
            publicKey: required(badPem),
          }),
        ),
        member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      }),
    };
  },
};

const registration: EndpointModel = {
  name: 'POST /admin/nodes/{nodeId}/registrations',
  runs: 450,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
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
              ...nodeFieldRules(optional),
            }),
          ),
          member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
        },
      ),
    };
  },
};

const importReportsModel: EndpointModel = {
  name: 'POST /admin/reports',
  runs: 450,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
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
    return {
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
            .map((id) =>
              flaw(`reports[0].bucketId unknown ${id}`, 400, Rank.shape, (d) => fieldSet(d, 'reports', 'bucketId', id)),
            ),
          member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
        },
      ),
    };
  },
};

describeHostileEndpoints("to the operator's node calls", [createNode, registration, importReportsModel]);
