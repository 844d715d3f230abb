/**
 * `sla.md`'s acceptance rule for a latency quantile: for x₁ ≤ … ≤ xₙ, `v`
 * answers quantile `q` when some xᵢ with ⌊q(n−1)⌋+1 ≤ i ≤ ⌈qn⌉ (1-based)
 * lies within 1 % of it (so zeros exactly); `null` answers an empty set.
 *
 * @example
 * quantileAcceptable(20.1, [10, 20, 20], 0.5) // true
 */
export function quantileAcceptable(v: number | null, values: readonly number[], q: number): boolean {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0 || v === null) return n === 0 && v === null;
  const low = Math.floor(q * (n - 1)) + 1;
  const high = Math.max(low, Math.ceil(q * n));
  for (let i = low; i <= high; i++) {
    const x = sorted[i - 1] as number;
    if (Math.abs(v - x) <= 0.01 * x) return true;
  }
  return false;
}
