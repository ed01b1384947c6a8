// Delivery figures per team and for the whole organisation over a window
// (shared/METRICS.md, "Delivery"): deployment frequency band, lead time for
// changes, change failure rate and recovery time. Read from the ingest
// aggregates (team days, deploys, change lead times, incidents) within the
// window only.
//
// Where METRICS.md is silent: the window is the `days` whole UTC days before
// `end` (today by default, so today's partial day is left out); frequency and
// lead time count successful production deploys, the change failure rate all
// production deploys (a failed one too) and those an incident names as its
// cause; recovery covers incidents that started in the window; the
// organisation's band is the band of all its deploys together, and the
// number of teams in each band is given beside it.

import { sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import { median, type Rate, rate } from '../core/stats.ts';
import {
  type DeployDay,
  FREQUENCY_BANDS,
  type FrequencyBand,
  type FrequencyFigures,
  frequencyBand,
} from './delivery-bands.ts';

export const DEFAULT_WINDOW_DAYS = 90;
export const MIN_WINDOW_DAYS = 7;
export const MAX_WINDOW_DAYS = 365;

const DAY = 86_400_000;

export interface DeliveryWindow {
  /** First day, YYYY-MM-DD (inclusive). */
  start: string;
  /** Day after the last, YYYY-MM-DD (exclusive). */
  end: string;
  days: number;
}

export interface Delivery {
  frequency: FrequencyFigures;
  leadTime: { medianHours: number | null; changes: number };
  /** Deploys an incident names as its cause / production deploys. */
  changeFailure: Rate;
  /** Over incidents that started in the window: resolved ones' median; open ones counted. */
  recovery: { medianHours: number | null; resolved: number; open: number };
}

export interface TeamDelivery extends Delivery {
  team: { id: string; slug: string; name: string };
}

export interface DeliveryFigures {
  window: DeliveryWindow;
  /** The whole organisation (or the one team asked for). */
  overall: Delivery;
  /** Teams per band; `none` counts teams with no deploy in the window. */
  bands: Record<FrequencyBand | 'none', number>;
  teams: TeamDelivery[];
}

/** The window of `days` whole days before `end` (YYYY-MM-DD, exclusive). */
export function deliveryWindow(days: number, end: string): DeliveryWindow {
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);
  return { start, end, days };
}

