// A closed survey's results, cut by one dimension at a time. Every number
// comes from results.ts, which applies the anonymity rules; this page only
// words them. Hidden figures say so in shared/UX.md's words.

import * as Plot from '@observablehq/plot';
import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import type { Rate } from '../core/stats.ts';
import { Chart } from '../core/ui/chart.tsx';
import { DataTable, ErrorSummary, Field, Notice, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { surveyPath } from './pages-shared.tsx';
import {
  type CapabilityFigures,
  type CutResults,
  DIMENSIONS,
  type Dimension,
  type Figure,
  HIDDEN_TEXT,
  type ListedCut,
  type SurveyResults,
  surveyResults,
} from './results.ts';
import { visibleSurvey } from './service.ts';
import {
  BY_WORDS,
  changeText,
  count,
  hours,
  hoursText,
  npsText,
  periodWords,
  rateText,
  shareText,
  signed,
} from './words.ts';

/** How many comments show before "Show all". */
const COMMENTS_SHOWN = 20;

/** How many groups one page of the results shows; the CSV export and the API have them all. */
export const GROUPS_PAGE = 25;

/** What the reader asked the page for, kept in every link of the page. */
export interface ResultsQuery {
  /** The page of groups, from 1. */
  page?: number;
  /** Only groups whose name contains this. */
  q?: string;
  /** The group whose figures by capability to show. */
  group?: string;
  /** The capability (slug) to show by group. */
  capability?: string;
  /** The group whose comments to list. */
  comments?: string;
  all?: boolean;
}

/** One page of groups: which, of how many, and where each sits in the tree when its parent is elsewhere. */
export interface GroupPage {
  page: number;
  pages: number;
  /** Groups matching the search (all groups without one). */
  total: number;
  /** Position of the page's first group among them, from 1. */
  first: number;
  keys: string[];
  /** For a group whose parent is not on the page: the names of the groups it is within. */
  within: Map<string, string>;
}

/**
 * The page of groups asked for, in the cuts' own order (the team tree, each
 * level by name; bands in order). Only listed cuts, with the verdicts decided
 * over all of them: a page shows a slice of what every page shows, never a
 * figure worked out for the page.
 */
export function groupPage(
  cuts: readonly Pick<ListedCut, 'key' | 'label' | 'parent' | 'kind'>[],
  query: Pick<ResultsQuery, 'page' | 'q'>,
): GroupPage {
  const groups = cuts.filter((c) => c.kind !== 'all');
  const q = query.q?.trim().toLocaleLowerCase();
  const matching = q ? groups.filter((c) => c.label.toLocaleLowerCase().includes(q)) : groups;
  const pages = Math.max(1, Math.ceil(matching.length / GROUPS_PAGE));
  const asked = Number.isInteger(query.page) ? (query.page as number) : 1;
  const page = Math.min(Math.max(asked, 1), pages);
  const shown = matching.slice((page - 1) * GROUPS_PAGE, page * GROUPS_PAGE);
  const keys = new Set(shown.map((c) => c.key));
  const byKey = new Map(cuts.map((c) => [c.key, c]));
  const within = new Map<string, string>();
  for (const cut of shown) {
    if (!cut.parent || keys.has(cut.parent)) continue;
    const names: string[] = [];
    for (
      let p = byKey.get(cut.parent);
      p && p.kind !== 'all';
      p = p.parent ? byKey.get(p.parent) : undefined
    ) {
      names.unshift(p.label);
    }
    if (names.length > 0) within.set(cut.key, names.join(' › '));
  }
  return {
    page,
    pages,
    total: matching.length,
    first: (page - 1) * GROUPS_PAGE + 1,
    keys: shown.map((c) => c.key),
    within,
  };
}

/** A link to the results with the reader's choices, changed by `change`. */
function resultsHref(
  results: SurveyResults,
  query: ResultsQuery,
  change: Partial<ResultsQuery>,
  hash = '',
): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams({ by: results.by });
  if (next.q) params.set('q', next.q);
  if (next.page && next.page > 1) params.set('page', String(next.page));
  if (next.group) params.set('group', next.group);
  if (next.capability) params.set('capability', next.capability);
  if (next.comments) params.set('comments', next.comments);
  if (next.all) params.set('all', '1');
  return `${surveyPath(results.survey.id, '/results')}?${params.toString()}${hash}`;
}

