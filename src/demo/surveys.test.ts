import { expect, it } from 'vitest';
import { testDeps, testSecret } from '../../test/app.ts';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { listCapabilities } from '../capabilities/store.ts';
import { Conflict } from '../core/errors.ts';
import type { Actor } from '../core/policy.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { type SurveyResults, surveyResults } from '../surveys/results.ts';
import { pulseResults } from '../surveys/results-pulses.ts';
import { openSurveysFor, PARTICIPATION, pulseStatus, submitResponse } from '../surveys/service.ts';
import { listSurveys } from '../surveys/store.ts';
import { runDemo } from './generator.ts';
import { demoAccounts } from './model.ts';
import { CLOSED_SURVEYS, FORCED_MIGRATION, movedAtOf, surveyRounds } from './surveys.ts';

const TODAY = '2026-11-01';

async function demo(handle: TestDb, seed = 42) {
  await runDemo(handle, { size: 'small', seed, today: TODAY, reset: true, secret: testSecret });
}

async function surveysOldestFirst(handle: TestDb) {
  return (await listSurveys(handle.db, { limit: 100 })).items.reverse();
}

/** An actor for a person of the demo (no account needed to answer through the service). */
async function personActor(handle: TestDb, email: string): Promise<Actor> {
  const p = await handle.db
    .selectFrom('people')
    .select(['id', 'team_id', 'name'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return {
    userId: `test:${p.id}`,
    email,
    name: p.name,
    role: 'developer',
    personId: p.id,
    teamId: p.team_id,
    teamIds: p.team_id ? [p.team_id] : [],
    via: 'session',
  };
}

describeEngines('surveys demo', (db) => {
  it('tells the story: eight closed quarters, NPS from the low teens to the 50s, CSAT drops after the forced migration, less friction', async () => {
    await demo(db());
    const surveys = await surveysOldestFirst(db());
    expect(surveys.map((s) => s.period)).toEqual(surveyRounds(TODAY).map((r) => r.period));
    expect(surveys.map((s) => s.state)).toEqual([...Array(CLOSED_SURVEYS).fill('closed'), 'open']);
    expect(surveys[0]!.period).toBe('2024-Q4');
    expect(surveys.at(-1)!.period).toBe('2026-Q4');

    const results: SurveyResults[] = [];
    for (const s of surveys.slice(0, CLOSED_SURVEYS)) {
      // Realistic response rates: the org grew, and more of it answered as the platform listened.
      expect(s.responded! / s.invited!).toBeGreaterThan(0.25);
      expect(s.responded! / s.invited!).toBeLessThan(0.95);
      results.push(await surveyResults(db().db, s.id, 'team'));
    }
    const root = (i: number) => results[i]!.cuts.find((c) => c.key === 'all')!;
    // Everyone's response rate is every respondent over every invitee.
    for (const [i, s] of surveys.slice(0, CLOSED_SURVEYS).entries()) {
      expect(root(i).responseRate).toMatchObject({
        numerator: s.responded,
        denominator: s.invited,
      });
    }
    const npsOf = (i: number) => {
      const f = root(i).nps;
      if (f.status !== 'shown') throw new Error(`NPS of survey ${i} is ${f.status}`);
      return f.score!;
    };
    expect(npsOf(0)).toBeGreaterThanOrEqual(8);
    expect(npsOf(0)).toBeLessThan(20);
    expect(npsOf(CLOSED_SURVEYS - 1)).toBeGreaterThanOrEqual(48);
    expect(npsOf(CLOSED_SURVEYS - 1)).toBeLessThan(60);
    // The last survey compares with the one before.
    expect(results.at(-1)!.change?.previousPeriod).toBe(surveys[CLOSED_SURVEYS - 2]!.period);

    // CSAT of the capability teams were forced onto: down in the first survey after the move, then back up.
    const capabilities = await listCapabilities(db().db);
    const mandates = new Map(
      (await db().db.selectFrom('mandates').select(['capability_id', 'recorded_at']).execute()).map(
        (m) => [m.capability_id, m.recorded_at],
      ),
    );
    const movedAt = await movedAtOf(db().db, capabilities, mandates);
    expect(movedAt).not.toBeNull();
    const csat = (i: number) => {
      const f = root(i).capabilities.find((c) => c.slug === FORCED_MIGRATION)?.csat;
      return f?.status === 'shown' ? f.value : null;
    };
    const after = surveys.findIndex((s) => s.openedAt! > movedAt!);
    expect(after).toBeGreaterThan(0);
    const before = [...Array(after).keys()].reverse().find((i) => csat(i) !== null);
    expect(before).toBeDefined();
    expect(csat(before!)! - csat(after)!).toBeGreaterThanOrEqual(20);
    expect(csat(CLOSED_SURVEYS - 1)! - csat(after)!).toBeGreaterThanOrEqual(15);

    // Less friction: high cognitive load and hours lost fall.
    const load = (i: number) => {
      const f = root(i).cognitiveLoad;
      return f.status === 'shown' ? f.value! : Number.NaN;
    };
    const hours = (i: number) => {
      const f = root(i).hoursLost;
      return f.status === 'shown' ? f.trimmedMean! : Number.NaN;
    };
    expect(load(CLOSED_SURVEYS - 1)).toBeLessThan(load(0) - 10);
    expect(hours(CLOSED_SURVEYS - 1)).toBeLessThan(hours(0) - 1);

    // Comments: shown for everyone in the recent surveys, hidden in some smaller cuts.
    const last = results.at(-1)!;
    const lastRoot = last.cuts.find((c) => c.key === 'all')!;
    expect(lastRoot.comments.status).toBe('shown');
    if (lastRoot.comments.status === 'shown')
      expect(lastRoot.comments.items.length).toBeGreaterThan(3);
    const everyCut = results.flatMap((r) => r.cuts.filter((c) => c.key !== 'all'));
    expect(everyCut.some((c) => c.comments.status === 'shown')).toBe(true);
    expect(everyCut.some((c) => c.status === 'shown' && c.comments.status === 'hidden')).toBe(true);

    // Every stored segment cell of a closed survey holds at least k respondents; no hashes remain.
    const k = await getSetting(db().db, anonymityK);
    for (const s of surveys.slice(0, CLOSED_SURVEYS)) {
      const cells = await db()
        .db.selectFrom('survey_responses')
        .select((eb) => ['team_id', 'tenure_band', 'level_band', eb.fn.countAll().as('n')])
        .where('survey_id', '=', s.id)
        .groupBy(['team_id', 'tenure_band', 'level_band'])
        .execute();
      for (const c of cells) expect(Number(c.n)).toBeGreaterThanOrEqual(k);
      for (const table of ['survey_participation', 'survey_invitations'] as const) {
        const left = await db()
          .db.selectFrom(table)
          .select('hash')
          .where('survey_id', '=', s.id)
          .execute();
        expect(left).toEqual([]);
      }
    }
  }, 120_000);

  it('leaves the current survey open with some answers: the demo sign-ins are invited and have not answered; a respondent cannot answer again', async () => {
    await demo(db());
    const deps = testDeps(db());
    const open = (await surveysOldestFirst(db())).at(-1)!;
    expect(open.state).toBe('open');
    expect(open.closesOn! > TODAY).toBe(true);

    const accounts = await getSetting(db().db, demoAccounts);
    const developer = await personActor(db(), accounts.find((a) => a.role === 'developer')!.email);
    const banner = await openSurveysFor(deps, developer);
    expect(banner.map((b) => [b.survey.id, b.answered])).toEqual([[open.id, false]]);

    // Respondents so far: each has a participation hash under the server's secret.
    const people = await db().db.selectFrom('people').select(['id', 'email']).execute();
    const hashes = new Set(
      (
        await db()
          .db.selectFrom('survey_participation')
          .select('hash')
          .where('survey_id', '=', open.id)
          .execute()
      ).map((h) => h.hash),
    );
    const answered = people.filter((p) =>
      hashes.has(testSecret.hmac(PARTICIPATION, open.id, p.id)),
    );
    const responses = await db()
      .db.selectFrom('survey_responses')
      .select('id')
      .where('survey_id', '=', open.id)
      .execute();
    expect(answered.length).toBe(hashes.size);
    expect(responses.length).toBe(answered.length);
    expect(answered.length / open.invited!).toBeGreaterThan(0.15);
    expect(answered.length / open.invited!).toBeLessThan(0.7);
    const respondent = await personActor(db(), answered[0]!.email!);
    await expect(submitResponse(deps, respondent, open.id, { nps: 9 })).rejects.toBeInstanceOf(
      Conflict,
    );
    // The developer can answer now, once.
    await submitResponse(deps, developer, open.id, { nps: 9, comment: 'Trying the demo.' });
    expect((await openSurveysFor(deps, developer))[0]!.answered).toBe(true);
  }, 120_000);

  it('writes a year of pulses: completed months shown where there are enough, the current month never; recent pulses hold the throttle', async () => {
    await demo(db());
    const deps = testDeps(db());
    const months = await db()
      .db.selectFrom('pulses')
      .select((eb) => ['month', eb.fn.countAll().as('n')])
      .groupBy('month')
      .orderBy('month')
      .execute();
    expect(months.length).toBeGreaterThanOrEqual(12);
    expect(months.every((m) => m.month <= TODAY.slice(0, 7))).toBe(true);
    const capabilities = await db()
      .db.selectFrom('pulses')
      .select('capability_id')
      .distinct()
      .execute();
    expect(capabilities.length).toBeGreaterThanOrEqual(6);

    const results = await pulseResults(db().db, {
      capability: 'deploy-pipeline',
      period: '2026-Q3',
      k: 5,
      kComment: 10,
      now: new Date(`${TODAY}T12:00:00Z`),
    });
    expect(results.months).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(results.cuts.some((c) => c.month !== null && c.rating.status === 'shown')).toBe(true);
    // Some capability-months have too few pulses to show.
    let hidden = 0;
    for (const slug of [
      'service-templates',
      'feature-flags',
      'preview-environments',
      'observability-stack',
    ]) {
      const r = await pulseResults(db().db, {
        capability: slug,
        period: '2026-Q2',
        k: 5,
        kComment: 10,
        now: new Date(`${TODAY}T12:00:00Z`),
      });
      hidden += r.cuts.filter((c) => c.touchpoint === null && c.status === 'hidden').length;
    }
    expect(hidden).toBeGreaterThan(0);
    // The current month is never among the months shown.
    const current = await pulseResults(db().db, {
      capability: 'deploy-pipeline',
      period: '2026-Q4',
      k: 5,
      kComment: 10,
      now: new Date(`${TODAY}T12:00:00Z`),
    });
    expect(current.months).toEqual(['2026-10']);

    // Throttle records: only for the last cooldown, dates only; the demo's developer may pulse at once.
    const throttle = await db().db.selectFrom('pulse_throttle').selectAll().execute();
    expect(throttle.length).toBeGreaterThan(0);
    for (const t of throttle) {
      expect(t.last_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(t.last_on >= '2026-10-03' && t.last_on <= TODAY).toBe(true);
    }
    const accounts = await getSetting(db().db, demoAccounts);
    const developer = await personActor(db(), accounts.find((a) => a.role === 'developer')!.email);
    const status = await pulseStatus(
      deps,
      developer,
      'deploy-pipeline',
      new Date(`${TODAY}T12:00:00Z`),
    );
    expect(status.nextOn).toBeNull();
  }, 120_000);

  it('gives the same surveys and pulses for the same seed, and others for another seed', async () => {
    const projection = async () => {
      const teams = new Map(
        (await db().db.selectFrom('teams').select(['id', 'slug']).execute()).map((t) => [
          t.id,
          t.slug,
        ]),
      );
      const surveys = new Map(
        (await db().db.selectFrom('surveys').select(['id', 'period']).execute()).map((s) => [
          s.id,
          s.period,
        ]),
      );
      const answers = (
        await db()
          .db.selectFrom('survey_answers')
          .select(['survey_id', 'team_id', 'tenure_band', 'level_band', 'question', 'value'])
          .execute()
      ).map((a) =>
        [
          surveys.get(a.survey_id),
          teams.get(a.team_id ?? ''),
          a.tenure_band,
          a.level_band,
          a.question.replace(/^custom:.*/, 'custom'),
          a.value,
        ].join(' '),
      );
      const comments = (
        await db().db.selectFrom('survey_comments').select(['survey_id', 'body']).execute()
      ).map((c) => `${surveys.get(c.survey_id)} ${c.body}`);
      const pulses = (
        await db()
          .db.selectFrom('pulses')
          .innerJoin('capabilities', 'capabilities.id', 'pulses.capability_id')
          .select(['slug', 'month', 'rating', 'touchpoint', 'comment'])
          .execute()
      ).map((p) => [p.slug, p.month, p.rating, p.touchpoint, p.comment].join(' '));
      return [...answers.sort(), ...comments.sort(), ...pulses.sort()];
    };
    await demo(db(), 42);
    const first = await projection();
    expect(first.length).toBeGreaterThan(500);
    await demo(db(), 42);
    expect(await projection()).toEqual(first);
    await demo(db(), 7);
    expect(await projection()).not.toEqual(first);
  }, 180_000);
});
