import { type Expression, sql } from 'kysely';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../core/db/paging.ts';
import type {
  FeedbackItem,
  FeedbackKind,
  FeedbackSort,
  FeedbackStatus,
  InternalNote,
  PostedAs,
  StatusChange,
} from './model.ts';

// Votes are always counted from their rows, never kept in a counter.
const voteCount = sql<number>`(select count(*) from feedback_votes v where v.item_id = i.id)`;

/** Every voted item's count, from one grouped scan of the vote rows (items without votes are absent). */
function voteTotals(db: Db) {
  return db
    .selectFrom('feedback_votes')
    .select(['item_id', sql<number>`count(*)`.as('n')])
    .groupBy('item_id');
}

/** New items before every other status (the overdue and triage order). */
const unacknowledgedFirst = sql`case when i.status = 'new' then 0 else 1 end`;

function baseQuery(db: Db) {
  return db
    .selectFrom('feedback_items as i')
    .leftJoin('capabilities as c', 'c.id', 'i.capability_id')
    .leftJoin('teams as t', 't.id', 'i.team_id')
    .select([
      'i.id',
      'i.kind',
      'i.title',
      'i.body',
      'i.capability_id',
      'c.slug as capability_slug',
      'c.name as capability_name',
      'i.team_id',
      't.slug as team_slug',
      't.name as team_name',
      'i.author_id',
      'i.author_name',
      'i.posted_as',
      'i.status',
      'i.duplicate_of',
      'i.acknowledged_at',
      'i.status_changed_at',
      'i.created_at',
      'i.updated_at',
      voteCount.as('votes'),
    ]);
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function itemRow(r: ItemRow): FeedbackItem {
  const postedAs = r.posted_as as PostedAs;
  return {
    id: r.id,
    kind: r.kind as FeedbackKind,
    title: r.title,
    body: r.body,
    capability:
      r.capability_id && r.capability_slug
        ? { id: r.capability_id, slug: r.capability_slug, name: r.capability_name ?? '' }
        : null,
    team:
      r.team_id && r.team_slug
        ? { id: r.team_id, slug: r.team_slug, name: r.team_name ?? '' }
        : null,
    postedAs,
    // A forgotten author (paved person forget) keeps only "a former member of <team>".
    author:
      postedAs === 'name' && (r.author_id || r.author_name)
        ? { id: r.author_id, name: r.author_name ?? '' }
        : null,
    status: r.status as FeedbackStatus,
    duplicateOf: r.duplicate_of,
    votes: Number(r.votes),
    acknowledgedAt: r.acknowledged_at,
    statusChangedAt: r.status_changed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function getItem(db: Db, id: string): Promise<FeedbackItem | undefined> {
  const row = await baseQuery(db).where('i.id', '=', id).executeTakeFirst();
  return row ? itemRow(row) : undefined;
}

export async function getItems(db: Db, ids: string[]): Promise<FeedbackItem[]> {
  if (ids.length === 0) return [];
  return (await baseQuery(db).where('i.id', 'in', ids).execute()).map(itemRow);
}

export interface ItemFilter {
  capabilityId?: string;
  teamId?: string;
  status?: FeedbackStatus[];
  kind?: FeedbackKind[];
  /** Words in the title or body. */
  q?: string;
  /** Only items of this author (named posts only: hidden authors are never found). */
  authorId?: string;
  /** New items created before this instant (the overdue queue). */
  createdBefore?: string;
  sort?: FeedbackSort;
  limit: number;
  cursor?: string;
}

/**
 * The board: filtered, sorted, paged. Pages are by position (the cursor
 * holds an offset), because vote counts change between pages either way.
 *
 * One statement in two steps: an inner query finds the page's ids from the
 * narrow columns it filters and sorts on (votes counted once per item by a
 * grouped scan of the vote rows, only when sorting by votes), and the outer
 * one reads those items in full, with their votes, in the same order. The
 * order is total (ties broken by creation time, then id), so the page holds
 * exactly the rows the full query would hold at that offset.
 */
/** A query over `feedback_items as i` in the board's total order for `sort` (`votes`: each item's votes). */
function inBoardOrder<
  Q extends { orderBy(expression: Expression<unknown>, direction?: 'asc' | 'desc'): Q },
>(q: Q, sort: FeedbackSort, votes: Expression<unknown>): Q {
  const created = sql`i.created_at`;
  const ordered =
    sort === 'votes'
      ? q.orderBy(votes, 'desc').orderBy(created, 'desc')
      : sort === 'oldest-unacknowledged'
        ? q.orderBy(unacknowledgedFirst).orderBy(created, 'asc')
        : q.orderBy(created, 'desc');
  return ordered.orderBy(sql`i.id`);
}

export async function listItems(db: Db, filter: ItemFilter): Promise<Page<FeedbackItem>> {
  const offset = filter.cursor ? Number(decodeCursor(filter.cursor, 1)[0]) : 0;
  const sort = filter.sort ?? 'newest';
  let page = db.selectFrom('feedback_items as i').select('i.id');
  if (filter.capabilityId) page = page.where('i.capability_id', '=', filter.capabilityId);
  if (filter.teamId) page = page.where('i.team_id', '=', filter.teamId);
  if (filter.status?.length) page = page.where('i.status', 'in', filter.status);
  if (filter.kind?.length) page = page.where('i.kind', 'in', filter.kind);
  if (filter.authorId) {
    page = page.where('i.author_id', '=', filter.authorId).where('i.posted_as', '=', 'name');
  }
  if (filter.createdBefore) page = page.where('i.created_at', '<', filter.createdBefore);
  if (filter.q?.trim()) {
    // lower() on both sides: the same case-insensitive match on both engines.
    const words = filter.q.trim().toLowerCase().split(/\s+/).slice(0, 8);
    for (const word of words) {
      const pattern = `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      page = page.where((eb) =>
        eb.or([
          sql<boolean>`lower(i.title) like ${pattern} escape '\\'`,
          sql<boolean>`lower(i.body) like ${pattern} escape '\\'`,
        ]),
      );
    }
  }
  if (sort === 'votes') page = page.leftJoin(voteTotals(db).as('vt'), 'vt.item_id', 'i.id');
  const ids = inBoardOrder(page, sort, sql`coalesce(vt.n, 0)`)
    .limit(filter.limit + 1)
    .offset(offset);
  // The same order again, over the page's rows only (their votes counted from the same rows).
  const rows = await inBoardOrder(
    baseQuery(db).where('i.id', 'in', ids),
    sort,
    voteCount,
  ).execute();
  const more = rows.length > filter.limit;
  return {
    items: rows.slice(0, filter.limit).map(itemRow),
    nextCursor: more ? encodeCursor([String(offset + filter.limit)]) : null,
  };
}

export interface NewItem {
  kind: FeedbackKind;
  title: string;
  body: string;
  capabilityId: string | null;
  teamId: string | null;
  postedAs: PostedAs;
  authorId: string | null;
  authorName: string | null;
  at?: string;
}

export async function insertItem(db: Db, input: NewItem): Promise<string> {
  const id = newId();
  const at = input.at ?? nowIso();
  await db
    .insertInto('feedback_items')
    .values({
      id,
      kind: input.kind,
      title: input.title,
      body: input.body,
      capability_id: input.capabilityId,
      team_id: input.teamId,
      // A hidden author is not stored on the item at all.
      author_id: input.postedAs === 'name' ? input.authorId : null,
      author_name: input.postedAs === 'name' ? input.authorName : null,
      posted_as: input.postedAs,
      status: 'new',
      duplicate_of: null,
      acknowledged_at: null,
      status_changed_at: at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/**
 * Moves an item from one status to another only if it is still in `from`:
 * of two racing changes, one wins and the other sees false.
 */
export async function setStatus(
  db: Db,
  id: string,
  change: { from: FeedbackStatus; to: FeedbackStatus; duplicateOf?: string | null; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('feedback_items')
    .set({
      status: change.to,
      duplicate_of: change.duplicateOf ?? null,
      status_changed_at: change.at,
      updated_at: change.at,
      // The first move away from `new` is the acknowledgement, kept once.
      acknowledged_at: sql`coalesce(acknowledged_at, ${change.from === 'new' ? change.at : null})`,
    })
    .where('id', '=', id)
    .where('status', '=', change.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertStatusChange(
  db: Db,
  change: Omit<StatusChange, 'id'> & { actorId: string | null },
): Promise<StatusChange> {
  const id = newId();
  await db
    .insertInto('feedback_status_changes')
    .values({
      id,
      item_id: change.itemId,
      from_status: change.from,
      to_status: change.to,
      note: change.note,
      into_id: change.intoId,
      actor_id: change.actorId,
      actor_name: change.actorName,
      at: change.at,
    })
    .execute();
  return {
    id,
    itemId: change.itemId,
    from: change.from,
    to: change.to,
    note: change.note,
    intoId: change.intoId,
    actorName: change.actorName,
    at: change.at,
  };
}

/** An item's status history, oldest first. */
export async function listStatusChanges(db: Db, itemId: string): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('feedback_status_changes')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    itemId: r.item_id,
    from: r.from_status as FeedbackStatus,
    to: r.to_status as FeedbackStatus,
    note: r.note,
    intoId: r.into_id,
    actorName: r.actor_name,
    at: r.at,
  }));
}

/** Items merged into this one, newest first. */
export async function listDuplicates(db: Db, itemId: string): Promise<FeedbackItem[]> {
  const rows = await baseQuery(db)
    .where('i.duplicate_of', '=', itemId)
    .orderBy('i.status_changed_at', 'desc')
    .execute();
  return rows.map(itemRow);
}

/** The chain of merges from an item: each id → what it was merged into (null for an original). */
export async function mergeChain(db: Db, startId: string): Promise<Map<string, string | null>> {
  const chain = new Map<string, string | null>();
  let id: string | null = startId;
  // Bounded: a chain is never longer than the items it passes through.
  for (let step = 0; id !== null && !chain.has(id) && step < 10_000; step++) {
    const row = await db
      .selectFrom('feedback_items')
      .select('duplicate_of')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) break;
    chain.set(id, row.duplicate_of);
    id = row.duplicate_of;
  }
  return chain;
}

/** Adds a vote; false when the person had already voted (the primary key decides, under any concurrency). */
export async function addVote(
  db: Db,
  itemId: string,
  userId: string,
  at = nowIso(),
): Promise<boolean> {
  const result = await db
    .insertInto('feedback_votes')
    .values({ item_id: itemId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['item_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Withdraws a vote; false when there was none. */
export async function removeVote(db: Db, itemId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('feedback_votes')
    .where('item_id', '=', itemId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function voterIds(db: Db, itemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('feedback_votes')
    .select('user_id')
    .where('item_id', '=', itemId)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** The distinct people who voted on any of the items (roadmap: "combined distinct voters"). */
export async function distinctVoterCount(db: Db, itemIds: string[]): Promise<number> {
  if (itemIds.length === 0) return 0;
  const row = await db
    .selectFrom('feedback_votes')
    .select(sql<number>`count(distinct user_id)`.as('n'))
    .where('item_id', 'in', itemIds)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Votes of a merged duplicate move to the original: a person who voted on
 * both keeps one vote there (the primary key refuses the second).
 */
export async function moveVotes(db: Db, fromId: string, intoId: string): Promise<void> {
  await db
    .insertInto('feedback_votes')
    .columns(['item_id', 'user_id', 'created_at'])
    .expression(
      db
        .selectFrom('feedback_votes')
        .select([sql<string>`${intoId}`.as('item_id'), 'user_id', 'created_at'])
        // SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT; this one is real.
        .where('item_id', '=', fromId),
    )
    .onConflict((oc) => oc.columns(['item_id', 'user_id']).doNothing())
    .execute();
  await db.deleteFrom('feedback_votes').where('item_id', '=', fromId).execute();
}

/**
 * Subscribers of a merged duplicate follow the original: anyone subscribed
 * to either stays subscribed to the original.
 */
export async function moveSubscriptions(
  db: Db,
  fromId: string,
  intoId: string,
  at = nowIso(),
): Promise<void> {
  const from = await db
    .selectFrom('feedback_subscriptions')
    .select(['user_id', 'active'])
    .where('item_id', '=', fromId)
    .execute();
  for (const s of from) {
    await db
      .insertInto('feedback_subscriptions')
      .values({ item_id: intoId, user_id: s.user_id, active: Number(s.active), updated_at: at })
      .onConflict((oc) =>
        Number(s.active) === 1
          ? oc.columns(['item_id', 'user_id']).doUpdateSet({ active: 1, updated_at: at })
          : oc.columns(['item_id', 'user_id']).doNothing(),
      )
      .execute();
  }
  await db.deleteFrom('feedback_subscriptions').where('item_id', '=', fromId).execute();
}

/**
 * Subscribes someone. `explicit` (they asked) overrides an earlier
 * unsubscription; by default (they voted or posted) an unsubscription stands.
 */
export async function subscribe(
  db: Db,
  itemId: string,
  userId: string,
  opts: { explicit: boolean; at?: string },
): Promise<void> {
  const at = opts.at ?? nowIso();
  await db
    .insertInto('feedback_subscriptions')
    .values({ item_id: itemId, user_id: userId, active: 1, updated_at: at })
    .onConflict((oc) =>
      opts.explicit
        ? oc.columns(['item_id', 'user_id']).doUpdateSet({ active: 1, updated_at: at })
        : oc.columns(['item_id', 'user_id']).doNothing(),
    )
    .execute();
}

/** Unsubscribes from one item, remembering it so a later vote does not subscribe again. */
export async function unsubscribe(
  db: Db,
  itemId: string,
  userId: string,
  at = nowIso(),
): Promise<void> {
  await db
    .insertInto('feedback_subscriptions')
    .values({ item_id: itemId, user_id: userId, active: 0, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['item_id', 'user_id']).doUpdateSet({ active: 0, updated_at: at }),
    )
    .execute();
}

/** Unsubscribes from every item at once; returns how many subscriptions ended. */
export async function unsubscribeAll(db: Db, userId: string, at = nowIso()): Promise<number> {
  const result = await db
    .updateTable('feedback_subscriptions')
    .set({ active: 0, updated_at: at })
    .where('user_id', '=', userId)
    .where('active', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function subscriberIds(db: Db, itemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('feedback_subscriptions')
    .select('user_id')
    .where('item_id', '=', itemId)
    .where('active', '=', 1)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** One person's vote and subscription on an item. */
export async function viewerOf(
  db: Db,
  itemId: string,
  userId: string,
): Promise<{ voted: boolean; subscribed: boolean }> {
  const [vote, sub] = await Promise.all([
    db
      .selectFrom('feedback_votes')
      .select('user_id')
      .where('item_id', '=', itemId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
    db
      .selectFrom('feedback_subscriptions')
      .select('active')
      .where('item_id', '=', itemId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
  ]);
  return { voted: Boolean(vote), subscribed: Number(sub?.active ?? 0) === 1 };
}

/** The items among `ids` this person voted on. */
export async function votedAmong(db: Db, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('feedback_votes')
    .select('item_id')
    .where('user_id', '=', userId)
    .where('item_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.item_id));
}

export async function insertInternalNote(
  db: Db,
  note: { itemId: string; body: string; authorId: string; authorName: string; at?: string },
): Promise<InternalNote> {
  const id = newId();
  const at = note.at ?? nowIso();
  await db
    .insertInto('feedback_internal_notes')
    .values({
      id,
      item_id: note.itemId,
      body: note.body,
      author_id: note.authorId,
      author_name: note.authorName,
      at,
    })
    .execute();
  return { id, itemId: note.itemId, body: note.body, authorName: note.authorName, at };
}

export async function listInternalNotes(db: Db, itemId: string): Promise<InternalNote[]> {
  const rows = await db
    .selectFrom('feedback_internal_notes')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    itemId: r.item_id,
    body: r.body,
    authorName: r.author_name,
    at: r.at,
  }));
}

/** Creation and acknowledgement times of the items that bear on a period's figures. */
export async function ackTimes(
  db: Db,
  range: {
    createdFrom?: string;
    createdBefore: string;
    /**
     * Items created before `createdFrom` only when not acknowledged by
     * `acknowledgedAfter` (still new, or acknowledged later).
     */
    olderOnlyIfOpenAfter?: { createdFrom: string; acknowledgedAfter: string };
  },
): Promise<{ createdAt: string; acknowledgedAt: string | null }[]> {
  let q = db
    .selectFrom('feedback_items')
    .select(['created_at', 'acknowledged_at'])
    .where('created_at', '<', range.createdBefore);
  if (range.createdFrom) q = q.where('created_at', '>=', range.createdFrom);
  const older = range.olderOnlyIfOpenAfter;
  if (older) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>=', older.createdFrom),
        eb('acknowledged_at', 'is', null),
        eb('acknowledged_at', '>', older.acknowledgedAfter),
      ]),
    );
  }
  const rows = await q.execute();
  return rows.map((r) => ({ createdAt: r.created_at, acknowledgedAt: r.acknowledged_at }));
}
