// Kaplan–Meier survival with right-censoring (shared/METRICS.md, "Onboarding"):
// people who have not reached a milestone yet are counted for as long as they
// have been followed, never dropped and never counted as having reached it.

/** One person: days followed, and whether the milestone was reached then (false: still waiting). */
export interface Observation {
  time: number;
  reached: boolean;
}

/** The curve at one distinct time. */
export interface SurvivalStep {
  time: number;
  /** Followed up to this time (not yet reached and not censored before it). */
  atRisk: number;
  reached: number;
  censored: number;
  /** Share that has not reached the milestone by this time (inclusive). */
  survival: number;
}

export interface SurvivalCurve {
  n: number;
  reached: number;
  /** The longest time anyone was followed; beyond it the curve is unknown unless it already hit 0. */
  lastTime: number | null;
  steps: SurvivalStep[];
}

/**
 * The Kaplan–Meier estimate. At a time with both, reaching comes before
 * censoring (the usual convention: a person censored at t was at risk at t).
 * Negative times count as 0.
 * @example kaplanMeier([{ time: 3, reached: true }, { time: 5, reached: false }]).steps[0].survival // 0.5
 */
export function kaplanMeier(observations: readonly Observation[]): SurvivalCurve {
  const byTime = new Map<number, { reached: number; censored: number }>();
  for (const o of observations) {
    const t = Math.max(0, o.time);
    const cell = byTime.get(t) ?? { reached: 0, censored: 0 };
    if (o.reached) cell.reached++;
    else cell.censored++;
    byTime.set(t, cell);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  let atRisk = observations.length;
  let survival = 1;
  const steps: SurvivalStep[] = [];
  for (const time of times) {
    const { reached, censored } = byTime.get(time)!;
    if (reached > 0) survival *= 1 - reached / atRisk;
    steps.push({ time, atRisk, reached, censored, survival });
    atRisk -= reached + censored;
  }
  return {
    n: observations.length,
    reached: observations.filter((o) => o.reached).length,
    lastTime: times.at(-1) ?? null,
    steps,
  };
}

/** S(t): the share not yet reached by `t`; null where the curve is unknown (nobody followed that long). */
export function survivalAt(curve: SurvivalCurve, t: number): number | null {
  if (curve.n === 0) return null;
  let s = 1;
  for (const step of curve.steps) {
    if (step.time > t) break;
    s = step.survival;
  }
  if (s > 0 && curve.lastTime !== null && t > curve.lastTime) return null;
  return s;
}

/** The share that reached the milestone by day `t` (0–1), or null while it cannot be known. */
export function shareReachedBy(curve: SurvivalCurve, t: number): number | null {
  const s = survivalAt(curve, t);
  return s === null ? null : 1 - s;
}

/**
 * The Kaplan–Meier median: the first time at which half or more have reached
 * the milestone (S(t) ≤ 0.5); null while fewer than half have.
 */
export function survivalMedian(curve: SurvivalCurve): number | null {
  for (const step of curve.steps) {
    if (step.survival <= 0.5 + 1e-12) return step.time;
  }
  return null;
}
