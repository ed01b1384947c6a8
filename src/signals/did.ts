// The value of a capability (shared/METRICS.md, "Value of a capability"):
// difference in differences with not-yet-adopted teams as the comparison
// group, cohorts weighted by team count, a bootstrap interval over teams, and
// an event study of the periods around adoption. Pure: periods are integers
// (see monthIndex), the outcome per team and period is given.
//
// Where METRICS.md is silent:
// - A team's adoption period is the period of its first adoption; later moves
//   (leaving, coming back) do not undo it (the estimate is "what adopting did").
// - Each team is compared with itself over `window` periods before adoption
//   (its base: the mean of those it has data for, at least `minPre`) and the
//   `window` periods after; the adoption period itself is partly before and
//   partly after, so it shows in the event study but not in the estimate.
// - For adoption cohort g and period t after it, the comparison teams are
//   those that had not adopted by t (adoption later than t, or never), with
//   their own base over the same periods before g.
// - A cohort's effect is the mean over its periods after adoption of
//   (change in adopting teams − change in comparison teams); the overall
//   effect weights cohorts by their number of teams.
// - With fewer than `minTeams` adopting or comparison teams, the estimate is
//   the plain before/after change of the adopting teams: "not causal".

import { bootstrapInterval, type Interval } from '../core/bootstrap.ts';

export interface UnitSeries {
  id: string;
  /** The period of first adoption; null when the team has not adopted. */
  adoptedAt: number | null;
  /** The outcome per period, for the periods with data. */
  values: ReadonlyMap<number, number>;
}

export interface DidOptions {
  /** Periods compared before and after adoption. */
  window: number;
  /** Periods of data a team needs before adopting (METRICS.md: 2). */
  minPre: number;
  /** Teams needed on each side for a causal estimate (METRICS.md: 5). */
  minTeams: number;
  /** Bootstrap replicates; 0 for no interval. */
  replicates: number;
  /** Seeds the bootstrap, so the same data gives the same interval. */
  seed: string;
  level?: number;
}

/**
 * Teams the bootstrap needs to draw from: with two, every replicate is one of
 * three means and the "interval" only spans the two teams.
 */
export const MIN_INTERVAL_TEAMS = 3;

export const DID_DEFAULTS = {
  window: 6,
  minPre: 2,
  minTeams: 5,
  replicates: 999,
} as const;

export interface CohortEstimate {
  /** The adoption period. */
  period: number;
  teams: number;
  comparisonTeams: number;
  effect: number | null;
}

export interface EventStudyPoint {
  /** Periods relative to adoption: −window … +window; 0 is the adoption period. */
  offset: number;
  /** Change in adopting teams minus change in comparison teams (adopting teams only when not causal). */
  effect: number | null;
  /** Adopting teams with data at this offset. */
  teams: number;
}

export interface DidEstimate {
  method: 'difference-in-differences' | 'before-after';
  causal: boolean;
  /** Change in the outcome caused by (or, when not causal, seen after) adopting; null with no data. */
  effect: number | null;
  interval: Interval | null;
  adoptingTeams: number;
  comparisonTeams: number;
  /**
   * The adopting teams' mean outcome before adoption (each team's own
   * periods before), so the effect reads as a share of where they started.
   */
  baseline: number | null;
  /** Adopted, but with fewer than `minPre` periods of data before. */
  tooFewBefore: number;
  /** Adopted, but no period after adoption has data yet. */
  tooRecent: number;
  cohorts: CohortEstimate[];
  eventStudy: EventStudyPoint[];
}

/** `YYYY-MM` as a whole number of months, for the period arithmetic. */
export function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
}

