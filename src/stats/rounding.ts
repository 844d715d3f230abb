/**
 * The share `part / whole` as a percentage rounded half-up to 2 decimals,
 * in exact integer arithmetic (both are whole milliseconds, at most a day,
 * so every intermediate value is an exact double).
 *
 * @example
 * percentHalfUp(480_000, 64_800_000) // 0.74
 */
export function percentHalfUp(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.floor((part * 20_000 + whole) / (2 * whole)) / 100;
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
