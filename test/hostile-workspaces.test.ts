import fc from 'fast-check';
import { ROLES } from '../src/auth/roles.js';
import {
  callersOf,
  caseOf,
  isObject,
  jsonBodyFlaws,
  junkQuery,
  optional,
  orText,
  required,
  setField,
  setSegment,
  strayBodyFlaws,
  validName,
} from './helpers/hostile-generators.js';
import {
  badName,
  extraFields,
  fieldFlaw,
  flaw,
  hostile,
  notOneOf,
  notUuid,
  pathIdFlaw,
  Rank,
  unknownIdFlaw,
  weighted,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, type EndpointModel, MIB, type World } from './helpers/hostile-stage.js';

// Hostile input to the workspace and member calls (src/http/routes/workspace-routes.ts).

const createWorkspace: EndpointModel = {
  name: 'POST /workspace',
  runs: 500,
  build: (w) => {
    const { bearer, credentials, request } = callersOf(w);
    return {
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
  },
};

const listWorkspaces: EndpointModel = {
  name: 'GET /workspace',
  runs: 200,
  build: (w) => {
    const { credentials, request } = callersOf(w);
    return {
      requests: hostile(
        request('GET', ['operator', 'owner', 'reader', 'outsider'], fc.constant(['workspace']), undefined, junkQuery),
        { credentials },
      ),
    };
  },
};

const addMember: EndpointModel = {
  name: 'POST /workspace/{workspaceId}/users',
  runs: 500,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
      requests: hostile(
        request(
          'POST',
          ['operator', 'owner'],
          caseOf(w.workspaceId).map((id) => ['workspace', id, 'users']),
          fc
            .record({
              userId: caseOf(w.users.candidate),
              role: fc.constantFrom(...ROLES),
              extra: extraFields(['userId', 'role']),
            })
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
  },
};

/** A member's path, and the flaws of the calls on one member (a path id, an unknown workspace, a non-member, a caller who is no ADMIN). */
function memberCalls(w: World) {
  const { credentials, as } = callersOf(w);
  const notMember = fc.oneof(fc.uuid(), fc.constantFrom(w.users.candidate, w.users.outsider));
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
  return { memberPath, memberFlaws };
}

const setRole: EndpointModel = {
  name: 'PUT /workspace/{workspaceId}/users/{userId}',
  runs: 450,
  build: (w) => {
    const { request } = callersOf(w);
    const { memberPath, memberFlaws } = memberCalls(w);
    return {
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
  },
};

const removeMember: EndpointModel = {
  name: 'DELETE /workspace/{workspaceId}/users/{userId}',
  runs: 400,
  build: (w) => {
    const { request } = callersOf(w);
    const { memberPath, memberFlaws } = memberCalls(w);
    return {
      requests: hostile(request('DELETE', ['operator', 'owner'], memberPath), {
        ...memberFlaws,
        ...strayBodyFlaws(),
        lastAdmin: fc.constant(flaw('the last ADMIN removed', 409, Rank.conflict, setSegment(3, w.users.owner))),
      }),
    };
  },
};

describeHostileEndpoints('to the workspace calls', [createWorkspace, listWorkspaces, addMember, setRole, removeMember]);
