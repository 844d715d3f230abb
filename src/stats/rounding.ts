/**
 * The share `part / whole` as a percentage rounded half-up to 2 decimals,
 * in exact integer arithmetic (both are whole milliseconds). Up to about
 * 14 years of milliseconds every intermediate value is an exact double;
 * beyond (a year's report summed over many nodes) it is done in BigInt.
 *
 * @example
 * percentHalfUp(480_000, 64_800_000) // 0.74
 */
export function percentHalfUp(part: number, whole: number): number {
  if (whole <= 0) return 0;
  if (part * 20_000 + whole <= Number.MAX_SAFE_INTEGER) {
    return Math.floor((part * 20_000 + whole) / (2 * whole)) / 100;
  }
  return Number((BigInt(part) * 20_000n + BigInt(whole)) / (2n * BigInt(whole))) / 100;
}

/**
 * Rounds a non-negative number half-up to 2 decimals. The product is first
 * cut to 12 significant digits so that binary noise (1.005 * 100 =
 * 100.49999999999999) does not turn a decimal half into a rounding down.
 *
 * @example
 * roundHalfUp2(1.005) // 1.01
 */
export function roundHalfUp2(value: number): number {
  return Math.round(Number((value * 100).toPrecision(12))) / 100;
}
