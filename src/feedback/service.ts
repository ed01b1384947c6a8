// The feedback area's operations: policy, rules, the change, its history,
// its notifications (the outbox) and its audit row, in one transaction.
// API, pages and CLI all call these.

import { getCapabilityBySlug } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { Page } from '../core/db/paging.ts';
import { Conflict, type FieldError, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import {
  enqueueWebhookEvent,
  kickDelivery,
  notifyFeedbackSubscribers,
} from '../notifications/outbox.ts';
import { getTeamBySlug } from '../org/store.ts';
import { recordChangelogEntry } from '../roadmap/changelog.ts';
import {
  acknowledgedInTime,
  ageInDays,
  BODY_MAX,
  FEEDBACK_KINDS,
  type FeedbackItem,
  type FeedbackKind,
  type FeedbackSort,
  type FeedbackStatus,
  type InternalNote,
  mergeProblem,
  NOTE_MAX,
  POSTED_AS,
  type PostedAs,
  type StatusChange,
  slaDeadline,
  statusChangeProblem,
  statusLabel,
  TITLE_MAX,
  type Viewer,
} from './model.ts';
import { ackSlaDays } from './settings.ts';
import {
  addVote,
  getItem,
  getItems,
  insertInternalNote,
  insertItem,
  insertStatusChange,
  listDuplicates,
  listInternalNotes,
  listItems,
  listStatusChanges,
  mergeChain,
  moveSubscriptions,
  moveVotes,
  removeVote,
  setStatus,
  subscribe,
  unsubscribe,
  unsubscribeAll,
  viewerOf,
  votedAmong,
} from './store.ts';

/** Who acts, and from where (for the audit log). */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

/** Where an item lives in paved (links in notifications, feeds and webhooks). */
export const feedbackPath = (id: string) => `/feedback/${id}`;

/** An item with its acknowledgement clock, as lists show it. */
export interface FeedbackSummary extends FeedbackItem {
  ageDays: number;
  /** When the acknowledgement SLA ends (or ended). */
  slaDeadline: string;
  /** true/false once known; null while new and not yet past the SLA. */
  acknowledgedInTime: boolean | null;
  /** Whether the person asking voted on it. */
  voted: boolean;
}

function summarize(
  item: FeedbackItem,
  slaDays: number,
  now: Date,
  voted: boolean,
): FeedbackSummary {
  return {
    ...item,
    ageDays: ageInDays(item.createdAt, now),
    slaDeadline: slaDeadline(item.createdAt, slaDays),
    acknowledgedInTime: acknowledgedInTime(item, slaDays, now),
    voted,
  };
}

export async function itemOrThrow(db: Db, id: string): Promise<FeedbackItem> {
  const item = await getItem(db, id);
  if (!item) throw new NotFound('There is no such feedback item.');
  return item;
}

export interface PostInput {
  kind: FeedbackKind;
  title: string;
  body: string;
  /** Capability slug, or null/absent for feedback about the platform as a whole. */
  capability?: string | null;
  /** Team slug; defaults to the author's team. */
  team?: string | null;
  postedAs: PostedAs;
}

/**
 * Posts feedback. Posted as "a developer in team X", the author is stored
 * nowhere on the item and left out of the audit log; only their
 * subscription remains, to send them updates.
 */
export async function postFeedback(db: Db, ctx: Ctx, input: PostInput): Promise<FeedbackItem> {
  authorize(ctx.actor, 'feedback.post');
  const errors: FieldError[] = [];
  const title = input.title.trim();
  const body = input.body.trim();
  if (!FEEDBACK_KINDS.includes(input.kind)) {
    errors.push({ path: 'kind', message: `Choose a kind: ${FEEDBACK_KINDS.join(', ')}.` });
  }
  if (!title)
    errors.push({
      path: 'title',
      message: 'Give it a title: say what it is about in a few words.',
    });
  else if (title.length > TITLE_MAX) {
    errors.push({ path: 'title', message: `Keep the title under ${TITLE_MAX} characters.` });
  }
  if (body.length > BODY_MAX) {
    errors.push({ path: 'body', message: `Keep the description under ${BODY_MAX} characters.` });
  }
  if (!POSTED_AS.includes(input.postedAs)) {
    errors.push({
      path: 'postedAs',
      message: 'Choose to post by name or as a developer in your team.',
    });
  }
  const item = await db.transaction().execute(async (trx) => {
    let capabilityId: string | null = null;
    if (input.capability) {
      const capability = await getCapabilityBySlug(trx, input.capability);
      if (!capability) {
        errors.push({
          path: 'capability',
          message: `There is no capability "${input.capability}"; leave it empty for the platform as a whole.`,
        });
      } else capabilityId = capability.id;
    }
    let teamId: string | null = ctx.actor.teamId;
    if (input.team) {
      const team = await getTeamBySlug(trx, input.team);
      if (!team) errors.push({ path: 'team', message: `There is no team "${input.team}".` });
      else if (!ctx.actor.teamIds.includes(team.id)) {
        errors.push({ path: 'team', message: 'Post for your own team (or a team within it).' });
      } else teamId = team.id;
    }
    if (input.postedAs === 'team' && !teamId && !errors.some((e) => e.path === 'team')) {
      errors.push({
        path: 'postedAs',
        message: 'You have no team in paved, so you can only post by name.',
      });
    }
    if (errors.length > 0) {
      throw new InvalidInput(errors.map((e) => e.message).join(' '), errors);
    }
    const at = nowIso();
    const id = await insertItem(trx, {
      kind: input.kind,
      title,
      body,
      capabilityId,
      teamId,
      postedAs: input.postedAs,
      authorId: ctx.actor.userId,
      authorName: ctx.actor.name,
      at,
    });
    // The author hears about every change, whichever way they posted.
    await subscribe(trx, id, ctx.actor.userId, { explicit: true, at });
    const item = (await getItem(trx, id))!;
    if (input.postedAs === 'name') {
      await recordAudit(trx, {
        actor: auditActor(ctx),
        action: 'feedback.create',
        target: { type: 'feedback', id },
        ip: ctx.ip,
        details: { kind: input.kind },
      });
    }
    await enqueueWebhookEvent(trx, 'feedback.created', webhookData(item));
    return item;
  });
  kickDelivery(db);
  return item;
}

/** What webhooks receive about an item: never a hidden author. */
export function webhookData(item: FeedbackItem, extra: Record<string, unknown> = {}): object {
  return {
    id: item.id,
    title: item.title,
    kind: item.kind,
    status: item.status,
    capability: item.capability?.slug ?? null,
    team: item.team?.slug ?? null,
    author: item.postedAs === 'name' ? (item.author?.name ?? null) : null,
    votes: item.votes,
    link: feedbackPath(item.id),
    summary: `${item.title} (${statusLabel(item.status).toLowerCase()})`,
    ...extra,
  };
}

export interface ListInput {
  capability?: string;
  team?: string;
  status?: FeedbackStatus[];
  kind?: FeedbackKind[];
  q?: string;
  sort?: FeedbackSort;
  limit: number;
  cursor?: string;
  now?: Date;
}

/** The board: anyone signed in may read it. Unknown capability or team slugs are bad input. */
export async function listFeedback(
  db: Db,
  actor: Actor | null,
  input: ListInput,
): Promise<Page<FeedbackSummary>> {
  authorize(actor, 'feedback.read');
  let capabilityId: string | undefined;
  let teamId: string | undefined;
  if (input.capability) {
    const capability = await getCapabilityBySlug(db, input.capability);
    if (!capability)
      throw InvalidInput.field('capability', `There is no capability "${input.capability}".`);
    capabilityId = capability.id;
  }
  if (input.team) {
    const team = await getTeamBySlug(db, input.team);
    if (!team) throw InvalidInput.field('team', `There is no team "${input.team}".`);
    teamId = team.id;
  }
  const page = await listItems(db, {
    capabilityId,
    teamId,
    status: input.status,
    kind: input.kind,
    q: input.q,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
  });
  const slaDays = await getSetting(db, ackSlaDays);
  const now = input.now ?? new Date();
  const voted = actor
    ? await votedAmong(
        db,
        actor.userId,
        page.items.map((i) => i.id),
      )
    : new Set();
  return {
    items: page.items.map((i) => summarize(i, slaDays, now, voted.has(i.id))),
    nextCursor: page.nextCursor,
  };
}

/** The overdue queue: new items past the acknowledgement SLA, oldest first. */
export async function overdueFeedback(
  db: Db,
  actor: Actor | null,
  input: { limit: number; cursor?: string; now?: Date },
): Promise<Page<FeedbackSummary>> {
  authorize(actor, 'feedback.read');
  const slaDays = await getSetting(db, ackSlaDays);
  const now = input.now ?? new Date();
  const page = await listItems(db, {
    status: ['new'],
    createdBefore: new Date(now.getTime() - slaDays * 86_400_000).toISOString(),
    sort: 'oldest-unacknowledged',
    limit: input.limit,
    cursor: input.cursor,
  });
  const voted = actor
    ? await votedAmong(
        db,
        actor.userId,
        page.items.map((i) => i.id),
      )
    : new Set();
  return {
    items: page.items.map((i) => summarize(i, slaDays, now, voted.has(i.id))),
    nextCursor: page.nextCursor,
  };
}

/** One item with everything its page shows. */
export interface FeedbackDetail {
  item: FeedbackSummary;
  history: StatusChange[];
  /** Items merged into this one. */
  duplicates: FeedbackItem[];
  /** The item this one was merged into, when it is a duplicate. */
  mergedInto: FeedbackItem | null;
  /** Internal notes: only for the platform role (null for everyone else). */
  internalNotes: InternalNote[] | null;
  viewer: Viewer;
}

export async function getFeedback(
  db: Db,
  actor: Actor | null,
  id: string,
  now = new Date(),
): Promise<FeedbackDetail> {
  authorize(actor, 'feedback.read');
  const item = await itemOrThrow(db, id);
  const slaDays = await getSetting(db, ackSlaDays);
  const viewer = actor ? await viewerOf(db, id, actor.userId) : { voted: false, subscribed: false };
  const [history, duplicates, mergedInto, internalNotes] = await Promise.all([
    listStatusChanges(db, id),
    listDuplicates(db, id),
    item.duplicateOf ? getItem(db, item.duplicateOf) : Promise.resolve(undefined),
    can(actor, 'feedback.triage') ? listInternalNotes(db, id) : Promise.resolve(null),
  ]);
  return {
    item: summarize(item, slaDays, now, viewer.voted),
    history,
    duplicates,
    mergedInto: mergedInto ?? null,
    internalNotes,
    viewer,
  };
}

/** Whether this person gets subscribed when they vote (off after "unsubscribe from all"). */
async function subscribesOnVote(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('notification_preferences')
    .select('subscribe_on_vote')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? Number(row.subscribe_on_vote) === 1 : true;
}

/**
 * Votes for an item (one vote per person; a second is a no-op) and
 * subscribes the voter unless they unsubscribed before.
 */
export async function voteFor(
  db: Db,
  ctx: Ctx,
  id: string,
): Promise<{ votes: number; voted: true; changed: boolean }> {
  authorize(ctx.actor, 'feedback.vote');
  return db.transaction().execute(async (trx) => {
    const item = await itemOrThrow(trx, id);
    if (item.status === 'duplicate') {
      throw new Conflict('This item was merged into another one; vote on the original instead.');
    }
    const changed = await addVote(trx, id, ctx.actor.userId);
    if (changed && (await subscribesOnVote(trx, ctx.actor.userId))) {
      await subscribe(trx, id, ctx.actor.userId, { explicit: false });
    }
    return { votes: (await itemOrThrow(trx, id)).votes, voted: true as const, changed };
  });
}

/** Withdraws a vote (a no-op when there was none); the subscription stays until they unsubscribe. */
export async function withdrawVote(
  db: Db,
  ctx: Ctx,
  id: string,
): Promise<{ votes: number; voted: false; changed: boolean }> {
  authorize(ctx.actor, 'feedback.vote');
  return db.transaction().execute(async (trx) => {
    await itemOrThrow(trx, id);
    const changed = await removeVote(trx, id, ctx.actor.userId);
    return { votes: (await itemOrThrow(trx, id)).votes, voted: false as const, changed };
  });
}

/** Follows an item's status changes. */
export async function subscribeTo(db: Db, ctx: Ctx, id: string): Promise<Viewer> {
  authorize(ctx.actor, 'feedback.subscribe');
  return db.transaction().execute(async (trx) => {
    const item = await itemOrThrow(trx, id);
    // A merged duplicate has no more news: follow the original.
    const target = item.status === 'duplicate' && item.duplicateOf ? item.duplicateOf : id;
    await subscribe(trx, target, ctx.actor.userId, { explicit: true });
    return viewerOf(trx, id, ctx.actor.userId);
  });
}

/** Stops following one item. */
export async function unsubscribeFrom(db: Db, ctx: Ctx, id: string): Promise<Viewer> {
  authorize(ctx.actor, 'feedback.subscribe');
  return db.transaction().execute(async (trx) => {
    await itemOrThrow(trx, id);
    await unsubscribe(trx, id, ctx.actor.userId);
    return viewerOf(trx, id, ctx.actor.userId);
  });
}

/** Stops following every item in one action; later votes no longer subscribe. Returns how many ended. */
export async function unsubscribeFromAll(db: Db, ctx: Ctx): Promise<number> {
  authorize(ctx.actor, 'feedback.subscribe');
  return db.transaction().execute(async (trx) => {
    const ended = await unsubscribeAll(trx, ctx.actor.userId);
    const at = nowIso();
    await trx
      .insertInto('notification_preferences')
      .values({
        user_id: ctx.actor.userId,
        email_mode: 'digest',
        subscribe_on_vote: 0,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ subscribe_on_vote: 0, updated_at: at }),
      )
      .execute();
    return ended;
  });
}

