// The roadmap's operations: policy, rules, the change, its history, decision,
// audit row and notifications, in one transaction. API, pages and CLI all
// call these; deciding, progress and shipping are in service-status.ts.

import { getCapabilityBySlug, getCategory, recordDecision } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, type FieldError, Forbidden, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import {
  enqueueWebhookEvent,
  kickDelivery,
  notifyFeedbackSubscribers,
} from '../notifications/outbox.ts';
import { excerpt } from './changelog.ts';
import { subscriberTargets, unknownFeedbackIds } from './linked.ts';
import {
  type Driver,
  HORIZON_LABELS,
  type Horizon,
  type InitialStatus,
  isDecision,
  type RoadmapComment,
  type RoadmapItem,
  STATUS_LABELS,
  type Stance,
  windowEnd,
  windowState,
} from './model.ts';
import { commentWindowDays } from './settings.ts';
import {
  getItem,
  type ItemPatch,
  insertComment,
  insertEvent,
  insertItem,
  linksOf,
  setLinks,
  updateItem,
} from './store.ts';

/** Who acts, and from where (for the audit log). */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

export const TITLE_MAX = 200;
export const TEXT_MAX = 20_000;
export const COMMENT_MAX = 4_000;

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

/** A rationale or note cut to fit a notification or webhook. */
export const excerptOf = (text: string) => excerpt(text, 300);

/** The page of a roadmap item (notifications and feeds link here). */
export const itemPath = (id: string, rest = '') => `/roadmap/${encodeURIComponent(id)}${rest}`;

export async function itemOrThrow(db: Db, id: string): Promise<RoadmapItem> {
  const item = await getItem(db, id);
  if (!item) throw new NotFound('There is no such roadmap item.');
  return item;
}

/** The role that decides an item: its decision category's decider. */
export async function deciderRoleOf(db: Db, item: Pick<RoadmapItem, 'category'>): Promise<string> {
  return (await getCategory(db, item.category))?.deciderRole ?? 'leader';
}

/** Whether the actor decides this item (pages offer the decision form to them only). */
export async function canDecide(db: Db, actor: Actor | null, item: RoadmapItem): Promise<boolean> {
  return can(actor, 'roadmap.decide', { deciderRole: await deciderRoleOf(db, item) });
}

/** Refuses anyone but the item's decider, saying who decides. */
export async function authorizeDecider(db: Db, ctx: Ctx, category: string): Promise<void> {
  const found = await getCategory(db, category);
  const role = found?.deciderRole ?? 'leader';
  if (can(ctx.actor, 'roadmap.decide', { deciderRole: role })) return;
  const who = role === 'leader' ? 'leadership' : 'the platform team';
  throw new Forbidden(
    `${found?.label ?? category} decisions are made by ${who} (the decision-rights table says so). Propose the item for comment and they decide it.`,
  );
}

export interface ItemInput {
  title: string;
  description: string;
  horizon: Horizon;
  driver: Driver;
  rationale: string;
  category: string;
  /** A capability's slug, or null. */
  capability: string | null;
  feedbackIds: string[];
}

/** Field problems with an item's text, category, capability and links. */
async function itemProblems(db: Db, input: Partial<ItemInput>): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (input.title !== undefined) {
    if (!input.title.trim()) errors.push({ path: 'title', message: 'Enter a title.' });
    else if (input.title.trim().length > TITLE_MAX)
      errors.push({ path: 'title', message: `Keep the title under ${TITLE_MAX} characters.` });
  }
  if (input.description !== undefined && input.description.length > TEXT_MAX)
    errors.push({ path: 'description', message: `Keep it under ${TEXT_MAX} characters.` });
  if (input.rationale !== undefined) {
    if (!input.rationale.trim())
      errors.push({
        path: 'rationale',
        message: 'Say why this is on the roadmap: the rationale is required and everyone reads it.',
      });
    else if (input.rationale.length > TEXT_MAX)
      errors.push({ path: 'rationale', message: `Keep it under ${TEXT_MAX} characters.` });
  }
  if (input.category !== undefined && !(await getCategory(db, input.category)))
    errors.push({
      path: 'category',
      message: `There is no decision category "${input.category}"; see the decision rights.`,
    });
  if (input.capability && !(await getCapabilityBySlug(db, input.capability)))
    errors.push({ path: 'capability', message: `There is no capability "${input.capability}".` });
  if (input.feedbackIds) {
    const unknown = await unknownFeedbackIds(db, input.feedbackIds);
    if (unknown.length > 0)
      errors.push({
        path: 'feedbackIds',
        message: `There is no feedback item ${unknown.map((id) => `"${id}"`).join(', ')}.`,
      });
  }
  return errors;
}