/** The `YYYY-MM` of a month index. */
export function monthKey(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

interface Member {
  unit: number;
  /** The unit's own mean over the periods before adoption (adopting teams only). */
  base: number;
  /** Outcome minus base, by offset + window (NaN: no data or not eligible at that offset). */
  diff: Float64Array;
}

/** The members with data at one offset column, packed: their units and values, in member order. */
interface Column {
  units: Int32Array;
  values: Float64Array;
}

interface Cohort {
  period: number;
  treated: Member[];
  comparison: Member[];
  /** By offset column: the treated and comparison members with data there (the bootstrap's loop). */
  treatedAt: Column[];
  comparisonAt: Column[];
}

/** Each offset column of the members, keeping only those with data there, in member order. */
function columns(members: readonly Member[], span: number): Column[] {
  const out: Column[] = [];
  for (let col = 0; col < span; col++) {
    const withData = members.filter((m) => !Number.isNaN(m.diff[col]!));
    out.push({
      units: Int32Array.from(withData, (m) => m.unit),
      values: Float64Array.from(withData, (m) => m.diff[col]!),
    });
  }
  return out;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The base of a unit over the `window` periods before `g`, or null with fewer than `minPre`. */
function baseBefore(unit: UnitSeries, g: number, opts: DidOptions): number | null {
  const before: number[] = [];
  for (let t = g - opts.window; t < g; t++) {
    const v = unit.values.get(t);
    if (v !== undefined) before.push(v);
  }
  return before.length >= opts.minPre ? mean(before) : null;
}

function prepare(units: readonly UnitSeries[], opts: DidOptions) {
  const K = opts.window;
  const span = 2 * K + 1;
  const cohorts = new Map<number, Cohort>();
  let tooFewBefore = 0;
  let tooRecent = 0;
  units.forEach((unit, i) => {
    const g = unit.adoptedAt;
    if (g === null) return;
    const base = baseBefore(unit, g, opts);
    if (base === null) {
      tooFewBefore++;
      return;
    }
    const diff = new Float64Array(span).fill(Number.NaN);
    let after = 0;
    for (let e = -K; e <= K; e++) {
      const v = unit.values.get(g + e);
      if (v === undefined) continue;
      diff[e + K] = v - base;
      if (e >= 1) after++;
    }
    if (after === 0) {
      tooRecent++;
      return;
    }
    const cohort = cohorts.get(g) ?? {
      period: g,
      treated: [],
      comparison: [],
      treatedAt: [],
      comparisonAt: [],
    };
    cohort.treated.push({ unit: i, base, diff });
    cohorts.set(g, cohort);
  });
  for (const cohort of cohorts.values()) {
    const g = cohort.period;
    units.forEach((unit, j) => {
      if (unit.adoptedAt !== null && unit.adoptedAt <= g) return;
      const base = baseBefore(unit, g, opts);
      if (base === null) return;
      const diff = new Float64Array(span).fill(Number.NaN);
      let any = false;
      for (let e = -K; e <= K; e++) {
        const t = g + e;
        if (unit.adoptedAt !== null && unit.adoptedAt <= t) continue;
        const v = unit.values.get(t);
        if (v === undefined) continue;
        diff[e + K] = v - base;
        any = true;
      }
      if (any) cohort.comparison.push({ unit: j, base, diff });
    });
    cohort.treatedAt = columns(cohort.treated, span);
    cohort.comparisonAt = columns(cohort.comparison, span);
  }
  return {
    cohorts: [...cohorts.values()].sort((a, b) => a.period - b.period),
    tooFewBefore,
    tooRecent,
  };
}

/** Σ w·diff / Σ w over the members with data at a column; the weights are by unit. */
function weighted(column: Column, w: ArrayLike<number>) {
  const { units, values } = column;
  let sum = 0;
  let total = 0;
  for (let i = 0; i < units.length; i++) {
    const weight = w[units[i]!]!;
    if (weight === 0) continue;
    sum += weight * values[i]!;
    total += weight;
  }
  return total === 0 ? null : sum / total;
}

function treatedWeight(members: readonly Member[], w: ArrayLike<number>): number {
  return members.reduce((s, m) => s + w[m.unit]!, 0);
}

/** One cohort's difference at an offset column; null when either side lacks data. */
function cohortDiff(cohort: Cohort, col: number, w: ArrayLike<number>): number | null {
  const t = weighted(cohort.treatedAt[col]!, w);
  const c = weighted(cohort.comparisonAt[col]!, w);
  return t === null || c === null ? null : t - c;
}

/** The cohort's effect: mean over the offsets after adoption with data on both sides. */
function cohortEffect(cohort: Cohort, K: number, w: ArrayLike<number>, causal: boolean) {
  const diffs: number[] = [];
  for (let e = 1; e <= K; e++) {
    const d = causal ? cohortDiff(cohort, e + K, w) : null;
    if (d !== null) diffs.push(d);
  }
  return diffs.length === 0 ? null : mean(diffs);
}

/** Σ n_g · effect_g / Σ n_g over cohorts with an effect. */
function didEffect(cohorts: readonly Cohort[], K: number, w: ArrayLike<number>): number | null {
  let sum = 0;
  let total = 0;
  for (const cohort of cohorts) {
    const n = treatedWeight(cohort.treated, w);
    if (n === 0) continue;
    const effect = cohortEffect(cohort, K, w, true);
    if (effect === null) continue;
    sum += n * effect;
    total += n;
  }
  return total === 0 ? null : sum / total;
}

/** Each adopting team's mean change after adoption (its own periods), weighted over teams. */
function beforeAfterEffect(cohorts: readonly Cohort[], K: number, w: ArrayLike<number>) {
  let sum = 0;
  let total = 0;
  for (const cohort of cohorts) {
    for (const m of cohort.treated) {
      const weight = w[m.unit]!;
      if (weight === 0) continue;
      const after: number[] = [];
      for (let e = 1; e <= K; e++) if (!Number.isNaN(m.diff[e + K]!)) after.push(m.diff[e + K]!);
      sum += weight * mean(after);
      total += weight;
    }
  }
  return total === 0 ? null : sum / total;
}

/**
 * The effect of adopting on the outcome, per METRICS.md, with its bootstrap
 * interval over teams and the event study.
 * @example estimateEffect(teams, { ...DID_DEFAULTS, seed: 'value/ci-runners' }).effect
 */
export function estimateEffect(units: readonly UnitSeries[], opts: DidOptions): DidEstimate {
  const K = opts.window;
  const { cohorts, tooFewBefore, tooRecent } = prepare(units, opts);
  const ones = new Array<number>(units.length).fill(1);

  // Who takes part in the causal estimate: cohorts with a comparison after adoption.
  const usable = cohorts.filter((c) => cohortEffect(c, K, ones, true) !== null);
  const adopting = new Set(usable.flatMap((c) => c.treated.map((m) => m.unit)));
  const comparing = new Set<number>();
  for (const c of usable) {
    for (const m of c.comparison) {
      for (let e = 1; e <= K; e++) if (!Number.isNaN(m.diff[e + K]!)) comparing.add(m.unit);
    }
  }
  const causal = adopting.size >= opts.minTeams && comparing.size >= opts.minTeams;
  const allAdopting = new Set(cohorts.flatMap((c) => c.treated.map((m) => m.unit)));

  const estimate = causal
    ? (w: ArrayLike<number>) => didEffect(usable, K, w)
    : (w: ArrayLike<number>) => beforeAfterEffect(cohorts, K, w);
  const effect = estimate(ones);

  // The bootstrap draws from the teams that take part (units may be both
  // comparison and, later, adopting); the rest keep weight 0.
  const pool = [...(causal ? new Set([...adopting, ...comparing]) : allAdopting)];
  const interval =
    effect === null || opts.replicates === 0 || pool.length < MIN_INTERVAL_TEAMS
      ? null
      : bootstrapInterval(
          pool.length,
          (draw) => {
            const w = new Float64Array(units.length);
            draw.forEach((n, i) => {
              w[pool[i]!] = n;
            });
            return estimate(w);
          },
          { replicates: opts.replicates, seed: opts.seed, level: opts.level },
        );

  const bases = (causal ? usable : cohorts).flatMap((c) => c.treated.map((m) => m.base));
  const baseline = bases.length === 0 ? null : mean(bases);

  const eventStudy: EventStudyPoint[] = [];
  const study = causal ? usable : cohorts;
  for (let e = -K; e <= K; e++) {
    let sum = 0;
    let total = 0;
    let teams = 0;
    for (const cohort of study) {
      const d = causal ? cohortDiff(cohort, e + K, ones) : weighted(cohort.treatedAt[e + K]!, ones);
      if (d === null) continue;
      const n = cohort.treatedAt[e + K]!.units.length;
      sum += cohort.treated.length * d;
      total += cohort.treated.length;
      teams += n;
    }
    eventStudy.push({ offset: e, effect: total === 0 ? null : sum / total, teams });
  }

  return {
    method: causal ? 'difference-in-differences' : 'before-after',
    causal,
    effect,
    interval,
    adoptingTeams: causal ? adopting.size : allAdopting.size,
    comparisonTeams: comparing.size,
    baseline,
    tooFewBefore,
    tooRecent,
    cohorts: cohorts.map((c) => ({
      period: c.period,
      teams: c.treated.length,
      comparisonTeams: new Set(
        c.comparison
          .filter((m) => m.diff.slice(K + 1).some((v) => !Number.isNaN(v)))
          .map((m) => m.unit),
      ).size,
      effect: causal ? cohortEffect(c, K, ones, true) : beforeAfterEffect([c], K, ones),
    })),
    eventStudy,
  };
}
