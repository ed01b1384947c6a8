import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { get } from '../capabilities/pages-testing.ts';
import { hoursLost, npsChange, npsFromCounts, topBox } from '../core/stats.ts';
import type { Survey } from './model.ts';
import { ResultsView } from './pages-results.tsx';
import { closedSurvey, openedSurvey, seedSurveyPages } from './pages-testing.ts';
import { type CutResults, HIDDEN_TEXT, type SurveyResults, surveyResults } from './results.ts';
import { changeText, npsText, rateText, signed } from './words.ts';

/** The `<tr>` of the table row whose first cell names `label`. */
function rowOf(html: string, label: string): string {
  const at = html.indexOf(`>${label}</span></td>`);
  expect(at, `a row for ${label}`).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf('<tr>', at), html.indexOf('</tr>', at));
}

describeEngines('survey results page', (handle) => {
  it('words the results the service computed: NPS with interval and n, response rate, capabilities, comments, a chart with its table', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await closedSurvey(seed);
    const page = await get(handle(), `/surveys/${survey.id}/results`, seed.users.ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Results of Q4 platform survey</h1>');
    // 10, 9, 9, 8, 7, 6, 3, 10: 4 promoters, 2 detractors of 8.
    const expected = npsText(npsFromCounts(4, 2, 2));
    expect(expected).toMatch(/^25 \(95% interval −?\d+ to \d+, 8 answers\)$/);
    expect(page.html).toContain('<span class="figure-value">NPS 25</span>');
    expect(page.html).toContain(expected);
    expect(page.html).toContain('No earlier period to compare with.');
    const results = await surveyResults(handle().db, survey.id, 'team');
    const root = results.cuts.find((c) => c.kind === 'all')!;
    expect(page.html).toContain(
      `${root.responseRate!.numerator} of ${root.responseRate!.denominator} people asked`,
    );
    expect(page.html).toContain('High mental effort (lower is better)');
    expect(page.html).toContain('Self-reported, so read it as an upper bound.');
    // Checkout's two answers never show on their own.
    expect(rowOf(page.html, 'Checkout')).not.toMatch(/\d+%|interval|hours/);
    expect(page.html).toContain('Deploy pipeline');
    expect(page.html).toContain('100% (95% interval');
    expect(page.html).toContain('<h2 id="comments" tabindex="-1">Comments</h2>');
    expect(page.html).toContain('Everyone: 8 comments');
    expect(page.html).toContain('<li class="prose">Comment number 7.</li>');
    expect(page.html).toContain('Net Promoter Score by team, with 95% intervals');
    expect(page.html).toContain('<summary>Show the numbers as a table</summary>');
    expect(page.html).not.toContain('<script');
  });

  it('cuts by tenure and level, and refuses an unknown dimension with a 400', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await closedSurvey(seed);
    const tenure = await get(handle(), `/surveys/${survey.id}/results?by=tenure`, seed.users.ada);
    expect(tenure.status).toBe(200);
    expect(tenure.html).toContain(
      '<option value="tenure" selected="">Time at the company</option>',
    );
    expect(tenure.html).toContain('<h2>By time at the company</h2>');
    const level = await get(handle(), `/surveys/${survey.id}/results?by=level`, seed.users.ada);
    expect(level.status).toBe(200);
    expect(level.html).toContain('<h2>By level</h2>');
    const bad = await get(handle(), `/surveys/${survey.id}/results?by=person`, seed.users.ada);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(
      '<a href="#field-by">Group the results by team, time at the company or level.</a>',
    );
  });

  it('has no results while a survey is open', async () => {
    const seed = await seedSurveyPages(handle());
    const survey = await openedSurvey(seed);
    const page = await get(handle(), `/surveys/${survey.id}/results`, seed.users.barbara);
    expect(page.status).toBe(409);
    expect(page.html).toContain('Results appear when the survey closes');
  });
});

// ---- The view over hand-made results: every status a figure can have ----

const survey: Survey = {
  id: 's1',
  title: 'Q4 platform survey',
  period: '2026-Q4',
  state: 'closed',
  audience: 'all',
  teamIds: [],
  opensOn: null,
  closesOn: null,
  k: 5,
  kComment: 10,
  invited: 40,
  responded: 30,
  questions: [
    { id: 'q1', position: 0, kind: 'rating', prompt: 'How are the docs?', required: false },
  ],
  createdBy: null,
  createdAt: '2026-10-01T00:00:00Z',
  updatedAt: '2026-10-01T00:00:00Z',
  openedAt: '2026-10-01T00:00:00Z',
  closedAt: '2026-12-13T00:00:00Z',
  remindedAt: null,
};

const hidden = { status: 'hidden' as const };
const empty = { status: 'empty' as const };

