import type { Selectable } from 'kysely';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type {
  RoadmapCommentsTable,
  RoadmapEventsTable,
  RoadmapItemsTable,
} from '../core/db/schema.ts';
import type {
  Driver,
  Horizon,
  RoadmapComment,
  RoadmapEvent,
  RoadmapItem,
  RoadmapStatus,
  Stance,
} from './model.ts';

function itemRow(row: Selectable<RoadmapItemsTable>): RoadmapItem {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    horizon: row.horizon as Horizon,
    status: row.status as RoadmapStatus,
    driver: row.driver as Driver,
    rationale: row.rationale,
    category: row.category,
    capabilityId: row.capability_id,
    commentsCloseAt: row.comments_close_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionRationale: row.decision_rationale,
    shippedAt: row.shipped_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function commentRow(row: Selectable<RoadmapCommentsTable>): RoadmapComment {
  return {
    id: row.id,
    itemId: row.item_id,
    authorId: row.author_id,
    authorName: row.author_name,
    stance: row.stance as Stance,
    body: row.body,
    createdAt: row.created_at,
  };
}

function eventRow(row: Selectable<RoadmapEventsTable>): RoadmapEvent {
  return {
    id: row.id,
    itemId: row.item_id,
    kind: row.kind as RoadmapEvent['kind'],
    fromStatus: row.from_status as RoadmapStatus | null,
    toStatus: row.to_status as RoadmapStatus,
    note: row.note,
    actorName: row.actor_name,
    at: row.at,
  };
}

// ---- Items ----

/** A new item id that never starts with "-", so `paved roadmap show <id>` never reads it as an option. */
function itemId(): string {
  for (;;) {
    const id = newId();
    if (!id.startsWith('-')) return id;
  }
}

export interface ItemInput {
  title: string;
  description: string;
  horizon: Horizon;
  status: RoadmapStatus;
  driver: Driver;
  rationale: string;
  category: string;
  capabilityId: string | null;
  commentsCloseAt: string | null;
  createdBy: string | null;
  /** Defaults to now (the demo writes history). */
  at?: string;
}

export async function insertItem(db: Db, input: ItemInput): Promise<RoadmapItem> {
  const at = input.at ?? nowIso();
  const row = {
    id: itemId(),
    title: input.title,
    description: input.description,
    horizon: input.horizon,
    status: input.status,
    driver: input.driver,
    rationale: input.rationale,
    category: input.category,
    capability_id: input.capabilityId,
    comments_close_at: input.commentsCloseAt,
    window_closed_notified_at: null,
    decided_at: null,
    decided_by: null,
    decision_rationale: null,
    shipped_at: null,
    created_by: input.createdBy,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('roadmap_items').values(row).execute();
  return itemRow(row);
}

export async function getItem(db: Db, id: string): Promise<RoadmapItem | undefined> {
  const row = await db
    .selectFrom('roadmap_items')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? itemRow(row) : undefined;
}

export type ItemPatch = Partial<
  Pick<
    RoadmapItem,
    | 'title'
    | 'description'
    | 'horizon'
    | 'driver'
    | 'rationale'
    | 'category'
    | 'capabilityId'
    | 'commentsCloseAt'
  >
>;

/** Changes an item's descriptive fields (never its status: see `moveItem`). */
export async function updateItem(db: Db, id: string, patch: ItemPatch): Promise<void> {
  const set: Partial<Selectable<RoadmapItemsTable>> = { updated_at: nowIso() };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.horizon !== undefined) set.horizon = patch.horizon;
  if (patch.driver !== undefined) set.driver = patch.driver;
  if (patch.rationale !== undefined) set.rationale = patch.rationale;
  if (patch.category !== undefined) set.category = patch.category;
  if (patch.capabilityId !== undefined) set.capability_id = patch.capabilityId;
  if (patch.commentsCloseAt !== undefined) set.comments_close_at = patch.commentsCloseAt;
  await db.updateTable('roadmap_items').set(set).where('id', '=', id).execute();
}

export interface Move {
  from: RoadmapStatus;
  to: RoadmapStatus;
  at: string;
  /** A decision's decider and rationale (moves out of `proposed`, and to `declined`). */
  decision?: { by: string | null; rationale: string };
  /** A new comment window (reopening for comment). */
  commentsCloseAt?: string | null;
  horizon?: Horizon;
}

/**
 * Moves an item between statuses, only if it is still in `from`: two people
 * deciding at once cannot both win. True when this call moved it.
 */
export async function moveItem(db: Db, id: string, move: Move): Promise<boolean> {
  const set: Partial<Selectable<RoadmapItemsTable>> = { status: move.to, updated_at: move.at };
  if (move.decision) {
    set.decided_at = move.at;
    set.decided_by = move.decision.by;
    set.decision_rationale = move.decision.rationale;
  }
  if (move.to === 'proposed') {
    // A reopened proposal starts undecided again, and its deciders hear when it closes.
    set.window_closed_notified_at = null;
    set.decided_at = null;
    set.decided_by = null;
    set.decision_rationale = null;
  }
  if (move.to === 'shipped') set.shipped_at = move.at;
  if (move.commentsCloseAt !== undefined) set.comments_close_at = move.commentsCloseAt;
  if (move.horizon !== undefined) set.horizon = move.horizon;
  const result = await db
    .updateTable('roadmap_items')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', move.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ItemFilter {
  status?: RoadmapStatus[];
  horizon?: Horizon;
  driver?: Driver;
  capabilityId?: string;
}

/** Items, newest first, filtered and paged. */
export async function listItems(
  db: Db,
  filter: ItemFilter & { limit: number; cursor?: string },
): Promise<Page<RoadmapItem>> {
  let q = db
    .selectFrom('roadmap_items')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.horizon) q = q.where('horizon', '=', filter.horizon);
  if (filter.driver) q = q.where('driver', '=', filter.driver);
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  if (filter.cursor) q = q.where(olderThan('created_at', 'id', filter.cursor));
  return toPage(await q.execute(), filter.limit, (r) => [r.created_at, r.id], itemRow);
}

