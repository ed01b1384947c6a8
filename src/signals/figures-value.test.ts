import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildTeam, seedOrg } from '../../test/factories.ts';
import { setSetting } from '../core/settings.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from '../surveys/service.ts';
import { seedSurveyOrg } from '../surveys/testing.ts';
import { addCapability, adopt, deploy, writeEvents } from './figures-testing.ts';
import { valueFigures } from './figures-value.ts';
import { valueOutcomes } from './value-outcomes.ts';

const NOW = new Date('2026-06-15T12:00:00Z');

// Deploy minutes per month (one deploy on the 15th), the hand-worked table of did.test.ts:
//          Jan  Feb  Mar  Apr  May   adopted
//  A        10   12   11    8    9   Mar
//  B        20   20    –   17   15   Mar
//  C         5    7    6    7    8   never
//  D        30   30   31   32   20   May (nothing after yet: too recent)
//  E         –   40   41   42   43   Feb (nothing before: too few months)
// June is not complete, so its deploy is left out.
const MINUTES: Record<string, (number | null)[]> = {
  a: [10, 12, 11, 8, 9],
  b: [20, 20, null, 17, 15],
  c: [5, 7, 6, 7, 8],
  d: [30, 30, 31, 32, 20],
  e: [null, 40, 41, 42, 43],
};

async function seed(handle: TestDb) {
  await seedOrg(handle.db, {
    teams: Object.keys(MINUTES).map((slug) => buildTeam({ name: slug })),
    people: [],
    services: [],
  });
  const teams = await handle.db.selectFrom('teams').select(['id', 'slug']).execute();
  const id = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
  const events = Object.entries(MINUTES).flatMap(([slug, minutes]) => [
    ...minutes.flatMap((m, i) =>
      m === null ? [] : [deploy(id[slug]!, `2026-0${i + 1}-15T12:00:00Z`, { minutes: m })],
    ),
    deploy(id[slug]!, '2026-06-02T12:00:00Z', { minutes: 99 }),
  ]);
  await writeEvents(handle, events);
  const capability = await addCapability(handle, 'ci-runners');
  await adopt(handle, capability.id, id.a!, [{ to: 'adopted', at: '2026-03-10T09:00:00Z' }]);
  await adopt(handle, capability.id, id.b!, [
    { to: 'trial', at: '2026-02-20T09:00:00Z' },
    { to: 'adopted', at: '2026-03-02T09:00:00Z' },
  ]);
  await adopt(handle, capability.id, id.d!, [{ to: 'adopted', at: '2026-05-20T09:00:00Z' }]);
  await adopt(handle, capability.id, id.e!, [
    { to: 'adopted', at: '2026-02-03T09:00:00Z' },
    { to: 'left', at: '2026-04-03T09:00:00Z' },
  ]);
  return capability;
}