/**
 * Runs `work` in one transaction, then starts delivering what it queued
 * (notifications, webhook events) without waiting for the background tick.
 */
export async function afterCommit<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const result = await db.transaction().execute(work);
  kickDelivery(db);
  return result;
}

function refuseAll(errors: FieldError[]): void {
  if (errors.length > 0) throw new InvalidInput(errors[0]!.message, errors);
}

/** Tells the subscribers of an item's linked feedback, once each, in the caller's transaction. */
export async function tellSubscribers(
  trx: Db,
  ctx: Ctx,
  item: RoadmapItem,
  message: { kind: string; title: string; body: string },
): Promise<number> {
  const links = (await linksOf(trx, [item.id])).get(item.id) ?? [];
  if (links.length === 0) return 0;
  return notifyFeedbackSubscribers(
    trx,
    await subscriberTargets(trx, links),
    { ...message, link: itemPath(item.id) },
    { excludeUserId: ctx.actor.userId },
  );
}

/** The webhook payload of an item: no names, nothing from internal notes. */
export function itemEvent(item: RoadmapItem, extra: Record<string, unknown> = {}) {
  return {
    id: item.id,
    title: item.title,
    summary: excerpt(item.rationale, 280),
    link: itemPath(item.id),
    status: item.status,
    horizon: item.horizon,
    driver: item.driver,
    category: item.category,
    commentsCloseAt: item.commentsCloseAt,
    ...extra,
  };
}

/**
 * Adds a roadmap item. As a proposal (`proposed`) it opens for comment for
 * `commentDays` (the setting by default) and its decider decides after;
 * created straight into `planned` or `in-progress` it is a decision, so
 * only the decider of its category may do that, with the rationale logged.
 */
export async function createItem(
  db: Db,
  ctx: Ctx,
  input: ItemInput & { status: InitialStatus; commentDays?: number; now?: Date },
): Promise<RoadmapItem> {
  authorize(ctx.actor, 'roadmap.manage');
  const errors = await itemProblems(db, input);
  if (
    input.commentDays !== undefined &&
    (!Number.isInteger(input.commentDays) || input.commentDays < 1 || input.commentDays > 90)
  ) {
    errors.push({ path: 'commentDays', message: 'Give a window of 1 to 90 days.' });
  }
  refuseAll(errors);
  const decided = isDecision(null, input.status);
  if (decided) await authorizeDecider(db, ctx, input.category);
  const now = input.now ?? new Date();
  return afterCommit(db, async (trx) => {
    const days = input.commentDays ?? (await getSetting(trx, commentWindowDays));
    const capability = input.capability ? await getCapabilityBySlug(trx, input.capability) : null;
    const rationale = input.rationale.trim();
    let item = await insertItem(trx, {
      title: input.title.trim(),
      description: input.description.trim(),
      horizon: input.horizon,
      status: input.status,
      driver: input.driver,
      rationale,
      category: input.category,
      capabilityId: capability?.id ?? null,
      commentsCloseAt: input.status === 'proposed' ? windowEnd(now, days) : null,
      createdBy: ctx.actor.userId,
      at: now.toISOString(),
    });
    await setLinks(trx, item.id, input.feedbackIds);
    if (decided) {
      await trx
        .updateTable('roadmap_items')
        .set({
          decided_at: item.createdAt,
          decided_by: ctx.actor.userId,
          decision_rationale: rationale,
        })
        .where('id', '=', item.id)
        .execute();
      item = (await getItem(trx, item.id))!;
      await recordDecision(trx, {
        kind: 'roadmap.decided',
        category: item.category,
        deciderId: ctx.actor.userId,
        deciderName: ctx.actor.name,
        rationale,
        capabilityId: item.capabilityId,
        subjectType: 'roadmap-item',
        subjectId: item.id,
        summary: `Roadmap: ${item.title} — ${STATUS_LABELS[item.status].toLowerCase()} (${HORIZON_LABELS[item.horizon].toLowerCase()})`,
        at: item.createdAt,
      });
    }
    await insertEvent(trx, {
      itemId: item.id,
      kind: 'created',
      fromStatus: null,
      toStatus: item.status,
      note:
        item.status === 'proposed'
          ? `Open for comment until ${item.commentsCloseAt!.slice(0, 10)}.`
          : rationale,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at: item.createdAt,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.create',
      target: { type: 'roadmap-item', id: item.id },
      ip: ctx.ip,
      details: { status: item.status, horizon: item.horizon, driver: item.driver },
    });
    if (item.status === 'proposed') {
      await tellSubscribers(trx, ctx, item, {
        kind: 'roadmap.proposed',
        title: `Open for comment: ${item.title}`,
        body: `A change linked to feedback you follow is open for comment until ${item.commentsCloseAt!.slice(0, 10)}. Say whether you support it or have concerns.`,
      });
      await enqueueWebhookEvent(trx, 'proposal.opened', itemEvent(item));
    } else {
      await tellSubscribers(trx, ctx, item, {
        kind: 'roadmap.planned',
        title: `On the roadmap: ${item.title}`,
        body: `Feedback you follow is on the roadmap (${HORIZON_LABELS[item.horizon].toLowerCase()}). Why: ${excerpt(rationale, 300)}`,
      });
      await enqueueWebhookEvent(trx, 'roadmap.created', itemEvent(item));
    }
    return item;
  });
}

