import fc from 'fast-check';
import {
  callersOf,
  caseOf,
  fieldSet,
  jsonBodyFlaws,
  optional,
  orText,
  reportFlaws,
  required,
  setField,
  validInstant,
  validName,
  withJunkQuery,
} from './helpers/hostile-generators.js';
import {
  badInstant,
  badName,
  fieldFlaw,
  flaw,
  hostile,
  notString,
  notStringOrNull,
  notUuid,
  pathIdFlaw,
  Rank,
  unknownIdFlaw,
  weighted,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, MIB, NOW_MS, type EndpointModel } from './helpers/hostile-stage.js';

// Hostile input to the maintenance calls (src/http/routes/maintenance-routes.ts).

const HOUR_MS = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** RRULE text the service refuses: unparsable, unsupported, too dense, matching nothing. */
const badRrule = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'every sunday',
    'FREQ=',
    'FREQ=FORTNIGHTLY',
    'FREQ=DAILY;FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=0',
    'FREQ=DAILY;INTERVAL=-1',
    'FREQ=DAILY;INTERVAL=1e3',
    'FREQ=DAILY;COUNT=0',
    'FREQ=DAILY;BYHOUR=24',
    'FREQ=DAILY;BYDAY=XX',
    'FREQ=DAILY;BYDAY=0MO',
    'FREQ=DAILY;BYMONTHDAY=0',
    'FREQ=DAILY;UNTIL=20300101T000000Z',
    'DTSTART:20240101T000000Z\nRRULE:FREQ=DAILY',
    'FREQ=DAILY;TZID=Europe/Paris',
    'FREQ=SECONDLY',
    'FREQ=MINUTELY;BYSECOND=0,30',
    'FREQ=HOURLY;BYSECOND=1,2',
    'FREQ=HOURLY;BYMINUTE=0,1,2,3,4,5',
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31',
    'FREQ=DAILY;;',
    ';',
    'FREQ=DAILY;BYHOUR=1,,2',
    'x'.repeat(501),
  ),
  fc.string({ maxLength: 30 }).filter((s) => !/^\s*(RRULE:)?FREQ=(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY)\s*$/i.test(s)),
  notStringOrNull,
);

const badDuration = fc.oneof(
  fc.constantFrom(0, -1, 1441, 1.5, 1e9, '60', true, [], {}),
  fc.integer({ min: 1441 }),
  fc.integer({ max: 0 }),
);

/** A window one would announce: ahead of now, one-off or recurring. */
const windowBody = (nodeId: string) =>
  fc.oneof(
    fc
      .record({
        startMs: fc.integer({ min: NOW_MS, max: NOW_MS + 30 * 24 * HOUR_MS }),
        lengthMs: fc.integer({ min: 1, max: 48 * HOUR_MS }),
        reason: fc.option(validName),
        nodeIds: fc.option(caseOf(nodeId).map((id) => [id])),
      })
      .map(({ startMs, lengthMs, reason, nodeIds }) => ({ start: iso(startMs), end: iso(startMs + lengthMs), reason, nodeIds })),
    fc
      .record({
        startMs: fc.integer({ min: NOW_MS, max: NOW_MS + 30 * 24 * HOUR_MS }),
        rrule: fc.constantFrom(
          'FREQ=DAILY',
          'FREQ=WEEKLY;BYDAY=SU,SA;BYHOUR=2',
          'RRULE:FREQ=MONTHLY;BYDAY=-1FR',
          'FREQ=HOURLY;INTERVAL=6',
        ),
        durationMinutes: fc.integer({ min: 1, max: 1440 }),
      })
      .map(({ startMs, rrule, durationMinutes }) => ({ start: iso(startMs), rrule, durationMinutes })),
  );

/** Each field of a window with a value that is refused whatever the others hold. */
const windowFieldRules = {
  start: required(fc.oneof(badInstant, notString, validInstant('2000-01-01T00:00:00Z', iso(NOW_MS - 1)))),
  nodeIds: optional(fc.oneof(notStringOrNull, fc.constant([]), fc.array(notUuid, { minLength: 1, maxLength: 2 }))),
  reason: optional(fc.oneof(badName, notStringOrNull)),
};

