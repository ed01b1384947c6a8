// Read-only queries the feedback pages need beyond the board: counts for
// the home page, the capability page and the queues, and one person's items.

import { sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import { DAY_MS, type FeedbackStatus } from './model.ts';

/** How many items match: by capability and status (both optional). */
export async function countItems(
  db: Db,
  filter: { capabilityId?: string; status?: readonly FeedbackStatus[] } = {},
): Promise<number> {
  let q = db.selectFrom('feedback_items').select(db.fn.countAll<number>().as('n'));
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  if (filter.status?.length) q = q.where('status', 'in', [...filter.status]);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** New items past the acknowledgement SLA at `now` (the overdue queue's length). */
export async function countOverdue(db: Db, slaDays: number, now = new Date()): Promise<number> {
  const row = await db
    .selectFrom('feedback_items')
    .select(db.fn.countAll<number>().as('n'))
    .where('status', '=', 'new')
    .where('created_at', '<', new Date(now.getTime() - slaDays * DAY_MS).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How one person relates to an item on their home page. */
export interface MyItem {
  id: string;
  /** They posted it by name (items posted as "a developer in team X" show as followed). */
  posted: boolean;
  voted: boolean;
  following: boolean;
  statusChangedAt: string;
}

/**
 * The items a person posted by name, voted on or follows, most recently
 * changed first. A duplicate's vote and subscription moved to its original,
 * so the original is what shows.
 */
export async function itemsOfPerson(db: Db, userId: string, limit: number): Promise<MyItem[]> {
  const rows = await db
    .selectFrom('feedback_items as i')
    .select([
      'i.id',
      'i.status_changed_at',
      sql<number>`case when i.author_id = ${userId} and i.posted_as = 'name' then 1 else 0 end`.as(
        'posted',
      ),
      sql<number>`case when exists (select 1 from feedback_votes v where v.item_id = i.id and v.user_id = ${userId}) then 1 else 0 end`.as(
        'voted',
      ),
      sql<number>`case when exists (select 1 from feedback_subscriptions s where s.item_id = i.id and s.user_id = ${userId} and s.active = 1) then 1 else 0 end`.as(
        'following',
      ),
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb('i.author_id', '=', userId), eb('i.posted_as', '=', 'name')]),
        eb.exists(
          eb
            .selectFrom('feedback_votes as v')
            .select('v.item_id')
            .whereRef('v.item_id', '=', 'i.id')
            .where('v.user_id', '=', userId),
        ),
        eb.exists(
          eb
            .selectFrom('feedback_subscriptions as s')
            .select('s.item_id')
            .whereRef('s.item_id', '=', 'i.id')
            .where('s.user_id', '=', userId)
            .where('s.active', '=', 1),
        ),
      ]),
    )
    .where('i.status', '!=', 'duplicate')
    .orderBy('i.status_changed_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    posted: Number(r.posted) === 1,
    voted: Number(r.voted) === 1,
    following: Number(r.following) === 1,
    statusChangedAt: r.status_changed_at,
  }));
}

/** The items a person has unread notifications about (their links point at the item). */
export async function itemsWithUnread(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('notifications')
    .select('link')
    .distinct()
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .where('link', 'like', '/feedback/%')
    .execute();
  return new Set(rows.map((r) => decodeURIComponent(r.link.slice('/feedback/'.length))));
}

/** The changelog entries that answer an item ("you said, we did"), newest first. */
export async function changelogEntriesFor(
  db: Db,
  feedbackId: string,
): Promise<{ id: string; title: string; publishedAt: string; breaking: boolean }[]> {
  const rows = await db
    .selectFrom('changelog_feedback as l')
    .innerJoin('changelog_entries as e', 'e.id', 'l.entry_id')
    .select(['e.id', 'e.title', 'e.published_at', 'e.breaking'])
    .where('l.feedback_id', '=', feedbackId)
    .orderBy('e.published_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    publishedAt: r.published_at,
    breaking: Number(r.breaking) === 1,
  }));
}
