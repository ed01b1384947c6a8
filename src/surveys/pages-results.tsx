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
import { DataTable, ErrorSummary, Notice, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { surveyPath } from './pages-shared.tsx';
import {
  type CutResults,
  DIMENSIONS,
  type Dimension,
  type Figure,
  HIDDEN_TEXT,
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

const round = (v: number) => Math.round(v);
const answers = (n: number) => count(n);

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

/** A cut's name, indented by its depth in the team tree. */
function CutName({ cut }: { cut: CutResults }) {
  return <span class={`cut depth-${Math.min(cut.depth, 4)}`}>{cut.label}</span>;
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
    const results = await surveyResults(db, survey.id, by);
    return renderPage(
      c,
      { title: `Results of ${survey.title}` },
      <ResultsView
        results={results}
        done={c.req.query('done') === 'closed'}
        comments={c.req.query('comments')}
        allComments={c.req.query('all') === '1'}
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
  done?: boolean;
  /** The cut whose comments to list. */
  comments?: string;
  allComments?: boolean;
}) {
  const { results } = props;
  const { survey, by, cuts } = results;
  const root = cuts.find((x) => x.kind === 'all')!;
  const groups = cuts.filter((x) => x.kind !== 'all');
  const dimension = BY_WORDS[by];
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
      <NpsSection cuts={cuts} dimension={dimension} />
      <GroupsTable cuts={groups} dimension={dimension} />
      <CapabilitiesSection root={root} cuts={groups} dimension={dimension} />
      <CustomSection root={root} />
      <CommentsSection results={results} asked={props.comments} all={props.allComments ?? false} />
    </>
  );
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

function NpsSection({ cuts, dimension }: { cuts: CutResults[]; dimension: string }) {
  const rows = cuts.flatMap((cut) =>
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
  return (
    <Chart
      title={`Net Promoter Score by ${dimension}, with 95% intervals`}
      description={`The highest NPS shown is ${top.group}’s, ${signed(top.score)}. Groups not shown are left out.`}
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

function GroupsTable({ cuts, dimension }: { cuts: CutResults[]; dimension: string }) {
  if (cuts.length === 0) return null;
  const hidden = (cut: CutResults) => cut.status === 'hidden';
  return (
    <>
      <h2>By {dimension}</h2>
      <DataTable
        caption={`Every figure by ${dimension}`}
        rows={cuts}
        columns={[
          { label: 'Group', cell: (cut) => <CutName cut={cut} /> },
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
      <HiddenNote />
      <p class="note">
        Response rates show only for groups where enough people were asked. Hours lost are
        self-reported, so read them as an upper bound.
      </p>
    </>
  );
}

function CapabilitiesSection(props: { root: CutResults; cuts: CutResults[]; dimension: string }) {
  const { root, cuts, dimension } = props;
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
      {cuts.length > 0
        ? root.capabilities.map((cap) => (
            <details>
              <summary>
                {cap.name} by {dimension}
              </summary>
              <DataTable
                caption={`${cap.name}: satisfaction and effort by ${dimension}`}
                rows={cuts}
                columns={[
                  { label: 'Group', cell: (cut) => <CutName cut={cut} /> },
                  {
                    label: 'Satisfied (95% interval, answers)',
                    cell: (cut) =>
                      cell(
                        cut.capabilities.find((x) => x.capabilityId === cap.capabilityId)?.csat ?? {
                          status: 'empty',
                        },
                        (f) => shareText(f),
                      ),
                  },
                  {
                    label: 'Easy to get work done (95% interval, answers)',
                    cell: (cut) =>
                      cell(
                        cut.capabilities.find((x) => x.capabilityId === cap.capabilityId)
                          ?.effort ?? { status: 'empty' },
                        (f) => shareText(f),
                      ),
                  },
                ]}
              />
            </details>
          ))
        : null}
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

function CommentsSection(props: { results: SurveyResults; asked?: string; all: boolean }) {
  const { results, asked, all } = props;
  const shown = results.cuts.filter((cut) => cut.comments.status === 'shown');
  const chosen = shown.find((cut) => cut.key === asked) ?? shown[0];
  const link = (key: string, more = false) =>
    `${surveyPath(results.survey.id, '/results')}?${new URLSearchParams({
      by: results.by,
      comments: key,
      ...(more ? { all: '1' } : {}),
    }).toString()}#comments`;
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
