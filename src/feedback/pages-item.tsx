// One feedback item: what was said, votes, following, status history with
// public notes; for the platform team the status and merge forms and the
// internal notes. The actions post here and come back with a notice.

import type { Context, Hono } from 'hono';
import { capabilityPath } from '../capabilities/pages-shared.tsx';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  Field,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { changelogPath } from '../roadmap/changelog.ts';
import { FEEDS } from '../roadmap/feeds.ts';
import { STATUS_LABELS } from '../roadmap/model.ts';
import { itemPath as roadmapPath } from '../roadmap/service.ts';
import { itemsLinking } from '../roadmap/store.ts';
import { authorLine, MERGEABLE, STATUS_MOVES, statusLabel } from './model.ts';
import {
  AckSentence,
  ActionButton,
  errorFor,
  ItemLink,
  itemPath,
  KIND_WORDS,
  Markdown,
  StatusTag,
} from './pages-shared.tsx';
import { type FeedbackDetail, getFeedback } from './service.ts';
import { ackSlaDays } from './settings.ts';
import { changelogEntriesFor } from './store-views.ts';

const DONE: Record<string, string> = {
  posted:
    'Thank you: your feedback is posted. You follow it, so every status change reaches your inbox.',
  voted: 'Your vote counts.',
  unvoted: 'Your vote is withdrawn.',
  followed: 'You follow this item: every status change reaches your inbox.',
  unfollowed: 'You no longer follow this item.',
  status: 'The status is changed, and everyone following the item is told, with your note.',
  merged: 'Merged: the duplicate’s votes and followers now count here, and they have been told.',
  noted: 'Your internal note is added. Only the platform team sees it.',
};

/** The item's page (its forms post to the routes in pages-item-actions.tsx). */
export function registerItemPage(web: Hono<AppEnv>, deps: Deps): void {
  web.get('/feedback/:id', policy('feedback.read'), async (c) =>
    itemPage(c, deps.handle.db, c.req.param('id'), {}, []),
  );
}