const round = (v: number) => Math.round(v);
const answers = (n: number) => count(n);
const num = (n: number) => n.toLocaleString('en-GB');

/** The change with its test, from the results' change. */
function changeWords(change: NonNullable<SurveyResults['change']>): string {
  return changeText({
    previousPeriod: change.previousPeriod,
    delta: change.change.delta,
    significant: change.change.significant,
  });
}

function rateWords(r: Rate | null): string {
  return r ? rateText(r.value, r.numerator, r.denominator) : 'Not shown';
}

/** One figure in a table cell: its words, "No answers", or "Not shown". */
function cell<T>(figure: Figure<T>, words: (f: T) => Child): Child {
  if (figure.status === 'shown') return words(figure as unknown as T);
  if (figure.status === 'empty') return <span class="muted">No answers</span>;
  return <span class="muted">Not shown</span>;
}

function HiddenNote() {
  return (
    <p class="note">
      “Not shown”: {HIDDEN_TEXT} Hidden groups still count in the totals above them.
    </p>
  );
}

/** A group's name short enough for a chart's axis (the table beside it has the whole name). */
function chartLabel(label: string): string {
  return label.length > 28 ? `${label.slice(0, 27)}…` : label;
}

export function registerSurveyResultsPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/surveys/:id/results', policy('survey.results'), async (c) => {
    const survey = await visibleSurvey(db, c.get('actor'), c.req.param('id'));
    const byParam = c.req.query('by') ?? 'team';
    if (!DIMENSIONS.includes(byParam as Dimension)) {
      return renderPage(
        c,
        { title: `Error: results of ${survey.title}`, status: 400 },
        <>
          <h1>Results of {survey.title}</h1>
          <p class="lead">Choose how to group the results.</p>
          <ErrorSummary
            errors={[
              { path: 'by', message: 'Group the results by team, time at the company or level.' },
            ]}
          />
          <ByForm
            id={survey.id}
            by="team"
            error="Group the results by team, time at the company or level."
          />
        </>,
      );
    }
    const by = byParam as Dimension;
    const text = (name: string) => c.req.query(name)?.trim() || undefined;
    const query: ResultsQuery = {
      page: Number.parseInt(c.req.query('page') ?? '1', 10),
      q: text('q'),
      group: text('group'),
      capability: text('capability'),
      comments: text('comments'),
      all: c.req.query('all') === '1',
    };
    // Figures only for the groups this page shows (and the ones chosen for detail
    // or comments): the verdicts are still decided over every group.
    let paging: GroupPage | undefined;
    const results = await surveyResults(db, survey.id, by, {
      pick: (cuts) => {
        paging = groupPage(cuts, query);
        return [
          ...paging.keys,
          ...(query.group ? [query.group] : []),
          ...(query.comments ? [query.comments] : []),
        ];
      },
    });
    return renderPage(
      c,
      { title: `Results of ${survey.title}` },
      <ResultsView
        results={results}
        paging={paging}
        query={query}
        done={c.req.query('done') === 'closed'}
      />,
    );
  });
}

function ByForm(props: { id: string; by: Dimension; error?: string }) {
  return (
    <form
      method="get"
      action={surveyPath(props.id, '/results')}
      class="filters inline-form"
      novalidate
    >
      <SelectField
        name="by"
        label="Group the results by"
        value={props.by}
        error={props.error}
        options={DIMENSIONS.map((d) => ({
          value: d,
          label: BY_WORDS[d][0]!.toUpperCase() + BY_WORDS[d].slice(1),
        }))}
      />
      <button type="submit">Show the results</button>
    </form>
  );
}