const createWindow: EndpointModel = {
  name: 'POST /bucket/{bucketId}/maintenance',
  runs: 500,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    const base = request(
      'POST',
      ['operator', 'owner'],
      caseOf(w.bucketId).map((id) => ['bucket', id, 'maintenance']),
      windowBody(w.node.id),
    );
    return {
      requests: hostile(base, {
        credentials,
        ...jsonBodyFlaws(MIB),
        fields: weighted(3, fieldFlaw(windowFieldRules)),
        rrule: badRrule.map((value) =>
          flaw(`body.rrule = ${JSON.stringify(value)?.slice(0, 60)}`, 400, Rank.shape, (d) => {
            const body = d.body as Record<string, unknown>;
            // On a one-off window any rrule is one too many (end and rrule together).
            return setField('rrule', value)({ ...d, body: { ...body, durationMinutes: 30 } });
          }),
        ),
        duration: badDuration.map((value) =>
          flaw(`body.durationMinutes = ${JSON.stringify(value)}`, 400, Rank.shape, setField('durationMinutes', value)),
        ),
        untilBeforeStart: fc.constant(flaw('until before start', 400, Rank.shape, setField('until', '2000-01-01T00:00:00Z'))),
        endAndRrule: fc.constant(
          flaw('end with rrule', 400, Rank.shape, (d) => ({
            ...d,
            body: { ...(d.body as object), end: iso(NOW_MS + 400 * 24 * HOUR_MS), rrule: 'FREQ=DAILY', durationMinutes: 30 },
            bytes: undefined,
          })),
        ),
        unknownNode: fc.uuid().map((id) => flaw(`nodeIds unknown ${id}`, 400, Rank.shape, setField('nodeIds', [id]))),
        bucketId: pathIdFlaw(1, 'bucketId'),
        unknown: unknownIdFlaw(1, 'bucketId'),
        forbidden: as(['reader', 'outsider'], 'not a writer of the bucket', 403, Rank.forbidden),
      }),
    };
  },
};

const listWindows: EndpointModel = {
  name: 'GET /bucket/{bucketId}/maintenance',
  runs: 250,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    return {
      requests: hostile(
        request(
          'GET',
          ['operator', 'owner', 'reader'],
          caseOf(w.bucketId).map((id) => ['bucket', id, 'maintenance']),
          undefined,
          withJunkQuery(fc.constant('')),
        ),
        {
          credentials,
          bucketId: pathIdFlaw(1, 'bucketId'),
          unknown: unknownIdFlaw(1, 'bucketId'),
          forbidden: as(['outsider'], 'not a member', 403, Rank.forbidden),
        },
      ),
    };
  },
};

const importWindows: EndpointModel = {
  name: 'POST /admin/maintenance',
  runs: 400,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
    const importEntry = fc
      .record({
        bucketId: caseOf(w.bucketId),
        startMs: fc.integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: NOW_MS }),
        lengthMs: fc.integer({ min: 1, max: 48 * HOUR_MS }),
      })
      .map(({ bucketId, startMs, lengthMs }) => ({ bucketId, start: iso(startMs), end: iso(startMs + lengthMs) }));
    const base = request(
      'POST',
      ['operator'],
      fc.constant(['admin', 'maintenance']),
      fc.record({ windows: fc.array(importEntry, { minLength: 1, maxLength: 3 }) }),
    );
    // Windows have no latency: the list's flaws without the infinite latency.
    const { entry, list, tooMany } = reportFlaws(
      'windows',
      {
        bucketId: required(orText(notUuid)),
        start: required(fc.oneof(badInstant, notString)),
        end: optional(fc.oneof(badInstant, notString, fc.constant('1999-01-01T00:00:00Z'))),
        rrule: optional(badRrule),
        reason: optional(fc.oneof(badName, notStringOrNull)),
      },
      10_000,
    );
    return {
      requests: hostile(base, {
        credentials,
        ...jsonBodyFlaws(8 * MIB),
        entry,
        list,
        tooMany,
        unknownBucket: fc
          .uuid()
          .map((id) => flaw(`windows[0].bucketId unknown ${id}`, 400, Rank.shape, (d) => fieldSet(d, 'windows', 'bucketId', id))),
        member: as(['owner', 'reader', 'outsider'], 'not the operator', 403, Rank.forbidden),
      }),
    };
  },
};

describeHostileEndpoints('to the maintenance calls', [createWindow, listWindows, importWindows]);
