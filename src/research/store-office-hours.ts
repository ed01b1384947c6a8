// Office-hours sessions and the topics teams brought to them.

import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type { Period } from '../core/period.ts';
import { type NamedRef, type Outcome, periodDays, type Session, type Topic } from './model.ts';

const ref = (id: string | null, slug: string | null, name: string | null): NamedRef | null =>
  id && slug && name ? { id, slug, name } : null;

export interface SessionFields {
  heldOn: string;
  hosts: string;
  notes: string | null;
}

/** A topic as stored (ids, not slugs). */
export interface TopicFields {
  teamId: string | null;
  capabilityId: string | null;
  problem: string;
  outcome: Outcome;
  feedbackId: string | null;
}

export async function insertSession(
  db: Db,
  fields: SessionFields & { createdBy: string | null; at?: string },
): Promise<string> {
  const id = newId();
  const at = fields.at ?? nowIso();
  await db
    .insertInto('office_hours_sessions')
    .values({
      id,
      held_on: fields.heldOn,
      hosts: fields.hosts,
      notes: fields.notes,
      created_by: fields.createdBy,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

export async function updateSession(db: Db, id: string, fields: SessionFields): Promise<void> {
  await db
    .updateTable('office_hours_sessions')
    .set({ held_on: fields.heldOn, hosts: fields.hosts, notes: fields.notes, updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
}

/** Deletes a session and its topics. */
export async function deleteSession(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('office_hours_topics').where('session_id', '=', id).execute();
  const result = await db
    .deleteFrom('office_hours_sessions')
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Replaces a session's topics, in the order given. */
export async function setTopics(db: Db, sessionId: string, topics: TopicFields[]): Promise<void> {
  await db.deleteFrom('office_hours_topics').where('session_id', '=', sessionId).execute();
  if (topics.length === 0) return;
  await db
    .insertInto('office_hours_topics')
    .values(
      topics.map((t, position) => ({
        id: newId(),
        session_id: sessionId,
        position,
        team_id: t.teamId,
        capability_id: t.capabilityId,
        problem: t.problem,
        outcome: t.outcome,
        feedback_id: t.feedbackId,
      })),
    )
    .execute();
}

function sessionQuery(db: Db) {
  return db
    .selectFrom('office_hours_sessions as s')
    .selectAll('s')
    .select((eb) =>
      eb
        .selectFrom('office_hours_topics as t')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('t.session_id', '=', 's.id')
        .as('topicCount'),
    );
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirstOrThrow']>>;

function sessionRow(row: SessionRow): Session {
  return {
    id: row.id,
    heldOn: row.held_on,
    hosts: row.hosts,
    notes: row.notes,
    topicCount: Number(row.topicCount ?? 0),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getSession(db: Db, id: string): Promise<Session | undefined> {
  const row = await sessionQuery(db).where('s.id', '=', id).executeTakeFirst();
  return row ? sessionRow(row) : undefined;
}

/** A session's topics in order, with team, capability and any feedback filed. */
export async function topicsOf(db: Db, sessionId: string): Promise<Topic[]> {
  const rows = await db
    .selectFrom('office_hours_topics as t')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .leftJoin('capabilities as c', 'c.id', 't.capability_id')
    .leftJoin('feedback_items as fb', 'fb.id', 't.feedback_id')
    .selectAll('t')
    .select([
      'tm.slug as teamSlug',
      'tm.name as teamName',
      'c.slug as capSlug',
      'c.name as capName',
      'fb.title as fbTitle',
      'fb.status as fbStatus',
    ])
    .where('t.session_id', '=', sessionId)
    .orderBy('t.position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: Number(r.position),
    team: ref(r.team_id, r.teamSlug, r.teamName),
    capability: ref(r.capability_id, r.capSlug, r.capName),
    problem: r.problem,
    outcome: r.outcome as Outcome,
    feedback:
      r.feedback_id && r.fbTitle !== null
        ? { id: r.feedback_id, title: r.fbTitle, status: r.fbStatus ?? '' }
        : null,
  }));
}

/** Sessions, most recent first, in a period if given, paged. */
export async function listSessions(
  db: Db,
  filter: { period?: Pick<Period, 'start' | 'end'> | null; limit: number; cursor?: string },
): Promise<Page<Session>> {
  let q = sessionQuery(db)
    .orderBy('s.held_on', 'desc')
    .orderBy('s.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.period) {
    const [from, to] = periodDays(filter.period);
    q = q.where('s.held_on', '>=', from).where('s.held_on', '<', to);
  }
  if (filter.cursor) q = q.where(olderThan('s.held_on', 's.id', filter.cursor));
  return toPage(await q.execute(), filter.limit, (r) => [r.held_on, r.id], sessionRow);
}
