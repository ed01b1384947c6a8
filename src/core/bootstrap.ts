// The bootstrap over units (teams): resample the units with replacement, redo
// the estimate, and read the interval off the spread of the estimates. The
// random source is seeded, so the same data always gives the same interval.

import { quantile } from './stats.ts';

/** A uniform [0, 1) stream from a text seed (FNV-1a into mulberry32): reproducible on every machine. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How many times each of `n` units is drawn when `n` are drawn with
 * replacement: the weights of one bootstrap replicate.
 */
export function resampleWeights(n: number, random: () => number): number[] {
  const weights = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) weights[Math.floor(random() * n)]! += 1;
  return weights;
}

export interface Interval {
  low: number;
  high: number;
  /** 0.95 for a 95% interval. */
  level: number;
  /** Replicates that gave an estimate (a replicate can lack, say, any adopting team). */
  replicates: number;
}

/**
 * A percentile bootstrap interval: `estimate` is called with the weights of
 * each replicate (how often each unit was drawn) and may answer null when the
 * replicate cannot be estimated. Null when fewer than half the replicates give
 * an estimate, or when there are no units.
 * @example bootstrapInterval(teams.length, (w) => weightedMean(effects, w), { replicates: 999, seed: 'value/ci-runners' })
 */
export function bootstrapInterval(
  units: number,
  estimate: (weights: number[]) => number | null,
  opts: { replicates: number; seed: string; level?: number },
): Interval | null {
  if (units === 0) return null;
  const level = opts.level ?? 0.95;
  const random = seededRandom(opts.seed);
  const estimates: number[] = [];
  for (let r = 0; r < opts.replicates; r++) {
    const value = estimate(resampleWeights(units, random));
    if (value !== null && Number.isFinite(value)) estimates.push(value);
  }
  if (estimates.length < opts.replicates / 2 || estimates.length < 2) return null;
  const tail = (1 - level) / 2;
  return {
    low: quantile(estimates, tail)!,
    high: quantile(estimates, 1 - tail)!,
    level,
    replicates: estimates.length,
  };
}

/** Σ wᵢxᵢ / Σ wᵢ over the units with a value; null when no weight falls on one. */
export function weightedMean(
  values: readonly (number | null)[],
  weights: readonly number[],
): number | null {
  let sum = 0;
  let total = 0;
  values.forEach((v, i) => {
    const w = weights[i] ?? 0;
    if (v === null || w === 0) return;
    sum += w * v;
    total += w;
  });
  return total === 0 ? null : sum / total;
}
