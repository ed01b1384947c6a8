// The mandate–choice matrix of a quarter (shared/METRICS.md): every capability
// on offer placed by obligation × experience, with the action its quadrant
// calls for and, beside it, the figures that show usage: opt-in or coverage,
// the stay rate, exceptions, unplanned work and the value estimate. Each
// figure comes from its own area's function; nothing is recomputed here.
//
// Decided here: ideas (not offered yet) and retired capabilities are not
// placed, only listed apart; beta, ga and deprecated ones are. Experience
// pools the quarter asked for and the one before (their closed surveys and
// the completed months' pulses). The value estimate is as of `now`, like its
// own page, not as of the quarter.

import { exceptionCountsFor } from '../capabilities/figures-exceptions.ts';
import { type ChoiceCounts, choiceCountsFor } from '../capabilities/figures-ledger.ts';
import type { Capability, Obligation, Stage } from '../capabilities/model.ts';
import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { type Period, parsePeriod, previousPeriod, quarterOf } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { type Rate, rate } from '../core/stats.ts';
import { unplannedWorkFigures } from '../signals/figures-unplanned.ts';
import {
  type OutcomeSeriesMemo,
  type ValueFigures,
  valueFigures,
} from '../signals/figures-value.ts';
import { type OutcomeChoice, valueOutcomes } from '../signals/value-outcomes.ts';
import { capabilityExperience, completedMonths, mayShowPooled } from '../surveys/experience.ts';
import {
  actionFor,
  type Experience,
  type ExperienceStatus,
  matrixThreshold,
  QUADRANT_KEYS,
  QUADRANTS,
  type QuadrantKey,
  quadrantOf,
  rateExperience,
} from './matrix-rules.ts';

export * from './matrix-rules.ts';

/** Stages placed on the matrix: what teams can use now. */
export const PLACED_STAGES: readonly Stage[] = ['beta', 'ga', 'deprecated'];

/** The time a capability saves (negative hours) or costs a week, from `valueFigures`. */
export interface MatrixValue {
  /** The outcome it is measured by, e.g. "Lead time for changes". */
  outcome: string;
  /** Hours a week over the teams using it; null while there is not enough data. */
  hoursPerWeek: number | null;
  /** 95% bootstrap interval, hours a week; null without one. */
  low: number | null;
  high: number | null;
  /** False: a plain before/after change, not a comparison with teams that had not adopted. */
  causal: boolean;
}

export interface MatrixRow {
  capability: { id: string; slug: string; name: string; stage: Stage; obligation: Obligation };
  experience: Experience;
  /** Null when the experience is unclear or there are too few answers. */
  quadrant: QuadrantKey | null;
  action: string;
  /** Optional: opt-in rate (adopted or trial / eligible teams); mandatory: coverage (adopted / eligible). At the quarter's end. */
  adoption: { kind: 'opt-in' | 'coverage'; rate: Rate };
  /** Teams still adopted at the quarter's end / teams that adopted up to then. */
  stayRate: Rate;
  /** Exception requests now: waiting for a decision (pending or escalated), and approved. */
  exceptions: { open: number; approved: number };
  /** Unplanned work teams reported for it in the quarter. */
  unplanned: { hours: number; reports: number };
  /** Null when no outcome is fixed for it. */
  value: MatrixValue | null;
}

export interface Matrix {
  /** The quarter, `YYYY-Qn`. */
  period: string;
  /** The quarters whose answers are pooled: the one before and this one. */
  pooled: string[];
  /** The completed months whose pulses are pooled. */
  pulseMonths: string[];
  /** Top-2-box %, the line between good and poor. */
  threshold: number;
  /** The smallest pool shown. */
  k: number;
  /** Capabilities in beta, ga or deprecated, by name. */
  rows: MatrixRow[];
  /** Ideas and retired capabilities: listed, not placed. */
  notPlaced: { id: string; slug: string; name: string; stage: Stage }[];
}

/**
 * A quarter from `?period=` (the current quarter when absent); anything else
 * is bad input on `period`.
 */
export function matrixPeriod(text: string | undefined, now = new Date()): Period {
  if (!text) return quarterOf(now);
  if (!/^\d{4}-Q[1-4]$/.test(text)) {
    throw InvalidInput.field('period', 'Give a quarter as YYYY-Qn, such as 2026-Q4.');
  }
  return parsePeriod(text, 'period');
}

/**
 * Bootstrap replicates for the value intervals. Fewer than the value page's
 * 999: each replicate re-estimates every cohort, and on a 1,000-team
 * organisation 999 cost about 0.3 s of CPU per capability with an outcome, for
 * an interval that moves by a few percent of its width.
 */
export const MATRIX_VALUE_REPLICATES = 199;

function matrixValue(f: ValueFigures): MatrixValue | null {
  if (!f.outcome) return null;
  return {
    outcome: f.outcome.label,
    hoursPerWeek: f.perWeek?.hours ?? null,
    low: f.perWeek?.low ?? null,
    high: f.perWeek?.high ?? null,
    causal: f.estimate?.causal ?? false,
  };
}

