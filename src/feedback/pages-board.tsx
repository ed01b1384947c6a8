// The feedback board: every item, filtered by capability, status, kind and
// team, sorted by votes, newest or oldest unacknowledged (links and a GET
// form, no script), with the responsiveness figures of a period.

import type { Context, Hono } from 'hono';
import { periodChoices } from '../capabilities/pages-figures.tsx';
import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { previousPeriod, quarterOf } from '../core/period.ts';
import { can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { DataTable, ErrorSummary, Field, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { feedbackFiguresWithSeries, type ResponsivenessFigures } from './figures.ts';
import {
  FEEDBACK_KINDS,
  FEEDBACK_SORTS,
  FEEDBACK_STATUSES,
  type FeedbackKind,
  type FeedbackSort,
  type FeedbackStatus,
  statusLabel,
} from './model.ts';
import { ResponsivenessList, ResponsivenessTable } from './pages-figures.tsx';
import { AckCell, Choices, errorFor, ItemLink, KIND_WORDS, StatusTag } from './pages-shared.tsx';
import { type FeedbackSummary, listFeedback } from './service.ts';
import { ackSlaDays } from './settings.ts';
import { countItems, countOverdue } from './store-views.ts';

const PAGE_SIZE = 30;

const SORT_WORDS: Record<FeedbackSort, string> = {
  votes: 'Most votes',
  newest: 'Newest',
  'oldest-unacknowledged': 'Oldest unacknowledged',
};

/** Every status but merged duplicates: what the board shows unless asked. */
const SHOWN_BY_DEFAULT = FEEDBACK_STATUSES.filter((s) => s !== 'duplicate');

interface BoardQuery {
  capability: string;
  status: string;
  kind: string;
  team: string;
  q: string;
  sort: FeedbackSort;
  period: string;
}

function readQuery(c: Context<AppEnv>): { query: BoardQuery; errors: FieldError[] } {
  const q = c.req.query();
  const errors: FieldError[] = [];
  const status = q.status ?? '';
  const kind = q.kind ?? '';
  if (status && !FEEDBACK_STATUSES.includes(status as FeedbackStatus)) {
    errors.push({ path: 'status', message: 'Choose a status from the list.' });
  }
  if (kind && !FEEDBACK_KINDS.includes(kind as FeedbackKind)) {
    errors.push({ path: 'kind', message: 'Choose a kind from the list.' });
  }
  const sort = FEEDBACK_SORTS.includes(q.sort as FeedbackSort) ? (q.sort as FeedbackSort) : 'votes';
  return {
    query: {
      capability: q.capability ?? '',
      status,
      kind,
      team: q.team ?? '',
      q: (q.q ?? '').slice(0, 200),
      sort,
      period: q.period ?? '',
    },
    errors,
  };
}

/** The board's address with these filters (and any changes), for sort links and paging. */
function boardHref(query: BoardQuery, change: Partial<BoardQuery> & { cursor?: string } = {}) {
  const merged = { ...query, ...change };
  const params = new URLSearchParams();
  for (const key of ['capability', 'status', 'kind', 'team', 'q', 'period'] as const) {
    if (merged[key]) params.set(key, merged[key]);
  }
  if (merged.sort !== 'votes') params.set('sort', merged.sort);
  if (change.cursor) params.set('cursor', change.cursor);
  const text = params.toString();
  return text ? `/feedback?${text}` : '/feedback';
}

/** The board, and the figures of the period asked for (this quarter by default). */
export function registerBoardPage(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  web.get('/feedback', policy('feedback.read'), async (c) => boardPage(c, db));
}

async function loadFigures(
  db: Db,
  c: Context<AppEnv>,
  periodKey: string,
): Promise<{ figures: ResponsivenessFigures | null; series: ResponsivenessFigures[] }> {
  const actor = c.get('actor');
  const now = new Date();
  const current = quarterOf(now);
  const keys = [current];
  for (let i = 0; i < 3; i++) keys.unshift(previousPeriod(keys[0]!));
  return feedbackFiguresWithSeries(
    db,
    actor,
    periodKey || current.key,
    keys.map((p) => p.key),
    now,
  );
}

async function boardPage(c: Context<AppEnv>, db: Db) {
  const actor = c.get('actor');
  const { query, errors } = readQuery(c);
  let page: { items: FeedbackSummary[]; nextCursor: string | null } = {
    items: [],
    nextCursor: null,
  };
  let figures: ResponsivenessFigures | null = null;
  let series: ResponsivenessFigures[] = [];
  const cursor = c.req.query('cursor') || undefined;
  if (errors.length === 0) {
    try {
      page = await listFeedback(db, actor, {
        capability: query.capability || undefined,
        team: query.team || undefined,
        status: query.status ? [query.status as FeedbackStatus] : SHOWN_BY_DEFAULT,
        kind: query.kind ? [query.kind as FeedbackKind] : undefined,
        q: query.q || undefined,
        sort: query.sort,
        limit: PAGE_SIZE,
        cursor,
      });
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors.push(...error.errors);
    }
  }
  try {
    ({ figures, series } = await loadFigures(db, c, query.period));
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    errors.push(...error.errors);
  }
  const [capabilities, teams, slaDays] = await Promise.all([
    listCapabilities(db, {}),
    listTeams(db),
    getSetting(db, ackSlaDays),
  ]);
  const triage = can(actor, 'feedback.triage');
  const [newCount, overdue] = await Promise.all([
    triage ? countItems(db, { status: ['new'] }) : Promise.resolve(0),
    countOverdue(db, slaDays),
  ]);
  const filtered = Boolean(query.capability || query.status || query.kind || query.team || query.q);
  const period = figures?.period ?? quarterOf(new Date()).key;
  return renderPage(
    c,
    { title: 'Feedback', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Feedback</h1>
      <p class="lead">
        Tell the platform team what gets in your way, vote for what matters to you, and follow what
        happens to every item: the team promises to acknowledge each within {slaDays} days.
      </p>
      <div class="row-actions">
        <a class="button" href="/feedback/new">
          Give feedback
        </a>
        {triage ? (
          <a class="button secondary" href="/feedback/triage">
            Triage queue ({newCount} new)
          </a>
        ) : null}
        <a class={triage ? 'button secondary' : undefined} href="/feedback/overdue">
          Overdue ({overdue})
        </a>
      </div>
      <ErrorSummary errors={errors} />
      <form method="get" action="/feedback" class="filters inline-form" novalidate>
        <Field
          name="q"
          label="Words"
          value={query.q}
          hint="In the title or description."
          error={errorFor(errors, 'q')}
        />
        <SelectField
          name="capability"
          label="Capability"
          value={query.capability}
          error={errorFor(errors, 'capability')}
          options={[
            { value: '', label: 'Any capability' },
            ...capabilities.map((k) => ({ value: k.slug, label: k.name })),
          ]}
        />
        <SelectField
          name="status"
          label="Status"
          value={query.status}
          error={errorFor(errors, 'status')}
          options={[
            { value: '', label: 'Any (not merged)' },
            ...FEEDBACK_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
          ]}
        />
        <SelectField
          name="kind"
          label="Kind"
          value={query.kind}
          error={errorFor(errors, 'kind')}
          options={[
            { value: '', label: 'Any kind' },
            ...FEEDBACK_KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] })),
          ]}
        />
        <SelectField
          name="team"
          label="Team"
          value={query.team}
          error={errorFor(errors, 'team')}
          options={[
            { value: '', label: 'Any team' },
            ...teams.map((t) => ({ value: t.slug, label: t.name })),
          ]}
        />
        {query.sort !== 'votes' ? <input type="hidden" name="sort" value={query.sort} /> : null}
        <button type="submit">Show feedback</button>
        {filtered ? <a href="/feedback">Show all feedback</a> : null}
      </form>
      <Choices
        label="Sort"
        options={FEEDBACK_SORTS.map((s) => ({
          href: boardHref(query, { sort: s }),
          label: SORT_WORDS[s],
          current: s === query.sort,
        }))}
      />
      {errors.some((e) => e.path !== 'period') ? null : (
        <BoardTable items={page.items} query={query} filtered={filtered} />
      )}
      {page.nextCursor || cursor ? (
        <p class="row-actions">
          {cursor ? <a href={boardHref(query)}>First page</a> : null}
          {page.nextCursor ? (
            <a href={boardHref(query, { cursor: page.nextCursor })}>Next {PAGE_SIZE} items</a>
          ) : null}
        </p>
      ) : null}
      <section aria-labelledby="responsiveness">
        <h2 id="responsiveness">How quickly the platform team answers</h2>
        <form method="get" action="/feedback" class="inline-form" novalidate>
          <SelectField
            name="period"
            label="Period"
            value={period}
            error={errorFor(errors, 'period')}
            options={periodChoices(period).map((p) => ({ value: p, label: p }))}
          />
          <button type="submit">Show the figures</button>
        </form>
        {figures ? <ResponsivenessList figures={figures} /> : null}
        {series.length > 0 ? <ResponsivenessTable series={series} /> : null}
        <p class="note">
          An item is acknowledged when its status first changes from new. Items still new past the{' '}
          {slaDays} days count in the time to acknowledge with their age so far, so a backlog shows.
        </p>
      </section>
    </>,
  );
}

