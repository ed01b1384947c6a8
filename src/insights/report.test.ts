import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { listDecisions } from '../capabilities/store.ts';
import { InvalidInput } from '../core/errors.ts';
import { parsePeriod } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { feedbackFigures } from '../feedback/figures.ts';
import { getItems } from '../feedback/store.ts';
import { researchHighlights } from '../research/synthesis.ts';
import { listEntries } from '../roadmap/changelog.ts';
import { onboardingFigures } from '../signals/figures-onboarding.ts';
import { HIDDEN_TEXT, surveyResults } from '../surveys/results.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from '../surveys/service.ts';
import { closedSurveyFor } from '../surveys/store.ts';
import { seedSurveyOrg } from '../surveys/testing.ts';
import { presentMatrix } from './api-matrix.ts';
import { betasForReport } from './betas.ts';
import { presentSummary } from './betas-api-schemas.ts';
import { matrixFor } from './matrix.ts';
import {
  buildReport,
  firstDeployWindow,
  latestCompletedQuarter,
  reportQuarter,
  reportQuarters,
} from './report.ts';
import { renderReportMarkdown } from './report-markdown.ts';
import { ReportSchema } from './report-schema.ts';
import { REPORT_NOW, REPORT_PERIOD, seedReportOrg } from './report-testing.ts';
import { commentThemes } from './report-themes.ts';
import { reportHtmlDocument } from './report-view.tsx';

it('takes quarters only, and says so naming period', () => {
  expect(reportQuarter('2026-Q4')).toEqual(parsePeriod('2026-Q4'));
  for (const bad of ['2026-11', '2026-Q5', 'Q4', '', 'next quarter']) {
    let error: unknown;
    try {
      reportQuarter(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).errors.map((e) => e.path)).toEqual(['period']);
  }
  expect(latestCompletedQuarter(new Date('2026-11-28T10:00:00Z'))).toBe('2026-Q3');
  expect(latestCompletedQuarter(new Date('2027-01-01T00:00:00Z'))).toBe('2026-Q4');
});

it('follows the twelve months of hires up to the quarter, as of its end or now', () => {
  const q3 = parsePeriod('2026-Q3');
  expect(firstDeployWindow(q3, new Date('2026-12-01T00:00:00Z'))).toEqual({
    since: '2025-10',
    now: new Date('2026-09-30T23:59:59.999Z'),
  });
  expect(firstDeployWindow(q3, new Date('2026-08-15T00:00:00Z')).now).toEqual(
    new Date('2026-08-15T00:00:00Z'),
  );
});

