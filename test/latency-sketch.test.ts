import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LatencySketch } from '../src/stats/latency-sketch.js';
import { quantileAcceptable } from './helpers/quantile-rule.js';

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.95, 0.99, 1];

// Latencies as the API takes them (0 to one hour, fractions allowed), bunched so that ranks fall on repeats.
const latency = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 3_600_000 }),
  fc.double({ min: 0, max: 3_600_000, noNaN: true }),
  fc.constantFrom(10, 20, 20.5, 99.99, 100, 101),
);
const latencies = fc.array(latency, { minLength: 1, maxLength: 400 });

function sketchOf(values: readonly number[]): LatencySketch {
  const sketch = new LatencySketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

describe('LatencySketch', () => {
  it('answers every quantile within the spec rule, zeros exactly', () => {
    fc.assert(
      fc.property(latencies, (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const sketch = sketchOf(values);
        assert.equal(sketch.count, values.length);
        for (const q of QUANTILES) {
          const v = sketch.quantile(q) as number;
          assert.ok(quantileAcceptable(v, sorted, q), `q=${q}: ${v} for ${JSON.stringify(sorted)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('holds the rule at the bin edges, where the logarithms round', () => {
    const gamma = (1 + 0.0099) / (1 - 0.0099);
    const edges = Array.from({ length: 2000 }, (_, i) => gamma ** (i - 500)).flatMap((e) => [
      e,
      e * (1 + 1e-15),
      e * (1 - 1e-15),
    ]);
    for (const x of edges) {
      const v = sketchOf([x]).quantile(0.5) as number;
      assert.ok(Math.abs(v - x) <= 0.01 * x, `${v} for ${x}`);
    }
  });

  it('merges as if all values went into one sketch, and encodes compactly and losslessly', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const merged = sketchOf(a);
        merged.merge(sketchOf(b));
        assert.deepEqual(merged, sketchOf([...a, ...b]));
        assert.deepEqual(LatencySketch.decode(merged.encode()), merged);
      }),
    );
  });

  it('takes values back out exactly', () => {
    fc.assert(
      fc.property(latencies, latencies, (kept, removed) => {
        const sketch = sketchOf([...kept, ...removed]);
        for (const v of removed) sketch.remove(v);
        assert.deepEqual(sketch, sketchOf(kept));
      }),
    );
    assert.throws(() => new LatencySketch().remove(5), RangeError);
  });

  it('keeps a day of one node in a few hundred bytes at most', () => {
    // 1 440 minutes of latencies around 40 ms with some jitter and a slow hour.
    const day = Array.from({ length: 1440 }, (_, minute) => (minute >= 600 && minute < 660 ? 900 : 35) + (minute % 17));
    const bytes = sketchOf(day).encode();
    assert.ok(bytes.length < 200, `${bytes.length} bytes`);
    assert.equal(LatencySketch.decode(bytes).count, 1440);
  });

  it('answers null when empty, and refuses what is no latency or no quantile', () => {
    assert.equal(new LatencySketch().quantile(0.5), null);
    assert.throws(() => new LatencySketch().add(-1), RangeError);
    assert.throws(() => new LatencySketch().add(Number.NaN), RangeError);
    assert.throws(() => sketchOf([1]).quantile(1.5), RangeError);
    assert.throws(() => LatencySketch.decode(new Uint8Array([1, 0, 2, 4])), RangeError);
  });

  it('answers the worked example of sla.md: 360 × 10 and 1 049 × 20 give 20 for p50, p95, p99', () => {
    const sketch = sketchOf([...Array<number>(360).fill(10), ...Array<number>(1049).fill(20)]);
    for (const q of [0.5, 0.95, 0.99]) assert.ok(Math.abs((sketch.quantile(q) as number) - 20) <= 0.2);
  });
});
