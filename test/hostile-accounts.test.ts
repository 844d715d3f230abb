import fc from 'fast-check';
import {
  callersOf,
  caseOf,
  jsonBodyFlaws,
  junkQuery,
  optional,
  orText,
  required,
  setField,
  strayBodyFlaws,
  validInstant,
  validName,
} from './helpers/hostile-generators.js';
import {
  badEmail,
  badInstant,
  badName,
  extraFields,
  fieldFlaw,
  flaw,
  hostile,
  notStringOrNull,
  pathIdFlaw,
  pinned,
  Rank,
  unknownIdFlaw,
  weighted,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, type EndpointModel, MIB, NOW } from './helpers/hostile-stage.js';

// Hostile input to the token calls and the operator's user calls (src/http/routes/token-routes.ts, admin-user-routes.ts).

const listTokens: EndpointModel = {
  name: 'GET /token',
  runs: 200,
  build: (w) => {
    const { credentials, request } = callersOf(w);
    return {
      requests: hostile(
        request('GET', ['operator', 'owner', 'reader', 'outsider'], fc.constant(['token']), undefined, junkQuery),
        {
          credentials,
        },
      ),
    };
  },
};

const revokeToken: EndpointModel = {
  name: 'DELETE /token/{tokenId}',
  runs: 400,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
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
  },
};

const createUser: EndpointModel = {
  name: 'POST /admin/users',
  runs: 500,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    const createUserRequest = request(
      'POST',
      ['operator'],
      fc.constant(['admin', 'users']),
      fc
        .record({ email: fc.uuid().map((id) => `${id}@example.com`), name: validName, extra: extraFields(['email', 'name']) })
        .map(({ extra, ...body }) => ({ ...extra, ...body })),
    );
    return {
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
  },
};

const issueToken: EndpointModel = {
  name: 'POST /admin/users/{userId}/tokens',
  runs: 500,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
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
  },
};

describeHostileEndpoints('to the token and user calls', [listTokens, revokeToken, createUser, issueToken]);