function BoardTable(props: { items: FeedbackSummary[]; query: BoardQuery; filtered: boolean }) {
  const { items, query, filtered } = props;
  return (
    <DataTable
      caption={`${filtered ? 'Matching feedback' : 'All feedback'}, ${SORT_WORDS[query.sort].toLowerCase()} first`}
      rows={items}
      empty={
        filtered ? (
          <>
            No feedback matches these filters. <a href="/feedback">Show all feedback</a>, or{' '}
            <a href="/feedback/new">tell the platform team</a> what is getting in your way.
          </>
        ) : (
          <>
            No feedback yet. <a href="/feedback/new">Tell the platform team</a> what is getting in
            your way, or what works well.
          </>
        )
      }
      columns={[
        { label: 'Votes', numeric: true, cell: (i) => i.votes },
        {
          label: 'Feedback',
          cell: (i) => (
            <>
              <ItemLink item={i} />
              {i.voted ? <span class="muted"> · you voted</span> : null}
              <br />
              <span class="muted">{i.capability?.name ?? 'The platform as a whole'}</span>
            </>
          ),
        },
        { label: 'Status', cell: (i) => <StatusTag status={i.status} /> },
        { label: 'Team', cell: (i) => i.team?.name ?? '—' },
        { label: 'Age (days)', numeric: true, cell: (i) => i.ageDays },
        { label: 'Acknowledged', cell: (i) => <AckCell item={i} /> },
      ]}
    />
  );
}
