import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildTeam, seedOrg } from '../../test/factories.ts';
import { deliveryFigures } from './figures-delivery.ts';
import { addCapability, deploy, incident, testSourceId, writeEvents } from './figures-testing.ts';

const END = '2026-11-01';
/** Noon UTC `n` days before the window's end: day 1 is 31 Oct 2026. */
const back = (n: number, hour = 12) =>
  new Date(Date.parse(`${END}T00:00:00Z`) - n * 86_400_000 + hour * 3_600_000).toISOString();

async function seed(handle: TestDb) {
  await seedOrg(handle.db, {
    teams: [
      buildTeam({ name: 'Alpha' }),
      buildTeam({ name: 'Bravo' }),
      buildTeam({ name: 'Idle' }),
    ],
    people: [],
    services: [],
  });
  const teams = await handle.db.selectFrom('teams').select(['id', 'slug']).execute();
  const id = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
  const ci = await addCapability(handle, 'ci-runners');
  // Alpha deploys on days 1–3, 8–10, 15–17, 22–23: 3, 3, 3, 2 deploy days a week → daily.
  // Changes: day 1 carries two (1 h and 5 h), day 2 one (2 h) and one committed after the
  // deploy (dropped), day 3 one (10 h): median of 1, 2, 5, 10 = 3.5 h.
  const alpha = [
    deploy(id.alpha!, back(1), { leadHours: [1, 5] }),
    deploy(id.alpha!, back(2), { id: 'alpha-2', leadHours: [2, -1] }),
    deploy(id.alpha!, back(3), { leadHours: [10] }),
    ...[8, 9, 10, 15, 16, 17, 22, 23].map((n) => deploy(id.alpha!, back(n))),
    // A failed production deploy: not in the frequency, in the change failure rate's deploys.
    deploy(id.alpha!, back(4), { outcome: 'failure' }),
    // Outside the window (day 0 is the end itself; day 29 is before the start).
    deploy(id.alpha!, back(0), { leadHours: [100] }),
    deploy(id.alpha!, back(29), { leadHours: [100] }),
  ];
  // Bravo deploys once in the window (day 5): weeks 0, 1, 0, 0 → median 0.5 < 1, the month has 1 → monthly.
  const bravo = [deploy(id.bravo!, back(5)), deploy(id.bravo!, back(40))];
  await writeEvents(handle, [...alpha, ...bravo]);
  const source = await testSourceId(handle);
  await writeEvents(handle, [
    // Caused by Alpha's day-2 deploy, resolved in 2 h; one caused by a capability, 6 h; one open.
    incident(id.alpha!, back(2, 14), {
      resolvedAfterHours: 2,
      deploy: 'alpha-2',
      sourceId: source,
    }),
    incident(id.alpha!, back(9), { resolvedAfterHours: 6, capabilityId: ci.id }),
    incident(id.alpha!, back(3), {}),
    // Started before the window: not counted.
    incident(id.alpha!, back(40), { resolvedAfterHours: 100 }),
  ]);
  return id;
}

describeEngines('delivery figures', (db) => {
  it('gives each team its band, lead time, change failure rate and recovery time', async () => {
    await seed(db());
    const f = await deliveryFigures(db().db, { days: 28, end: END });
    expect(f.window).toEqual({ start: '2026-10-04', end: END, days: 28 });
    expect(f.teams.map((t) => t.team.slug)).toEqual(['alpha', 'bravo']);
    const [alpha, bravo] = f.teams;
    expect(alpha!.frequency).toMatchObject({ band: 'daily', deploys: 11, medianDaysPerWeek: 3 });
    expect(alpha!.leadTime).toEqual({ medianHours: 3.5, changes: 4 });
    // 12 production deploys (11 successful, 1 failed), one named as an incident's cause.
    expect(alpha!.changeFailure).toMatchObject({ numerator: 1, denominator: 12 });
    expect(alpha!.changeFailure.value).toBeCloseTo(100 / 12, 9);
    // Resolved in 2 h and 6 h: median 4 h; the open one is counted, not averaged.
    expect(alpha!.recovery).toEqual({ medianHours: 4, resolved: 2, open: 1 });
    expect(bravo!.frequency).toMatchObject({
      band: 'monthly',
      deploys: 1,
      medianDeploysPerWeek: 0,
    });
    expect(bravo!.leadTime).toEqual({ medianHours: null, changes: 0 });
    expect(bravo!.changeFailure).toEqual({ value: 0, numerator: 0, denominator: 1 });
    expect(bravo!.recovery).toEqual({ medianHours: null, resolved: 0, open: 0 });
  });

  it('adds the whole organisation: all deploys together, and teams per band', async () => {
    await seed(db());
    const f = await deliveryFigures(db().db, { days: 28, end: END });
    // Deploy days per week, both teams: 4 (1, 2, 3 and Bravo's 5), 3, 3, 2 → median 3.
    expect(f.overall.frequency).toMatchObject({ band: 'daily', deploys: 12, medianDaysPerWeek: 3 });
    expect(f.overall.frequency.perWeek).toBeCloseTo(3, 9);
    expect(f.overall.leadTime).toEqual({ medianHours: 3.5, changes: 4 });
    expect(f.overall.changeFailure).toMatchObject({ numerator: 1, denominator: 13 });
    expect(f.overall.recovery).toEqual({ medianHours: 4, resolved: 2, open: 1 });
    expect(f.bands).toEqual({ daily: 1, weekly: 0, monthly: 1, yearly: 0, none: 0 });
  });

  it('pools every team’s lead times for the organisation’s median', async () => {
    const id = await seed(db());
    await writeEvents(db(), [deploy(id.bravo!, back(6), { leadHours: [7, 30] })]);
    const f = await deliveryFigures(db().db, { days: 28, end: END });
    const bravo = f.teams.find((t) => t.team.slug === 'bravo')!;
    expect(bravo.leadTime).toEqual({ medianHours: 18.5, changes: 2 });
    // Alpha's 1, 2, 5 and 10 h with Bravo's 7 and 30 h: the middle two are 5 and 7.
    expect(f.overall.leadTime).toEqual({ medianHours: 6, changes: 6 });
  });

  it('narrows to one team, which shows even with nothing in the window', async () => {
    const id = await seed(db());
    const bravo = await deliveryFigures(db().db, { days: 28, end: END, teamId: id.bravo });
    expect(bravo.teams.map((t) => t.team.slug)).toEqual(['bravo']);
    expect(bravo.overall.frequency.deploys).toBe(1);
    expect(bravo.overall.changeFailure.denominator).toBe(1);
    const idle = await deliveryFigures(db().db, { days: 28, end: END, teamId: id.idle });
    expect(idle.teams).toHaveLength(1);
    expect(idle.teams[0]!.frequency.band).toBeNull();
    expect(idle.overall.changeFailure.value).toBeNull();
    expect(idle.bands.none).toBe(1);
  });

  it('follows the window: 90 days take in the older deploys and incidents', async () => {
    await seed(db());
    const f = await deliveryFigures(db().db, { days: 90, end: END });
    const bravo = f.teams.find((t) => t.team.slug === 'bravo')!;
    expect(bravo.frequency.deploys).toBe(2);
    const alpha = f.teams.find((t) => t.team.slug === 'alpha')!;
    expect(alpha.leadTime.changes).toBe(5);
    expect(alpha.recovery).toEqual({ medianHours: 6, resolved: 3, open: 1 });
  });
});
