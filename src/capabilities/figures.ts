// The choice figures of a capability (shared/METRICS.md, "Adoption, choice
// and churn"), computed in SQL on both engines.

import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import type { Rate } from '../core/stats.ts';
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

/** The figures of one capability for one period. `k` hides small cohorts. */
export async function capabilityFigures(
  db: Db,
  capability: Capability,
  period: Period,
  opts: { k: number; now?: Date },
): Promise<CapabilityFigures> {
  void db;
  void capability;
  void period;
  void opts;
  throw new Error('capabilityFigures is being written');
}