/** What a results page shows, given the results and what the reader asked for. */
export function ResultsView(props: {
  results: SurveyResults;
  /** The page of groups; without it, the page asked for of `results.cuts`. */
  paging?: GroupPage;
  query?: ResultsQuery;
  done?: boolean;
  /** The cut whose comments to list (also `query.comments`). */
  comments?: string;
  allComments?: boolean;
}) {
  const { results } = props;
  const query: ResultsQuery = {
    ...props.query,
    ...(props.comments ? { comments: props.comments } : {}),
    ...(props.allComments ? { all: true } : {}),
  };
  const { survey, by, cuts } = results;
  const paging = props.paging ?? groupPage(cuts, query);
  const byKey = new Map(cuts.map((c) => [c.key, c]));
  const root = cuts.find((x) => x.kind === 'all')!;
  const groups = paging.keys.flatMap((key) => byKey.get(key) ?? []);
  const dimension = BY_WORDS[by];
  const view = { results, query, paging, dimension };
  return (
    <>
      <h1>Results of {survey.title}</h1>
      <p class="lead">
        What people said about the platform in {periodWords(survey.period)}, for everyone and by{' '}
        {dimension}. Groups too small to keep answers anonymous are not shown.
      </p>
      {props.done ? (
        <Notice>The survey is closed: nobody can link an answer to a person any more.</Notice>
      ) : null}
      <ByForm id={survey.id} by={by} />
      <Headline results={results} root={root} />
      <NpsSection root={root} cuts={groups} view={view} />
      <GroupsTable cuts={groups} view={view} />
      <CapabilitiesSection
        root={root}
        cuts={groups}
        group={query.group && query.group !== root.key ? byKey.get(query.group) : undefined}
        view={view}
      />
      <CustomSection root={root} />
      <CommentsSection results={results} groups={groups} query={query} />
    </>
  );
}

/** What the sections of one page share: the results, what was asked, the page of groups. */
interface View {
  results: SurveyResults;
  query: ResultsQuery;
  paging: GroupPage;
  dimension: string;
}

/** "groups 26 to 50 of 1,030", or nothing when every group is on the page. */
function rangeWords(paging: GroupPage): string {
  const last = paging.first + paging.keys.length - 1;
  return `groups ${num(paging.first)} to ${num(last)} of ${num(paging.total)}`;
}

function Headline({ results, root }: { results: SurveyResults; root: CutResults }) {
  return (
    <>
      <h2>Everyone</h2>
      {root.status === 'hidden' ? <p>{HIDDEN_TEXT}</p> : null}
      <dl class="figures">
        <div class="figure">
          <dt>Net Promoter Score</dt>
          <dd>
            {root.nps.status === 'shown' ? (
              <>
                <span class="figure-value">NPS {signed(root.nps.score ?? 0)}</span>
                <span class="figure-note">{npsText(root.nps)}</span>
                <span class="figure-note">
                  {results.change
                    ? changeWords(results.change)
                    : 'No earlier period to compare with.'}
                </span>
              </>
            ) : (
              <Withheld status={root.nps.status} />
            )}
          </dd>
        </div>
        <div class="figure">
          <dt>Response rate</dt>
          <dd>
            {root.responseRate && root.responseRate.value !== null ? (
              <>
                <span class="figure-value">{round(root.responseRate.value)}%</span>
                <span class="figure-note">
                  {root.responseRate.numerator} of {root.responseRate.denominator} people asked
                  answered.
                </span>
              </>
            ) : (
              <Withheld status="hidden" />
            )}
          </dd>
        </div>
        <div class="figure">
          <dt>High mental effort (lower is better)</dt>
          <dd>
            {root.cognitiveLoad.status === 'shown' && root.cognitiveLoad.value !== null ? (
              <>
                <span class="figure-value">{round(root.cognitiveLoad.value)}%</span>
                <span class="figure-note">
                  answered 4 or 5 of 5: {shareText(root.cognitiveLoad)}
                  {root.cognitiveLoad.mean !== null
                    ? `; mean ${root.cognitiveLoad.mean.toFixed(1)} of 5`
                    : ''}
                  .
                </span>
              </>
            ) : (
              <Withheld status={root.cognitiveLoad.status} />
            )}
          </dd>
        </div>
        <div class="figure">
          <dt>Hours lost a week (self-reported)</dt>
          <dd>
            {root.hoursLost.status === 'shown' ? (
              <>
                <span class="figure-value">{hours(root.hoursLost.median)}</span>
                <span class="figure-note">
                  {hoursText(root.hoursLost)}. Self-reported, so read it as an upper bound.
                </span>
              </>
            ) : (
              <Withheld status={root.hoursLost.status} />
            )}
          </dd>
        </div>
      </dl>
      {results.change ? (
        <p class="note">
          The change is tested with the adjusted-Wald test for two independent samples: a change is
          called significant only when it is unlikely to be chance (95% confidence).
        </p>
      ) : null}
    </>
  );
}

