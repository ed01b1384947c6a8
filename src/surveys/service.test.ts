import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { startSmtpServer } from '../../test/smtp.ts';
import { Conflict, Forbidden, InvalidInput } from '../core/errors.ts';
import { anonymityK } from '../core/privacy.ts';
import { setSetting } from '../core/settings.ts';
import { cellKey } from './model.ts';
import {
  closeSurvey,
  createSurvey,
  editSurvey,
  hasAnswered,
  openSurvey,
  openSurveysFor,
  runSurveySchedule,
  submitResponse,
  surveyForm,
  surveyProgress,
} from './service.ts';
import { getSurvey, responseCells } from './store.ts';
import { seedSurveyOrg } from './testing.ts';

const ORG = [
  { slug: 'engineering', people: 2, levels: ['Senior'] },
  {
    slug: 'payments',
    parent: 'engineering',
    people: 8,
    levels: ['Junior', 'Senior', 'Staff'],
    starts: ['2025-06-01', '2020-01-01'],
  },
  { slug: 'checkout', parent: 'payments', people: 3, levels: ['Senior'] },
  { slug: 'platform', parent: 'engineering', people: 6, starts: ['2026-01-01'] },
];

describeEngines('surveys service', (handle) => {
  async function openOne(org: Awaited<ReturnType<typeof seedSurveyOrg>>, overrides = {}) {
    const draft = await createSurvey(handle().db, org.platform, {
      title: 'Q4 platform survey',
      period: '2026-Q4',
      audience: 'all',
      ...overrides,
    });
    return openSurvey(org.deps, org.platform, draft.id);
  }

  it('opens with the thresholds in force, and an open survey cannot be edited', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    await setSetting(handle().db, anonymityK, 4);
    const survey = await openOne(org);
    expect(survey).toMatchObject({ state: 'open', k: 4, kComment: 10, invited: 19 });
    await setSetting(handle().db, anonymityK, 3);
    expect((await getSurvey(handle().db, survey.id))?.k).toBe(4);
    await expect(editSurvey(handle().db, org.platform, survey.id, { title: 'x' })).rejects.toThrow(
      Conflict,
    );
  });

  it('refuses to open for an audience smaller than k_comment', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const draft = await createSurvey(handle().db, org.platform, {
      title: 'Checkout only',
      period: '2026-Q4',
      audience: 'teams',
      teamIds: [org.teams.checkout!],
    });
    const error = await openSurvey(org.deps, org.platform, draft.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).errors[0]?.path).toBe('teams');
    expect((await getSurvey(handle().db, draft.id))?.state).toBe('draft');
  });

  it('takes one answer per person, shows that they answered, and refuses a second (also at once)', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const survey = await openOne(org);
    const ada = org.people.payments![0]!;
    expect((await surveyForm(org.deps, ada, survey.id)).answered).toBe(false);
    await submitResponse(org.deps, ada, survey.id, { nps: 9, comment: 'Good' });
    expect(await hasAnswered(org.deps, ada, survey.id)).toBe(true);
    await expect(submitResponse(org.deps, ada, survey.id, { nps: 3 })).rejects.toThrow(
      /already answered/,
    );
    const bob = org.people.payments![1]!;
    const results = await Promise.allSettled([
      submitResponse(org.deps, bob, survey.id, { nps: 7 }),
      submitResponse(org.deps, bob, survey.id, { nps: 8 }),
      submitResponse(org.deps, bob, survey.id, { nps: 10 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    }
    expect(await countRows(handle().db, 'survey_responses')).toBe(2);
    expect(await countRows(handle().db, 'survey_answers')).toBe(2);
    expect(await countRows(handle().db, 'survey_comments')).toBe(1);
    const banner = await openSurveysFor(org.deps, ada);
    expect(banner.map((b) => [b.survey.id, b.answered])).toEqual([[survey.id, true]]);
  });

  it('refuses people outside the audience and empty answers', async () => {
    const org = await seedSurveyOrg(handle(), [...ORG, { slug: 'sales', people: 2 }]);
    const survey = await openOne(org, {
      audience: 'teams',
      teamIds: [org.teams.engineering!],
    });
    await expect(
      submitResponse(org.deps, org.people.sales![0]!, survey.id, { nps: 9 }),
    ).rejects.toThrow(Forbidden);
    const error = await submitResponse(org.deps, org.people.platform![0]!, survey.id, {}).catch(
      (e: unknown) => e,
    );
    expect((error as InvalidInput).errors).toEqual([expect.objectContaining({ path: 'answers' })]);
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
  });

  it('at close deletes every hash, coarsens cells under k, and never reopens', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const survey = await openOne(org);
    for (const person of org.all.slice(0, 14)) {
      await submitResponse(org.deps, person, survey.id, { nps: 8, cognitiveLoad: 3 });
    }
    expect(await countRows(handle().db, 'survey_participation')).toBe(14);
    const closed = await closeSurvey(org.deps, org.platform, survey.id);
    expect(closed).toMatchObject({ state: 'closed', responded: 14 });
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
    expect(await countRows(handle().db, 'survey_invitations')).toBe(0);
    const cells = await responseCells(handle().db, survey.id);
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(14);
    for (const cell of cells) expect(cell.n, cellKey(cell)).toBeGreaterThanOrEqual(5);
    await expect(openSurvey(org.deps, org.platform, survey.id)).rejects.toThrow(/never reopens/);
    await expect(submitResponse(org.deps, org.all[15]!, survey.id, { nps: 9 })).rejects.toThrow(
      Conflict,
    );
    const progress = await surveyProgress(org.deps, org.platform, survey.id);
    expect(progress.invited).toBe(19);
  });

  it('without the secret, participation hashes match nobody; with it they match only while open', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const survey = await openOne(org);
    const ada = org.people.payments![0]!;
    await submitResponse(org.deps, ada, survey.id, { nps: 10 });
    const stored = await handle().db.selectFrom('survey_participation').select('hash').execute();
    expect(stored).toHaveLength(1);
    const hash = stored[0]!.hash;
    // Every value a reader without the secret could try: ids, emails, plain hashes of them.
    const { createHash, createHmac } = await import('node:crypto');
    const candidates = org.all.flatMap((p) => [p.personId!, p.email, p.userId]);
    const guesses = candidates.flatMap((c) => [
      c,
      createHash('sha256').update(c).digest('hex'),
      createHash('sha256').update(`${survey.id}${c}`).digest('hex'),
      createHmac('sha256', survey.id).update(c).digest('hex'),
      createHmac('sha256', 'paved').update(`${survey.id}:${c}`).digest('hex'),
    ]);
    expect(guesses).not.toContain(hash);
    // The secret finds her (what reminders need), and nobody else.
    const matching = org.all.filter(
      (p) => testSecret.hmac('survey-participation', survey.id, p.personId!) === hash,
    );
    expect(matching.map((p) => p.personId)).toEqual([ada.personId]);
    // The invitation set is keyed apart, so it cannot be joined with participation.
    const invitations = await handle().db.selectFrom('survey_invitations').select('hash').execute();
    expect(invitations.map((i) => i.hash)).not.toContain(hash);
  });

  it('an answer that cannot be stored leaves no participation, no partial rows and no details in the error', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const survey = await openOne(org);
    await sql`drop table survey_comments`.execute(handle().db);
    const ada = org.people.payments![0]!;
    const error = await submitResponse(org.deps, ada, survey.id, {
      nps: 9,
      comment: 'my very own words',
    })
      .then(() => new Error('stored'))
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/withheld/);
    expect(`${error.message} ${String(error.cause ?? '')} ${error.stack}`).not.toMatch(
      /my very own words|survey_comments/,
    );
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
    expect(await countRows(handle().db, 'survey_answers')).toBe(0);
    expect(await hasAnswered(org.deps, ada, survey.id)).toBe(false);
  });

  it('opens drafts on their opening day and closes surveys after their closing day (background work)', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    const due = await createSurvey(handle().db, org.platform, {
      title: 'Due',
      period: '2026-Q4',
      audience: 'all',
      opensOn: '2026-11-01',
      closesOn: '2026-11-30',
    });
    const later = await createSurvey(handle().db, org.platform, {
      title: 'Later',
      period: '2026-Q4',
      audience: 'all',
      opensOn: '2026-12-01',
    });
    const first = await runSurveySchedule(org.deps, new Date('2026-11-01T08:00:00Z'));
    expect(first).toEqual({ opened: [due.id], closed: [], reminded: [] });
    // A second instance running the same work finds nothing to do.
    expect(await runSurveySchedule(org.deps, new Date('2026-11-01T08:00:00Z'))).toEqual({
      opened: [],
      closed: [],
      reminded: [],
    });
    expect(await runSurveySchedule(org.deps, new Date('2026-11-30T23:00:00Z'))).toEqual({
      opened: [],
      closed: [],
      reminded: [],
    });
    const last = await runSurveySchedule(org.deps, new Date('2026-12-01T00:10:00Z'));
    expect(last).toEqual({ opened: [later.id], closed: [due.id], reminded: [] });
    expect((await getSurvey(handle().db, due.id))?.state).toBe('closed');
    expect(await countRows(handle().db, 'survey_participation')).toBe(0);
  });

  it('reminds those who have not answered once, two days before closing, when mail is configured', async () => {
    const smtp = await startSmtpServer();
    try {
      const org = await seedSurveyOrg(handle(), ORG, { PAVED_SMTP_URL: smtp.url });
      const draft = await createSurvey(handle().db, org.platform, {
        title: 'Q4',
        period: '2026-Q4',
        audience: 'all',
        closesOn: '2026-11-30',
      });
      const survey = await openSurvey(
        org.deps,
        org.platform,
        draft.id,
        new Date('2026-11-02T09:00:00Z'),
      );
      expect(smtp.messages).toHaveLength(19);
      const answered = org.all.slice(0, 15);
      for (const p of answered) await submitResponse(org.deps, p, survey.id, { nps: 7 });
      smtp.messages.length = 0;
      expect(
        (await runSurveySchedule(org.deps, new Date('2026-11-27T09:00:00Z'))).reminded,
      ).toEqual([]);
      expect(
        (await runSurveySchedule(org.deps, new Date('2026-11-28T09:00:00Z'))).reminded,
      ).toEqual([survey.id]);
      expect(
        (await runSurveySchedule(org.deps, new Date('2026-11-29T10:00:00Z'))).reminded,
      ).toEqual([]);
      expect(smtp.messages.flatMap((m) => m.to).sort()).toEqual(
        org.all
          .slice(15)
          .map((p) => p.email)
          .sort(),
      );
      expect(smtp.messages[0]!.raw).toContain('You have not answered Q4 yet.');
    } finally {
      await smtp.stop();
    }
  });
});
