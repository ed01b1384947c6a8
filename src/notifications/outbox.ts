// The outbox: notifications and webhook deliveries are written in the
// caller's transaction, so they exist exactly when the change they announce
// does. Delivery (email, webhooks) happens after commit, in delivery.ts.

import { batchSize, chunk, newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { NotificationMessage } from './model.ts';

/**
 * Enqueues one notification for each of the given people, in the caller's
 * transaction: it is in their inbox from the commit, and its email is
 * delivered later. Returns how many were written.
 */
export async function notifyUsers(
  trx: Db,
  userIds: Iterable<string>,
  message: NotificationMessage,
): Promise<number> {
  const now = nowIso();
  const rows = [...new Set(userIds)].map((userId) => ({
    id: newId(),
    user_id: userId,
    kind: message.kind,
    title: message.title,
    body: message.body,
    link: message.link,
    created_at: now,
    read_at: null,
    email_status: 'pending',
    email_attempts: 0,
    email_next_at: now,
    email_claim: null,
    email_sent_at: null,
    email_error: null,
  }));
  for (const part of chunk(rows, batchSize(14))) {
    await trx.insertInto('notifications').values(part).execute();
  }
  return rows.length;
}

/**
 * Tells every subscriber of the given feedback items once: a person
 * subscribed to several of them gets one notification. Written in the
 * caller's transaction (the outbox); people who unsubscribed, disabled
 * accounts and `excludeUserId` (usually whoever made the change) are left out.
 * Returns how many were written.
 */
export async function notifyFeedbackSubscribers(
  trx: Db,
  feedbackIds: string[],
  message: { kind: string; title: string; body: string; link: string },
  options: { excludeUserId?: string } = {},
): Promise<number> {
  const ids = [...new Set(feedbackIds)];
  if (ids.length === 0) return 0;
  const users = new Set<string>();
  for (const part of chunk(ids, 1000)) {
    const rows = await trx
      .selectFrom('feedback_subscriptions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.user_id')
      .distinct()
      .where('s.item_id', 'in', part)
      .where('s.active', '=', 1)
      .where('u.disabled_at', 'is', null)
      .execute();
    for (const r of rows) users.add(r.user_id);
  }
  if (options.excludeUserId) users.delete(options.excludeUserId);
  return notifyUsers(trx, users, message);
}

/**
 * Enqueues a delivery of the event to every active webhook subscribed to
 * `type`, in the caller's transaction. The payload is stored as it will be
 * sent; it must never name an author who posted as "a developer in team X".
 * Returns how many deliveries were written.
 */
export async function enqueueWebhookEvent(trx: Db, type: string, payload: object): Promise<number> {
  const hooks = await trx
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('active', '=', 1)
    .execute();
  const subscribed = hooks.filter((h) => (JSON.parse(h.events) as string[]).includes(type));
  if (subscribed.length === 0) return 0;
  const now = nowIso();
  const eventId = newId();
  const event = JSON.stringify({ id: eventId, type, createdAt: now, data: payload });
  await trx
    .insertInto('webhook_deliveries')
    .values(
      subscribed.map((h) => ({
        id: newId(),
        webhook_id: h.id,
        event_type: type,
        payload: event,
        status: 'pending',
        attempts: 0,
        next_at: now,
        claim: null,
        last_code: null,
        last_error: null,
        is_test: 0,
        created_at: now,
        delivered_at: null,
      })),
    )
    .execute();
  return subscribed.length;
}

// Delivery runners per database handle: a service kicks delivery right after
// its commit so a notification goes out without waiting for the next
// background tick. Nothing is lost without a runner: the job picks it up.
const runners = new WeakMap<object, () => void>();

/** Registers what `kickDelivery` runs for this database (the app and the background work do). */
export function registerDeliveryRunner(db: Db, run: () => void): void {
  runners.set(db, run);
}

/** Starts delivery now, after a commit that enqueued something; a no-op when none is registered. */
export function kickDelivery(db: Db): void {
  runners.get(db)?.();
}
