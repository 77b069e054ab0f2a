// Seeded randomness for the fuzz tests: the same seed gives the same requests, so that a failure
// names the request that caused it and repeats.

/** A small deterministic generator (an LCG). */
export function generator(seed: number) {
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

export type Generator = ReturnType<typeof generator>;
