import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildTeam, seedOrg } from '../../test/factories.ts';
import { parsePeriod } from '../core/period.ts';
import { addCapability, unplanned, writeEvents } from './figures-testing.ts';
import { unplannedWorkFigures } from './figures-unplanned.ts';

async function seed(handle: TestDb) {
  await seedOrg(handle.db, {
    teams: [buildTeam({ name: 'Alpha' }), buildTeam({ name: 'Bravo' })],
    people: [],
    services: [],
  });
  const teams = await handle.db.selectFrom('teams').select(['id', 'slug']).execute();
  const id = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
  const ci = await addCapability(handle, 'ci-runners');
  const db = await addCapability(handle, 'database-as-a-service');
  await writeEvents(handle, [
    unplanned(id.alpha!, ci.id, 'breaking-change', 4, '2026-10-05T10:00:00Z'),
    unplanned(id.alpha!, ci.id, 'outage', 1, '2026-11-02T10:00:00Z'),
    unplanned(id.alpha!, ci.id, 'outage', 1.5, '2026-12-31T23:59:00Z'),
    unplanned(id.bravo!, db.id, 'forced-migration', 10, '2026-10-20T10:00:00Z'),
    // Other quarters: only in the trend.
    unplanned(id.alpha!, ci.id, 'other', 3, '2026-09-30T23:59:00Z'),
    unplanned(id.bravo!, db.id, 'other', 2, '2026-02-01T10:00:00Z'),
    unplanned(id.bravo!, db.id, 'other', 8, '2025-12-01T10:00:00Z'),
  ]);
}

describeEngines('unplanned work figures', (db) => {
  it('sums a quarter’s hours per team, cause and capability, largest first', async () => {
    await seed(db());
    const f = await unplannedWorkFigures(db().db, parsePeriod('2026-Q4'));
    expect(f.quarter).toBe('2026-Q4');
    expect(f.total).toEqual({ hours: 16.5, reports: 4 });
    expect(f.byCause).toEqual([
      { cause: 'breaking-change', hours: 4, reports: 1 },
      { cause: 'outage', hours: 2.5, reports: 2 },
      { cause: 'forced-migration', hours: 10, reports: 1 },
      { cause: 'other', hours: 0, reports: 0 },
    ]);
    expect(f.byTeam).toEqual([
      {
        team: { slug: 'bravo', name: 'Bravo' },
        causes: { 'forced-migration': 10 },
        hours: 10,
        reports: 1,
      },
      {
        team: { slug: 'alpha', name: 'Alpha' },
        causes: { 'breaking-change': 4, outage: 2.5 },
        hours: 6.5,
        reports: 3,
      },
    ]);
    expect(f.byCapability.map((c) => [c.capability.slug, c.hours])).toEqual([
      ['database-as-a-service', 10],
      ['ci-runners', 6.5],
    ]);
  });

  it('gives the four quarters up to the one asked for, zero where nothing was reported', async () => {
    await seed(db());
    const f = await unplannedWorkFigures(db().db, parsePeriod('2026-Q4'));
    expect(f.trend).toEqual([
      { quarter: '2026-Q1', hours: 2, reports: 1 },
      { quarter: '2026-Q2', hours: 0, reports: 0 },
      { quarter: '2026-Q3', hours: 3, reports: 1 },
      { quarter: '2026-Q4', hours: 16.5, reports: 4 },
    ]);
    const empty = await unplannedWorkFigures(db().db, parsePeriod('2024-Q1'));
    expect(empty.total).toEqual({ hours: 0, reports: 0 });
    expect(empty.byTeam).toEqual([]);
  });
});