function Withheld({ status }: { status: 'empty' | 'hidden' | 'shown' }) {
  return <span class="figure-note">{status === 'empty' ? 'No answers yet.' : HIDDEN_TEXT}</span>;
}

function NpsSection(props: { root: CutResults; cuts: CutResults[]; view: View }) {
  const { root, view } = props;
  const { dimension, paging } = view;
  const rows = [root, ...props.cuts].flatMap((cut) =>
    cut.nps.status === 'shown' && cut.nps.score !== null && cut.nps.interval
      ? [
          {
            label: chartLabel(cut.label),
            group: cut.label,
            score: cut.nps.score,
            low: cut.nps.interval.low,
            high: cut.nps.interval.high,
            n: cut.nps.n,
          },
        ]
      : [],
  );
  if (rows.length < 2) return null;
  const top = [...rows].sort((a, b) => b.score - a.score)[0]!;
  const paged = paging.pages > 1;
  return (
    <Chart
      title={`Net Promoter Score by ${dimension}, with 95% intervals`}
      description={`The highest NPS shown is ${top.group}’s, ${signed(top.score)}. Groups not shown are left out${paged ? `; the chart has everyone and ${rangeWords(paging)}, as in the table below` : ''}.`}
      plot={{
        marks: [
          Plot.ruleX([0]),
          Plot.ruleY(rows, { y: 'label', x1: 'low', x2: 'high' }),
          Plot.dot(rows, { y: 'label', x: 'score', fill: 'currentColor', r: 4 }),
        ],
        x: { domain: [-100, 100], label: 'NPS', grid: true },
        y: { label: null, domain: [...new Set(rows.map((r) => r.label))] },
        marginLeft: 200,
        height: 40 + rows.length * 28,
      }}
      columns={[
        { label: 'Group', cell: (r) => r.group },
        { label: 'NPS', numeric: true, cell: (r) => signed(r.score) },
        {
          label: '95% interval',
          numeric: true,
          cell: (r) => `${signed(r.low)} to ${signed(r.high)}`,
        },
        { label: 'Answers', numeric: true, cell: (r) => r.n },
      ]}
      rows={rows}
    />
  );
}

/** A group's name, indented by its depth, linked to its figures by capability when it has any. */
function GroupName({ cut, view }: { cut: CutResults; view: View }) {
  const within = view.paging.within.get(cut.key);
  return (
    <span class={`cut depth-${Math.min(cut.depth, 4)}`}>
      {cut.status === 'shown' && cut.capabilities.length > 0 ? (
        <a href={resultsHref(view.results, view.query, { group: cut.key }, '#group-detail')}>
          {cut.label}
        </a>
      ) : (
        cut.label
      )}
      {within ? <span class="muted"> (within {within})</span> : null}
    </span>
  );
}

/** Previous and next pages of groups, and a search by name: links and a GET form, no script. */
function GroupPager({ view }: { view: View }) {
  const { results, query, paging } = view;
  if (paging.pages <= 1 && !query.q && paging.total <= GROUPS_PAGE) return null;
  const to = (page: number) => resultsHref(results, query, { page }, '#groups');
  return (
    <>
      <nav aria-label="Pages of groups" class="pager">
        <p>
          Page {paging.page} of {paging.pages}: {rangeWords(paging)}
          {query.q ? ` whose name contains “${query.q}”` : ''}.
        </p>
        {paging.pages > 1 ? (
          <ul class="inline-list">
            {paging.page > 2 ? (
              <li>
                <a href={to(1)}>First page</a>
              </li>
            ) : null}
            {paging.page > 1 ? (
              <li>
                <a href={to(paging.page - 1)} rel="prev">
                  Previous {GROUPS_PAGE} groups
                </a>
              </li>
            ) : null}
            {paging.page < paging.pages ? (
              <li>
                <a href={to(paging.page + 1)} rel="next">
                  Next groups
                </a>
              </li>
            ) : null}
            {paging.page < paging.pages - 1 ? (
              <li>
                <a href={to(paging.pages)}>Last page</a>
              </li>
            ) : null}
          </ul>
        ) : null}
      </nav>
      <form
        method="get"
        action={surveyPath(results.survey.id, '/results')}
        class="filters inline-form"
        novalidate
      >
        <input type="hidden" name="by" value={results.by} />
        <Field
          name="q"
          label="Find a group by name"
          hint="Part of its name is enough."
          value={query.q}
        />
        <button type="submit">Find the group</button>
        {query.q ? <a href={resultsHref(results, {}, {}, '#groups')}>Show every group</a> : null}
      </form>
    </>
  );
}

