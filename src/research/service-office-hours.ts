// Office hours' operations: a session with its topics written in one
// transaction, with its audit row. The API, pages and CLI all call these.

import { getCapabilityBySlug } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput, NotFound } from '../core/errors.ts';
import { authorize } from '../core/policy.ts';
import { getTeamBySlug } from '../org/store.ts';
import { type Outcome, type SessionDetail, type SessionInput, sessionProblems } from './model.ts';
import type { Ctx } from './service.ts';
import { itemIdFrom } from './service.ts';
import {
  deleteSession,
  getSession,
  insertSession,
  type SessionFields,
  setTopics,
  type TopicFields,
  topicsOf,
  updateSession,
} from './store-office-hours.ts';

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

/** The page of a session. */
export const sessionPath = (id: string, rest = '') =>
  `/office-hours/${encodeURIComponent(id)}${rest}`;

/** A session with its topics (the platform team and leaders). */
export async function sessionDetail(db: Db, ctx: Ctx, id: string): Promise<SessionDetail> {
  authorize(ctx.actor, 'research.read');
  const session = await getSession(db, id);
  if (!session) throw new NotFound('There is no such office-hours session.');
  return { ...session, topics: await topicsOf(db, id) };
}

/** Resolves teams, capabilities and feedback inside the caller's transaction; throws naming each bad field. */
async function resolve(
  trx: Db,
  input: SessionInput,
): Promise<{ fields: SessionFields; topics: TopicFields[] }> {
  const errors = sessionProblems(input);
  const topics: TopicFields[] = [];
  for (const [i, t] of input.topics.entries()) {
    const at = `topics.${i}`;
    let teamId: string | null = null;
    if (t.team) {
      const team = await getTeamBySlug(trx, t.team);
      if (!team)
        errors.push({
          path: `${at}.team`,
          message: `Topic ${i + 1}: there is no team "${t.team}".`,
        });
      else teamId = team.id;
    }
    let capabilityId: string | null = null;
    if (t.capability) {
      const capability = await getCapabilityBySlug(trx, t.capability);
      if (!capability)
        errors.push({
          path: `${at}.capability`,
          message: `Topic ${i + 1}: there is no capability "${t.capability}".`,
        });
      else capabilityId = capability.id;
    }
    const feedbackId = t.feedbackId ? itemIdFrom(t.feedbackId, 'feedback') : null;
    if (feedbackId) {
      const found = await trx
        .selectFrom('feedback_items')
        .select('id')
        .where('id', '=', feedbackId)
        .executeTakeFirst();
      if (!found)
        errors.push({
          path: `${at}.feedbackId`,
          message: `Topic ${i + 1}: there is no feedback item "${feedbackId}".`,
        });
    }
    topics.push({
      teamId,
      capabilityId,
      problem: t.problem.trim(),
      outcome: t.outcome as Outcome,
      feedbackId,
    });
  }
  if (errors.length > 0) throw new InvalidInput(errors[0]!.message, errors);
  return {
    fields: { heldOn: input.heldOn, hosts: input.hosts.trim(), notes: input.notes?.trim() || null },
    topics,
  };
}

/** Records a session and its topics in one transaction: bad input writes nothing. */
export async function createSession(db: Db, ctx: Ctx, input: SessionInput): Promise<SessionDetail> {
  authorize(ctx.actor, 'research.manage');
  const id = await db.transaction().execute(async (trx) => {
    const { fields, topics } = await resolve(trx, input);
    const id = await insertSession(trx, { ...fields, createdBy: ctx.actor.userId });
    await setTopics(trx, id, topics);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'office-hours.create',
      target: { type: 'office-hours', id },
      ip: ctx.ip,
      details: { topics: topics.length },
    });
    return id;
  });
  return sessionDetail(db, ctx, id);
}

/** Replaces a session's fields and topics. */
export async function editSession(
  db: Db,
  ctx: Ctx,
  id: string,
  input: SessionInput,
): Promise<SessionDetail> {
  authorize(ctx.actor, 'research.manage');
  if (!(await getSession(db, id))) throw new NotFound('There is no such office-hours session.');
  await db.transaction().execute(async (trx) => {
    const { fields, topics } = await resolve(trx, input);
    await updateSession(trx, id, fields);
    await setTopics(trx, id, topics);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'office-hours.update',
      target: { type: 'office-hours', id },
      ip: ctx.ip,
      details: { topics: topics.length },
    });
  });
  return sessionDetail(db, ctx, id);
}

export async function removeSession(db: Db, ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, 'research.manage');
  await db.transaction().execute(async (trx) => {
    if (!(await deleteSession(trx, id)))
      throw new NotFound('There is no such office-hours session.');
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'office-hours.delete',
      target: { type: 'office-hours', id },
      ip: ctx.ip,
    });
  });
}
