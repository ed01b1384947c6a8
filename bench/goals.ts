// The goals of issue 9 as pure functions: each takes a figure and the
// baseline measured in the same run and answers the Measurement fields
// (baseline, ratio, goal met or not). A goal is never loosened here: the
// thresholds are the issue's, and a missing figure is never "met".

import type { Measurement } from './model.ts';

type Figure = Pick<Measurement, 'step' | 'name' | 'value' | 'unit'> & {
  detail?: Measurement['detail'];
};

/** Rounds to a few significant digits for reading (the JSON keeps the full value). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - Math.ceil(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

function ratioOf(value: number, baseline: number): number {
  return baseline > 0 ? value / baseline : Number.NaN;
}

/**
 * A rate held to a share of its ceiling, e.g. ingest ≥ 40% of the driver's
 * own events per second: ratio = value / ceiling, met when ratio ≥ share.
 */
export function shareOfCeiling(
  figure: Figure,
  ceiling: { name: string; value: number },
  share: number,
): Measurement {
  const ratio = ratioOf(figure.value, ceiling.value);
  return {
    ...figure,
    baseline: ceiling,
    ratio,
    goal: { text: `≥ ${Math.round(share * 100)}% of ${ceiling.name}`, met: ratio >= share },
  };
}

/** A time held to an absolute limit (report ≤ 1 s), with the baseline it is compared to. */
export function atMost(
  figure: Figure,
  limit: number,
  limitText: string,
  baseline?: { name: string; value: number },
): Measurement {
  return {
    ...figure,
    ...(baseline && { baseline, ratio: ratioOf(figure.value, baseline.value) }),
    goal: { text: `≤ ${limitText}`, met: Number.isFinite(figure.value) && figure.value <= limit },
  };
}

/**
 * A figure held to a multiple of its baseline (PostgreSQL ≤ 1.5× SQLite; at
 * ten times the events ≤ 2× as long): met when value / baseline ≤ factor.
 */
export function atMostTimes(
  figure: Figure,
  baseline: { name: string; value: number },
  factor: number,
): Measurement {
  const ratio = ratioOf(figure.value, baseline.value);
  return {
    ...figure,
    baseline,
    ratio,
    goal: { text: `≤ ${factor}× ${baseline.name}`, met: ratio <= factor },
  };
}

/**
 * A start time held to a margin over the bare runtime's (first output within
 * 100 ms of `node -e 0`): the ratio is value / baseline, the goal is on the
 * difference.
 */
export function withinOver(
  figure: Figure,
  baseline: { name: string; value: number },
  margin: number,
): Measurement {
  const over = figure.value - baseline.value;
  return {
    ...figure,
    baseline,
    ratio: ratioOf(figure.value, baseline.value),
    detail: { ...figure.detail, 'over baseline (ms)': round(over) },
    goal: {
      text: `≤ ${margin} ${figure.unit} over ${baseline.name}`,
      met: Number.isFinite(over) && over <= margin,
    },
  };
}

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