interface TeamRow {
  id: string;
  slug: string;
  name: string;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

const hours = (seconds: number | null) => (seconds === null ? null : seconds / 3600);

function delivery(
  window: DeliveryWindow,
  days: readonly DeployDay[],
  leads: readonly number[],
  deploys: { deploys: number; linked: number },
  incidents: readonly { started_at: string; resolved_at: string | null }[],
): Delivery {
  const recovered = incidents
    .filter((i) => i.resolved_at !== null)
    .map((i) => (Date.parse(i.resolved_at!) - Date.parse(i.started_at)) / 1000);
  return {
    frequency: frequencyBand(days, window),
    leadTime: { medianHours: hours(median(leads)), changes: leads.length },
    changeFailure: rate(deploys.linked, deploys.deploys),
    recovery: {
      medianHours: hours(median(recovered)),
      resolved: recovered.length,
      open: incidents.length - recovered.length,
    },
  };
}

/**
 * Delivery figures over a window, per team and overall; with `teamId`, the
 * overall figures are that team's and `teams` holds it alone.
 * @example await deliveryFigures(db, { days: 90, end: '2026-11-01' })
 */
export async function deliveryFigures(
  db: Db,
  opts: { days: number; end: string; teamId?: string },
): Promise<DeliveryFigures> {
  const window = deliveryWindow(opts.days, opts.end);
  const team = opts.teamId;

  const dayRows = await db
    .selectFrom('signal_team_days')
    .select(['team_id', 'day', 'deploys'])
    .where('day', '>=', window.start)
    .where('day', '<', window.end)
    .$if(team !== undefined, (q) => q.where('team_id', '=', team!))
    .execute();
  // Each team's lead times as one comma-separated list: a large organisation
  // has half a million in 90 days, and as many row objects cost seconds where
  // a thousand strings cost milliseconds.
  const leadRows = await db
    .selectFrom('signal_change_lead_times')
    .select(['team_id', sql<string>`string_agg(cast(seconds as text), ',')`.as('seconds')])
    .where('day', '>=', window.start)
    .where('day', '<', window.end)
    .$if(team !== undefined, (q) => q.where('team_id', '=', team!))
    .groupBy('team_id')
    .execute();
  const deployRows = await db
    .selectFrom('signal_deploys as d')
    .where('d.day', '>=', window.start)
    .where('d.day', '<', window.end)
    .$if(team !== undefined, (q) => q.where('d.team_id', '=', team!))
    .groupBy('d.team_id')
    .select((eb) => [
      'd.team_id',
      eb.fn.countAll().as('deploys'),
      eb.fn
        .count(
          eb
            .case()
            .when(
              eb.exists(
                eb
                  .selectFrom('signal_incidents as i')
                  .select('i.event_id')
                  .whereRef('i.cause_deploy_source_id', '=', 'd.source_id')
                  .whereRef('i.cause_deploy_client_id', '=', 'd.client_id'),
              ),
            )
            .then(sql.lit(1))
            .end(),
        )
        .as('linked'),
    ])
    .execute();
  const incidentRows = await db
    .selectFrom('signal_incidents')
    .select(['team_id', 'started_at', 'resolved_at'])
    .where('day', '>=', window.start)
    .where('day', '<', window.end)
    .$if(team !== undefined, (q) => q.where('team_id', '=', team!))
    .execute();

  const teamIds = new Set([
    ...dayRows.map((r) => r.team_id),
    ...deployRows.map((r) => r.team_id),
    ...incidentRows.map((r) => r.team_id),
  ]);
  if (team !== undefined) teamIds.add(team);
  const teamRows: TeamRow[] =
    teamIds.size === 0
      ? []
      : await db
          .selectFrom('teams')
          .select(['id', 'slug', 'name'])
          .where('id', 'in', [...teamIds])
          .orderBy('name')
          .execute();

  const daysByTeam = groupBy(dayRows, (r) => r.team_id);
  const leadsByTeam = new Map(leadRows.map((r) => [r.team_id, r.seconds.split(',').map(Number)]));
  const deploysByTeam = new Map(
    deployRows.map((r) => [r.team_id, { deploys: Number(r.deploys), linked: Number(r.linked) }]),
  );
  const incidentsByTeam = groupBy(incidentRows, (r) => r.team_id);

  const teams: TeamDelivery[] = teamRows.map((t) => ({
    team: { id: t.id, slug: t.slug, name: t.name },
    ...delivery(
      window,
      daysByTeam.get(t.id) ?? [],
      leadsByTeam.get(t.id) ?? [],
      deploysByTeam.get(t.id) ?? { deploys: 0, linked: 0 },
      incidentsByTeam.get(t.id) ?? [],
    ),
  }));

  // The organisation's deploys per day, summed over its teams.
  const orgDays = new Map<string, number>();
  for (const r of dayRows) orgDays.set(r.day, (orgDays.get(r.day) ?? 0) + r.deploys);
  const overall = delivery(
    window,
    [...orgDays].map(([day, deploys]) => ({ day, deploys })),
    [...leadsByTeam.values()].flat(),
    deployRows.reduce(
      (s, r) => ({ deploys: s.deploys + Number(r.deploys), linked: s.linked + Number(r.linked) }),
      { deploys: 0, linked: 0 },
    ),
    incidentRows,
  );
  const bands = Object.fromEntries([...FREQUENCY_BANDS, 'none'].map((b) => [b, 0])) as Record<
    FrequencyBand | 'none',
    number
  >;
  for (const t of teams) bands[t.frequency.band ?? 'none']++;
  return { window, overall, bands, teams };
}
