import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { Conflict } from '../core/errors.ts';
import { HIDDEN_TEXT, surveyHeadline, surveyResults } from './results.ts';
import { resultsCsv } from './results-csv.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from './service.ts';
import { capabilityFor, type SurveyOrg, seedSurveyOrg } from './testing.ts';

// Engineering (2 managers) › Payments (12), Platform (11), Tiny (3). Tiny has
// fewer than k invitees, so its answers are stored as Engineering's own.
const ORG = [
  { slug: 'engineering', people: 2 },
  { slug: 'payments', parent: 'engineering', people: 12 },
  { slug: 'platform', parent: 'engineering', people: 11 },
  { slug: 'tiny', parent: 'engineering', people: 3 },
];

describeEngines('survey results', (handle) => {
  async function survey(
    org: SurveyOrg,
    period: string,
    questions = [] as Array<{ kind: 'rating' | 'text'; prompt: string }>,
  ) {
    const draft = await createSurvey(handle().db, org.platform, {
      title: `${period} platform survey`,
      period,
      audience: 'all',
      questions,
    });
    return openSurvey(org.deps, org.platform, draft.id);
  }

  it('counts response rates per team from who answered, not from the coarsened answers', async () => {
    // Payments (4) and Checkout (2) are under k, so their answers are stored as
    // Engineering's own; Platform (5) answers 4 of 5, a cell under k at close.
    const org = await seedSurveyOrg(handle(), [
      { slug: 'engineering', people: 0 },
      { slug: 'payments', parent: 'engineering', people: 4 },
      { slug: 'checkout', parent: 'engineering', people: 2 },
      { slug: 'platform', parent: 'engineering', people: 5 },
    ]);
    const q4 = await survey(org, '2026-Q4');
    const answering = [
      ...org.people.payments!.slice(0, 3),
      ...org.people.checkout!.slice(0, 1),
      ...org.people.platform!.slice(0, 4),
    ];
    for (const p of answering) await submitResponse(org.deps, p, q4.id, { nps: 9 });
    await closeSurvey(org.deps, org.platform, q4.id);

    const results = await surveyResults(handle().db, q4.id, 'team');
    const cut = (label: string) => results.cuts.find((c) => c.label === label)!;
    expect(cut('Everyone').responseRate).toMatchObject({ numerator: 8, denominator: 11 });
    expect(cut('Engineering').responseRate).toMatchObject({ numerator: 8, denominator: 11 });
    expect(cut('Platform').responseRate).toMatchObject({ numerator: 4, denominator: 5 });
    // Under k invitees: no rate of its own.
    expect(cut('Payments').responseRate).toBeNull();
  });

  it('shows each cut with its figures, hides what the rules hide, and compares with the previous period', async () => {
    const org = await seedSurveyOrg(handle(), ORG);
    await capabilityFor(handle().db, 'deploy-pipeline', [org.teams.payments!, org.teams.platform!]);
    // Q3: everyone a detractor.
    const q3 = await survey(org, '2026-Q3');
    for (const p of org.all) await submitResponse(org.deps, p, q3.id, { nps: 5 });
    await closeSurvey(org.deps, org.platform, q3.id);

    const q4 = await survey(org, '2026-Q4', [{ kind: 'rating', prompt: 'How good are the docs?' }]);
    const docs = q4.questions[0]!.id;
    await expect(surveyResults(handle().db, q4.id, 'team')).rejects.toThrow(Conflict);
    await expect(surveyHeadline(handle().db, q4.id)).rejects.toThrow(Conflict);
    const paymentsNps = [10, 10, 10, 9, 9, 8, 8, 7, 5, 3, 2, 0];
    for (const [i, p] of org.people.payments!.entries()) {
      await submitResponse(org.deps, p, q4.id, {
        nps: paymentsNps[i],
        comment: `payments comment ${i}`,
        capabilities: { 'deploy-pipeline': { csat: 4, effort: 6 } },
        custom: { [docs]: 4 },
      });
    }
    for (const p of org.people.platform!.slice(0, 10)) {
      await submitResponse(org.deps, p, q4.id, {
        nps: 9,
        comment: 'platform comment',
        capabilities: { 'deploy-pipeline': { csat: 2 } },
      });
    }
    for (const p of [...org.people.tiny!, ...org.people.engineering!]) {
      await submitResponse(org.deps, p, q4.id, { nps: p.email.startsWith('tiny') ? 0 : 6 });
    }
    await closeSurvey(org.deps, org.platform, q4.id);

    const results = await surveyResults(handle().db, q4.id, 'team');
    const cut = (label: string) => results.cuts.find((c) => c.label === label)!;
    expect(results.cuts.map((c) => [c.label, c.status, c.respondents])).toEqual([
      ['Everyone', 'shown', 27],
      ['Engineering', 'shown', 27],
      ['Engineering: members not in a sub-team', 'shown', 5],
      ['Payments', 'shown', 12],
      ['Platform', 'shown', 10],
      ['Tiny', 'hidden', null],
    ]);
    // Everyone: 15 promoters, 3 passives, 9 detractors of 27.
    expect(cut('Everyone').nps).toMatchObject({
      status: 'shown',
      n: 27,
      promoters: 15,
      detractors: 9,
    });
    expect((cut('Everyone').nps as { score: number }).score).toBeCloseTo(100 * (6 / 27), 6);
    expect((cut('Payments').nps as { score: number }).score).toBeCloseTo(100 / 12, 6);
    expect(cut('Platform').nps).toMatchObject({ status: 'shown', score: 100, n: 10 });
    expect(cut('Engineering: members not in a sub-team').nps).toMatchObject({ score: -100, n: 5 });
    // A hidden cut carries no numbers at all.
    expect(cut('Tiny').nps).toEqual({ status: 'hidden' });
    expect(cut('Tiny').comments).toEqual({ status: 'hidden' });
    // CSAT: Payments all 4 (satisfied), Platform all 2.
    const csat = (label: string) => cut(label).capabilities[0]!.csat;
    expect(csat('Everyone')).toMatchObject({ status: 'shown', n: 22, count: 12 });
    expect(csat('Payments')).toMatchObject({ value: 100, n: 12, mean: 4 });
    expect(csat('Platform')).toMatchObject({ value: 0, n: 10 });
    expect(csat('Engineering: members not in a sub-team')).toEqual({ status: 'empty' });
    expect(cut('Platform').capabilities[0]!.effort).toEqual({ status: 'empty' });
    // Comments need k_comment (10): the 5 are hidden, so the next smallest (Platform, 10) is too.
    expect(cut('Everyone').comments.status).toBe('shown');
    expect(cut('Payments').comments.status).toBe('shown');
    expect(cut('Platform').comments).toEqual({ status: 'hidden' });
    expect(cut('Engineering: members not in a sub-team').comments).toEqual({ status: 'hidden' });
    const everyone = cut('Everyone').comments as { items: { body: string }[] };
    expect(everyone.items).toHaveLength(22);
    // Comments come back in the order of their text, never of their arrival.
    const bodies = everyone.items.map((i) => i.body);
    expect(bodies).toEqual([...bodies].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // The custom question is marked not comparable.
    expect(cut('Payments').custom[0]).toMatchObject({
      comparable: false,
      rating: { status: 'shown', n: 12, value: 100 },
    });
    // Response rates: teams with at least k invitees only.
    expect(cut('Everyone').responseRate).toMatchObject({ numerator: 27, denominator: 28 });
    expect(cut('Platform').responseRate).toMatchObject({ numerator: 10, denominator: 11 });
    expect(cut('Tiny').responseRate).toBeNull();
    // Against Q3's −100: up 122, significant.
    expect(results.change?.previousPeriod).toBe('2026-Q3');
    expect(results.change?.change.delta).toBeCloseTo(100 * (6 / 27) + 100, 6);
    expect(results.change?.change.significant).toBe(true);
    // Everyone's figures read alone, as the report reads them: the same, change included.
    const headline = await surveyHeadline(handle().db, results.survey.id);
    expect(headline.everyone.nps).toEqual(cut('Everyone').nps);
    expect(headline.everyone.comments).toEqual(cut('Everyone').comments);
    expect(headline.everyone.responseRate).toMatchObject({ numerator: 27, denominator: 28 });
    expect(headline.change).toEqual(results.change);

    const csv = resultsCsv(results);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('dimension,cut,parent,metric,item,status,n,value,low,high,mean,text');
    const tiny = lines.filter((l) => l.startsWith('team,Tiny,'));
    expect(tiny.length).toBeGreaterThan(0);
    for (const line of tiny) {
      expect(line).toContain('hidden');
      expect(line).toContain(HIDDEN_TEXT.slice(0, 30));
      expect(line).not.toMatch(/,\d+,/);
    }
    const platformComments = lines.filter(
      (l) => l.startsWith('team,Platform,') && l.includes(',comment,'),
    );
    expect(platformComments).toEqual([expect.stringContaining(',hidden,')]);
    expect(csv).toContain('payments comment 7');
  });

  it('cuts by tenure and level band, never crossed', async () => {
    const org = await seedSurveyOrg(handle(), [
      {
        slug: 'engineering',
        people: 30,
        levels: ['Senior', 'Staff'],
        starts: ['2026-03-01', '2023-01-01', '2015-01-01'],
      },
    ]);
    const q = await survey(org, '2026-Q4');
    for (const p of org.all)
      await submitResponse(org.deps, p, q.id, { cognitiveLoad: 4, hoursLost: '2-4' });
    await closeSurvey(org.deps, org.platform, q.id);
    const byTenure = await surveyResults(handle().db, q.id, 'tenure');
    expect(byTenure.cuts.map((c) => [c.label, c.respondents])).toEqual([
      ['Everyone', 30],
      ['Less than a year', 10],
      ['3 to 5 years', 10],
      ['5 years or more', 10],
    ]);
    expect(byTenure.cuts[0]!.hoursLost).toMatchObject({ status: 'shown', median: 3, fte: 90 / 40 });
    expect(byTenure.cuts[0]!.cognitiveLoad).toMatchObject({ status: 'shown', value: 100 });
    const byLevel = await surveyResults(handle().db, q.id, 'level');
    expect(byLevel.cuts.map((c) => [c.label, c.respondents])).toEqual([
      ['Everyone', 30],
      ['Senior', 15],
      ['Staff', 15],
    ]);
  });
});
