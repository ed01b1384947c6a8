// Pure statistics used by the figures. Each follows shared/METRICS.md.

/** The q-quantile (0–1) by linear interpolation between closest ranks; null for no data. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
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
