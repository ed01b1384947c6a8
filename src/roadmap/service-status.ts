// Moving a roadmap item: the decision on a proposal, progress, declining,
// reopening for comment, and shipping (which publishes its changelog entry).

import { recordDecision } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput } from '../core/errors.ts';
import { authorize } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { enqueueWebhookEvent } from '../notifications/outbox.ts';
import { recordChangelogEntry } from './changelog.ts';
import {
  type ChangelogEntry,
  HORIZON_LABELS,
  type Horizon,
  isDecision,
  type ProposalOutcome,
  type RoadmapItem,
  type RoadmapStatus,
  STATUS_LABELS,
  statusProblem,
  windowEnd,
  windowState,
} from './model.ts';
import {
  afterCommit,
  authorizeDecider,
  type Ctx,
  excerptOf,
  itemEvent,
  itemOrThrow,
  TEXT_MAX,
  tellSubscribers,
} from './service.ts';
import { commentWindowDays } from './settings.ts';
import { getItem, insertEvent, linksOf, moveItem } from './store.ts';

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

function requireText(path: string, value: string, message: string): string {
  const text = value.trim();
  if (!text) throw InvalidInput.field(path, message);
  if (text.length > TEXT_MAX)
    throw InvalidInput.field(path, `Keep it under ${TEXT_MAX} characters.`);
  return text;
}

/**
 * Records the decision on a proposal once its comment window has closed:
 * planned (optionally at another horizon) or declined, with the rationale.
 * Only the decider of its category decides; the decision goes to the
 * decision log, the subscribers of linked feedback are told, and a
 * `roadmap.decided` webhook event is queued.
 */
export async function decideProposal(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { outcome: ProposalOutcome; rationale: string; horizon?: Horizon; now?: Date },
): Promise<RoadmapItem> {
  const item = await itemOrThrow(db, id);
  await authorizeDecider(db, ctx, item.category);
  const now = input.now ?? new Date();
  const state = windowState(item, now);
  if (item.status !== 'proposed') {
    throw new Conflict(
      `This item is not a proposal waiting for a decision: it is ${STATUS_LABELS[item.status].toLowerCase()}.`,
    );
  }
  if (state === 'open') {
    throw new Conflict(
      `Comments are open until ${item.commentsCloseAt!.slice(0, 10)}; decide once the window has closed, so everyone is heard.`,
    );
  }
  const rationale = requireText(
    'rationale',
    input.rationale,
    'Say why: every decision records its rationale, and the people who commented read it.',
  );
  return afterCommit(db, async (trx) => {
    const moved = await moveItem(trx, id, {
      from: 'proposed',
      to: input.outcome,
      at: now.toISOString(),
      decision: { by: ctx.actor.userId, rationale },
      horizon: input.horizon,
    });
    if (!moved) throw new Conflict('Someone decided this proposal while you were reading it.');
    const decided = (await getItem(trx, id))!;
    await logDecision(trx, ctx, decided, rationale, now);
    await insertEvent(trx, {
      itemId: id,
      kind: 'status',
      fromStatus: 'proposed',
      toStatus: decided.status,
      note: rationale,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at: now.toISOString(),
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.decide',
      target: { type: 'roadmap-item', id },
      ip: ctx.ip,
      details: { outcome: input.outcome },
    });
    await tellSubscribers(trx, ctx, decided, {
      kind: 'roadmap.decided',
      title:
        input.outcome === 'planned'
          ? `Decided — planned: ${decided.title}`
          : `Decided against: ${decided.title}`,
      body: `The proposal linked to feedback you follow was decided. Why: ${excerptOf(rationale)}`,
    });
    await enqueueWebhookEvent(
      trx,
      'roadmap.decided',
      itemEvent(decided, { outcome: input.outcome, rationale: excerptOf(rationale) }),
    );
    return decided;
  });
}

async function logDecision(
  trx: Db,
  ctx: Ctx,
  item: RoadmapItem,
  rationale: string,
  now: Date,
): Promise<void> {
  await recordDecision(trx, {
    kind: item.status === 'declined' ? 'roadmap.declined' : 'roadmap.decided',
    category: item.category,
    deciderId: ctx.actor.userId,
    deciderName: ctx.actor.name,
    rationale,
    capabilityId: item.capabilityId,
    subjectType: 'roadmap-item',
    subjectId: item.id,
    summary:
      item.status === 'declined'
        ? `Roadmap: ${item.title} — decided against`
        : `Roadmap: ${item.title} — ${STATUS_LABELS[item.status].toLowerCase()} (${HORIZON_LABELS[item.horizon].toLowerCase()})`,
    at: now.toISOString(),
  });
}

/** The moves `moveStatus` makes; shipping goes through `shipItem`, proposals through `decideProposal`. */
export type StatusMove = Exclude<RoadmapStatus, 'shipped'>;

/**
 * Moves an item along its status machine (model.ts): progress between
 * planned and in progress (the platform team), declining (its decider, the
 * note is the rationale), or reopening for comment (a new window). Every move
 * needs a note, which the subscribers of linked feedback read.
 */
