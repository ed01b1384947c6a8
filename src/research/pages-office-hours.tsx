// Office hours: the figures per capability for a period (topics, the share
// solved on the spot with its interval, docs gaps; a chart and a table with
// the same numbers), the sessions, one session, and deleting one.

import * as Plot from '@observablehq/plot';
import type { Hono } from 'hono';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import type { Period } from '../core/period.ts';
import { can } from '../core/policy.ts';
import { Chart } from '../core/ui/chart.tsx';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { lastTwelveMonths, type Outcome, periodParam, periodWords } from './model.ts';
import { type CapabilityTally, officeHoursFigures, type SolvedShare } from './office-hours.ts';
import {
  ctxOf,
  OFFICE_HOURS_PATH,
  outcomeWord,
  plural,
  quarterChoices,
  RESEARCH_PATH,
  Tag,
} from './pages-shared.tsx';
import { removeSession, sessionDetail, sessionPath } from './service-office-hours.ts';
import { listSessions } from './store-office-hours.ts';

const pct = (x: number) => `${Math.round(x)}%`;

/** `60% (95% interval 23% to 88%, 5 topics)`, or "No topics" when there were none. */
export function shareText(s: SolvedShare): string {
  if (s.value === null || !s.interval) return 'No topics';
  return `${pct(s.value)} (95% interval ${pct(s.interval.low)} to ${pct(s.interval.high)}, ${plural(s.n, 'topic')})`;
}

const capName = (c: CapabilityTally) => c.capability?.name ?? 'The platform in general';

function SolvedChart({ rows }: { rows: CapabilityTally[] }) {
  const data = rows
    .filter((r) => r.solved.value !== null)
    .slice(0, 12)
    .map((r) => ({
      name: capName(r),
      topics: r.topics,
      share: r.solved.value!,
      low: r.solved.interval!.low,
      high: r.solved.interval!.high,
    }));
  if (data.length === 0) return null;
  const best = [...data].sort((a, b) => b.share - a.share)[0]!;
  return (
    <Chart
      title="Share of topics solved on the spot, per capability"
      description={`Each dot is the share solved on the spot, the line its 95% interval; the fewer the topics, the wider the line. Highest: ${best.name}, ${pct(best.share)} of ${plural(best.topics, 'topic')}.`}
      plot={{
        marks: [
          Plot.ruleY(data, { y: 'name', x1: 'low', x2: 'high' }),
          Plot.dot(data, { y: 'name', x: 'share', fill: 'currentColor', r: 4 }),
        ],
        x: { label: 'Solved on the spot (%)', domain: [0, 100], grid: true },
        y: { label: null, domain: data.map((d) => d.name) },
        marginLeft: 170,
        height: 40 + 28 * data.length,
      }}
      columns={[
        { label: 'Capability', cell: (d) => d.name },
        { label: 'Topics', numeric: true, cell: (d) => d.topics },
        { label: 'Solved on the spot', numeric: true, cell: (d) => pct(d.share) },
        { label: '95% interval', numeric: true, cell: (d) => `${pct(d.low)} to ${pct(d.high)}` },
      ]}
      rows={data}
    />
  );
}

