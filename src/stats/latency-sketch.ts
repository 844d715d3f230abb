import { ByteReader, ByteWriter } from './varint-bytes.js';

/**
 * Relative accuracy of the bins: a bin's value is within this fraction of
 * every latency counted in it. `sla.md` allows 1 %; 0.99 % leaves room for
 * the float error of the logarithms at a bin's edge.
 */
export const RELATIVE_ACCURACY = 0.0099;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** First byte of an encoded sketch: changes if the bins ever change. */
const FORMAT = 1;

/** DDSketch's logarithmic mapping: bin `i` holds the values in `(γ^(i-1), γ^i]`. */
function binOf(value: number): number {
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/** The value that stands for bin `i`: within the relative accuracy of both edges. */
function valueOf(bin: number): number {
  return (2 * GAMMA ** bin) / (GAMMA + 1);
}

/**
 * A mergeable relative-error quantile sketch of latencies (DDSketch's
 * logarithmic mapping with an exact count of zeros), small enough to keep
 * in every daily rollup: a day of a node usually falls into a few dozen
 * bins, encoded in well under a hundred bytes. Unlike the library's
 * sketches, it can also take a value back out (`remove`), which the
 * current day needs when a node's clock runs ahead.
 *
 * For q in [0, 1] and latencies x₁ ≤ … ≤ xₙ, `quantile(q)` answers the bin
 * value of x_k with k = ⌊q·(n−1)⌋ + 1, so it is within 1 % of an x_i whose
 * rank `sla.md` accepts; zeros are answered as exactly 0.
 *
 * @example
 * const sketch = new LatencySketch();
 * for (const ms of [10, 20, 20, 30]) sketch.add(ms);
 * sketch.quantile(0.5) // ≈ 20, within 1 %
 * LatencySketch.decode(sketch.encode()).count // 4
 */
export class LatencySketch {
  private zeros = 0;
  private readonly bins = new Map<number, number>();
  private total = 0;

  /** How many latencies the sketch holds. */
  get count(): number {
    return this.total;
  }

  /** Counts one latency (a non-negative finite number). */
  add(latencyMs: number, times = 1): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) throw new RangeError(`not a latency: ${latencyMs}`);
    if (latencyMs === 0) this.zeros += times;
    else {
      const bin = binOf(latencyMs);
      this.bins.set(bin, (this.bins.get(bin) ?? 0) + times);
    }
    this.total += times;
  }

  /** Takes back one latency that was added before. */
  remove(latencyMs: number): void {
    if (latencyMs === 0) {
      if (this.zeros === 0) throw new RangeError('removing a zero that was never added');
      this.zeros--;
    } else {
      const bin = binOf(latencyMs);
      const left = (this.bins.get(bin) ?? 0) - 1;
      if (left < 0) throw new RangeError(`removing ${latencyMs}, which was never added`);
      if (left === 0) this.bins.delete(bin);
      else this.bins.set(bin, left);
    }
    this.total--;
  }

  /** Adds every latency of `other` to this sketch. */
  merge(other: LatencySketch): void {
    this.zeros += other.zeros;
    for (const [bin, n] of other.bins) this.bins.set(bin, (this.bins.get(bin) ?? 0) + n);
    this.total += other.total;
  }

  clone(): LatencySketch {
    const copy = new LatencySketch();
    copy.merge(this);
    return copy;
  }

  /** The q-quantile (q in [0, 1]), or null when the sketch is empty. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`not a quantile: ${q}`);
    if (this.total === 0) return null;
    // 0-based rank ⌊q·(n−1)⌋; the nudge keeps 0.95·20 = 18.999… from falling a rank short
    // (one rank more stays within ⌈q·n⌉ for any q above 1e-7).
    const rank = Math.min(this.total - 1, Math.floor(q * (this.total - 1) + 1e-7));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    for (const bin of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(bin) as number;
      if (seen > rank) return valueOf(bin);
    }
    throw new Error('unreachable: the bins hold fewer values than the count');
  }

  /**
   * Compact bytes: a format byte, the zero count, the number of bins, then
   * each bin (ascending) as the zigzag varint of its step from the previous
   * bin and its count.
   */
  encode(): Uint8Array {
    const bins = [...this.bins.keys()].sort((a, b) => a - b);
    // A bin takes about three bytes (its step and its count).
    const out = new ByteWriter(8 + 3 * bins.length);
    out.byte(FORMAT);
    out.uint(this.zeros);
    out.uint(bins.length);
    let previous = 0;
    for (const bin of bins) {
      out.int(bin - previous);
      out.uint(this.bins.get(bin) as number);
      previous = bin;
    }
    return out.bytes();
  }

  /** Reads `encode`'s bytes; throws a RangeError on anything else. */
  static decode(bytes: Uint8Array): LatencySketch {
    const input = new ByteReader(bytes);
    const format = input.byte();
    if (format !== FORMAT) throw new RangeError(`unknown latency sketch format ${format}`);
    const sketch = new LatencySketch();
    sketch.zeros = input.uint();
    sketch.total = sketch.zeros;
    let bin = 0;
    for (let left = input.uint(); left > 0; left--) {
      bin += input.int();
      const n = input.uint();
      sketch.bins.set(bin, n);
      sketch.total += n;
    }
    if (!input.done()) throw new RangeError('trailing bytes after a latency sketch');
    return sketch;
  }
}

/** The latency quantiles the SLA figures publish (`sla.md`). */
export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * p50, p95 and p99 of a sketch, not rounded (rounding to 2 decimals could
 * take a small latency out of the 1 % `sla.md` allows); all null for an
 * empty sketch or none (a day whose rollup has no detail).
 *
 * @example
 * percentilesOf(sketch) // { p50: 20.03, p95: 35.2, p99: 88.1 }
 */
export function percentilesOf(sketch: LatencySketch | null): LatencyPercentiles {
  return { p50: sketch?.quantile(0.5) ?? null, p95: sketch?.quantile(0.95) ?? null, p99: sketch?.quantile(0.99) ?? null };
}
