// Summary statistics of measured samples.

/** The q-quantile (0..1) by the nearest-rank method: a value that was actually measured. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (samples: number[]) => quantile(samples, 0.5);

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3));
}

/**
 * A percentile bootstrap interval (`level`, e.g. 0.95) of a statistic of paired samples: the
 * pairs are drawn again with replacement, `resamples` times. It says how far another run on
 * the same machine could put the statistic. Seeded, so that the same samples give the same interval.
 */
export function bootstrapInterval<T>(pairs: T[], statistic: (drawn: T[]) => number, level = 0.95, resamples = 2000): [number, number] {
  const random = seeded(0x5eed);
  const values: number[] = [];
  for (let i = 0; i < resamples; i++) values.push(statistic(pairs.map(() => pairs[Math.floor(random() * pairs.length)])));
  return [quantile(values, (1 - level) / 2), quantile(values, (1 + level) / 2)];
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
