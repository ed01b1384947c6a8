import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, freshDatabase, type TestDb } from '../../test/engines.ts';
import { buildTeam, seedOrg } from '../../test/factories.ts';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { migrations } from '../core/db/migrations/index.ts';
import { deploy, writeEvents } from './figures-testing.ts';
import type { ResolvedEvent } from './model.ts';

// signal_team_months holds signal_team_days' duration and lead-time sums per
// team and month (migration 0011): backfilled from the days when the
// migration runs, then kept by the ingest in the same transaction. Either
// way it must equal the days summed by month, a row for every team-month
// with a day row.

const SUMS = [
  'deploy_seconds_sum',
  'deploy_seconds_count',
  'lead_seconds_sum',
  'lead_seconds_count',
] as const;

type MonthRow = { team: string; month: string; sums: number[] };

/** The stored months, by team slug, in key order. */
async function storedMonths(db: Db): Promise<MonthRow[]> {
  const rows = await db
    .selectFrom('signal_team_months as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .select(['t.slug', 'm.month', ...SUMS.map((c) => `m.${c}` as const)])
    .execute();
  return rows
    .map((r) => ({ team: r.slug, month: r.month, sums: SUMS.map((c) => Number(r[c])) }))
    .sort((a, b) => (a.team + a.month < b.team + b.month ? -1 : 1));
}

/** The stored days summed by team and month, in the same shape (the invariant). */
async function daysByMonth(db: Db): Promise<MonthRow[]> {
  const rows = await db
    .selectFrom('signal_team_days as d')
    .innerJoin('teams as t', 't.id', 'd.team_id')
    .select(['t.slug', 'd.day', ...SUMS.map((c) => `d.${c}` as const)])
    .execute();
  const out = new Map<string, MonthRow>();
  for (const r of rows) {
    const month = r.day.slice(0, 7);
    const row = out.get(`${r.slug}|${month}`) ?? { team: r.slug, month, sums: [0, 0, 0, 0] };
    SUMS.forEach((c, i) => {
      row.sums[i]! += Number(r[c]);
    });
    out.set(`${r.slug}|${month}`, row);
  }
  return [...out.values()].sort((a, b) => (a.team + a.month < b.team + b.month ? -1 : 1));
}

describe.each(engines)('migration 0011 [%s]', (engine) => {
  const open: TestDb[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });

  /** A migrator over the handle, its tables in the schema paved runs in (as migrate.ts does). */
  async function migrator(handle: TestDb): Promise<Migrator> {
    const schema =
      engine === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db))
            .rows[0]?.schema
        : undefined;
    return new Migrator({
      db: handle.db as unknown as Kysely<unknown>,
      provider: { getMigrations: async () => migrations },
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
  }

  it('fills the team months from the team days already stored, summed by team and month', async () => {
    const handle = await freshDatabase(engine, { migrate: false });
    open.push(handle);
    const m = await migrator(handle);
    expect((await m.migrateTo('0010_feedback_reads')).error).toBeUndefined();
    const { db } = handle;
    const team = async (slug: string) => {
      const id = newId();
      const now = nowIso();
      await db
        .insertInto('teams')
        .values({
          id,
          ref: `group:default/${slug}`,
          slug,
          name: slug,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    };
    const a = await team('a');
    const b = await team('b');
    const day = (
      teamId: string,
      d: string,
      [deploySum, deployN, leadSum, leadN]: [number, number, number, number],
      other: { deploys?: number; merged_prs?: number; incidents?: number } = {},
    ) => ({
      team_id: teamId,
      day: d,
      deploys: deployN,
      failed_deploys: 0,
      deploy_seconds_sum: deploySum,
      deploy_seconds_count: deployN,
      lead_seconds_sum: leadSum,
      lead_seconds_count: leadN,
      merged_prs: 0,
      incidents: 0,
      ...other,
    });
    await db
      .insertInto('signal_team_days')
      .values([
        day(a, '2026-01-01', [100, 2, 50, 1]),
        day(a, '2026-01-31', [200, 1, 0, 0]),
        // Beyond 32 bits: the sums stay exact.
        day(a, '2026-02-01', [7, 1, 3_000_000_000, 4], { merged_prs: 3 }),
        day(a, '2026-02-28', [0, 0, 2_000_000_000, 1]),
        // Only an incident: the month has a row, with nothing to add.
        day(b, '2025-12-31', [0, 0, 0, 0], { incidents: 1 }),
        day(b, '2026-01-15', [60, 1, 3600, 2]),
      ])
      .execute();

    expect(await migrateToLatest(handle)).toEqual(['0011_report_reads']);
    const expected = [
      { team: 'a', month: '2026-01', sums: [300, 3, 50, 1] },
      { team: 'a', month: '2026-02', sums: [7, 1, 5_000_000_000, 5] },
      { team: 'b', month: '2025-12', sums: [0, 0, 0, 0] },
      { team: 'b', month: '2026-01', sums: [60, 1, 3600, 2] },
    ];
    expect(await storedMonths(handle.db)).toEqual(expected);
    expect(await daysByMonth(handle.db)).toEqual(expected);

    // Down and up again: the table goes, and comes back filled the same way.
    expect((await m.migrateDown()).error).toBeUndefined();
    const tables = await handle.db.introspection.getTables();
    expect(tables.map((t) => t.name)).not.toContain('signal_team_months');
    expect(await migrateToLatest(handle)).toEqual(['0011_report_reads']);
    expect(await storedMonths(handle.db)).toEqual(expected);
  });
});

describe.each(engines)('team months at ingest [%s]', (engine) => {
  const open: TestDb[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });

  it('equal the team days summed by month across batches, resends and days without durations', async () => {
    const handle = await freshDatabase(engine);
    open.push(handle);
    await seedOrg(handle.db, {
      teams: [buildTeam({ name: 'a' }), buildTeam({ name: 'b' })],
      people: [],
      services: [],
    });
    const teams = await handle.db.selectFrom('teams').select(['id', 'slug']).execute();
    const id = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
    const merged = (teamId: string, at: string, clientId: string): ResolvedEvent => ({
      type: 'pull_request',
      id: clientId,
      teamId,
      authorId: null,
      opened: new Date(Date.parse(at) - 3_600_000).toISOString(),
      merged: new Date(at).toISOString(),
    });

    const first: ResolvedEvent[] = [
      // 10 minutes, one change 2 h before: January.
      deploy(id.a!, '2026-01-31T23:30:00Z', { id: 'd1', minutes: 10, leadHours: [2] }),
      // 5 minutes, changes 1 h and 3 h before: February, though its changes were in January.
      deploy(id.a!, '2026-02-01T00:10:00Z', { id: 'd2', minutes: 5, leadHours: [1, 3] }),
      // A failure adds no duration; the month has a row all the same.
      deploy(id.b!, '2026-02-10T12:00:00Z', { id: 'd3', minutes: 30, outcome: 'failure' }),
    ];
    await writeEvents(handle, first);
    expect(await storedMonths(handle.db)).toEqual([
      { team: 'a', month: '2026-01', sums: [600, 1, 7200, 1] },
      { team: 'a', month: '2026-02', sums: [300, 1, 14_400, 2] },
      { team: 'b', month: '2026-02', sums: [0, 0, 0, 0] },
    ]);

    await writeEvents(handle, [
      deploy(id.a!, '2026-02-15T09:00:00Z', { id: 'd4', minutes: 20 }),
      // No start time, and a change committed after the deploy: nothing to add.
      deploy(id.a!, '2026-01-05T09:00:00Z', { id: 'd5', leadHours: [-1] }),
      // A merged pull request touches b's March day only.
      merged(id.b!, '2026-03-03T10:00:00Z', 'pr1'),
    ]);
    // The first batch again: every event a duplicate, nothing counts twice.
    await writeEvents(handle, first);
    const expected = [
      { team: 'a', month: '2026-01', sums: [600, 1, 7200, 1] },
      { team: 'a', month: '2026-02', sums: [1500, 2, 14_400, 2] },
      { team: 'b', month: '2026-02', sums: [0, 0, 0, 0] },
      { team: 'b', month: '2026-03', sums: [0, 0, 0, 0] },
    ];
    expect(await storedMonths(handle.db)).toEqual(expected);
    expect(await daysByMonth(handle.db)).toEqual(expected);
    expect(await handle.db.selectFrom('signal_team_days').select('day').execute()).toHaveLength(6);
  });
});