function GroupsTable({ cuts, view }: { cuts: CutResults[]; view: View }) {
  const { dimension, paging, query } = view;
  if (cuts.length === 0 && !query.q) return null;
  const hidden = (cut: CutResults) => cut.status === 'hidden';
  const paged = paging.pages > 1 || Boolean(query.q);
  return (
    <>
      <h2 id="groups" tabindex={-1}>
        By {dimension}
      </h2>
      {paged ? (
        <p>
          {num(paging.total)} groups, {GROUPS_PAGE} a page, in the order of the{' '}
          {view.results.by === 'team' ? 'team tree' : 'bands'}. The CSV export has every group in
          one file.
        </p>
      ) : null}
      <DataTable
        caption={
          paged
            ? `Every figure by ${dimension}, ${rangeWords(paging)}`
            : `Every figure by ${dimension}`
        }
        rows={cuts}
        empty={`No group’s name contains “${query.q ?? ''}”.`}
        columns={[
          { label: 'Group', cell: (cut) => <GroupName cut={cut} view={view} /> },
          {
            label: 'People who answered',
            numeric: true,
            cell: (cut) =>
              hidden(cut) ? HIDDEN_TEXT : cut.status === 'empty' ? 'No answers' : cut.respondents,
          },
          {
            label: 'NPS (95% interval, answers)',
            cell: (cut) => (hidden(cut) ? '' : cell(cut.nps, npsText)),
          },
          {
            label: 'High mental effort (lower is better)',
            cell: (cut) => (hidden(cut) ? '' : cell(cut.cognitiveLoad, (f) => shareText(f))),
          },
          {
            label: 'Hours lost a week (median)',
            numeric: true,
            cell: (cut) =>
              hidden(cut) ? '' : cell(cut.hoursLost, (h) => `${hours(h.median)} (${answers(h.n)})`),
          },
          {
            label: 'Response rate',
            numeric: true,
            cell: (cut) => (hidden(cut) || cut.kind === 'rest' ? '' : rateWords(cut.responseRate)),
          },
        ]}
      />
      <GroupPager view={view} />
      <HiddenNote />
      <p class="note">
        Response rates show only for groups where enough people were asked. Hours lost are
        self-reported, so read them as an upper bound.
      </p>
    </>
  );
}

/** A capability's two figures as table columns, for whatever rows carry them. */
function capabilityColumns<T>(figures: (row: T) => Pick<CapabilityFigures, 'csat' | 'effort'>) {
  return [
    {
      label: 'Satisfied (95% interval, answers)',
      cell: (row: T) => cell(figures(row).csat, (f) => shareText(f)),
    },
    {
      label: 'Easy to get work done (95% interval, answers)',
      cell: (row: T) => cell(figures(row).effort, (f) => shareText(f)),
    },
  ];
}

