import fc from 'fast-check';
import {
  callersOf,
  caseOf,
  jsonBodyFlaws,
  optional,
  orText,
  required,
  setField,
  strayBodyFlaws,
  validName,
  withJunkQuery,
} from './helpers/hostile-generators.js';
import {
  badName,
  extraFields,
  fieldFlaw,
  flaw,
  hostile,
  notOneOf,
  notStringOrNull,
  notUuid,
  pathIdFlaw,
  pinned,
  Rank,
  unknownIdFlaw,
  weighted,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, type EndpointModel, MIB } from './helpers/hostile-stage.js';

// Hostile input to the bucket calls (src/http/routes/bucket-routes.ts).

const createBucket: EndpointModel = {
  name: 'POST /bucket',
  runs: 700,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
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
    return {
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
        unknownWorkspace: fc
          .uuid()
          .map((id) => flaw(`workspaceId unknown ${id}`, 404, Rank.missing, setField('workspaceId', id))),
        forbidden: as(['reader', 'outsider'], 'not a writer of the workspace', 403, Rank.forbidden),
      }),
    };
  },
};

const listBuckets: EndpointModel = {
  name: 'GET /bucket',
  runs: 400,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    // api.md: an empty value or the literal "undefined" (the platform's getStorageBuckets()) means every workspace.
    const workspaceQuery = fc.oneof(
      fc.constant(''),
      caseOf(w.workspaceId).map((id) => `?workspaceId=${id}`),
      fc.constantFrom('?workspaceId', '?workspaceId=', '?workspaceId=undefined&walletAddress=undefined'),
    );
    return {
      requests: hostile(
        request('GET', ['operator', 'owner', 'reader'], fc.constant(['bucket']), undefined, withJunkQuery(workspaceQuery)),
        {
          credentials,
          query: fc
            .oneof(
              notUuid
                .filter((id) => id !== '' && id !== 'undefined')
                .map((id) => `?workspaceId=${encodeURIComponent(id).replace(/%(?![0-9A-F]{2})/g, '%25')}`),
              fc.constant(`?workspaceId=${w.workspaceId}&workspaceId=${w.workspaceId}`),
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
  },
};

const deleteBucket: EndpointModel = {
  name: 'DELETE /bucket/{bucketId}',
  runs: 400,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
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
  },
};

describeHostileEndpoints('to the bucket calls', [createBucket, listBuckets, deleteBucket]);
