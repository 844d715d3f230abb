/** Cumulative counts of one route's answer-time histogram in `/metrics`, by upper bound in seconds (`+Inf` last). */
export type HistogramCounts = Map<number, number>;

const DURATION = 'fbstats_http_request_duration_seconds_bucket';

/**
 * Reads the service's `/metrics` and answers the answer-time histogram of
 * `method route` with status 200: what the service itself measured, from
 * the request's arrival to its answer, without the load generator's own
 * delays (it shares the bench's event loop with the signing of the ingest).
 *
 * @example
 * const before = await serviceHistogram('http://127.0.0.1:4310', 'POST', '/bucket/:bucketId/stats');
 */
export async function serviceHistogram(baseUrl: string, method: string, route: string): Promise<HistogramCounts> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const counts: HistogramCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${DURATION}{`)) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', m[2] ?? '']),
    );
    if (labels.method !== method || labels.route !== route || labels.status !== '200') continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    counts.set(le, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

/**
 * The `q` quantile in milliseconds of the answers counted between two
 * readings, interpolated linearly within its bucket as Prometheus'
 * `histogram_quantile` does (so as exact as the buckets: 1, 2.5, 5, 10,
 * 25, 50, 100, 250, 500 ms, 1 s, 2.5 s); `Infinity` when it lies past the
 * last bound, `NaN` with no answers.
 */
export function histogramQuantileMs(before: HistogramCounts, after: HistogramCounts, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counted = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counted.at(-1) ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  for (const [i, le] of bounds.entries()) {
    const count = counted[i] ?? 0;
    if (count < rank) continue;
    if (le === Infinity) return Infinity;
    const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
    const below = i === 0 ? 0 : (counted[i - 1] ?? 0);
    const share = count === below ? 1 : (rank - below) / (count - below);
    return 1000 * (lower + (le - lower) * share);
  }
  return Infinity;
}
