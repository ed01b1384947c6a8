// The value of one capability (shared/METRICS.md, "Value of a capability"):
// the outcome's monthly value per team from the team-month aggregate, each
// team's first adoption from the capabilities ledger, the estimate from
// did.ts, and the conversion to hours per week.
//
// Where METRICS.md is silent: months are UTC calendar months and only
// complete ones count; a team-month's value is the mean over its successful
// production deploys (sums and counts add up exactly from the daily
// aggregate, summed by month at ingest; a median would need every deploy);
// deploys per week are those of the teams in `adopted` now, over the last 90
// days. Hours lost come per survey quarter (value-hours-lost.ts), compared
// four quarters either side, and count the active people of the teams in
// `adopted` now.

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
import { hoursLostByTeam, quarterIndex, quarterKey } from './value-hours-lost.ts';
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
  /** What a period is: months for deploy outcomes, survey quarters for hours lost. */
  periodUnit: 'month' | 'quarter';
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
  /**
   * The effect as hours per week (negative: time saved): times the adopting
   * teams' deploys a week, or times their developers for hours lost.
   */
  perWeek: {
    hours: number | null;
    low: number | null;
    high: number | null;
    /** Deploys a week, or developers, in the teams using it now. */
    volume: number;
    teams: number;
  } | null;
  /** Each adoption cohort; `period` is `YYYY-MM` or `YYYY-Qn`. */
  cohorts: (Omit<CohortEstimate, 'period'> & { period: string })[];
  eventStudy: EventStudyPoint[];
}

/** Periods compared either side of adoption, by kind of period. */
export const WINDOWS = { month: DID_DEFAULTS.window, quarter: 4 } as const;

/** Each active team's first move to `adopted` for the capability (ISO time). */
async function firstAdoptions(db: Db, capabilityId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('adoption_events as e')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .where('t.inactive_since', 'is', null)
    .where('e.capability_id', '=', capabilityId)
    .where('e.to_state', '=', 'adopted')
    .groupBy('e.team_id')
    .select((eb) => ['e.team_id', eb.fn.min('e.at').as('first_at')])
    .execute();
  return new Map(rows.map((r) => [r.team_id, String(r.first_at)]));
}

type MonthlySeries = Map<string, Map<number, number>>;
type DeployOutcome = Exclude<ValueOutcome, 'hours-lost'>;

/**
 * Both deploy outcomes per active team and complete month, from the
 * team-month sums (signal_team_months, the team days summed by month at
 * ingest): one read gives the mean deploy duration and the mean lead time
 * together (the matrix and the report ask for both). `before` is a month
 * (`YYYY-MM`); it and later months are left out.
 */
