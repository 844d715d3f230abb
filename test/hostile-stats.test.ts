import fc from 'fast-check';
import { bucketReadModel, callersOf, caseOf, jsonBodyFlaws, required, setSegment } from './helpers/hostile-generators.js';
import {
  badInstant,
  extraFields,
  fieldFlaw,
  hostile,
  notString,
  pathIdFlaw,
  Rank,
  unknownIdFlaw,
} from './helpers/hostile-requests.js';
import { describeHostileEndpoints, type EndpointModel, MIB } from './helpers/hostile-stage.js';

// Hostile input to the stats calls of a bucket (src/http/routes/stats-routes.ts).

const stats: EndpointModel = {
  name: 'POST /bucket/{bucketId}/stats',
  runs: 1200,
  build: (w) => {
    const { credentials, request, as } = callersOf(w);
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
    return {
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
  },
};

describeHostileEndpoints('to the stats calls', [stats, bucketReadModel('status', 500)]);
