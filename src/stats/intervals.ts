/**
 * Half-open intervals of epoch milliseconds, `[from, to)`, and the few set
 * operations the SLA figures need (maintenance time, time down outside
 * maintenance). Lists given to and returned by these functions are sorted by
 * `from`, non-overlapping and without empty intervals ("normalized").
 */
export interface Interval {
  from: number;
  to: number;
}

/**
 * Sorts and merges any intervals into a normalized list; touching intervals
 * merge, empty ones vanish.
 *
 * @example
 * normalizeIntervals([{ from: 5, to: 9 }, { from: 0, to: 5 }]) // [{ from: 0, to: 9 }]
 */
export function normalizeIntervals(intervals: Iterable<Interval>): Interval[] {
  const sorted = [...intervals].filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.from <= last.to) last.to = Math.max(last.to, interval.to);
    else merged.push({ from: interval.from, to: interval.to });
  }
  return merged;
}

/** Total length of a normalized list. */
export function totalLength(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.to - i.from), 0);
}

/**
 * The parts of normalized list `a` that lie inside normalized list `b`,
 * in one merge pass.
 *
 * @example
 * intersectIntervals([{ from: 0, to: 10 }], [{ from: 5, to: 20 }]) // [{ from: 5, to: 10 }]
 */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]!.to <= x.from) j++;
    for (let k = j; k < b.length && b[k]!.from < x.to; k++) {
      const from = Math.max(x.from, b[k]!.from);
      const to = Math.min(x.to, b[k]!.to);
      if (to > from) out.push({ from, to });
    }
  }
  return out;
}

/**
 * The parts of normalized list `a` outside normalized list `b`.
 *
 * @example
 * subtractIntervals([{ from: 0, to: 10 }], [{ from: 2, to: 3 }]) // [{ from: 0, to: 2 }, { from: 3, to: 10 }]
 */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]!.to <= x.from) j++;
    let from = x.from;
    for (let k = j; k < b.length && b[k]!.from < x.to; k++) {
      if (b[k]!.from > from) out.push({ from, to: b[k]!.from });
      from = Math.max(from, b[k]!.to);
    }
    if (from < x.to) out.push({ from, to: x.to });
  }
  return out;
}

/** Length of the part of `[from, to)` inside normalized list `b`. */
export function overlapLength(from: number, to: number, b: readonly Interval[]): number {
  return totalLength(intersectIntervals([{ from, to }], b));
}
