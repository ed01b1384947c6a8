import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { get } from '../capabilities/pages-testing.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { setSetting } from '../core/settings.ts';
import { hoursLost, npsChange, npsFromCounts, topBox } from '../core/stats.ts';
import type { Survey } from './model.ts';
import { GROUPS_PAGE, ResultsView } from './pages-results.tsx';
import { closedSurvey, dayFromNow, openedSurvey, seedSurveyPages } from './pages-testing.ts';
import { type CutResults, HIDDEN_TEXT, type SurveyResults, surveyResults } from './results.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from './service.ts';
import { capabilityFor, seedSurveyOrg, type TeamSpec } from './testing.ts';
import { changeText, npsText, rateText, signed } from './words.ts';

/** The `<tr>` of the groups table row whose first cell names `label` (linked or not). */
function rowOf(html: string, label: string): string {
  const match = new RegExp(`>${label}(</a>)?</span></td>`).exec(html);
  const at = match?.index ?? -1;
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
    expect(tenure.html).toContain('<h2 id="groups" tabindex="-1">By time at the company</h2>');
    const level = await get(handle(), `/surveys/${survey.id}/results?by=level`, seed.users.ada);
    expect(level.status).toBe(200);
    expect(level.html).toContain('<h2 id="groups" tabindex="-1">By level</h2>');
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

// ---- Many groups: one page at a time, only what the cut engine published ----

/** Three areas of twenty teams; every fifth team has one person (hidden), the rest three. */
const MANY_TEAMS: TeamSpec[] = ['north', 'south', 'west'].flatMap((area) => [
  { slug: area, people: 0 },
  ...Array.from({ length: 20 }, (_, i) => ({
    slug: `${area}-team-${String(i + 1).padStart(2, '0')}`,
    parent: area,
    people: i % 5 === 0 ? 1 : 3,
  })),
]);

/** The groups table's rows as [group name, row text], in order. */
function groupRows(html: string): [string, string][] {
  const start = html.indexOf('Every figure by team');
  expect(start, 'the groups table').toBeGreaterThan(-1);
  const table = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return table
    .split('<tr>')
    .slice(1)
    .map((row) => {
      const name = /<span class="cut[^"]*">(?:<a [^>]*>)?([^<]+)/.exec(row)![1]!;
      return [name, row.replace(/<[^>]+>/g, ' ').replace(/&#39;|&quot;/g, '')];
    });
}

describeEngines('survey results page with many groups', (handle) => {
  it('shows a page of groups at a time, with links through every page, each group one the cut engine published', async () => {
    const org = await seedSurveyOrg(handle(), MANY_TEAMS);
    await setSetting(handle().db, anonymityK, 3);
    await setSetting(handle().db, anonymityKComment, 3);
    const capability = await capabilityFor(handle().db, 'ci-runners', [
      org.teams['north-team-02']!,
      org.teams['north-team-03']!,
    ]);
    const admin = await signIn(handle(), 'admin');
    const draft = await createSurvey(handle().db, org.platform, {
      title: 'Big survey',
      period: '2026-Q4',
      audience: 'all',
      closesOn: dayFromNow(14),
    });
    await openSurvey(org.deps, org.platform, draft.id);
    for (const [i, person] of org.all.entries()) {
      await submitResponse(org.deps, person, draft.id, {
        nps: i % 11,
        comment: `Said ${i}.`,
        ...(person.teamId === org.teams['north-team-02'] ||
        person.teamId === org.teams['north-team-03']
          ? { capabilities: { 'ci-runners': { csat: 4, effort: 6 } } }
          : {}),
      });
    }
    await closeSurvey(org.deps, org.platform, draft.id);
    const full = await surveyResults(handle().db, draft.id, 'team');
    const groups = full.cuts.filter((c) => c.kind !== 'all');
    const expectedPages = Math.ceil(groups.length / GROUPS_PAGE);
    expect(expectedPages).toBeGreaterThanOrEqual(3);
    expect(groups.some((c) => c.status === 'hidden')).toBe(true);
    const byLabel = new Map(groups.map((c) => [c.label, c]));

    // Walk the pages by their "Next" links, without script.
    const seen: string[] = [];
    let path: string | null = `/surveys/${draft.id}/results`;
    let pages = 0;
    while (path) {
      const page = await get(handle(), path, admin);
      expect(page.status).toBe(200);
      pages++;
      // Each page of groups is within the first-response budget (14 KB compressed).
      expect(gzipSync(page.html).length).toBeLessThan(14 * 1024);
      const rows = groupRows(page.html);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(GROUPS_PAGE);
      for (const [name, text] of rows) {
        const cut = byLabel.get(name);
        expect(cut, `${name} is a group the results list`).toBeDefined();
        seen.push(name);
        const figures = text.replaceAll(name, '').replace(/\(within [^)]*\)/, '');
        if (cut!.status === 'hidden') {
          expect(text).toContain(HIDDEN_TEXT);
          expect(figures, `${name} is hidden`).not.toMatch(/\d/);
        } else if (cut!.nps.status === 'shown') {
          expect(text).toContain(npsText(cut!.nps));
        } else {
          expect(figures).not.toMatch(/interval/);
        }
      }
      // The chart beside the table has only Everyone and this page's groups.
      const chart = page.html.slice(
        page.html.indexOf('Net Promoter Score by team, with 95% intervals'),
        page.html.indexOf('</figure>'),
      );
      const charted = [...chart.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]!);
      expect(charted.length).toBeGreaterThan(1);
      for (const name of charted) {
        expect(name === 'Everyone' || rows.some(([n]) => n === name), name).toBe(true);
      }
      const next = /<a href="([^"]+)" rel="next">/.exec(page.html)?.[1];
      path = next ? next.replace(/&amp;/g, '&') : null;
      if (pages === 1) {
        expect(path).toBe(`/surveys/${draft.id}/results?by=team&page=2#groups`);
        expect(page.html).not.toContain('rel="prev"');
        expect(page.html).toContain(
          `Page 1 of ${expectedPages}: groups 1 to 25 of ${groups.length}`,
        );
      }
      if (pages === 2) {
        const prev = /<a href="([^"]+)" rel="prev">/.exec(page.html)![1]!.replace(/&amp;/g, '&');
        expect(prev).toBe(`/surveys/${draft.id}/results?by=team#groups`);
        // A team whose area is on the page before says where it sits.
        expect(page.html).toMatch(/\(within (North|South|West)\)/);
      }
    }
    expect(pages).toBe(expectedPages);
    // Every group once, in the results' own order.
    expect(seen).toEqual(groups.map((c) => c.label));

    // A page past the last shows the last; a search narrows the groups by name.
    const last = await get(handle(), `/surveys/${draft.id}/results?page=99`, admin);
    expect(groupRows(last.html).map(([n]) => n)).toEqual(
      groups.slice((expectedPages - 1) * GROUPS_PAGE).map((c) => c.label),
    );
    const found = await get(handle(), `/surveys/${draft.id}/results?q=Team%202`, admin);
    expect(groupRows(found.html).map(([n]) => n)).toEqual(
      groups.filter((c) => c.label.includes('Team 2')).map((c) => c.label),
    );
    expect(found.html).not.toContain('rel="next"');

    // One capability by group, for the page's groups; one group by capability.
    const north2 = groups.find((c) => c.label === 'North Team 02')!;
    expect(north2.status).toBe('shown');
    const detail = await get(
      handle(),
      `/surveys/${draft.id}/results?capability=ci-runners&group=${encodeURIComponent(north2.key)}`,
      admin,
    );
    expect(detail.html).toContain('ci runners: satisfaction and effort by team, groups 1 to 25');
    expect(detail.html).toContain('North Team 02: satisfaction and effort by capability');
    expect(detail.html).toContain('100% (95% interval');
    const hiddenGroup = groups.find((c) => c.status === 'hidden' && c.kind === 'team')!;
    const hiddenDetail = await get(
      handle(),
      `/surveys/${draft.id}/results?group=${encodeURIComponent(hiddenGroup.key)}`,
      admin,
    );
    const section = hiddenDetail.html.slice(hiddenDetail.html.indexOf('id="group-detail"'));
    expect(section).toContain(HIDDEN_TEXT);
    expect(section.slice(0, section.indexOf('</p>'))).not.toContain('interval');
    expect(capability).toBeTruthy();
  });
});
