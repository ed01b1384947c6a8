// The choice figures of a capability (shared/METRICS.md, "Adoption, choice
// and churn"), computed in SQL on both engines. Where METRICS.md is silent:
// a team's state at an instant is its latest event strictly before it (so a
// period's exclusive end gives the state at its close); only active teams
// count, and eligibility is as configured now. The queries live in
// figures-ledger.ts, figures-cohorts.ts and figures-exceptions.ts.

import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import { type Rate, rate } from '../core/stats.ts';
import { cohortRetention } from './figures-cohorts.ts';
import { exceptionFigures } from './figures-exceptions.ts';
import { choiceCountsFor, reasonCounts } from './figures-ledger.ts';
import type { AdoptionState, Capability } from './model.ts';

/** One monthly cohort: teams whose first adoption fell in `month`. */
export interface Cohort {
  /** YYYY-MM */
  month: string;
  /** Teams in the cohort; cohorts smaller than k are hidden (`hidden: true`, no figures). */
  size: number | null;
  hidden: boolean;
  /** Share still adopted m months later, for m = 1, 2, …; null where month m is not complete yet. */
  retained: (Rate | null)[];
}

export interface ReasonCount {
  /** `left` or `opted-out` */
  state: Extract<AdoptionState, 'left' | 'opted-out'>;
  reason: string;
  label: string;
  count: number;
}

export interface CapabilityFigures {
  period: Period;
  /** Active eligible teams at the end of the period. */
  eligibleTeams: number;
  /** Optional capabilities only: teams in adopted or trial / eligible teams, at the end of the period. */
  optInRate: Rate | null;
  /** Mandatory capabilities only: teams adopted / eligible teams (a compliance figure). */
  coverage: Rate | null;
  /** Teams still adopted at the end / teams that adopted at any time up to the end. */
  stayRate: Rate;
  /** Teams moving adopted → left in the period / teams adopted at its start. */
  churn: Rate;
  cohorts: Cohort[];
  /** Reasons given for leaving and opting out in the period. */
  reasons: ReasonCount[];
  exceptions: {
    byStatus: Record<string, number>;
    /** Days from request to decision, for requests decided in the period. */
    decisionDays: { median: number | null; p90: number | null; n: number };
  };
}

/**
 * The figures of one capability for one period. `k` hides small cohorts;
 * `now` (default: the current time) decides which cohort months are complete.
 * @example await capabilityFigures(db, capability, parsePeriod('2026-Q4'), { k: 5 })
 */
export async function capabilityFigures(
  db: Db,
  capability: Capability,
  period: Period,
  opts: { k: number; now?: Date },
): Promise<CapabilityFigures> {
  const now = (opts.now ?? new Date()).toISOString();
  const [counts, cohorts, reasons, exceptions] = await Promise.all([
    choiceCountsFor(db, period, [capability.id]),
    cohortRetention(db, capability.id, period, { k: opts.k, now }),
    reasonCounts(db, capability.id, period),
    exceptionFigures(db, capability.id, period),
  ]);
  const { eligible, stayChurn: stay } = counts.get(capability.id)!;
  const mandatory = capability.obligation === 'mandatory';
  return {
    period,
    eligibleTeams: eligible.eligible,
    optInRate: mandatory ? null : rate(eligible.chosen, eligible.eligible),
    coverage: mandatory ? rate(eligible.adopted, eligible.eligible) : null,
    stayRate: rate(stay.adoptedAtEnd, stay.everAdopted),
    churn: rate(stay.churned, stay.adoptedAtStart),
    cohorts,
    reasons,
    exceptions,
  };
}
