// The outcome each capability's value is measured by, fixed in advance
// (shared/METRICS.md, "Value of a capability"): chosen once by the platform
// team, shown with who chose it and when, so a reader can tell it was not
// picked after seeing the results.

import { z } from 'zod';
import { defineSetting } from '../core/settings.ts';

export const VALUE_OUTCOMES = ['deploy-duration', 'lead-time', 'hours-lost'] as const;
export type ValueOutcome = (typeof VALUE_OUTCOMES)[number];

export interface OutcomeInfo {
  label: string;
  /** What one team-month's value is. */
  measure: string;
  unit: 'minutes' | 'hours';
  /** What the weekly conversion multiplies by: deploys or developers a week. */
  per: 'deploy' | 'developer';
  /** The periods teams are compared over. */
  period: 'month' | 'quarter';
  /** What the weekly hours are hours of. */
  weekly: string;
}

export const OUTCOME_INFO: Record<ValueOutcome, OutcomeInfo> = {
  'deploy-duration': {
    label: 'Deploy duration',
    measure: 'mean minutes a successful production deploy takes, per team and month',
    unit: 'minutes',
    per: 'deploy',
    period: 'month',
    weekly: 'of deploy time',
  },
  'lead-time': {
    label: 'Lead time for changes',
    measure: 'mean hours from commit to production deploy of a change, per team and month',
    unit: 'hours',
    per: 'deploy',
    period: 'month',
    weekly: 'of changes waiting to reach production',
  },
  'hours-lost': {
    label: 'Hours lost per week',
    measure:
      'hours a week developers say they lose to friction with the platform (a team’s 10% trimmed mean), per team and survey quarter; self-reported, so an upper bound',
    unit: 'hours',
    per: 'developer',
    period: 'quarter',
    weekly: 'of developers’ time',
  },
};

export interface OutcomeChoice {
  outcome: ValueOutcome;
  chosenAt: string;
  /** The chooser's name at the time, so the page reads well after accounts go. */
  chosenBy: string | null;
}

/** The chosen outcome per capability id. */
export const valueOutcomes = defineSetting<Record<string, OutcomeChoice>>({
  key: 'signals.value-outcomes',
  label: 'Value outcome per capability',
  hint: 'Chosen on each capability’s value page.',
  schema: z.record(
    z.string(),
    z.object({
      outcome: z.enum(VALUE_OUTCOMES),
      chosenAt: z.string(),
      chosenBy: z.string().nullable(),
    }),
  ),
  defaultValue: {},
  internal: true,
});

/** An outcome effect in its unit, as hours. */
export function inHours(value: number, unit: OutcomeInfo['unit']): number {
  return unit === 'minutes' ? value / 60 : value;
}
