// The value of one capability (shared/METRICS.md, "Value of a capability"):
// the outcome's monthly value per team from the team-day aggregate, each
// team's first adoption from the capabilities ledger, the estimate from
// did.ts, and the conversion to hours per week.
//
// Where METRICS.md is silent: months are UTC calendar months and only
// complete ones count; a team-month's value is the mean over its successful
// production deploys (sums and counts add up exactly from the daily
// aggregate, a median would need every deploy); deploys per week are those
// of the teams in `adopted` now, over the last 90 days.

import { sql } from 'kysely';
import type { Capability } from '../capabilities/model.ts';
import type { Interval } from '../core/bootstrap.ts';
import type { Db } from '../core/db/index.ts';
import { getSetting } from '../core/settings.ts';
import {
  type CohortEstimate,
  DID_DEFAULTS,
  type DidEstimate,
  type EventStudyPoint,
  estimateEffect,
  monthIndex,
  monthKey,
  type UnitSeries,
} from './did.ts';
import {
  inHours,
  OUTCOME_INFO,
  type OutcomeChoice,
  type OutcomeInfo,
  type ValueOutcome,
  valueOutcomes,
} from './value-outcomes.ts';

/** Days over which deploys per week are counted for the conversion. */
export const VOLUME_DAYS = 90;

const DAY = 86_400_000;

export interface ValueFigures {
  capability: { slug: string; name: string };
  outcome: (OutcomeChoice & OutcomeInfo) | null;
  /** Periods compared before and after adoption. */
  window: number;
  estimate: {
    method: DidEstimate['method'];
    causal: boolean;
    /** Change in the outcome's unit (negative: faster). */
    effect: number | null;
    interval: Interval | null;
    adoptingTeams: number;
    comparisonTeams: number;
    /** The adopting teams' mean outcome before adoption, in the outcome's unit. */
    baseline: number | null;
    tooFewBefore: number;
    tooRecent: number;
  } | null;
  /** The effect as hours per week over the adopting teams' deploys (negative: time saved). */
  perWeek: {
    hours: number | null;
    low: number | null;
    high: number | null;
    deploysPerWeek: number;
    teams: number;
  } | null;
  cohorts: (Omit<CohortEstimate, 'period'> & { month: string })[];
  eventStudy: EventStudyPoint[];
}

/** Each active team's first month in `adopted` for the capability, as a month index. */
async function firstAdoptions(db: Db, capabilityId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('adoption_events as e')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .where('t.inactive_since', 'is', null)
    .where('e.capability_id', '=', capabilityId)
    .where('e.to_state', '=', 'adopted')
    .groupBy('e.team_id')
    .select((eb) => ['e.team_id', eb.fn.min('e.at').as('first_at')])
    .execute();
  return new Map(rows.map((r) => [r.team_id, monthIndex(String(r.first_at).slice(0, 7))]));
}

// A literal so PostgreSQL sees the grouped expression as the selected one.
const month = sql<string>`substr(d.day, 1, 7)`;

/** The outcome per active team and complete month, from the team-day sums. */
async function monthlyOutcome(
  db: Db,
  outcome: ValueOutcome,
  before: string,
): Promise<Map<string, Map<number, number>>> {
  const [sum, count] =
    outcome === 'deploy-duration'
      ? (['d.deploy_seconds_sum', 'd.deploy_seconds_count'] as const)
      : (['d.lead_seconds_sum', 'd.lead_seconds_count'] as const);
  const rows = await db
    .selectFrom('signal_team_days as d')
    .innerJoin('teams as t', 't.id', 'd.team_id')
    .where('t.inactive_since', 'is', null)
    .where('d.day', '<', before)
    .groupBy(['d.team_id', month])
    .select((eb) => [
      'd.team_id',
      month.as('month'),
      eb.fn.sum<number>(sum).as('total'),
      eb.fn.sum<number>(count).as('n'),
    ])
    .execute();
  const seconds = OUTCOME_INFO[outcome].unit === 'minutes' ? 60 : 3600;
  const out = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const n = Number(r.n);
    if (n === 0) continue;
    const values = out.get(r.team_id) ?? new Map<number, number>();
    values.set(monthIndex(r.month), Number(r.total) / n / seconds);
    out.set(r.team_id, values);
  }
  return out;
}