/** Changes an item's fields and links (the platform team); its status moves elsewhere. */
export async function editItem(
  db: Db,
  ctx: Ctx,
  id: string,
  patch: Partial<ItemInput>,
): Promise<RoadmapItem> {
  authorize(ctx.actor, 'roadmap.manage');
  const item = await itemOrThrow(db, id);
  refuseAll(await itemProblems(db, patch));
  if (patch.category !== undefined && patch.category !== item.category && item.decidedAt) {
    // A decided item moves to another authority only with both deciders' say.
    await authorizeDecider(db, ctx, item.category);
    await authorizeDecider(db, ctx, patch.category);
  }
  return afterCommit(db, async (trx) => {
    const fields: ItemPatch = {
      title: patch.title?.trim(),
      description: patch.description?.trim(),
      horizon: patch.horizon,
      driver: patch.driver,
      rationale: patch.rationale?.trim(),
      category: patch.category,
    };
    if (patch.capability !== undefined) {
      fields.capabilityId = patch.capability
        ? ((await getCapabilityBySlug(trx, patch.capability))?.id ?? null)
        : null;
    }
    await updateItem(trx, id, fields);
    if (patch.feedbackIds) await setLinks(trx, id, patch.feedbackIds);
    const changed = Object.entries({ ...fields, feedbackIds: patch.feedbackIds })
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    const note =
      patch.horizon && patch.horizon !== item.horizon
        ? `Moved from ${HORIZON_LABELS[item.horizon]} to ${HORIZON_LABELS[patch.horizon]}.`
        : 'Details updated.';
    await insertEvent(trx, {
      itemId: id,
      kind: 'edited',
      fromStatus: item.status,
      toStatus: item.status,
      note,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.update',
      target: { type: 'roadmap-item', id },
      ip: ctx.ip,
      details: { fields: changed.join(',') },
    });
    const updated = (await getItem(trx, id))!;
    await enqueueWebhookEvent(trx, 'roadmap.updated', itemEvent(updated, { change: note }));
    return updated;
  });
}

/**
 * Comments on a proposal while its window is open: anyone signed in, with a
 * stance. Support may stand alone; a concern or a comment needs words.
 */
export async function commentOn(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { stance: Stance; body: string; now?: Date },
): Promise<RoadmapComment> {
  authorize(ctx.actor, 'roadmap.comment');
  const item = await itemOrThrow(db, id);
  const now = input.now ?? new Date();
  const state = windowState(item, now);
  if (state === 'none') {
    throw new Conflict(
      'Only proposals take comments, and this item is not open for comment. Give feedback instead.',
    );
  }
  if (state === 'closed') {
    throw new Conflict(
      `Comments closed on ${item.commentsCloseAt!.slice(0, 10)}; the decision is now with its decider.`,
    );
  }
  const body = input.body.trim();
  if (!body && input.stance !== 'support') {
    throw InvalidInput.field(
      'body',
      input.stance === 'concern'
        ? 'Say what worries you, so the decider can weigh it.'
        : 'Write your comment.',
    );
  }
  if (body.length > COMMENT_MAX) {
    throw InvalidInput.field('body', `Keep your comment under ${COMMENT_MAX} characters.`);
  }
  return afterCommit(db, async (trx) => {
    const comment = await insertComment(trx, {
      itemId: id,
      authorId: ctx.actor.userId,
      authorName: ctx.actor.name,
      stance: input.stance,
      body,
      at: now.toISOString(),
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.comment',
      target: { type: 'roadmap-item', id },
      ip: ctx.ip,
      details: { stance: input.stance },
    });
    await enqueueWebhookEvent(
      trx,
      'proposal.commented',
      itemEvent(item, { stance: input.stance, commentId: comment.id }),
    );
    return comment;
  });
}
