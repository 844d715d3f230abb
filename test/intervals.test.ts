import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { intersectIntervals, normalizeIntervals, subtractIntervals, totalLength, type Interval } from '../src/stats/intervals.js';

const intervalList = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 })), { maxLength: 8 })
  .map((pairs) => normalizeIntervals(pairs.map(([from, length]) => ({ from, to: from + length }))));

function covered(list: readonly Interval[], t: number): boolean {
  return list.some((i) => i.from <= t && t < i.to);
}

test('normalize merges touching and overlapping intervals and drops empty ones', () => {
  assert.deepEqual(
    normalizeIntervals([
      { from: 5, to: 9 },
      { from: 0, to: 5 },
      { from: 20, to: 20 },
      { from: 8, to: 12 },
    ]),
    [{ from: 0, to: 12 }],
  );
});

test('intersection and difference agree with a point-by-point model', () => {
  fc.assert(
    fc.property(intervalList, intervalList, (a, b) => {
      const both = intersectIntervals(a, b);
      const onlyA = subtractIntervals(a, b);
      for (let t = 0; t < 260; t++) {
        assert.equal(covered(both, t), covered(a, t) && covered(b, t));
        assert.equal(covered(onlyA, t), covered(a, t) && !covered(b, t));
      }
      assert.equal(totalLength(both) + totalLength(onlyA), totalLength(a));
    }),
  );
});
