// Seeded randomness for the fuzz tests: the same seed gives the same requests, so that a failure
// names the request that caused it and repeats.

/** A small deterministic generator (an LCG). */
export function generator(seed: number) {
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

export type Generator = ReturnType<typeof generator>;

/** JSON values of every type and some awkward sizes, for members of request bodies. */
export const VALUES: unknown[] = [null, true, -1, 0, 51, 1e308, '', 'x'.repeat(150_000), [], {}, [[[]]], { a: 1 }, '\uD800', 'a@example.com', ['a@example.com'], [1, 'a', null], '2026-01-01T00:00:00Z'];
/** Bodies that are not the JSON object a request needs. */
export const BAD_JSON = ['{', '[]', '1', '"s"', 'null', '{"a":', '\u0000', '{"Name":"a"}{"x":1}', '['.repeat(5000), '{"a":'.repeat(3000), '{"__proto__":{"x":1}}'];