/** Renders an item's page; after a refused form, with its errors and the input kept. */
export async function itemPage(
  c: Context<AppEnv>,
  db: Db,
  id: string,
  values: Record<string, string>,
  errors: FieldError[],
  status: 200 | 400 | 409 = errors.length > 0 ? 400 : 200,
) {
  const actor = c.get('actor');
  const detail = await getFeedback(db, actor, id);
  const { item } = detail;
  const slaDays = await getSetting(db, ackSlaDays);
  const [roadmap, changelog] = await Promise.all([
    itemsLinking(db, item.id),
    changelogEntriesFor(db, item.id),
  ]);
  const triage = can(actor, 'feedback.triage');
  const done = DONE[c.req.query('done') ?? ''];
  const csrf = c.get('csrfToken');
  return renderPage(
    c,
    { title: item.title, status },
    <>
      <h1>{item.title}</h1>
      <p class="lead">
        {KIND_WORDS[item.kind]} about {item.capability?.name ?? 'the platform as a whole'}.{' '}
        {item.status === 'duplicate'
          ? 'It was merged into another item, where the conversation continues.'
          : 'Vote if it matters to you too, and follow it to hear when its status changes.'}
      </p>
      {done ? <Notice>{done}</Notice> : null}
      {detail.mergedInto ? (
        <div class="notice">
          <p>
            Merged into <ItemLink item={detail.mergedInto} />: votes and followers moved there.
          </p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusTag status={item.status} />
        </dd>
        <dt>Votes</dt>
        <dd>
          {item.votes}
          {detail.viewer.voted ? ', yours included' : ''}
        </dd>
        <dt>About</dt>
        <dd>
          {item.capability ? (
            <a href={capabilityPath(item.capability.slug)}>{item.capability.name}</a>
          ) : (
            'The platform as a whole'
          )}
        </dd>
        <dt>From</dt>
        <dd>{authorLine(item)}</dd>
        <dt>Posted</dt>
        <dd>
          <DateText iso={item.createdAt} />
        </dd>
        <dt>Acknowledged</dt>
        <dd>
          <AckSentence item={item} slaDays={slaDays} />
        </dd>
      </dl>
      <h2>What they said</h2>
      <Markdown source={item.body} />
      {item.status === 'duplicate' ? null : (
        <YourPart detail={detail} csrf={csrf} errors={errors} />
      )}
      {roadmap.length > 0 ? (
        <section aria-labelledby="roadmap">
          <h2 id="roadmap">On the roadmap</h2>
          <ul>
            {roadmap.map((r) => (
              <li>
                <a href={roadmapPath(r.id)}>{r.title}</a>{' '}
                <span class="status">{STATUS_LABELS[r.status]}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {changelog.length > 0 ? (
        <section aria-labelledby="we-did">
          <h2 id="we-did">You said, we did</h2>
          <ul>
            {changelog.map((e) => (
              <li>
                <a href={changelogPath(e.id)}>{e.title}</a>
                {e.breaking ? ' (breaking change)' : ''}, <DateText iso={e.publishedAt} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <History detail={detail} />
      {detail.duplicates.length > 0 ? (
        <section aria-labelledby="duplicates">
          <h2 id="duplicates">Merged into this item</h2>
          <ul>
            {detail.duplicates.map((d) => (
              <li>
                <ItemLink item={d} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {triage ? <Triage detail={detail} csrf={csrf} values={values} errors={errors} /> : null}
      <p>
        <a href="/feedback">All feedback</a>
      </p>
    </>,
  );
}

function YourPart(props: { detail: FeedbackDetail; csrf: string | null; errors: FieldError[] }) {
  const { detail, csrf } = props;
  const { item, viewer } = detail;
  return (
    <section aria-labelledby="your-part">
      <h2 id="your-part">Your vote and updates</h2>
      <p>
        {viewer.voted
          ? 'You voted for this. '
          : 'Vote if this matters to you too: votes show the platform team what to do first. '}
        {viewer.subscribed
          ? 'You follow it: status changes reach your inbox.'
          : 'You do not follow it, so you hear nothing when its status changes.'}
      </p>
      <p>
        Or follow it in a feed reader: <a href={FEEDS.feedback(item.id)}>its Atom feed</a>, with the
        key from your <a href="/changelog#feeds">feed addresses</a>.
      </p>
      <div class="row-actions">
        {viewer.voted ? (
          <ActionButton
            action={itemPath(item.id, '/unvote')}
            csrfToken={csrf}
            id="field-vote"
            secondary
            label="Withdraw your vote"
          />
        ) : (
          <ActionButton
            action={itemPath(item.id, '/vote')}
            csrfToken={csrf}
            id="field-vote"
            label="Vote for this"
          />
        )}
        {viewer.subscribed ? (
          <ActionButton
            action={itemPath(item.id, '/unsubscribe')}
            csrfToken={csrf}
            id="field-subscription"
            secondary
            label="Stop following"
          />
        ) : (
          <ActionButton
            action={itemPath(item.id, '/subscribe')}
            csrfToken={csrf}
            id="field-subscription"
            secondary
            label="Follow this item"
          />
        )}
      </div>
    </section>
  );
}

function History({ detail }: { detail: FeedbackDetail }) {
  return (
    <section aria-labelledby="history">
      <h2 id="history">What happened</h2>
      <DataTable
        caption="Status changes, oldest first, each with its public note"
        rows={detail.history}
        empty={`Nothing yet: the platform team has not answered. It promises to, by ${detail.item.slaDeadline.slice(0, 10)}.`}
        columns={[
          { label: 'When', cell: (h) => <DateText iso={h.at} /> },
          {
            label: 'Change',
            cell: (h) => (
              <>
                {statusLabel(h.from)} → <strong>{statusLabel(h.to)}</strong>
              </>
            ),
          },
          { label: 'Note', cell: (h) => <Markdown source={h.note} /> },
          { label: 'By', cell: (h) => h.actorName ?? 'The platform team' },
        ]}
      />
    </section>
  );
}

function Triage(props: {
  detail: FeedbackDetail;
  csrf: string | null;
  values: Record<string, string>;
  errors: FieldError[];
}) {
  const { detail, csrf, values, errors } = props;
  const { item } = detail;
  const moves = STATUS_MOVES[item.status];
  return (
    <section aria-labelledby="triage">
      <h2 id="triage">For the platform team</h2>
      {moves.length === 0 ? (
        <p>A {statusLabel(item.status).toLowerCase()} item’s status is final.</p>
      ) : (
        <Form action={itemPath(item.id, '/status')} csrfToken={csrf} class="stacked">
          <h3>Change the status</h3>
          <SelectField
            name="status"
            label="New status"
            hint="Declining asks you to confirm on the next page."
            value={values.status}
            error={errorFor(errors, 'status')}
            options={moves.map((s) => ({ value: s, label: statusLabel(s) }))}
          />
          <Field
            name="note"
            label="Public note"
            hint="Required. Everyone following the item reads it; for a decline, it is the reason. Markdown works."
            multiline
            value={values.note}
            error={errorFor(errors, 'note')}
          />
          <div class="row-actions">
            <button type="submit">Change the status</button>
            {moves.includes('declined') ? (
              <a class="button secondary" href={itemPath(item.id, '/decline')}>
                Decline…
              </a>
            ) : null}
          </div>
        </Form>
      )}
      {MERGEABLE.includes(item.status) ? (
        <Form action={itemPath(item.id, '/merge')} csrfToken={csrf} class="stacked">
          <h3>Merge into an item that says the same</h3>
          <Field
            name="into"
            label="The original item"
            hint="Its address or id, such as /feedback/… You confirm on the next page."
            value={values.into}
            error={errorFor(errors, 'into')}
          />
          <button type="submit" class="secondary">
            Merge this item…
          </button>
        </Form>
      ) : null}
      <h3 id="internal-notes">Internal notes</h3>
      <p class="muted">Only the platform team sees these; the item’s author and voters do not.</p>
      {detail.internalNotes && detail.internalNotes.length > 0 ? (
        <ul class="notes">
          {detail.internalNotes.map((n) => (
            <li>
              <Markdown source={n.body} />
              <span class="muted">
                {n.authorName ?? 'Someone'}, <DateText iso={n.at} />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>No internal notes yet.</EmptyState>
      )}
      <Form action={itemPath(item.id, '/notes')} csrfToken={csrf} class="stacked">
        <Field
          name="body"
          label="Add an internal note"
          hint="Context for the team: who to ask, links to tickets. Markdown works."
          multiline
          value={values.body}
          error={errorFor(errors, 'body')}
        />
        <button type="submit" class="secondary">
          Add the internal note
        </button>
      </Form>
    </section>
  );
}
