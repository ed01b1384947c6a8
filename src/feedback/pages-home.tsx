// What other pages show of feedback: on the home page, a person's own items
// and votes with what changed, and for the platform team what needs action;
// on a capability's page, the feedback about it.

import type { Db } from '../core/db/index.ts';
import { type Actor, can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { DateText, EmptyState } from '../core/ui/components.tsx';
import { feedbackFigures } from './figures.ts';
import { OPEN_STATUSES } from './model.ts';
import { shareText } from './pages-figures.tsx';
import { ItemLink, StatusTag } from './pages-shared.tsx';
import { ackSlaDays } from './settings.ts';
import { getItems } from './store.ts';
import { countItems, countOverdue, itemsOfPerson, itemsWithUnread } from './store-views.ts';

const HOME_ITEMS = 8;

/**
 * The home page's feedback: for the platform team, what needs action (new and
 * overdue items, the share acknowledged in time); for everyone, the items
 * they posted, voted for or follow, with those changed since they last read
 * their inbox marked.
 */
export async function FeedbackHome({ db, actor }: { db: Db; actor: Actor | null }) {
  if (!actor) return null;
  const triage = can(actor, 'feedback.triage');
  const mine = await itemsOfPerson(db, actor.userId, HOME_ITEMS);
  const [items, unread] = await Promise.all([
    getItems(
      db,
      mine.map((m) => m.id),
    ),
    itemsWithUnread(db, actor.userId),
  ]);
  const byId = new Map(items.map((i) => [i.id, i]));
  const changed = mine.filter((m) => unread.has(m.id)).length;
  return (
    <>
      {triage ? <NeedsAction db={db} actor={actor} /> : null}
      {triage && mine.length === 0 ? null : (
        <section aria-labelledby="your-feedback">
          <h2 id="your-feedback">Your feedback and votes</h2>
          {mine.length === 0 ? (
            <EmptyState>
              You have not posted or voted for feedback yet.{' '}
              <a href="/feedback/new">Tell the platform team what is getting in your way</a>, or{' '}
              <a href="/feedback">vote for what others asked</a>.
            </EmptyState>
          ) : (
            <>
              <p>
                {changed === 0
                  ? 'Nothing changed since you last read your inbox.'
                  : `${changed} changed since you last read your inbox.`}{' '}
                <a href="/inbox">Your inbox</a>
              </p>
              <ul class="notes">
                {mine.map((m) => {
                  const item = byId.get(m.id);
                  if (!item) return null;
                  return (
                    <li>
                      {unread.has(m.id) ? <strong>Changed: </strong> : null}
                      <ItemLink item={item} /> <StatusTag status={item.status} />
                      <br />
                      <span class="muted">
                        {m.posted
                          ? 'You posted it'
                          : m.voted
                            ? 'You voted for it'
                            : 'You follow it'}
                        {m.posted && m.voted ? ' and voted' : ''}; {item.votes}{' '}
                        {item.votes === 1 ? 'vote' : 'votes'}; status since{' '}
                        <DateText iso={m.statusChangedAt} />
                      </span>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
      )}
    </>
  );
}

async function NeedsAction({ db, actor }: { db: Db; actor: Actor }) {
  const slaDays = await getSetting(db, ackSlaDays);
  const [fresh, overdue, figures] = await Promise.all([
    countItems(db, { status: ['new'] }),
    countOverdue(db, slaDays),
    feedbackFigures(db, actor),
  ]);
  return (
    <section aria-labelledby="feedback-action">
      <h2 id="feedback-action">Feedback waiting for you</h2>
      <ul>
        <li>
          <a href="/feedback/overdue">
            {overdue} overdue {overdue === 1 ? 'item' : 'items'}
          </a>
          : new for more than {slaDays} days.
        </li>
        <li>
          <a href="/feedback/triage">{fresh} new in the triage queue</a>.
        </li>
        <li>
          Acknowledged within {slaDays} days in {figures.period}: {shareText(figures)}
          {figures.withinSla.denominator > 0
            ? ` (${figures.withinSla.numerator} of ${figures.withinSla.denominator})`
            : ''}
          .
        </li>
      </ul>
    </section>
  );
}

/** The capability page's link to its feedback, with counts, or the invitation to give some. */
export async function CapabilityFeedback(props: {
  db: Db;
  capability: { id: string; slug: string; name: string };
}) {
  const { db, capability } = props;
  const [open, all] = await Promise.all([
    countItems(db, { capabilityId: capability.id, status: OPEN_STATUSES }),
    countItems(db, { capabilityId: capability.id }),
  ]);
  const slug = encodeURIComponent(capability.slug);
  return (
    <section aria-labelledby="feedback">
      <h2 id="feedback">Feedback on this capability</h2>
      {all === 0 ? (
        <EmptyState>
          No feedback on this capability yet.{' '}
          <a href={`/feedback/new?capability=${slug}`}>
            Tell the platform team what is getting in your way
          </a>
          .
        </EmptyState>
      ) : (
        <p>
          <a href={`/feedback?capability=${slug}`}>
            {all} {all === 1 ? 'item' : 'items'} of feedback on {capability.name}
          </a>
          , {open} still open. <a href={`/feedback/new?capability=${slug}`}>Give feedback</a>
        </p>
      )}
    </section>
  );
}