async function monthlyOutcomes(
  db: Db,
  before: string,
): Promise<Record<DeployOutcome, MonthlySeries>> {
  const rows = await db
    .selectFrom('signal_team_months as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .where('t.inactive_since', 'is', null)
    .where('m.month', '<', before)
    .select([
      'm.team_id',
      'm.month',
      'm.deploy_seconds_sum as deploy_total',
      'm.deploy_seconds_count as deploy_n',
      'm.lead_seconds_sum as lead_total',
      'm.lead_seconds_count as lead_n',
    ])
    // The teams' order is the units' order, which the bootstrap draws by.
    .orderBy('m.team_id')
    .orderBy('m.month')
    .execute();
  const out: Record<DeployOutcome, MonthlySeries> = {
    'deploy-duration': new Map(),
    'lead-time': new Map(),
  };
  const add = (
    outcome: DeployOutcome,
    teamId: string,
    m: number,
    total: unknown,
    count: unknown,
  ) => {
    const n = Number(count);
    if (n === 0) return;
    const seconds = OUTCOME_INFO[outcome].unit === 'minutes' ? 60 : 3600;
    const series = out[outcome];
    const values = series.get(teamId) ?? new Map<number, number>();
    values.set(m, Number(total) / n / seconds);
    series.set(teamId, values);
  };
  for (const r of rows) {
    const m = monthIndex(r.month);
    add('deploy-duration', r.team_id, m, r.deploy_total, r.deploy_n);
    add('lead-time', r.team_id, m, r.lead_total, r.lead_n);
  }
  return out;
}

/** The active teams now in `adopted`. */
async function adoptedNow(db: Db, capabilityId: string): Promise<string[]> {
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
  return states.map((s) => s.team_id);
}

/** What the weekly conversion multiplies by, over the teams now in `adopted`. */
async function adoptingVolume(
  db: Db,
  capabilityId: string,
  per: OutcomeInfo['per'],
  today: string,
) {
  const teams = await adoptedNow(db, capabilityId);
  if (teams.length === 0) return { volume: 0, teams: 0 };
  if (per === 'developer') {
    const row = await db
      .selectFrom('people')
      .where('team_id', 'in', teams)
      .where('inactive_since', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return { volume: Number(row?.n ?? 0), teams: teams.length };
  }
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - VOLUME_DAYS * DAY)
    .toISOString()
    .slice(0, 10);
  const row = await db
    .selectFrom('signal_team_days')
    .where('team_id', 'in', teams)
    .where('day', '>=', from)
    .where('day', '<', today)
    .select((eb) => eb.fn.sum<number>('deploys').as('deploys'))
    .executeTakeFirst();
  return { volume: Number(row?.deploys ?? 0) / (VOLUME_DAYS / 7), teams: teams.length };
}

/**
 * Each team's outcome series, kept for the calls of one reading (the matrix
 * and the report ask for every capability's value): every capability measured
 * by the same outcome then reads the team-month sums once, not once each.
 * Keyed by outcome and day; make a new one per request.
 */
export type OutcomeSeriesMemo = Map<string, Promise<Map<string, Map<number, number>>>>;

/**
 * The value figure of a capability with its chosen outcome; without a chosen
 * outcome, `outcome` and the estimate are null.
 * @example await valueFigures(db, capability, { replicates: 999 })
 */
export async function valueFigures(
  db: Db,
  capability: Capability,
  opts: {
    now?: Date;
    replicates?: number;
    memo?: OutcomeSeriesMemo;
    /** The `signals.value-outcomes` setting, when the caller has read it for several capabilities. */
    outcomes?: Record<string, OutcomeChoice>;
  } = {},
): Promise<ValueFigures> {
  const now = opts.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const outcomes = opts.outcomes ?? (await getSetting(db, valueOutcomes));
  const choice = outcomes[capability.id] ?? null;
  const info = choice ? OUTCOME_INFO[choice.outcome] : null;
  const periodUnit = info?.period ?? 'month';
  const base = {
    capability: { slug: capability.slug, name: capability.name },
    window: WINDOWS[periodUnit],
    periodUnit,
  };
  if (!choice || !info) {
    return { ...base, outcome: null, estimate: null, perWeek: null, cohorts: [], eventStudy: [] };
  }
  const seriesKey = (outcome: ValueOutcome) => `${outcome}/${today}`;
  let series = opts.memo?.get(seriesKey(choice.outcome));
  if (!series) {
    if (choice.outcome === 'hours-lost') {
      series = hoursLostByTeam(db);
      opts.memo?.set(seriesKey(choice.outcome), series);
    } else {
      const both = monthlyOutcomes(db, today.slice(0, 7));
      for (const outcome of ['deploy-duration', 'lead-time'] as const) {
        const one = both.then((b) => b[outcome]);
        // The other outcome may never be read: its failure must not go unhandled.
        one.catch(() => {});
        opts.memo?.set(seriesKey(outcome), one);
      }
      series = both.then((b) => b[choice.outcome as DeployOutcome]);
    }
  }
  const [adopted, values] = await Promise.all([firstAdoptions(db, capability.id), series]);
  const periodOf = (iso: string) =>
    periodUnit === 'quarter' ? quarterIndex(iso) : monthIndex(iso.slice(0, 7));
  const keyOf = (index: number) => (periodUnit === 'quarter' ? quarterKey(index) : monthKey(index));
  // Only whole months: a team that adopted this month has no complete month after it yet.
  const units: UnitSeries[] = [...values].map(([teamId, series]) => {
    const first = adopted.get(teamId);
    return { id: teamId, adoptedAt: first ? periodOf(first) : null, values: series };
  });
  const estimate = estimateEffect(units, {
    ...DID_DEFAULTS,
    window: WINDOWS[periodUnit],
    replicates: opts.replicates ?? DID_DEFAULTS.replicates,
    seed: `value/${capability.slug}/${choice.outcome}`,
  });
  const volume = await adoptingVolume(db, capability.id, info.per, today);
  const toWeek = (x: number | null | undefined) =>
    x === null || x === undefined ? null : inHours(x, info.unit) * volume.volume;
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
    cohorts: estimate.cohorts.map(({ period, ...rest }) => ({ period: keyOf(period), ...rest })),
    eventStudy: estimate.eventStudy,
  };
}