/**
 * Changes an item's status with a public note (a decline's note is its
 * reason). Subscribers are told, and webhooks get the event, in the same
 * transaction; delivery follows the commit.
 */
export async function changeStatus(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { status: FeedbackStatus; note: string },
): Promise<FeedbackItem> {
  const item = await db.transaction().execute(async (trx) => {
    const before = await itemOrThrow(trx, id);
    authorize(ctx.actor, 'feedback.triage');
    const problem = statusChangeProblem(before.status, input.status, input.note);
    if (problem) throw InvalidInput.field(problem.path, problem.message);
    const at = nowIso();
    const note = input.note.trim();
    if (!(await setStatus(trx, id, { from: before.status, to: input.status, at }))) {
      throw new Conflict(
        'Someone changed this item while you were reading it; reload and try again.',
      );
    }
    await insertStatusChange(trx, {
      itemId: id,
      from: before.status,
      to: input.status,
      note,
      intoId: null,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at,
    });
    const after = (await getItem(trx, id))!;
    await notifyFeedbackSubscribers(
      trx,
      [id],
      {
        kind: 'feedback.status',
        title: `${before.title}: ${statusLabel(input.status).toLowerCase()}`,
        body: note,
        link: feedbackPath(id),
      },
      { excludeUserId: ctx.actor.userId },
    );
    if (input.status === 'shipped') {
      // "You said, we did": the changelog lists it. Subscribers were told just above, so not again.
      await recordChangelogEntry(trx, {
        title: before.title,
        body: note,
        feedbackId: id,
        capabilityId: before.capability?.id ?? null,
        author: { userId: ctx.actor.userId, name: ctx.actor.name },
        notify: false,
      });
    }
    await enqueueWebhookEvent(
      trx,
      'feedback.status_changed',
      webhookData(after, { from: before.status, note }),
    );
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'feedback.status',
      target: { type: 'feedback', id },
      ip: ctx.ip,
      details: { from: before.status, to: input.status },
    });
    return after;
  });
  kickDelivery(db);
  return item;
}