function shownCut(
  key: string,
  label: string,
  depth: number,
  scores: [number, number, number],
): CutResults {
  const n = scores[0] + scores[1] + scores[2];
  return {
    key,
    label,
    parent: depth === 0 ? null : 'all',
    depth,
    kind: depth === 0 ? 'all' : 'team',
    status: 'shown',
    respondents: n,
    nps: { status: 'shown', ...npsFromCounts(...scores) },
    cognitiveLoad: { status: 'shown', ...topBox([1, 2, 4, 5, 3], 4), mean: 3 },
    hoursLost: { status: 'shown', ...hoursLost([0, 0.5, 1.5, 3, 6, 10]) },
    capabilities: [
      {
        capabilityId: 'c1',
        slug: 'deploy-pipeline',
        name: 'Deploy pipeline',
        csat: { status: 'shown', ...topBox([4, 5, 2, 4, 4], 4), mean: 3.8 },
        effort: hidden,
      },
    ],
    custom: [
      {
        questionId: 'q1',
        prompt: 'How are the docs?',
        kind: 'rating',
        comparable: false,
        rating: { status: 'shown', ...topBox([5, 4, 4, 1, 2], 4), mean: 3.2 },
      },
    ],
    comments: {
      status: 'shown',
      items: [{ question: 'comment', prompt: 'Anything else?', body: 'Builds are slow.' }],
    },
    responseRate: { value: 75, numerator: 30, denominator: 40 },
  };
}

function withheldCut(key: string, label: string, status: 'hidden' | 'empty'): CutResults {
  const f = status === 'hidden' ? hidden : empty;
  return {
    key,
    label,
    parent: 'all',
    depth: 1,
    kind: 'team',
    status,
    respondents: null,
    nps: f,
    cognitiveLoad: f,
    hoursLost: f,
    capabilities: [
      { capabilityId: 'c1', slug: 'deploy-pipeline', name: 'Deploy pipeline', csat: f, effort: f },
    ],
    custom: [
      {
        questionId: 'q1',
        prompt: 'How are the docs?',
        kind: 'rating',
        comparable: false,
        rating: f,
      },
    ],
    comments: f,
    responseRate: null,
  };
}

function fakeResults(): SurveyResults {
  const previous = npsFromCounts(5, 10, 10);
  const current = npsFromCounts(15, 10, 5);
  return {
    survey,
    by: 'team',
    k: 5,
    kComment: 10,
    respondents: 30,
    invited: 40,
    change: {
      previousSurveyId: 's0',
      previousPeriod: '2026-Q3',
      previous,
      change: npsChange(current, previous),
    },
    cuts: [
      shownCut('all', 'Everyone', 0, [15, 10, 5]),
      shownCut('team:a', 'Payments', 1, [10, 6, 4]),
      withheldCut('team:b', 'Checkout', 'hidden'),
      withheldCut('team:c', 'Ledger', 'empty'),
    ],
  };
}

it('says a hidden group is hidden in shared/UX.md’s words, without its count, and an empty one has no answers', async () => {
  const html = String(await (<ResultsView results={fakeResults()} />).toString());
  const checkout = rowOf(html, 'Checkout');
  expect(checkout).toContain(HIDDEN_TEXT);
  expect(checkout.replace(/<[^>]+>/g, '')).not.toMatch(/\d/);
  expect(rowOf(html, 'Ledger')).toContain('No answers');
  expect(rowOf(html, 'Payments')).toContain(npsText(npsFromCounts(10, 6, 4)));
  expect(html).toContain(`<p class="note">“Not shown”: ${HIDDEN_TEXT}`);
  // The headline: NPS, its change with the test in words, response rate, load, hours.
  expect(html).toContain('<span class="figure-value">NPS 33</span>');
  expect(html).toContain('up 53 since Q3 2026 — a significant change');
  expect(html).toContain(rateText(75, 30, 40));
  expect(html).toContain('<dt>High mental effort (lower is better)</dt>');
  expect(html).toContain('about 0.5 full-time people (FTE) in total, from 6 answers');
  // Effort was hidden for the capability: its cell says so.
  expect(html).toMatch(
    /<td>Deploy pipeline<\/td><td>80% \(95% interval \d+% to \d+%, 5 answers\)<\/td><td class="num">3\.8<\/td><td><span class="muted">Not shown<\/span><\/td>/,
  );
  // Custom questions are apart and marked.
  expect(html).toContain('<span class="status">Not comparable across periods</span>');
  expect(html).toContain('Builds are slow.');
});

it('lists the comments of the group asked for, 20 at a time', async () => {
  const results = fakeResults();
  const root = results.cuts[0]!;
  root.comments = {
    status: 'shown',
    items: Array.from({ length: 25 }, (_, i) => ({
      question: 'fix',
      prompt: 'What one thing should the platform fix?',
      body: `Fix ${i + 1}`,
    })),
  };
  const first = String(await (<ResultsView results={results} />).toString());
  expect(first).toContain('Everyone: 25 comments');
  expect(first).toContain('Fix 20</li>');
  expect(first).not.toContain('Fix 21</li>');
  expect(first).toContain('Show all 25 comments');
  const all = String(await (<ResultsView results={results} allComments />).toString());
  expect(all).toContain('Fix 25</li>');
  const payments = String(await (<ResultsView results={results} comments="team:a" />).toString());
  expect(payments).toContain('Payments: 1 comment');
});

it('words a change with its test', () => {
  const before = npsFromCounts(5, 5, 10);
  const change = (after: ReturnType<typeof npsFromCounts>) => ({
    previousPeriod: '2026-Q3',
    ...npsChange(after, before),
  });
  expect(changeText(change(npsFromCounts(12, 5, 3)))).toBe(
    'up 70 since Q3 2026 — a significant change',
  );
  expect(changeText(change(npsFromCounts(6, 5, 9)))).toBe(
    'up 10 since Q3 2026 — not a significant change',
  );
  expect(changeText(change(npsFromCounts(4, 5, 11)))).toBe(
    'down 10 since Q3 2026 — not a significant change',
  );
  expect(signed(-12.4)).toBe('−12');
});