export async function moveStatus(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { to: StatusMove; note: string; commentDays?: number; now?: Date },
): Promise<RoadmapItem> {
  const item = await itemOrThrow(db, id);
  if (item.status === 'proposed') {
    // A proposal leaves `proposed` only by its decision.
    await authorizeDecider(db, ctx, item.category);
    throw InvalidInput.field(
      'status',
      'A proposal is decided with the decision form once its window closes (planned or decided against).',
    );
  }
  const decision = isDecision(item.status, input.to);
  if (decision) await authorizeDecider(db, ctx, item.category);
  else authorize(ctx.actor, 'roadmap.manage');
  const problem = statusProblem(item.status, input.to);
  if (problem) throw InvalidInput.field('status', problem);
  const note = requireText(
    'note',
    input.note,
    decision
      ? 'Say why it is decided against: the reason is required and everyone reads it.'
      : 'Add a note: it tells the people who asked for this what changed.',
  );
  const now = input.now ?? new Date();
  if (
    input.commentDays !== undefined &&
    (!Number.isInteger(input.commentDays) || input.commentDays < 1 || input.commentDays > 90)
  ) {
    throw InvalidInput.field('commentDays', 'Give a window of 1 to 90 days.');
  }
  return afterCommit(db, async (trx) => {
    const reopening = input.to === 'proposed';
    const days = input.commentDays ?? (await getSetting(trx, commentWindowDays));
    const moved = await moveItem(trx, id, {
      from: item.status,
      to: input.to,
      at: now.toISOString(),
      decision: decision ? { by: ctx.actor.userId, rationale: note } : undefined,
      commentsCloseAt: reopening ? windowEnd(now, days) : undefined,
    });
    if (!moved) throw new Conflict('Someone changed this item while you were reading it.');
    const updated = (await getItem(trx, id))!;
    if (decision) await logDecision(trx, ctx, updated, note, now);
    await insertEvent(trx, {
      itemId: id,
      kind: 'status',
      fromStatus: item.status,
      toStatus: input.to,
      note,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at: now.toISOString(),
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.status',
      target: { type: 'roadmap-item', id },
      ip: ctx.ip,
      details: { from: item.status, to: input.to },
    });
    await tellSubscribers(trx, ctx, updated, {
      kind: reopening ? 'roadmap.proposed' : 'roadmap.status',
      title: reopening
        ? `Open for comment: ${updated.title}`
        : `${STATUS_LABELS[updated.status]}: ${updated.title}`,
      body: reopening
        ? `Open for comment until ${updated.commentsCloseAt!.slice(0, 10)}. ${excerptOf(note)}`
        : excerptOf(note),
    });
    await enqueueWebhookEvent(
      trx,
      reopening ? 'proposal.opened' : decision ? 'roadmap.decided' : 'roadmap.updated',
      itemEvent(updated, { from: item.status, note: excerptOf(note) }),
    );
    return updated;
  });
}

export interface ShipInput {
  /** The entry's title; the item's title when left out. */
  title?: string;
  /** What changed, for the people who asked ("we did"). */
  body: string;
  breaking?: boolean;
  effectiveOn?: string | null;
  now?: Date;
}

/**
 * Ships a planned or in-progress item: it becomes final, and its changelog
 * entry lists the linked feedback and tells each of their subscribers once.
 * A breaking change carries the day it takes effect, at least the notice
 * period away.
 */
export async function shipItem(
  db: Db,
  ctx: Ctx,
  id: string,
  input: ShipInput,
): Promise<{ item: RoadmapItem; entry: ChangelogEntry; notified: number }> {
  authorize(ctx.actor, 'roadmap.manage');
  const item = await itemOrThrow(db, id);
  const problem = statusProblem(item.status, 'shipped');
  if (problem) throw InvalidInput.field('status', problem);
  const now = input.now ?? new Date();
  return afterCommit(db, async (trx) => {
    const links = (await linksOf(trx, [id])).get(id) ?? [];
    // The entry validates its fields before anything is written.
    const { entry, notified } = await recordChangelogEntry(trx, {
      title: input.title?.trim() || item.title,
      body: input.body,
      roadmapItemId: id,
      feedbackIds: links,
      capabilityId: item.capabilityId,
      breaking: input.breaking,
      effectiveOn: input.effectiveOn,
      author: { userId: ctx.actor.userId, name: ctx.actor.name },
      excludeUserId: ctx.actor.userId,
      now,
    });
    const moved = await moveItem(trx, id, {
      from: item.status,
      to: 'shipped',
      at: now.toISOString(),
    });
    if (!moved) throw new Conflict('Someone changed this item while you were reading it.');
    await insertEvent(trx, {
      itemId: id,
      kind: 'status',
      fromStatus: item.status,
      toStatus: 'shipped',
      note: entry.title,
      actorId: ctx.actor.userId,
      actorName: ctx.actor.name,
      at: now.toISOString(),
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'roadmap.ship',
      target: { type: 'roadmap-item', id },
      ip: ctx.ip,
      details: { entry: entry.id, breaking: entry.breaking, notified },
    });
    return { item: (await getItem(trx, id))!, entry, notified };
  });
}
