// The in-app inbox: each person's notifications, their unread count (shown
// in the header) and their email preferences.

import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import { InvalidInput } from '../core/errors.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { DEFAULT_EMAIL_MODE, EMAIL_MODES, type EmailMode, type Notification } from './model.ts';

/** How many unread notifications a person has (the header's badge). */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select(db.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A person's own notifications, newest first. */
export async function listInbox(
  db: Db,
  actor: Actor | null,
  input: { limit: number; cursor?: string; unreadOnly?: boolean },
): Promise<Page<Notification> & { unread: number }> {
  authorize(actor, 'inbox.read');
  const userId = actor!.userId;
  let q = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1);
  if (input.unreadOnly) q = q.where('read_at', 'is', null);
  if (input.cursor) q = q.where(olderThan('created_at', 'id', input.cursor));
  const page = toPage(
    await q.execute(),
    input.limit,
    (r) => [r.created_at, r.id],
    (r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      link: r.link,
      createdAt: r.created_at,
      readAt: r.read_at,
    }),
  );
  return { ...page, unread: await unreadCount(db, userId) };
}

/**
 * Marks notifications read: the given ids (only the person's own), or all
 * of them. Returns how many changed.
 */
export async function markRead(
  db: Db,
  actor: Actor | null,
  ids: string[] | 'all',
): Promise<number> {
  authorize(actor, 'inbox.read');
  if (ids !== 'all' && ids.length === 0) return 0;
  let q = db
    .updateTable('notifications')
    .set({ read_at: nowIso() })
    .where('user_id', '=', actor!.userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

export interface Preferences {
  /** digest: one email a day (the default); immediate: one per notification; off: inbox only. */
  emailMode: EmailMode;
  /** Whether voting subscribes (off after "unsubscribe from all"). */
  subscribeOnVote: boolean;
}

export async function getPreferences(db: Db, userId: string): Promise<Preferences> {
  const row = await db
    .selectFrom('notification_preferences')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return {
    emailMode: (row?.email_mode as EmailMode | undefined) ?? DEFAULT_EMAIL_MODE,
    subscribeOnVote: row ? Number(row.subscribe_on_vote) === 1 : true,
  };
}

/** Changes a person's own notification preferences. */
export async function setPreferences(
  db: Db,
  actor: Actor | null,
  patch: Partial<Preferences>,
): Promise<Preferences> {
  authorize(actor, 'inbox.read');
  if (patch.emailMode !== undefined && !EMAIL_MODES.includes(patch.emailMode)) {
    throw InvalidInput.field('emailMode', `Choose one of: ${EMAIL_MODES.join(', ')}.`);
  }
  const current = await getPreferences(db, actor!.userId);
  const next = { ...current, ...patch };
  const at = nowIso();
  const row = {
    email_mode: next.emailMode,
    subscribe_on_vote: next.subscribeOnVote ? 1 : 0,
    updated_at: at,
  };
  await db
    .insertInto('notification_preferences')
    .values({ user_id: actor!.userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
  return next;
}
