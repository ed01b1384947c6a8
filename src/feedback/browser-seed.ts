// The feedback pages' share of the browser suite's seed (test/browser/seed.ts):
// items in each state (one posted as a team member, one merged, one overdue),
// votes, a status history with Markdown notes, an internal note, the admin's
// inbox with unread news, and a webhook with a delivery log. Written through
// the stores in the seed's transaction.

import { newId } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { notifyUsers } from '../notifications/outbox.ts';
import type { FeedbackStatus } from './model.ts';
import {
  addVote,
  insertInternalNote,
  insertItem,
  insertStatusChange,
  setStatus,
  subscribe,
} from './store.ts';

const DAY = 86_400_000;

/** Returns `{feedbackId, duplicateId, hiddenAuthorId, webhookId}` for pages.ts. */
export async function seedBrowserFeedback(
  db: Db,
  users: { adminId: string; adminName: string; developerId: string; leaderId: string },
  capabilityId: string | null,
): Promise<Record<string, string>> {
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY).toISOString();
  const item = async (input: {
    title: string;
    body: string;
    kind: 'problem' | 'idea' | 'question' | 'praise';
    postedAs: 'name' | 'team';
    daysAgo: number;
    capability?: boolean;
  }) => {
    const id = await insertItem(db, {
      kind: input.kind,
      title: input.title,
      body: input.body,
      capabilityId: input.capability ? capabilityId : null,
      teamId: null,
      postedAs: input.postedAs,
      authorId: users.developerId,
      authorName: 'Alan Turing',
      at: at(-input.daysAgo),
    });
    await subscribe(db, id, users.developerId, { explicit: true, at: at(-input.daysAgo) });
    return id;
  };
  const move = async (
    id: string,
    from: FeedbackStatus,
    to: FeedbackStatus,
    note: string,
    days: number,
  ) => {
    await setStatus(db, id, { from, to, at: at(-days) });
    await insertStatusChange(db, {
      itemId: id,
      from,
      to,
      note,
      intoId: null,
      actorId: users.adminId,
      actorName: users.adminName,
      at: at(-days),
    });
  };

  const slow = await item({
    kind: 'problem',
    title: 'Deploy pipeline runs wait for a free runner every morning',
    body: 'Between 9:00 and 10:30 a deploy waits **15–20 minutes** for a runner.\n\n- it started after the move to the shared runners\n- see https://ci.example.test/queues/shared-runners-eu-west-1/history?from=2026-10-01 for the queue\n\n`deploy --wait` times out.',
    postedAs: 'name',
    daysAgo: 20,
    capability: true,
  });
  for (const voter of [users.adminId, users.leaderId]) {
    await addVote(db, slow, voter, at(-18));
    await subscribe(db, slow, voter, { explicit: false, at: at(-18) });
  }
  await move(
    slow,
    'new',
    'acknowledged',
    'Seen: the shared runners are **short** at peak times.',
    17,
  );
  await move(
    slow,
    'acknowledged',
    'planned',
    'Planned for next month, with [the runner capacity work](https://roadmap.example.test/runners).',
    10,
  );
  await insertInternalNote(db, {
    itemId: slow,
    body: 'Linked to ticket PLAT-412. Ask Dennis about the EU quota.',
    authorId: users.adminId,
    authorName: users.adminName,
    at: at(-9),
  });

  const hidden = await item({
    kind: 'problem',
    title: 'On-call gets paged for the platform’s own maintenance',
    body: 'Planned maintenance pages product teams at night.',
    postedAs: 'team',
    daysAgo: 9,
  });

  const duplicate = await item({
    kind: 'problem',
    title: 'Morning deploys are slow',
    body: 'Same as the runner queue problem, I think.',
    postedAs: 'name',
    daysAgo: 15,
    capability: true,
  });
  await setStatus(db, duplicate, { from: 'new', to: 'duplicate', duplicateOf: slow, at: at(-14) });
  await insertStatusChange(db, {
    itemId: duplicate,
    from: 'new',
    to: 'duplicate',
    note: 'Merged into the runner queue report, where the conversation continues.',
    intoId: slow,
    actorId: users.adminId,
    actorName: users.adminName,
    at: at(-14),
  });

  const praised = await item({
    kind: 'praise',
    title: 'The new docs search is excellent',
    body: 'Found the answer in seconds.',
    postedAs: 'name',
    daysAgo: 2,
  });
  const shipped = await item({
    kind: 'idea',
    title: 'Show deploy status in the pull request',
    body: 'Today I switch between three tabs to see whether my change is live.',
    postedAs: 'name',
    daysAgo: 60,
    capability: true,
  });
  await move(shipped, 'new', 'acknowledged', 'Good idea, thank you.', 58);
  await move(shipped, 'acknowledged', 'planned', 'Planned.', 50);
  await move(shipped, 'planned', 'in-progress', 'Started.', 40);
  await move(
    shipped,
    'in-progress',
    'shipped',
    'Shipped: the status shows on every pull request.',
    30,
  );
  await addVote(db, shipped, users.adminId, at(-55));
  await subscribe(db, shipped, users.adminId, { explicit: false, at: at(-55) });

  // The admin's inbox: news on what they follow, unread and read.
  await notifyUsers(db, [users.adminId], {
    kind: 'feedback.status',
    title: 'Deploy pipeline runs wait for a free runner every morning: planned',
    body: 'Planned for next month, with the runner capacity work.',
    link: `/feedback/${slow}`,
  });
  await notifyUsers(db, [users.adminId], {
    kind: 'feedback.status',
    title: 'Show deploy status in the pull request: shipped',
    body: 'Shipped: the status shows on every pull request.',
    link: `/feedback/${shipped}`,
  });
  await db
    .updateTable('notifications')
    // Older than the other, so the inbox's order does not hang on two inserts' clock.
    .set({ read_at: at(-1), email_status: 'skipped', created_at: at(-2) })
    .where('link', '=', `/feedback/${shipped}`)
    .execute();

  // A webhook with a delivery that worked and one that is being retried.
  const webhookId = newId();
  await db
    .insertInto('webhooks')
    .values({
      id: webhookId,
      name: '#platform-feedback in the team chat',
      url: 'https://chat.example.test/hooks/T000/B000/a-long-incoming-webhook-token-0123456789',
      format: 'slack',
      events: JSON.stringify(['feedback.created', 'feedback.status_changed']),
      secret_sealed: 'not-a-real-secret',
      active: 1,
      created_by: users.adminId,
      created_at: at(-30),
      updated_at: at(-30),
    })
    .execute();
  for (const [code, status, days] of [
    [200, 'delivered', 3],
    [503, 'pending', 1],
  ] as const) {
    const deliveryId = newId();
    await db
      .insertInto('webhook_deliveries')
      .values({
        id: deliveryId,
        webhook_id: webhookId,
        event_type: 'feedback.status_changed',
        payload: '{}',
        status,
        attempts: 1,
        next_at: at(1),
        claim: null,
        last_code: code,
        last_error: code === 200 ? null : 'Service Unavailable',
        is_test: 0,
        created_at: at(-days),
        delivered_at: code === 200 ? at(-days) : null,
      })
      .execute();
    await db
      .insertInto('webhook_attempts')
      .values({ id: newId(), delivery_id: deliveryId, at: at(-days), code, error: null, ms: 120 })
      .execute();
  }
  return {
    feedbackId: slow,
    duplicateId: duplicate,
    hiddenAuthorId: hidden,
    praiseId: praised,
    webhookId,
  };
}
