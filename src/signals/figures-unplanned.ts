// Unplanned work caused by the platform (shared/METRICS.md, "Delivery"):
// hours teams report, per team and quarter, by cause and by capability. Read
// from the team × quarter × capability × cause aggregate.

import type { Db } from '../core/db/index.ts';
import { type Period, previousPeriod } from '../core/period.ts';
import { UNPLANNED_CAUSES, type UnplannedCause } from './model.ts';

/** Quarters in the trend, the asked-for one last. */
export const TREND_QUARTERS = 4;

export interface HoursBy {
  hours: number;
  reports: number;
}

export interface UnplannedWorkFigures {
  quarter: string;
  total: HoursBy;
  byCause: ({ cause: UnplannedCause } & HoursBy)[];
  byTeam: ({ team: { slug: string; name: string }; causes: Record<string, number> } & HoursBy)[];
  byCapability: ({
    capability: { slug: string; name: string };
    causes: Record<string, number>;
  } & HoursBy)[];
  /** Hours per quarter, oldest first, ending with the asked-for quarter. */
  trend: ({ quarter: string } & HoursBy)[];
}

function add(target: HoursBy, row: HoursBy) {
  target.hours += row.hours;
  target.reports += row.reports;
}

/**
 * The unplanned work of one quarter (a `YYYY-Qn` period), largest first.
 * @example await unplannedWorkFigures(db, parsePeriod('2026-Q4'))
 */
export async function unplannedWorkFigures(db: Db, quarter: Period): Promise<UnplannedWorkFigures> {
  const rows = await db
    .selectFrom('signal_unplanned_work as u')
    .innerJoin('teams as t', 't.id', 'u.team_id')
    .innerJoin('capabilities as c', 'c.id', 'u.capability_id')
    .where('u.quarter', '=', quarter.key)
    .select([
      't.slug as team_slug',
      't.name as team_name',
      'c.slug as capability_slug',
      'c.name as capability_name',
      'u.cause',
      'u.hours',
      'u.reports',
    ])
    .execute();

  const total: HoursBy = { hours: 0, reports: 0 };
  const causes = new Map<string, HoursBy>(
    UNPLANNED_CAUSES.map((c) => [c, { hours: 0, reports: 0 }]),
  );
  const teams = new Map<string, UnplannedWorkFigures['byTeam'][number]>();
  const capabilities = new Map<string, UnplannedWorkFigures['byCapability'][number]>();
  for (const r of rows) {
    const cell = { hours: Number(r.hours), reports: Number(r.reports) };
    add(total, cell);
    const cause = causes.get(r.cause) ?? { hours: 0, reports: 0 };
    add(cause, cell);
    causes.set(r.cause, cause);
    const team = teams.get(r.team_slug) ?? {
      team: { slug: r.team_slug, name: r.team_name },
      causes: {},
      hours: 0,
      reports: 0,
    };
    add(team, cell);
    team.causes[r.cause] = (team.causes[r.cause] ?? 0) + cell.hours;
    teams.set(r.team_slug, team);
    const capability = capabilities.get(r.capability_slug) ?? {
      capability: { slug: r.capability_slug, name: r.capability_name },
      causes: {},
      hours: 0,
      reports: 0,
    };
    add(capability, cell);
    capability.causes[r.cause] = (capability.causes[r.cause] ?? 0) + cell.hours;
    capabilities.set(r.capability_slug, capability);
  }

  const quarters: string[] = [];
  for (let p = quarter, i = 0; i < TREND_QUARTERS; i++, p = previousPeriod(p))
    quarters.unshift(p.key);
  const trendRows = await db
    .selectFrom('signal_unplanned_work')
    .where('quarter', 'in', quarters)
    .groupBy('quarter')
    .select((eb) => [
      'quarter',
      eb.fn.sum<number>('hours').as('hours'),
      eb.fn.sum<number>('reports').as('reports'),
    ])
    .execute();
  const trend = quarters.map((q) => {
    const r = trendRows.find((x) => x.quarter === q);
    return { quarter: q, hours: Number(r?.hours ?? 0), reports: Number(r?.reports ?? 0) };
  });

  const largest = <T extends HoursBy>(a: T, b: T) => b.hours - a.hours;
  return {
    quarter: quarter.key,
    total,
    byCause: UNPLANNED_CAUSES.map((cause) => ({ cause, ...causes.get(cause)! })),
    byTeam: [...teams.values()].sort(
      (a, b) => largest(a, b) || a.team.name.localeCompare(b.team.name),
    ),
    byCapability: [...capabilities.values()].sort(
      (a, b) => largest(a, b) || a.capability.name.localeCompare(b.capability.name),
    ),
    trend,
  };
}
