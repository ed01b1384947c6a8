// The placement rules of the mandate–choice matrix (shared/METRICS.md):
// obligation × experience, experience from the pooled top-2-box and its
// Wilson interval against a threshold. Pure, so the boundaries are tested
// with hand-made cases.

import { z } from 'zod';
import type { Obligation } from '../capabilities/model.ts';
import { defineSetting } from '../core/settings.ts';
import { type Interval, wilson } from '../core/stats.ts';

/** The share of satisfied answers (top-2-box, %) experience is judged against. */
export const matrixThreshold = defineSetting({
  key: 'insights.matrix_threshold',
  label: 'Satisfaction threshold of the matrix (%)',
  hint: 'A capability’s experience counts as good when the low end of its 95% interval of satisfied answers (4 or 5 of 5) reaches this share, and as poor when the high end stays below it. 60 is the default.',
  schema: z.number().int().min(1).max(99),
  defaultValue: 60,
});

export type ExperienceStatus = 'good' | 'poor' | 'unclear' | 'no-data';

/** The four quadrants, named by what each calls for. */
export const QUADRANT_KEYS = ['invest', 'fix-first', 'grow', 'rethink'] as const;
export type QuadrantKey = (typeof QUADRANT_KEYS)[number];

export interface Quadrant {
  key: QuadrantKey;
  obligation: Obligation;
  experience: 'good' | 'poor';
  /** Short name for the chart and headings. */
  title: string;
  /** What the quadrant calls for, in a sentence. */
  action: string;
}

export const QUADRANTS: Record<QuadrantKey, Quadrant> = {
  invest: {
    key: 'invest',
    obligation: 'mandatory',
    experience: 'good',
    title: 'Invest',
    action: 'Invest: it is required and developers are satisfied with it, so build on it.',
  },
  'fix-first': {
    key: 'fix-first',
    obligation: 'mandatory',
    experience: 'poor',
    title: 'Fix first',
    action:
      'Minimise the pain, explain why it is required, and fix it first: developers have no way around it.',
  },
  grow: {
    key: 'grow',
    obligation: 'optional',
    experience: 'good',
    title: 'Grow',
    action: 'Product–market fit: teams choose it and are satisfied, so grow it.',
  },
  rethink: {
    key: 'rethink',
    obligation: 'optional',
    experience: 'poor',
    title: 'Rethink or retire',
    action: 'Rethink or retire it: teams may choose it, and those who do are not satisfied.',
  },
};

/** What a capability that cannot be placed calls for. */
export const NOT_PLACED = {
  unclear:
    'Unclear: the interval reaches both sides of the threshold. Needs more answers before deciding.',
  'no-data':
    'Needs more answers: too few in the last two survey periods and their pulses to place it.',
} as const;

/**
 * good: the interval's low end reaches the threshold; poor: its high end is
 * below it; otherwise unclear.
 */
export function classifyInterval(
  interval: Interval,
  threshold: number,
): Exclude<ExperienceStatus, 'no-data'> {
  if (interval.low >= threshold) return 'good';
  if (interval.high < threshold) return 'poor';
  return 'unclear';
}

/** Experience from pooled counts, with its interval; `no-data` below k (counts and figures withheld). */
export interface Experience {
  status: ExperienceStatus;
  /** Answers pooled; null when not shown. */
  n: number | null;
  /** Top-2-box, %; null when not shown. */
  csat: number | null;
  /** Wilson 95% interval, %; null when not shown. */
  low: number | null;
  high: number | null;
}

export const NO_DATA: Experience = {
  status: 'no-data',
  n: null,
  csat: null,
  low: null,
  high: null,
};

/**
 * Rates pooled answers (null: withheld by the anonymity rules) against the
 * threshold, hiding everything below `k`.
 * @example rateExperience({ n: 20, top: 18 }, { k: 5, threshold: 60 }) // good, interval 69.9 to 97.2
 */
export function rateExperience(
  counts: { n: number; top: number } | null,
  opts: { k: number; threshold: number },
): Experience {
  if (!counts || counts.n < opts.k || counts.n === 0) return NO_DATA;
  const interval = wilson(counts.top, counts.n)!;
  return {
    status: classifyInterval(interval, opts.threshold),
    n: counts.n,
    csat: (100 * counts.top) / counts.n,
    low: interval.low,
    high: interval.high,
  };
}

/** The quadrant of an obligation and an experience; null when the experience is unclear or unknown. */
export function quadrantOf(obligation: Obligation, status: ExperienceStatus): QuadrantKey | null {
  if (status !== 'good' && status !== 'poor') return null;
  if (obligation === 'mandatory') return status === 'good' ? 'invest' : 'fix-first';
  return status === 'good' ? 'grow' : 'rethink';
}

/** What to do: the quadrant's action, or an honest "unclear" / "needs more answers". */
export function actionFor(quadrant: QuadrantKey | null, status: ExperienceStatus): string {
  if (quadrant) return QUADRANTS[quadrant].action;
  return status === 'unclear' ? NOT_PLACED.unclear : NOT_PLACED['no-data'];
}