describeEngines('quarterly report', (handle) => {
  it('is the areas’ own figures, unchanged, and validates against its schema', async () => {
    const seed = await seedReportOrg(handle());
    const { db } = handle();
    const report = await buildReport(db, { period: REPORT_PERIOD, now: REPORT_NOW });
    expect(ReportSchema.parse(report)).toEqual(report);
    const period = parsePeriod(REPORT_PERIOD);
    expect(report).toMatchObject({
      period: '2026-Q3',
      start: period.start,
      end: period.end,
      state: 'complete',
      generatedAt: REPORT_NOW.toISOString(),
    });

    // Headline: the survey results' everyone cut, with its change and response rate.
    const survey = (await closedSurveyFor(db, REPORT_PERIOD))!;
    const results = await surveyResults(db, survey.id, 'team');
    const everyone = results.cuts.find((c) => c.kind === 'all')!;
    expect(report.headline.survey).toEqual({
      id: survey.id,
      title: survey.title,
      period: REPORT_PERIOD,
      respondents: results.respondents,
      invited: results.invited,
      k: results.k,
      kComment: results.kComment,
      nps: everyone.nps,
      change: results.change,
      responseRate: everyone.responseRate,
    });
    expect(everyone.nps.status).toBe('shown');
    expect(results.change).not.toBeNull();

    // Time to first deploy: onboarding's own first-deploy figures.
    const onboarding = await onboardingFigures(db, {
      ...firstDeployWindow(period, REPORT_NOW),
      k: await getSetting(db, anonymityK),
    });
    const firstDeploy = onboarding.milestones.find((m) => m.milestone === 'first_deploy')!;
    expect(report.headline.timeToFirstDeploy).toEqual({
      since: onboarding.since,
      asOf: onboarding.asOf,
      k: onboarding.k,
      overall: firstDeploy.overall,
      cohorts: firstDeploy.cohorts,
    });
    expect(firstDeploy.overall?.hires).toBeGreaterThan(0);

    // Feedback acknowledged in time: the feedback area's figures for the quarter.
    expect(report.headline.feedback).toEqual(
      await feedbackFigures(db, seed.org.platform.actor, REPORT_PERIOD, REPORT_NOW),
    );

    // The matrix (and with it the capability table), betas and research: their own functions.
    expect(report.matrix).toEqual(
      presentMatrix(await matrixFor(db, { period: REPORT_PERIOD, now: REPORT_NOW })),
    );
    expect(report.matrix.rows.map((r) => r.capability.slug)).toEqual([
      'deploy-pipeline',
      'preview-environments',
      'secrets-vault',
    ]);
    expect(report.betas).toEqual(
      (await betasForReport(db, { period, now: REPORT_NOW })).map(presentSummary),
    );
    expect(report.betas.map((b) => b.reviews.map((r) => r.outcome))).toEqual([['iterate']]);
    const { period: _period, ...research } = await researchHighlights(db, { period });
    expect(report.research).toEqual(research);
    expect(report.research.notes.total).toBe(2);

    // What developers said: themes over the comments the results show; votes from the store.
    const shown = everyone.comments.status === 'shown' ? everyone.comments.items : [];
    expect(shown).toHaveLength(12);
    const { comments, capabilities, terms } = commentThemes(
      shown.map((c) => c.body),
      report.matrix.rows.map((r) => r.capability),
    );
    expect(report.developersSaid.themes).toEqual({
      status: 'shown',
      comments,
      capabilities,
      terms,
    });
    const top = await getItems(db, [seed.feedback.slow, seed.feedback.flaky]);
    expect(report.developersSaid.topFeedback.map((f) => [f.id, f.votes])).toEqual(
      [seed.feedback.slow, seed.feedback.flaky].map((id) => [
        id,
        top.find((i) => i.id === id)!.votes,
      ]),
    );

    // What we did: the quarter's changelog and decisions, newest first.
    const entries = (await listEntries(db, { limit: 100 })).items.filter(
      (e) => e.publishedAt >= period.start && e.publishedAt < period.end,
    );
    expect(report.whatWeDid.changelog.map((e) => [e.id, e.feedback.map((f) => f.id)])).toEqual(
      entries.map((e) => [e.id, e.feedbackIds]),
    );
    const decisions = (await listDecisions(db, { limit: 100 })).items.filter(
      (d) => d.at >= period.start && d.at < period.end,
    );
    expect(report.whatWeDid.decisions.total).toBe(decisions.length);
    expect(report.whatWeDid.decisions.items.map((d) => d.id)).toEqual(decisions.map((d) => d.id));
    expect(report.whatWeDid.roadmapChanges.map((c) => [c.title, c.change])).toEqual([
      ['Cache builds in the deploy pipeline', 'shipped'],
      ['Rotate secrets without downtime', 'added'],
    ]);
    expect(report.next.map((n) => [n.horizon, n.title])).toEqual([
      ['now', 'Fix flaky integration tests'],
      ['next', 'Rotate secrets without downtime'],
    ]);
  });

  it('has no survey figures for a quarter without a closed survey, and says so', async () => {
    await seedReportOrg(handle());
    const report = await buildReport(handle().db, { period: '2026-Q1', now: REPORT_NOW });
    expect(report.headline.survey).toBeNull();
    expect(report.developersSaid.themes).toEqual({
      status: 'no-survey',
      comments: null,
      capabilities: [],
      terms: [],
    });
    expect(renderReportMarkdown(report)).toContain('No survey closed in Q1 2026');
    // The quarter still running says its figures will change.
    const running = await buildReport(handle().db, { period: '2026-Q4', now: REPORT_NOW });
    expect(running.state).toBe('in-progress');
    expect(renderReportMarkdown(running)).toContain(
      'The quarter is still running: figures are as of 15 Oct 2026 and will change.',
    );
  });

  it('never shows an NPS under k, nor comments under k_comment, in any output', async () => {
    // One team of 12: answers below k (3), then at least k but below k_comment (7).
    const org = await seedSurveyOrg(handle(), [{ slug: 'payments', people: 12 }]);
    const { db } = handle();
    const survey = async (period: string, answering: number, close: string) => {
      const draft = await createSurvey(db, org.platform, {
        title: `${period} survey`,
        period,
        audience: 'all',
      });
      await openSurvey(
        org.deps,
        org.platform,
        draft.id,
        new Date(`${close.slice(0, 8)}01T09:00:00Z`),
      );
      for (const [i, person] of org.all.slice(0, answering).entries()) {
        await submitResponse(org.deps, person, draft.id, {
          nps: 10 - i,
          comment: `Zebra crossing ${i} is a secret only this person wrote.`,
          fix: 'Quokka builds.',
        });
      }
      await closeSurvey(org.deps, org.platform, draft.id, new Date(close));
    };
    await survey('2026-Q2', 3, '2026-06-20T09:00:00Z');
    await survey('2026-Q3', 7, '2026-09-20T09:00:00Z');

    const q2 = await buildReport(db, { period: '2026-Q2', now: REPORT_NOW });
    expect(q2.headline.survey?.nps).toEqual({ status: 'hidden' });
    expect(q2.developersSaid.themes).toEqual({
      status: 'hidden',
      comments: null,
      capabilities: [],
      terms: [],
    });
    const q3 = await buildReport(db, { period: '2026-Q3', now: REPORT_NOW });
    expect(q3.headline.survey?.nps).toMatchObject({ status: 'shown', n: 7 });
    // Q2 was hidden, so there is no change to show either.
    expect(q3.headline.survey?.change).toBeNull();
    expect(q3.developersSaid.themes.status).toBe('hidden');

    for (const report of [q2, q3]) {
      const outputs = [
        JSON.stringify(report),
        renderReportMarkdown(report),
        await reportHtmlDocument(report),
      ];
      for (const text of outputs) {
        expect(text.toLowerCase()).not.toContain('zebra');
        expect(text.toLowerCase()).not.toContain('quokka');
      }
    }
    const q2Markdown = renderReportMarkdown(q2);
    expect(q2Markdown).toContain(HIDDEN_TEXT);
    expect(q2Markdown).not.toMatch(/Net Promoter Score:\*\* -?\d/);
    expect(renderReportMarkdown(q3)).toContain('Comments are not shown');
  });

  it('lists this quarter and the eight before it, with the survey that closed in each', async () => {
    await seedReportOrg(handle());
    const quarters = await reportQuarters(handle().db, REPORT_NOW);
    expect(quarters.map((q) => q.period)).toEqual([
      '2026-Q4',
      '2026-Q3',
      '2026-Q2',
      '2026-Q1',
      '2025-Q4',
      '2025-Q3',
      '2025-Q2',
      '2025-Q1',
      '2024-Q4',
    ]);
    expect(quarters.slice(0, 3)).toEqual([
      { period: '2026-Q4', state: 'in-progress', survey: null },
      { period: '2026-Q3', state: 'complete', survey: '2026-Q3 platform survey' },
      { period: '2026-Q2', state: 'complete', survey: '2026-Q2 platform survey' },
    ]);
  });
});