describeEngines('value figures', (db) => {
  it('has no estimate until an outcome is chosen for the capability', async () => {
    const capability = await seed(db());
    const f = await valueFigures(db().db, capability, { now: NOW, replicates: 0 });
    expect(f.outcome).toBeNull();
    expect(f.estimate).toBeNull();
    expect(f.perWeek).toBeNull();
  });

  it('with fewer than 5 teams a side, gives the plain before/after change, not causal', async () => {
    const capability = await seed(db());
    await setSetting(db().db, valueOutcomes, {
      [capability.id]: {
        outcome: 'deploy-duration',
        chosenAt: '2025-12-01T00:00:00Z',
        chosenBy: 'Pat',
      },
    });
    const f = await valueFigures(db().db, capability, { now: NOW, replicates: 199 });
    expect(f.outcome).toMatchObject({
      outcome: 'deploy-duration',
      unit: 'minutes',
      chosenBy: 'Pat',
    });
    // A: (8 + 9)/2 − 11 = −2.5; B: (17 + 15)/2 − 20 = −4 → −3.25 minutes.
    expect(f.estimate).toMatchObject({
      method: 'before-after',
      causal: false,
      adoptingTeams: 2,
      tooFewBefore: 1,
      tooRecent: 1,
    });
    expect(f.estimate!.effect).toBeCloseTo(-3.25, 9);
    // A started at 11 minutes, B at 20.
    expect(f.estimate!.baseline).toBeCloseTo(15.5, 9);
    // Two adopting teams are too few to resample: no interval rather than a false one.
    expect(f.estimate!.interval).toBeNull();
    expect(f.cohorts).toEqual([{ period: '2026-03', teams: 2, comparisonTeams: 2, effect: -3.25 }]);
    // Teams adopted now: A, B, D (E left). Their deploys in the 90 days before 15 Jun:
    // 15 Apr, 15 May and 2 Jun each = 9, over 90/7 weeks = 0.7 a week.
    expect(f.perWeek!.teams).toBe(3);
    expect(f.perWeek!.volume).toBeCloseTo(0.7, 9);
    expect(f.perWeek!.hours).toBeCloseTo((-3.25 / 60) * 0.7, 9);
    expect(f.perWeek!.low).toBeNull();
    // The event study of the adopting teams: the adoption month (0) has A's 11 − 11 = 0 only.
    expect(f.eventStudy.find((p) => p.offset === 0)).toEqual({ offset: 0, effect: 0, teams: 1 });
  });

  it('reads an outcome once for every capability measured by it when given a memo, with the same figures', async () => {
    const capability = await seed(db());
    const other = await addCapability(db(), 'build-cache');
    const teams = await db().db.selectFrom('teams').select(['id', 'slug']).execute();
    const id = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
    await adopt(db(), other.id, id.c!, [{ to: 'adopted', at: '2026-03-10T09:00:00Z' }]);
    const chosen = { outcome: 'deploy-duration', chosenAt: '2025-12-01T00:00:00Z', chosenBy: null };
    await setSetting(db().db, valueOutcomes, { [capability.id]: chosen, [other.id]: chosen });
    const memo = new Map();
    const shared = await Promise.all(
      [capability, other].map((c) => valueFigures(db().db, c, { now: NOW, replicates: 99, memo })),
    );
    // One pass over the team days reads both deploy outcomes: each is kept for later capabilities.
    expect([...memo.keys()].sort()).toEqual(['deploy-duration/2026-06-15', 'lead-time/2026-06-15']);
    const alone = await Promise.all(
      [capability, other].map((c) => valueFigures(db().db, c, { now: NOW, replicates: 99 })),
    );
    expect(shared).toEqual(alone);
    // C adopted build-cache in March: (7 + 8)/2 − 6 = +1.5 minutes, before/after.
    expect(shared[1]!.estimate!.effect).toBeCloseTo(1.5, 9);
  });

  it('uses lead time when that is the outcome, in hours', async () => {
    const capability = await seed(db());
    await setSetting(db().db, valueOutcomes, {
      [capability.id]: { outcome: 'lead-time', chosenAt: '2025-12-01T00:00:00Z', chosenBy: null },
    });
    const f = await valueFigures(db().db, capability, { now: NOW, replicates: 0 });
    // No deploy carried a change, so there is no lead time to compare.
    expect(f.outcome).toMatchObject({ outcome: 'lead-time', unit: 'hours' });
    expect(f.estimate!.effect).toBeNull();
    expect(f.perWeek).toBeNull();
  });

  it('measures hours lost from closed surveys per quarter, per developer of the teams using it', async () => {
    // Engineering's own six answer too, so its own cell never has to take in a team.
    const org = await seedSurveyOrg(db(), [
      { slug: 'engineering', people: 6 },
      { slug: 'payments', parent: 'engineering', people: 8 },
      { slug: 'platform', parent: 'engineering', people: 8 },
      { slug: 'search', parent: 'engineering', people: 8 },
    ]);
    const capability = await addCapability(db(), 'ci-runners');
    await adopt(db(), capability.id, org.teams.payments!, [
      { to: 'adopted', at: '2026-08-03T09:00:00Z' },
    ]);
    // Payments loses 4–8 hours a week (6) before adopting in Q3 and 1–2 (1.5) after; the
    // others 2–4 (3) throughout. Q3 itself is the adoption quarter: shown, not compared.
    const payments: Record<string, '4-8' | '2-4' | '1-2'> = {
      '2026-Q1': '4-8',
      '2026-Q2': '4-8',
      '2026-Q3': '2-4',
      '2026-Q4': '1-2',
    };
    for (const [period, bucket] of Object.entries(payments)) {
      const draft = await createSurvey(db().db, org.platform, {
        title: `${period} platform survey`,
        period,
        audience: 'all',
        questions: [],
      });
      const survey = await openSurvey(org.deps, org.platform, draft.id);
      for (const team of ['engineering', 'payments', 'platform', 'search']) {
        for (const person of org.people[team]!) {
          await submitResponse(org.deps, person, survey.id, {
            hoursLost: team === 'payments' ? bucket : '2-4',
          });
        }
      }
      await closeSurvey(org.deps, org.platform, survey.id);
    }
    await setSetting(db().db, valueOutcomes, {
      [capability.id]: { outcome: 'hours-lost', chosenAt: '2025-12-01T00:00:00Z', chosenBy: null },
    });
    const f = await valueFigures(db().db, capability, { now: NOW, replicates: 99 });
    expect(f).toMatchObject({ periodUnit: 'quarter', window: 4 });
    expect(f.outcome).toMatchObject({ outcome: 'hours-lost', per: 'developer', unit: 'hours' });
    // One adopting team against two that had not: before/after, 1.5 − 6 = −4.5 hours a week.
    expect(f.estimate).toMatchObject({
      causal: false,
      adoptingTeams: 1,
      baseline: 6,
      interval: null,
    });
    expect(f.estimate!.effect).toBeCloseTo(-4.5, 9);
    expect(f.cohorts.map((c) => c.period)).toEqual(['2026-Q3']);
    // Eight developers in Payments: 36 hours of their time a week.
    expect(f.perWeek).toMatchObject({ volume: 8, teams: 1 });
    expect(f.perWeek!.hours).toBeCloseTo(-36, 9);
    expect(f.eventStudy.find((p) => p.offset === 0)).toMatchObject({ effect: -3, teams: 1 });
  });
});