/**
 * Merges a duplicate into its original: votes move without counting anyone
 * twice, subscribers follow, and the duplicate's subscribers are told where
 * the conversation continues. Refuses itself and loops.
 */
export async function mergeFeedback(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { into: string; note: string },
): Promise<{ duplicate: FeedbackItem; original: FeedbackItem }> {
  const result = await db.transaction().execute(async (trx) => {
    const from = await itemOrThrow(trx, id);
    authorize(ctx.actor, 'feedback.triage');
    const into = await getItem(trx, input.into);
    if (!into)
      throw InvalidInput.field('into', 'There is no feedback item with that id to merge into.');
    const chain = await mergeChain(trx, into.id);
    const problem = mergeProblem(from, into, chain, input.note);
    if (problem) throw InvalidInput.field(problem.path, problem.message);
    // Merging into a duplicate goes to the end of its chain: the original.
    let rootId = into.id;
    while (chain.get(rootId)) rootId = chain.get(rootId)!;
    const original = rootId === into.id ? into : (await getItem(trx, rootId))!;
    const at = nowIso();
    const note = input.note.trim();
    if (
      !(await setStatus(trx, id, {
        from: from.status,
        to: 'duplicate',
        duplicateOf: original.id,
        at,
      }))
    ) {
      throw new Conflict(
        'Someone changed this item while you were reading it; reload and try again.',
      );
    }
    await insertStatusChange(trx, {
      itemId: id,
      from: from.status,
      to: 'duplicate',
      note,
      intoId: original.id,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at,
    });
    // Told before they move, so the message names both items.
    await notifyFeedbackSubscribers(
      trx,
      [id],
      {
        kind: 'feedback.merged',
        title: `${from.title}: merged into "${original.title}"`,
        body: `${note}\n\nYour vote and subscription now count on "${original.title}".`,
        link: feedbackPath(original.id),
      },
      { excludeUserId: ctx.actor.userId },
    );
    await moveVotes(trx, id, original.id);
    await moveSubscriptions(trx, id, original.id, at);
    const duplicate = (await getItem(trx, id))!;
    const after = (await getItem(trx, original.id))!;
    await enqueueWebhookEvent(
      trx,
      'feedback.merged',
      webhookData(duplicate, { into: original.id, intoTitle: original.title, note }),
    );
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'feedback.merge',
      target: { type: 'feedback', id },
      ip: ctx.ip,
      details: { into: original.id },
    });
    return { duplicate, original: after };
  });
  kickDelivery(db);
  return result;
}

/** Adds a note only the platform role sees. */
export async function addInternalNote(
  db: Db,
  ctx: Ctx,
  id: string,
  body: string,
): Promise<InternalNote> {
  authorize(ctx.actor, 'feedback.triage');
  const text = body.trim();
  if (!text) throw InvalidInput.field('body', 'Write the note first.');
  if (text.length > NOTE_MAX)
    throw InvalidInput.field('body', `Keep the note under ${NOTE_MAX} characters.`);
  return db.transaction().execute(async (trx) => {
    await itemOrThrow(trx, id);
    const note = await insertInternalNote(trx, {
      itemId: id,
      body: text,
      authorId: ctx.actor.userId,
      authorName: ctx.actor.name,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'feedback.note',
      target: { type: 'feedback', id },
      ip: ctx.ip,
    });
    return note;
  });
}

/** Items by id (the roadmap's linked feedback), in the order asked. */
export async function feedbackByIds(db: Db, ids: string[]): Promise<FeedbackItem[]> {
  const items = new Map((await getItems(db, ids)).map((i) => [i.id, i]));
  return ids.flatMap((id) => (items.has(id) ? [items.get(id)!] : []));
}
