// The triage queue (the platform team's new items, oldest first) and the
// overdue queue (new items past the acknowledgement SLA, for everyone).

import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import type { Page } from '../core/db/paging.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { DataTable, DateText } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { AckCell, ItemLink } from './pages-shared.tsx';
import { type FeedbackSummary, listFeedback, overdueFeedback } from './service.ts';
import { ackSlaDays } from './settings.ts';

const PAGE_SIZE = 50;

export function registerQueuePages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/feedback/triage', policy('feedback.triage'), async (c) => {
    const cursor = c.req.query('cursor') || undefined;
    const page = await listFeedback(db, c.get('actor'), {
      status: ['new'],
      sort: 'oldest-unacknowledged',
      limit: PAGE_SIZE,
      cursor,
    });
    const slaDays = await getSetting(db, ackSlaDays);
    return renderPage(
      c,
      { title: 'Triage queue' },
      <>
        <h1>Triage queue</h1>
        <p class="lead">
          New feedback, oldest first: open each item to acknowledge it with a public note, plan or
          decline it, or merge it into an item that says the same. The promise is {slaDays} days.
        </p>
        <QueueTable
          page={page}
          caption="New feedback, oldest first"
          empty="Nothing to triage: every item has been acknowledged. New feedback shows up here."
        />
        <Paging c={c} page={page} path="/feedback/triage" />
        <p>
          <a href="/feedback/overdue">Overdue items</a> · <a href="/feedback">All feedback</a>
        </p>
      </>,
    );
  });

  web.get('/feedback/overdue', policy('feedback.read'), async (c) => overduePage(c, db));
}

async function overduePage(c: Context<AppEnv>, db: Db) {
  const actor = c.get('actor');
  const cursor = c.req.query('cursor') || undefined;
  const page = await overdueFeedback(db, actor, { limit: PAGE_SIZE, cursor });
  const slaDays = await getSetting(db, ackSlaDays);
  return renderPage(
    c,
    { title: 'Overdue feedback' },
    <>
      <h1>Overdue feedback</h1>
      <p class="lead">
        Feedback nobody has acknowledged within the promised {slaDays} days, oldest first. This list
        is public, so no item disappears quietly.
      </p>
      <QueueTable
        page={page}
        caption={`New feedback older than ${slaDays} days`}
        empty={`Nothing is overdue: every item was acknowledged within ${slaDays} days or is still inside them.`}
      />
      <Paging c={c} page={page} path="/feedback/overdue" />
      <p>
        {can(actor, 'feedback.triage') ? (
          <>
            <a href="/feedback/triage">Triage queue</a> ·{' '}
          </>
        ) : null}
        <a href="/feedback">All feedback</a>
      </p>
    </>,
  );
}

function QueueTable(props: { page: Page<FeedbackSummary>; caption: string; empty: string }) {
  return (
    <DataTable
      caption={props.caption}
      rows={props.page.items}
      empty={props.empty}
      columns={[
        { label: 'Posted', cell: (i) => <DateText iso={i.createdAt} /> },
        { label: 'Age (days)', numeric: true, cell: (i) => i.ageDays },
        { label: 'Feedback', cell: (i) => <ItemLink item={i} /> },
        { label: 'About', cell: (i) => i.capability?.name ?? 'The platform as a whole' },
        { label: 'Team', cell: (i) => i.team?.name ?? '—' },
        { label: 'Votes', numeric: true, cell: (i) => i.votes },
        { label: 'Acknowledged', cell: (i) => <AckCell item={i} /> },
      ]}
    />
  );
}

function Paging(props: { c: Context<AppEnv>; page: Page<unknown>; path: string }) {
  const cursor = props.c.req.query('cursor');
  if (!cursor && !props.page.nextCursor) return null;
  return (
    <p class="row-actions">
      {cursor ? <a href={props.path}>First page</a> : null}
      {props.page.nextCursor ? (
        <a href={`${props.path}?cursor=${encodeURIComponent(props.page.nextCursor)}`}>
          Next {PAGE_SIZE} items
        </a>
      ) : null}
    </p>
  );
}