function CapabilitiesSection(props: {
  root: CutResults;
  cuts: CutResults[];
  group: CutResults | undefined;
  view: View;
}) {
  const { root, cuts, group, view } = props;
  const { dimension, results, query, paging } = view;
  if (root.capabilities.length === 0) return null;
  const chartRows = root.capabilities.flatMap((cap) =>
    cap.csat.status === 'shown' && cap.csat.value !== null && cap.csat.interval
      ? [
          {
            label: cap.name,
            value: cap.csat.value,
            low: cap.csat.interval.low,
            high: cap.csat.interval.high,
            n: cap.csat.n,
          },
        ]
      : [],
  );
  const lowest = [...chartRows].sort((a, b) => a.value - b.value)[0];
  const chosen = root.capabilities.find((cap) => cap.slug === query.capability);
  const empty = { status: 'empty' as const };
  const figuresOf = (cut: CutResults, id: string) =>
    cut.capabilities.find((x) => x.capabilityId === id) ?? { csat: empty, effort: empty };
  return (
    <>
      <h2>Satisfaction and effort by capability</h2>
      <p>
        Asked only of people whose team uses the capability. Satisfied means 4 or 5 of 5; easy means
        5 to 7 of 7 for “it made it easy for me to get my work done”.
      </p>
      <DataTable
        caption="Satisfaction and effort, everyone"
        rows={root.capabilities}
        columns={[
          { label: 'Capability', cell: (cap) => cap.name },
          {
            label: 'Satisfied (95% interval, answers)',
            cell: (cap) => cell(cap.csat, (f) => shareText(f)),
          },
          {
            label: 'Mean satisfaction (1–5)',
            numeric: true,
            cell: (cap) => cell(cap.csat, (f) => (f.mean === null ? '–' : f.mean.toFixed(1))),
          },
          {
            label: 'Easy to get work done (95% interval, answers)',
            cell: (cap) => cell(cap.effort, (f) => shareText(f)),
          },
        ]}
      />
      {chartRows.length > 0 && lowest ? (
        <Chart
          title="Share satisfied by capability, with 95% intervals"
          description={`${lowest.label} has the lowest share satisfied, ${round(lowest.value)}%.`}
          plot={{
            marks: [
              Plot.ruleY(chartRows, { y: 'label', x1: 'low', x2: 'high' }),
              Plot.dot(chartRows, { y: 'label', x: 'value', fill: 'currentColor', r: 4 }),
            ],
            x: { domain: [0, 100], label: 'Satisfied (%)', grid: true },
            y: { label: null, domain: chartRows.map((r) => r.label) },
            marginLeft: 220,
            height: 40 + chartRows.length * 28,
          }}
          columns={[
            { label: 'Capability', cell: (r) => r.label },
            { label: 'Satisfied (%)', numeric: true, cell: (r) => round(r.value) },
            {
              label: '95% interval (%)',
              numeric: true,
              cell: (r) => `${round(r.low)} to ${round(r.high)}`,
            },
            { label: 'Answers', numeric: true, cell: (r) => r.n },
          ]}
          rows={chartRows}
        />
      ) : null}
      {cuts.length > 0 ? (
        <>
          <h3 id="capability-by-group" tabindex={-1}>
            One capability by {dimension}
          </h3>
          <form
            method="get"
            action={`${surveyPath(results.survey.id, '/results')}#capability-by-group`}
            class="filters inline-form"
            novalidate
          >
            <input type="hidden" name="by" value={results.by} />
            {query.q ? <input type="hidden" name="q" value={query.q} /> : null}
            {paging.page > 1 ? (
              <input type="hidden" name="page" value={String(paging.page)} />
            ) : null}
            {query.group ? <input type="hidden" name="group" value={query.group} /> : null}
            <SelectField
              name="capability"
              label="Capability"
              value={chosen?.slug}
              options={[
                ...(chosen ? [] : [{ value: '', label: 'Choose a capability' }]),
                ...root.capabilities.map((cap) => ({ value: cap.slug, label: cap.name })),
              ]}
            />
            <button type="submit">Show it by {dimension}</button>
          </form>
          {chosen ? (
            <DataTable
              caption={`${chosen.name}: satisfaction and effort by ${dimension}${paging.pages > 1 ? `, ${rangeWords(paging)}` : ''}`}
              rows={cuts}
              columns={[
                { label: 'Group', cell: (cut) => <GroupName cut={cut} view={view} /> },
                ...capabilityColumns((cut: CutResults) => figuresOf(cut, chosen.capabilityId)),
              ]}
            />
          ) : (
            <p>
              Choose a capability to see it for each group in the table by {dimension}
              {paging.pages > 1 ? ', page by page' : ''}.
            </p>
          )}
          <h3 id="group-detail" tabindex={-1}>
            {group ? `${group.label}: every capability` : 'One group, every capability'}
          </h3>
          {!group ? (
            <p>Choose a group’s name in the table by {dimension} to see its figures here.</p>
          ) : group.status === 'hidden' ? (
            <p>{HIDDEN_TEXT}</p>
          ) : (
            <DataTable
              caption={`${group.label}: satisfaction and effort by capability`}
              rows={group.capabilities}
              columns={[
                { label: 'Capability', cell: (cap) => cap.name },
                ...capabilityColumns((cap: CapabilityFigures) => cap),
              ]}
            />
          )}
        </>
      ) : null}
      <HiddenNote />
    </>
  );
}
function CustomSection({ root }: { root: CutResults }) {
  if (root.custom.length === 0) return null;
  return (
    <>
      <h2>Questions for this survey only</h2>
      <p>
        <span class="status">Not comparable across periods</span> These questions were added for
        this survey, so they have nothing to compare with. Answers in people’s own words are among
        the comments.
      </p>
      <DataTable
        caption="This survey’s own questions, everyone"
        rows={root.custom}
        columns={[
          { label: 'Question', cell: (q) => q.prompt },
          {
            label: 'Good or very good (95% interval, answers)',
            cell: (q) => (q.rating ? cell(q.rating, (f) => shareText(f)) : 'In the comments'),
          },
          {
            label: 'Mean (1–5)',
            numeric: true,
            cell: (q) =>
              q.rating ? cell(q.rating, (f) => (f.mean === null ? '–' : f.mean.toFixed(1))) : '',
          },
        ]}
      />
    </>
  );
}