async function rowFor(
  db: Db,
  capability: Capability,
  experience: Experience,
  unplanned: { hours: number; reports: number },
  counts: ChoiceCounts,
  exceptions: Record<string, number>,
  opts: {
    now: Date;
    replicates: number;
    memo: OutcomeSeriesMemo;
    outcomes: Record<string, OutcomeChoice>;
  },
): Promise<MatrixRow> {
  const { eligible, stayChurn: stay } = counts;
  const value = await valueFigures(db, capability, opts);
  const mandatory = capability.obligation === 'mandatory';
  const quadrant = quadrantOf(capability.obligation, experience.status);
  const s = exceptions;
  return {
    capability: {
      id: capability.id,
      slug: capability.slug,
      name: capability.name,
      stage: capability.stage,
      obligation: capability.obligation,
    },
    experience,
    quadrant,
    action: actionFor(quadrant, experience.status),
    adoption: mandatory
      ? { kind: 'coverage', rate: rate(eligible.adopted, eligible.eligible) }
      : { kind: 'opt-in', rate: rate(eligible.chosen, eligible.eligible) },
    stayRate: rate(stay.adoptedAtEnd, stay.everAdopted),
    exceptions: { open: (s.pending ?? 0) + (s.escalated ?? 0), approved: s.approved ?? 0 },
    unplanned,
    value: matrixValue(value),
  };
}

/**
 * The matrix of a quarter (`YYYY-Qn`); the quarterly report calls this too.
 * `now` decides which pulse months are complete and dates the value estimate.
 * @example await matrixFor(db, { period: '2026-Q4' })
 */
export async function matrixFor(
  db: Db,
  input: { period: string; now?: Date; replicates?: number },
): Promise<Matrix> {
  const now = input.now ?? new Date();
  const period = matrixPeriod(input.period, now);
  const pooled = [previousPeriod(period), period];
  const [k, threshold, capabilities, unplanned] = await Promise.all([
    getSetting(db, anonymityK),
    getSetting(db, matrixThreshold),
    listCapabilities(db),
    unplannedWorkFigures(db, period),
  ]);
  const placed = capabilities.filter((c) => PLACED_STAGES.includes(c.stage));
  const ids = placed.map((c) => c.id);
  const [experience, counts, exceptions, outcomes] = await Promise.all([
    capabilityExperience(db, { periods: pooled, now, k }),
    // Every placed capability's counts in one pass, not two statements a row.
    choiceCountsFor(db, period, ids),
    exceptionCountsFor(db, ids),
    // Read once for every row, not once a row.
    getSetting(db, valueOutcomes),
  ]);
  const unplannedBySlug = new Map(unplanned.byCapability.map((u) => [u.capability.slug, u]));
  const memo: OutcomeSeriesMemo = new Map();
  const rows = await Promise.all(
    placed.map((capability) => {
      const u = unplannedBySlug.get(capability.slug);
      return rowFor(
        db,
        capability,
        rateExperience(mayShowPooled(experience.get(capability.id)), { k, threshold }),
        { hours: u?.hours ?? 0, reports: u?.reports ?? 0 },
        counts.get(capability.id)!,
        exceptions.get(capability.id)!,
        { now, replicates: input.replicates ?? MATRIX_VALUE_REPLICATES, memo, outcomes },
      );
    }),
  );
  return {
    period: period.key,
    pooled: pooled.map((p) => p.key),
    pulseMonths: completedMonths(pooled, now),
    threshold,
    k,
    rows,
    notPlaced: capabilities
      .filter((c) => !PLACED_STAGES.includes(c.stage))
      .map((c) => ({ id: c.id, slug: c.slug, name: c.name, stage: c.stage })),
  };
}

/** Where rows go when grouped: the four quadrants, then unclear, then too few answers. */
export const GROUP_KEYS = [...QUADRANT_KEYS, 'unclear', 'no-data'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export const GROUP_TITLES: Record<GroupKey, string> = {
  invest: `${QUADRANTS.invest.title} (required, satisfied)`,
  'fix-first': `${QUADRANTS['fix-first'].title} (required, not satisfied)`,
  grow: `${QUADRANTS.grow.title} (chosen, satisfied)`,
  rethink: `${QUADRANTS.rethink.title} (chosen, not satisfied)`,
  unclear: 'Unclear',
  'no-data': 'Needs more answers',
};

/** A row's group: its quadrant, or why it has none. */
export function groupOf(row: {
  quadrant: QuadrantKey | null;
  experience: { status: ExperienceStatus };
}): GroupKey {
  return row.quadrant ?? (row.experience.status === 'unclear' ? 'unclear' : 'no-data');
}

/**
 * The rows by group, every group present (possibly empty), in `GROUP_KEYS`
 * order: for a summary such as the insights index ("3 to invest in, 1 to fix first").
 */
export function matrixGroups<
  R extends { quadrant: QuadrantKey | null; experience: { status: ExperienceStatus } },
>(rows: readonly R[]): { key: GroupKey; title: string; rows: R[] }[] {
  return GROUP_KEYS.map((key) => ({
    key,
    title: GROUP_TITLES[key],
    rows: rows.filter((r) => groupOf(r) === key),
  }));
}
