/**
 * The service's only source of the current time, so that tests can build
 * the app at any instant.
 *
 * @example
 * const fixed: Clock = { now: () => Date.parse('2024-02-01T00:00:00Z') };
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
