const TWO_TO_32 = 2 ** 32;

function mix(hash: number, word: number): number {
  let h = Math.imul(hash ^ word, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A number in [0, 1) that depends only on `keys`: the demo's randomness.
 * Being a pure function of (node, bucket, instant, purpose) rather than a
 * generator's state, the history and the live senders agree on what a node
 * saw at any instant, and two runs of the demo tell the same story.
 *
 * @example
 * unitNoise(3, 1, 1705314600, 7) // always the same value, e.g. 0.4127...
 */
export function unitNoise(...keys: number[]): number {
  let hash = 0x9e3779b9;
  for (const key of keys) {
    // Both 32-bit halves: instants in seconds fit in one, but keys are not limited to that.
    hash = mix(mix(hash, key >>> 0), Math.floor(key / TWO_TO_32) >>> 0);
  }
  return (hash >>> 0) / TWO_TO_32;
}