/** Every item in these statuses (the roadmap page reads the open roadmap whole). */
export async function itemsIn(db: Db, statuses: RoadmapStatus[]): Promise<RoadmapItem[]> {
  const rows = await db
    .selectFrom('roadmap_items')
    .selectAll()
    .where('status', 'in', statuses)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(itemRow);
}

/** Items changed most recently first (the roadmap feed). */
export async function recentlyChanged(db: Db, limit: number): Promise<RoadmapItem[]> {
  const rows = await db
    .selectFrom('roadmap_items')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(itemRow);
}

// ---- Links to feedback ----

/** Replaces an item's linked feedback. */
export async function setLinks(db: Db, itemId: string, feedbackIds: string[]): Promise<void> {
  await db.deleteFrom('roadmap_feedback_links').where('item_id', '=', itemId).execute();
  const ids = [...new Set(feedbackIds)];
  if (ids.length === 0) return;
  const at = nowIso();
  await db
    .insertInto('roadmap_feedback_links')
    .values(ids.map((feedback_id) => ({ item_id: itemId, feedback_id, created_at: at })))
    .execute();
}

/** The feedback ids linked to each item. */
export async function linksOf(db: Db, itemIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (itemIds.length === 0) return map;
  const rows = await db
    .selectFrom('roadmap_feedback_links')
    .select(['item_id', 'feedback_id'])
    .where('item_id', 'in', itemIds)
    .orderBy('created_at')
    .orderBy('feedback_id')
    .execute();
  for (const r of rows) map.set(r.item_id, [...(map.get(r.item_id) ?? []), r.feedback_id]);
  return map;
}

/** Roadmap items that link a feedback item (its page says where it went). */
export async function itemsLinking(db: Db, feedbackId: string): Promise<RoadmapItem[]> {
  const rows = await db
    .selectFrom('roadmap_items as i')
    .innerJoin('roadmap_feedback_links as l', 'l.item_id', 'i.id')
    .selectAll('i')
    .where('l.feedback_id', '=', feedbackId)
    .orderBy('i.created_at')
    .execute();
  return rows.map(itemRow);
}

// ---- Comments ----

export async function insertComment(
  db: Db,
  input: Omit<RoadmapComment, 'id' | 'createdAt'> & { at?: string },
): Promise<RoadmapComment> {
  const row = {
    id: newId(),
    item_id: input.itemId,
    author_id: input.authorId,
    author_name: input.authorName,
    stance: input.stance,
    body: input.body,
    created_at: input.at ?? nowIso(),
  };
  await db.insertInto('roadmap_comments').values(row).execute();
  return commentRow(row);
}

/** An item's comments, oldest first (a discussion reads top to bottom). */
export async function listComments(db: Db, itemId: string): Promise<RoadmapComment[]> {
  const rows = await db
    .selectFrom('roadmap_comments')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(commentRow);
}

/** How many comments each item has. */
export async function commentCounts(db: Db, itemIds: string[]): Promise<Map<string, number>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('roadmap_comments')
    .select(['item_id', db.fn.countAll<number>().as('n')])
    .where('item_id', 'in', itemIds)
    .groupBy('item_id')
    .execute();
  return new Map(rows.map((r) => [r.item_id, Number(r.n)]));
}

// ---- History ----

export async function insertEvent(
  db: Db,
  input: Omit<RoadmapEvent, 'id' | 'at'> & { actorId: string | null; at?: string },
): Promise<RoadmapEvent> {
  const row = {
    id: newId(),
    item_id: input.itemId,
    kind: input.kind,
    from_status: input.fromStatus,
    to_status: input.toStatus,
    note: input.note,
    actor_id: input.actorId,
    actor_name: input.actorName,
    at: input.at ?? nowIso(),
  };
  await db.insertInto('roadmap_events').values(row).execute();
  return eventRow(row);
}

/** An item's history, newest first. */
export async function listEvents(db: Db, itemId: string): Promise<RoadmapEvent[]> {
  const rows = await db
    .selectFrom('roadmap_events')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(eventRow);
}

// ---- Closed comment windows ----

/** Proposals whose comment window closed before `now` and whose deciders were not told yet. */
export async function closedWindowsToAnnounce(db: Db, now: string): Promise<RoadmapItem[]> {
  const rows = await db
    .selectFrom('roadmap_items')
    .selectAll()
    .where('status', '=', 'proposed')
    .where('comments_close_at', '<=', now)
    .where('window_closed_notified_at', 'is', null)
    .orderBy('comments_close_at')
    .execute();
  return rows.map(itemRow);
}

/**
 * Marks a closed window as announced, only if nobody did: of several
 * instances running the same job, exactly one gets true.
 */
export async function claimWindowAnnouncement(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('roadmap_items')
    .set({ window_closed_notified_at: now })
    .where('id', '=', id)
    .where('status', '=', 'proposed')
    .where('window_closed_notified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
