// Pure statistics used by the figures. Each follows shared/METRICS.md.

/** The values in ascending order: a typed array sorts numbers natively, in half a comparator's time on large lists. */
function ascending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The q-quantile (0–1) by linear interpolation between closest ranks; null for no data. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** A share as a percentage with its parts; null when the denominator is zero ("no data", never 0). */
export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
}

export function rate(numerator: number, denominator: number): Rate {
  return {
    value: denominator === 0 ? null : (100 * numerator) / denominator,
    numerator,
    denominator,
  };
}

/** A 95% interval, in the figure's own unit. */
export interface Interval {
  low: number;
  high: number;
}

const Z95 = 1.96;

/** The arithmetic mean; null for no data. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * The mean after dropping `proportion` of the values at each end (the count
 * dropped is rounded down, so fewer than 10 values are not trimmed at 10%).
 */
export function trimmedMean(values: readonly number[], proportion = 0.1): number | null {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const cut = Math.floor(sorted.length * proportion);
  return mean(Array.from(sorted.subarray(cut, sorted.length - cut)));
}

/** Wilson score interval for a proportion, as percentages; null when n is 0. */
export function wilson(successes: number, n: number, z = Z95): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return {
    low: 100 * Math.max(0, centre - half),
    high: 100 * Math.min(1, centre + half),
  };
}

/** A share of answers at or above a threshold (top-box), with its Wilson interval and n. */
export interface Proportion {
  /** Percentage, or null when there are no answers. */
  value: number | null;
  count: number;
  n: number;
  interval: Interval | null;
}

/** The share of values at or above `atLeast`: CSAT top-2-box (≥4 of 5), CES (≥5 of 7), high load (≥4 of 5). */
export function topBox(values: readonly number[], atLeast: number): Proportion {
  const count = values.filter((v) => v >= atLeast).length;
  const n = values.length;
  return { value: n === 0 ? null : (100 * count) / n, count, n, interval: wilson(count, n) };
}

/** Net Promoter Score with its adjusted-Wald interval (shared/METRICS.md). */
export interface Nps {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Plain NPS, −100 to 100; null when n is 0. */
  score: number | null;
  /** Adjusted-Wald 95% interval, clipped to [−100, 100]; null when n is 0. */
  interval: Interval | null;
}

interface Adjusted {
  nps: number;
  variance: number;
  n: number;
}

function adjusted(promoters: number, detractors: number, n: number): Adjusted {
  const n1 = n + 3;
  const p = (promoters + 0.75) / n1;
  const d = (detractors + 0.75) / n1;
  const nps = p - d;
  return { nps, variance: p + d - nps * nps, n: n1 };
}

/** NPS from promoter, passive and detractor counts. */
export function npsFromCounts(promoters: number, passives: number, detractors: number): Nps {
  const n = promoters + passives + detractors;
  if (n === 0) return { n, promoters, passives, detractors, score: null, interval: null };
  const a = adjusted(promoters, detractors, n);
  const half = Z95 * Math.sqrt(a.variance / a.n);
  return {
    n,
    promoters,
    passives,
    detractors,
    score: (100 * (promoters - detractors)) / n,
    interval: {
      low: Math.max(-100, 100 * (a.nps - half)),
      high: Math.min(100, 100 * (a.nps + half)),
    },
  };
}

/** NPS from 0–10 answers: promoters 9–10, passives 7–8, detractors 0–6. */
export function nps(scores: readonly number[]): Nps {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s >= 7) passives++;
    else detractors++;
  }
  return npsFromCounts(promoters, passives, detractors);
}

/** The change in NPS between two independent periods, with its z test. */
export interface NpsChange {
  /** Current minus previous plain NPS; null when either has no answers. */
  delta: number | null;
  z: number | null;
  /** |z| > 1.96. */
  significant: boolean;
}

/** Compares two periods' NPS with the adjusted-Wald z test (never two independent proportions). */
export function npsChange(current: Nps, previous: Nps): NpsChange {
  if (current.n === 0 || previous.n === 0 || current.score === null || previous.score === null) {
    return { delta: null, z: null, significant: false };
  }
  const a = adjusted(current.promoters, current.detractors, current.n);
  const b = adjusted(previous.promoters, previous.detractors, previous.n);
  const z = (a.nps - b.nps) / Math.sqrt(a.variance / a.n + b.variance / b.n);
  return { delta: current.score - previous.score, z, significant: Math.abs(z) > Z95 };
}

/** Self-reported hours lost per week: median, 10% trimmed mean and full-time equivalents. */
export interface HoursLost {
  n: number;
  median: number | null;
  trimmedMean: number | null;
  totalHours: number;
  /** Σ hours / 40. */
  fte: number;
}

/** Summarises hours lost from each answer's bucket midpoint. */
export function hoursLost(hours: readonly number[]): HoursLost {
  const totalHours = hours.reduce((sum, h) => sum + h, 0);
  return {
    n: hours.length,
    median: median(hours),
    trimmedMean: trimmedMean(hours, 0.1),
    totalHours,
    fte: totalHours / 40,
  };
}