export function registerOfficeHoursPages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get(OFFICE_HOURS_PATH, policy('research.read'), async (c) => {
    const asked = c.req.query('period')?.trim() || undefined;
    const errors: FieldError[] = [];
    let period: Period = lastTwelveMonths();
    try {
      period = periodParam(asked);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors.push(...error.errors);
    }
    const f = await officeHoursFigures(db, period);
    const cursor = c.req.query('cursor') || undefined;
    let page: Awaited<ReturnType<typeof listSessions>> = { items: [], nextCursor: null };
    try {
      page = await listSessions(db, { period, limit: 20, cursor });
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors.push(...error.errors);
    }
    const manage = can(c.get('actor') ?? null, 'research.manage');
    const when = periodWords(period);
    const query = (extra: Record<string, string>) =>
      `${OFFICE_HOURS_PATH}?${new URLSearchParams({ ...(asked && errors.length === 0 ? { period: asked } : {}), ...extra })}`;
    return renderPage(
      c,
      { title: 'Office hours', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Office hours</h1>
        <p class="lead">
          See what teams bring to the weekly office hours, per capability: how much is solved on the
          spot, and what points to missing docs or a change to make.
        </p>
        {c.req.query('done') === 'deleted' ? <Notice>The session is deleted.</Notice> : null}
        <p class="row-actions">
          {manage ? (
            <a class="button" href={`${OFFICE_HOURS_PATH}/new`}>
              Record a session
            </a>
          ) : null}
          <a href={RESEARCH_PATH}>User research</a>
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={OFFICE_HOURS_PATH} class="inline-form" novalidate>
          <SelectField
            name="period"
            label="Period"
            value={asked ?? ''}
            error={errors.find((e) => e.path === 'period')?.message}
            options={[
              { value: '', label: 'The last 12 months' },
              ...quarterChoices(asked ?? null).map((q) => ({ value: q, label: q })),
            ]}
          />
          <button type="submit">Show the figures</button>
        </form>
        <h2>In {when}</h2>
        <dl class="figures">
          <div class="figure">
            <dt>Sessions</dt>
            <dd>
              <span class="figure-value">{f.sessions}</span>
              <span class="figure-note">
                {f.quietSessions > 0 ? `${f.quietSessions} with no topics brought` : ''}
              </span>
            </dd>
          </div>
          <div class="figure">
            <dt>Topics brought</dt>
            <dd>
              <span class="figure-value">{f.all.topics}</span>
            </dd>
          </div>
          <div class="figure">
            <dt>Solved on the spot</dt>
            <dd>
              <span class="figure-value">
                {f.all.solved.value === null ? 'No data' : pct(f.all.solved.value)}
              </span>
              <span class="figure-note">
                {f.all.solved.interval
                  ? `95% interval ${pct(f.all.solved.interval.low)} to ${pct(f.all.solved.interval.high)}, ${plural(f.all.topics, 'topic')}`
                  : 'No topics in this period.'}
              </span>
            </dd>
          </div>
          <div class="figure">
            <dt>Docs gaps found</dt>
            <dd>
              <span class="figure-value">{f.all.docsGaps}</span>
              <span class="figure-note">
                {plural(f.all.feedbackFiled, 'topic')} filed as feedback
              </span>
            </dd>
          </div>
        </dl>
        {f.all.topics === 0 ? (
          <EmptyState>
            No topics recorded in {when}. Record each session’s topics after office hours to see
            them here.
          </EmptyState>
        ) : (
          <>
            <SolvedChart rows={f.byCapability} />
            <DataTable
              caption={`Topics per capability, ${when}, most first`}
              rows={f.byCapability}
              columns={[
                { label: 'Capability', cell: capName },
                { label: 'Topics', numeric: true, cell: (r) => r.topics },
                { label: 'Solved on the spot', numeric: true, cell: (r) => shareText(r.solved) },
                { label: 'Feedback filed', numeric: true, cell: (r) => r.feedbackFiled },
                { label: 'Docs gaps', numeric: true, cell: (r) => r.docsGaps },
              ]}
            />
          </>
        )}
        <h2>Sessions</h2>
        <DataTable
          caption={`Sessions in ${when}, most recent first`}
          rows={page.items}
          empty="No sessions recorded in this period."
          columns={[
            {
              label: 'Date',
              cell: (s) => (
                <a href={sessionPath(s.id)}>
                  <DateText iso={s.heldOn} />
                </a>
              ),
            },
            { label: 'Hosts', cell: (s) => s.hosts },
            { label: 'Topics', numeric: true, cell: (s) => s.topicCount },
          ]}
        />
        {page.nextCursor ? (
          <p>
            <a href={query({ cursor: page.nextCursor })}>Older sessions</a>
          </p>
        ) : null}
      </>,
    );
  });

  web.get(`${OFFICE_HOURS_PATH}/:id`, policy('research.read'), async (c) => {
    const s = await sessionDetail(db, ctxOf(c), c.req.param('id'));
    const manage = can(c.get('actor') ?? null, 'research.manage');
    const done = c.req.query('done');
    return renderPage(
      c,
      { title: `Office hours, ${s.heldOn}` },
      <>
        <p>
          <a href={OFFICE_HOURS_PATH}>Office hours</a>
        </p>
        <h1>
          Office hours, <DateText iso={s.heldOn} />
        </h1>
        {done ? (
          <Notice>
            {done === 'created' ? 'The session is recorded.' : 'Your changes are saved.'}
          </Notice>
        ) : null}
        <dl class="facts">
          <dt>Hosts</dt>
          <dd>{s.hosts}</dd>
          <dt>Notes</dt>
          <dd>{s.notes ?? '–'}</dd>
        </dl>
        {manage ? (
          <p class="row-actions">
            <a class="button secondary" href={sessionPath(s.id, '/edit')}>
              Edit the session
            </a>
            <a class="button secondary" href={sessionPath(s.id, '/delete')}>
              Delete the session
            </a>
          </p>
        ) : null}
        <h2>Topics brought</h2>
        <DataTable
          caption="Topics, in the order they came up"
          rows={s.topics}
          empty="Nobody brought a topic this week."
          columns={[
            { label: 'Team', cell: (t) => t.team?.name ?? '–' },
            { label: 'Capability', cell: (t) => t.capability?.name ?? '–' },
            { label: 'Problem', cell: (t) => t.problem },
            {
              label: 'Outcome',
              cell: (t) => (
                <>
                  <Tag>{outcomeWord(t.outcome as Outcome)}</Tag>
                  {t.feedback ? (
                    <>
                      {' '}
                      <a href={`/feedback/${encodeURIComponent(t.feedback.id)}`}>
                        {t.feedback.title}
                      </a>
                    </>
                  ) : null}
                </>
              ),
            },
          ]}
        />
      </>,
    );
  });

  web.get(`${OFFICE_HOURS_PATH}/:id/delete`, policy('research.manage'), async (c) => {
    const s = await sessionDetail(db, ctxOf(c), c.req.param('id'));
    return renderPage(
      c,
      { title: 'Delete the office-hours session' },
      <>
        <h1>Delete this office-hours session?</h1>
        <p class="lead">
          The session of <DateText iso={s.heldOn} /> and its {plural(s.topics.length, 'topic')} go,
          and no longer count in the figures. Feedback filed from it stays.
        </p>
        <Form action={sessionPath(s.id, '/delete')} csrfToken={c.get('csrfToken')}>
          <button type="submit" class="danger">
            Delete the session
          </button>
        </Form>
        <p>
          <a href={sessionPath(s.id)}>Keep it</a>
        </p>
      </>,
    );
  });

  web.post(`${OFFICE_HOURS_PATH}/:id/delete`, policy('research.manage'), async (c) => {
    await removeSession(db, ctxOf(c), c.req.param('id'));
    return c.redirect(`${OFFICE_HOURS_PATH}?done=deleted`, 303);
  });
}
