import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildPerson, buildTeam, seedOrg } from '../../test/factories.ts';
import { onboardingFigures, ownMilestones } from './figures-onboarding.ts';
import { milestone, writeEvents } from './figures-testing.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

/** Seven hires over three months; returns their person ids by name. */
async function seedHires(handle: TestDb) {
  const team = buildTeam({ name: 'Payments' });
  const hires = [
    ['P1', '2026-08-03'],
    ['P2', '2026-08-10'],
    ['P3', '2026-08-17'],
    ['P4', '2026-09-01'],
    ['P5', '2026-09-02'],
    ['P6', '2026-09-15'],
    ['P7', '2026-10-20'],
    // Before the cohorts asked for: never counted.
    ['P0', '2025-01-06'],
  ];
  await seedOrg(handle.db, {
    teams: [team],
    people: hires.map(([name, startDate]) =>
      buildPerson({ name: name!, teamRef: team.ref, startDate }),
    ),
    services: [],
  });
  const rows = await handle.db.selectFrom('people').select(['id', 'name']).execute();
  const id = Object.fromEntries(rows.map((r) => [r.name, r.id])) as Record<string, string>;
  // P3 left ten days after starting without a deploy: followed until then.
  await handle.db
    .updateTable('people')
    .set({ inactive_since: '2026-08-27T00:00:00.000Z' })
    .where('id', '=', id.P3!)
    .execute();
  await writeEvents(handle, [
    milestone(id.P1!, 'first_deploy', '2026-08-06T00:00:00Z'), // day 3
    milestone(id.P2!, 'first_deploy', '2026-08-20T00:00:00Z'), // day 10
    milestone(id.P4!, 'first_deploy', '2026-09-05T00:00:00Z'), // day 4
    milestone(id.P6!, 'first_deploy', '2026-09-17T00:00:00Z'), // day 2
    milestone(id.P0!, 'first_deploy', '2025-01-08T00:00:00Z'),
    milestone(id.P1!, 'first_pr', '2026-08-04T12:00:00Z'), // day 1.5
    milestone(id.P1!, 'first_pr', '2026-08-05T00:00:00Z'), // later: the earliest is kept
  ]);
  return id;
}

describeEngines('onboarding figures', (db) => {
  it('gives Kaplan–Meier medians and shares per monthly cohort, with the censored counted', async () => {
    await seedHires(db());
    const f = await onboardingFigures(db().db, { since: '2026-08', k: 3, now: NOW });
    const deploy = f.milestones.find((m) => m.milestone === 'first_deploy')!;
    // August: 3e, 10e, 10 censored (left) → S(3) = 2/3, S(10) = 1/3; median 10;
    // by day 7 one in three; by 14 unknown (nobody followed past day 10 still waiting).
    // September: 2e, 4e, 60 censored → S(2) = 2/3, S(4) = 1/3; median 4; 2 in 3 by 7, 14, 30.
    // October: one hire, fewer than k and no later month: hidden.
    expect(
      deploy.cohorts.map((c) => [
        c.from,
        c.to,
        c.hidden,
        c.hires,
        c.reached,
        c.waiting,
        c.medianDays,
      ]),
    ).toEqual([
      ['2026-08', '2026-08', false, 3, 2, 1, 10],
      ['2026-09', '2026-09', false, 3, 2, 1, 4],
      ['2026-10', '2026-10', true, null, null, null, null],
    ]);
    const shares = (c: (typeof deploy.cohorts)[number]) => c.reachedBy?.map((r) => r.percent);
    const [aug, sep, oct] = deploy.cohorts;
    expect(shares(aug!)![0]).toBeCloseTo(100 / 3, 9);
    expect(shares(aug!)!.slice(1)).toEqual([null, null]);
    for (const p of shares(sep!)!) expect(p).toBeCloseTo(200 / 3, 9);
    expect(oct!.reachedBy).toBeNull();
    // Overall pools the shown cohorts only: 2e 3e 4e 10e 10c 60c → S(4) = 1/2, S(10) = 1/3.
    expect(deploy.overall).toMatchObject({
      from: '2026-08',
      to: '2026-09',
      hires: 6,
      medianDays: 4,
    });
    const overall = deploy.overall!.reachedBy!.map((r) => r.percent!);
    expect(overall[0]).toBeCloseTo(50, 9);
    expect(overall[1]).toBeCloseTo(200 / 3, 9);
    expect(overall[2]).toBeCloseTo(200 / 3, 9);
  });

  it('merges a small month into the next with k = 5 and keeps the earliest milestone', async () => {
    await seedHires(db());
    const f = await onboardingFigures(db().db, { since: '2026-08', k: 5, now: NOW });
    const deploy = f.milestones.find((m) => m.milestone === 'first_deploy')!;
    expect(deploy.cohorts.map((c) => [c.from, c.to, c.hidden, c.hires])).toEqual([
      ['2026-08', '2026-09', false, 6],
      ['2026-10', '2026-10', true, null],
    ]);
    const pr = f.milestones.find((m) => m.milestone === 'first_pr')!;
    expect(pr.cohorts[0]).toMatchObject({ reached: 1, waiting: 5, medianDays: null });
    expect(pr.cohorts[0]!.reachedBy![0]!.percent).toBeCloseTo(100 / 6, 9);
    // Asking for some milestones gives those alone, in that order, with the same figures.
    const some = await onboardingFigures(db().db, {
      since: '2026-08',
      k: 5,
      now: NOW,
      milestones: ['first_pr', 'first_deploy'],
    });
    expect(some.milestones).toEqual([pr, deploy]);
  });

  it('has no cohorts and no overall figure before anyone starts', async () => {
    await seedHires(db());
    const f = await onboardingFigures(db().db, { since: '2026-11', k: 3, now: NOW });
    for (const m of f.milestones) {
      expect(m.cohorts).toEqual([]);
      expect(m.overall).toBeNull();
    }
  });

  it('shows a person their own days to each milestone', async () => {
    const id = await seedHires(db());
    const own = await ownMilestones(db().db, id.P1!);
    expect(own).toEqual({
      startDate: '2026-08-03',
      milestones: [
        { milestone: 'first_deploy', reachedAt: '2026-08-06T00:00:00.000Z', days: 3 },
        { milestone: 'first_pr', reachedAt: '2026-08-04T12:00:00.000Z', days: 1.5 },
        { milestone: 'tenth_pr', reachedAt: null, days: null },
      ],
    });
  });
});