function CommentsSection(props: {
  results: SurveyResults;
  groups: CutResults[];
  query: ResultsQuery;
}) {
  const { results, groups, query } = props;
  const all = query.all ?? false;
  const withComments = (cut: CutResults | undefined) => cut?.comments.status === 'shown';
  const root = results.cuts.find((cut) => cut.kind === 'all');
  // Everyone and the groups of this page; a group chosen from another page stays listed.
  const listed = [root, ...groups].filter(withComments) as CutResults[];
  const asked = results.cuts.find((cut) => cut.key === query.comments && withComments(cut));
  const chosen = asked ?? listed[0];
  const shown = chosen && !listed.includes(chosen) ? [...listed, chosen] : listed;
  const link = (key: string, more = false) =>
    resultsHref(results, query, { comments: key, all: more }, '#comments');
  const items = chosen && chosen.comments.status === 'shown' ? chosen.comments.items : [];
  const visible = all ? items : items.slice(0, COMMENTS_SHOWN);
  const prompts = [...new Set(visible.map((i) => i.prompt))];
  return (
    <section aria-labelledby="comments" class="comments">
      <h2 id="comments" tabindex={-1}>
        Comments
      </h2>
      {!chosen ? (
        <p>{HIDDEN_TEXT}</p>
      ) : (
        <>
          <p>
            Comments show only for groups large enough to keep them anonymous, in no particular
            order.
          </p>
          {shown.length > 1 ? (
            <nav aria-label="Comments of a group">
              <ul class="inline-list">
                {shown.map((cut) => (
                  <li>
                    <a
                      href={link(cut.key)}
                      aria-current={cut.key === chosen.key ? 'true' : undefined}
                    >
                      {cut.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <h3>
            {chosen.label}: {items.length} {items.length === 1 ? 'comment' : 'comments'}
          </h3>
          {items.length === 0 ? <p>Nobody in this group wrote a comment.</p> : null}
          {prompts.map((prompt) => (
            <>
              <h4>{prompt}</h4>
              <ul class="comment-list">
                {visible
                  .filter((i) => i.prompt === prompt)
                  .map((i) => (
                    <li class="prose">{i.body}</li>
                  ))}
              </ul>
            </>
          ))}
          {!all && items.length > COMMENTS_SHOWN ? (
            <p>
              <a href={link(chosen.key, true)}>Show all {items.length} comments</a>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