/** Successful production deploys per week of the teams now in `adopted`. */
async function adoptingVolume(db: Db, capabilityId: string, today: string) {
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - VOLUME_DAYS * DAY)
    .toISOString()
    .slice(0, 10);
  const states = await db
    .selectFrom('adoption_events as e')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .where('t.inactive_since', 'is', null)
    .where('e.capability_id', '=', capabilityId)
    .where(({ eb, selectFrom }) =>
      eb(
        'e.seq',
        '=',
        selectFrom('adoption_events as l')
          .select((x) => x.fn.max('l.seq').as('seq'))
          .whereRef('l.team_id', '=', 'e.team_id')
          .where('l.capability_id', '=', capabilityId),
      ),
    )
    .where('e.to_state', '=', 'adopted')
    .select('e.team_id')
    .execute();
  const teams = states.map((s) => s.team_id);
  if (teams.length === 0) return { deploysPerWeek: 0, teams: 0 };
  const row = await db
    .selectFrom('signal_team_days')
    .where('team_id', 'in', teams)
    .where('day', '>=', from)
    .where('day', '<', today)
    .select((eb) => eb.fn.sum<number>('deploys').as('deploys'))
    .executeTakeFirst();
  return { deploysPerWeek: Number(row?.deploys ?? 0) / (VOLUME_DAYS / 7), teams: teams.length };
}

/**
 * The value figure of a capability with its chosen outcome; without a chosen
 * outcome, `outcome` and the estimate are null.
 * @example await valueFigures(db, capability, { replicates: 999 })
 */
export async function valueFigures(
  db: Db,
  capability: Capability,
  opts: { now?: Date; replicates?: number } = {},
): Promise<ValueFigures> {
  const now = opts.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const choice = (await getSetting(db, valueOutcomes))[capability.id] ?? null;
  const base = {
    capability: { slug: capability.slug, name: capability.name },
    window: DID_DEFAULTS.window,
  };
  if (!choice) {
    return { ...base, outcome: null, estimate: null, perWeek: null, cohorts: [], eventStudy: [] };
  }
  const info = OUTCOME_INFO[choice.outcome];
  const thisMonth = `${today.slice(0, 7)}-01`;
  const [adopted, values] = await Promise.all([
    firstAdoptions(db, capability.id),
    monthlyOutcome(db, choice.outcome, thisMonth),
  ]);
  // Only whole months: a team that adopted this month has no complete month after it yet.
  const units: UnitSeries[] = [...values].map(([teamId, series]) => ({
    id: teamId,
    adoptedAt: adopted.get(teamId) ?? null,
    values: series,
  }));
  const estimate = estimateEffect(units, {
    ...DID_DEFAULTS,
    replicates: opts.replicates ?? DID_DEFAULTS.replicates,
    seed: `value/${capability.slug}/${choice.outcome}`,
  });
  const volume = await adoptingVolume(db, capability.id, today);
  const toWeek = (x: number | null | undefined) =>
    x === null || x === undefined ? null : inHours(x, info.unit) * volume.deploysPerWeek;
  return {
    ...base,
    outcome: { ...choice, ...info },
    estimate: {
      method: estimate.method,
      causal: estimate.causal,
      effect: estimate.effect,
      interval: estimate.interval,
      adoptingTeams: estimate.adoptingTeams,
      comparisonTeams: estimate.comparisonTeams,
      baseline: estimate.baseline,
      tooFewBefore: estimate.tooFewBefore,
      tooRecent: estimate.tooRecent,
    },
    perWeek:
      estimate.effect === null
        ? null
        : {
            hours: toWeek(estimate.effect),
            low: toWeek(estimate.interval?.low),
            high: toWeek(estimate.interval?.high),
            ...volume,
          },
    cohorts: estimate.cohorts.map(({ period, ...rest }) => ({ month: monthKey(period), ...rest })),
    eventStudy: estimate.eventStudy,
  };
}
