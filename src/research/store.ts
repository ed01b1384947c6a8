// Research notes, their friction points and the items made from them.
// Every function takes the database (or the caller's transaction) first.

import { sql } from 'kysely';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type { Period } from '../core/period.ts';
import {
  type Friction,
  type FrictionLink,
  type NamedRef,
  type NoteKind,
  periodDays,
  type ResearchNote,
  type Severity,
} from './model.ts';

const ref = (id: string | null, slug: string | null, name: string | null): NamedRef | null =>
  id && slug && name ? { id, slug, name } : null;

function noteQuery(db: Db) {
  return db
    .selectFrom('research_notes as n')
    .leftJoin('teams as t', 't.id', 'n.team_id')
    .selectAll('n')
    .select(['t.slug as teamSlug', 't.name as teamName']);
}

type NoteRow = Awaited<ReturnType<ReturnType<typeof noteQuery>['executeTakeFirstOrThrow']>>;

function noteRow(row: NoteRow): ResearchNote {
  return {
    id: row.id,
    kind: row.kind as NoteKind,
    heldOn: row.held_on,
    team: ref(row.team_id, row.teamSlug, row.teamName),
    personas: row.personas.split(' ').filter(Boolean),
    workflow: row.workflow,
    steps: row.steps.split('\n').filter(Boolean),
    summary: row.summary,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A note's own fields as stored (ids, not slugs). */
export interface NoteFields {
  kind: NoteKind;
  heldOn: string;
  teamId: string | null;
  /** Sorted, distinct. */
  personas: string[];
  workflow: string;
  steps: string[];
  summary: string | null;
}

export async function insertNote(
  db: Db,
  fields: NoteFields & { createdBy: string | null; at?: string },
): Promise<string> {
  const id = newId();
  const at = fields.at ?? nowIso();
  await db
    .insertInto('research_notes')
    .values({
      id,
      kind: fields.kind,
      held_on: fields.heldOn,
      team_id: fields.teamId,
      personas: fields.personas.join(' '),
      workflow: fields.workflow,
      steps: fields.steps.join('\n'),
      summary: fields.summary,
      created_by: fields.createdBy,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

export async function updateNote(db: Db, id: string, fields: NoteFields): Promise<void> {
  await db
    .updateTable('research_notes')
    .set({
      kind: fields.kind,
      held_on: fields.heldOn,
      team_id: fields.teamId,
      personas: fields.personas.join(' '),
      workflow: fields.workflow,
      steps: fields.steps.join('\n'),
      summary: fields.summary,
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes a note; its friction points and their links go with it. */
export async function deleteNote(db: Db, id: string): Promise<boolean> {
  // Children first: SQLite enforces the cascade only with foreign keys on.
  const frictions = db.selectFrom('research_frictions').select('id').where('note_id', '=', id);
  await db.deleteFrom('research_friction_links').where('friction_id', 'in', frictions).execute();
  await db.deleteFrom('research_frictions').where('note_id', '=', id).execute();
  const result = await db.deleteFrom('research_notes').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function getNote(db: Db, id: string): Promise<ResearchNote | undefined> {
  const row = await noteQuery(db).where('n.id', '=', id).executeTakeFirst();
  return row ? noteRow(row) : undefined;
}

export interface NoteFilter {
  kind?: NoteKind;
  /** Only notes carrying this persona tag. */
  persona?: string;
  /** Only notes with a friction point on this capability. */
  capabilityId?: string;
  period?: Pick<Period, 'start' | 'end'>;
}

export type NoteSummary = ResearchNote & { frictions: number };

/** Notes, most recently held first, filtered and paged. */
export async function listNotes(
  db: Db,
  filter: NoteFilter & { limit: number; cursor?: string },
): Promise<Page<NoteSummary>> {
  let q = noteQuery(db)
    .select((eb) =>
      eb
        .selectFrom('research_frictions as f')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('f.note_id', '=', 'n.id')
        .as('frictionCount'),
    )
    .orderBy('n.held_on', 'desc')
    .orderBy('n.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.kind) q = q.where('n.kind', '=', filter.kind);
  if (filter.persona) {
    // Tags are stored space-separated; padding with spaces matches whole tags only.
    q = q.where(sql<boolean>`(' ' || n.personas || ' ') like ${`% ${filter.persona} %`}`);
  }
  if (filter.capabilityId) {
    const capabilityId = filter.capabilityId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('research_frictions as f')
          .select('f.id')
          .whereRef('f.note_id', '=', 'n.id')
          .where('f.capability_id', '=', capabilityId),
      ),
    );
  }
  if (filter.period) {
    const [from, to] = periodDays(filter.period);
    q = q.where('n.held_on', '>=', from).where('n.held_on', '<', to);
  }
  if (filter.cursor) q = q.where(olderThan('n.held_on', 'n.id', filter.cursor));
  return toPage(
    await q.execute(),
    filter.limit,
    (r) => [r.held_on, r.id],
    (r) => ({ ...noteRow(r), frictions: Number(r.frictionCount ?? 0) }),
  );
}

/** Notes by id (the synthesis names the notes behind each friction). */
export async function notesByIds(db: Db, ids: string[]): Promise<Map<string, ResearchNote>> {
  if (ids.length === 0) return new Map();
  const rows = await noteQuery(db)
    .where('n.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, noteRow(r)]));
}

// ---- Friction points ----

/** A friction point as stored (ids, not slugs). */
export interface FrictionFields {
  step: string;
  capabilityId: string | null;
  severity: Severity;
  minutesLost: number | null;
  quote: string | null;
}

export async function insertFriction(
  db: Db,
  noteId: string,
  position: number,
  fields: FrictionFields,
): Promise<string> {
  const id = newId();
  await db
    .insertInto('research_frictions')
    .values({
      id,
      note_id: noteId,
      position,
      step: fields.step,
      capability_id: fields.capabilityId,
      severity: fields.severity,
      minutes_lost: fields.minutesLost,
      quote: fields.quote,
    })
    .execute();
  return id;
}

export async function updateFriction(
  db: Db,
  id: string,
  position: number,
  fields: FrictionFields,
): Promise<void> {
  await db
    .updateTable('research_frictions')
    .set({
      position,
      step: fields.step,
      capability_id: fields.capabilityId,
      severity: fields.severity,
      minutes_lost: fields.minutesLost,
      quote: fields.quote,
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes friction points and their links. */
export async function deleteFrictions(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('research_friction_links').where('friction_id', 'in', ids).execute();
  await db.deleteFrom('research_frictions').where('id', 'in', ids).execute();
}

/** The ids of a note's friction points. */
export async function frictionIdsOf(db: Db, noteId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('research_frictions')
    .select('id')
    .where('note_id', '=', noteId)
    .execute();
  return rows.map((r) => r.id);
}

function frictionQuery(db: Db) {
  return db
    .selectFrom('research_frictions as f')
    .leftJoin('capabilities as c', 'c.id', 'f.capability_id')
    .selectAll('f')
    .select(['c.slug as capSlug', 'c.name as capName']);
}

type FrictionRow = Awaited<ReturnType<ReturnType<typeof frictionQuery>['executeTakeFirstOrThrow']>>;

function frictionRow(row: FrictionRow, links: FrictionLink[]): Friction {
  return {
    id: row.id,
    noteId: row.note_id,
    position: Number(row.position),
    step: row.step,
    capability: ref(row.capability_id, row.capSlug, row.capName),
    severity: Number(row.severity) as Severity,
    minutesLost: row.minutes_lost === null ? null : Number(row.minutes_lost),
    quote: row.quote,
    links,
  };
}

/** A note's friction points in order, with their links. */
export async function frictionsOf(db: Db, noteId: string): Promise<Friction[]> {
  const rows = await frictionQuery(db)
    .where('f.note_id', '=', noteId)
    .orderBy('f.position')
    .execute();
  const links = await linksOfFrictions(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => frictionRow(r, links.get(r.id) ?? []));
}

export async function getFriction(db: Db, id: string): Promise<Friction | undefined> {
  const row = await frictionQuery(db).where('f.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return frictionRow(row, (await linksOfFrictions(db, [id])).get(id) ?? []);
}

// ---- Links to feedback and roadmap items ----

/** The feedback and roadmap items made from each friction point, oldest link first. */
export async function linksOfFrictions(
  db: Db,
  frictionIds: string[],
): Promise<Map<string, FrictionLink[]>> {
  const map = new Map<string, FrictionLink[]>();
  if (frictionIds.length === 0) return map;
  for (let i = 0; i < frictionIds.length; i += 500) {
    const part = frictionIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('research_friction_links as l')
      .leftJoin('feedback_items as fb', 'fb.id', 'l.feedback_id')
      .leftJoin('roadmap_items as r', 'r.id', 'l.roadmap_item_id')
      .select([
        'l.friction_id',
        'l.feedback_id',
        'l.roadmap_item_id',
        'l.created_at',
        'fb.title as fbTitle',
        'fb.status as fbStatus',
        'r.title as rTitle',
        'r.status as rStatus',
      ])
      .where('l.friction_id', 'in', part)
      .orderBy('l.created_at')
      .execute();
    for (const r of rows) {
      const link: FrictionLink | null = r.feedback_id
        ? {
            kind: 'feedback',
            id: r.feedback_id,
            title: r.fbTitle ?? '',
            status: r.fbStatus ?? '',
            createdAt: r.created_at,
          }
        : r.roadmap_item_id
          ? {
              kind: 'roadmap',
              id: r.roadmap_item_id,
              title: r.rTitle ?? '',
              status: r.rStatus ?? '',
              createdAt: r.created_at,
            }
          : null;
      if (link) map.set(r.friction_id, [...(map.get(r.friction_id) ?? []), link]);
    }
  }
  return map;
}

const linkColumn = (kind: FrictionLink['kind']) =>
  kind === 'feedback' ? ('feedback_id' as const) : ('roadmap_item_id' as const);

/** Records that an item was made from a friction point; false when it was already linked. */
export async function addLink(
  db: Db,
  frictionId: string,
  target: { kind: FrictionLink['kind']; id: string },
  at: string = nowIso(),
): Promise<boolean> {
  const column = linkColumn(target.kind);
  const existing = await db
    .selectFrom('research_friction_links')
    .select('friction_id')
    .where('friction_id', '=', frictionId)
    .where(column, '=', target.id)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('research_friction_links')
    .values({
      friction_id: frictionId,
      feedback_id: target.kind === 'feedback' ? target.id : null,
      roadmap_item_id: target.kind === 'roadmap' ? target.id : null,
      created_at: at,
    })
    .execute();
  return true;
}

/** Removes a link; false when there was none. */
export async function removeLink(
  db: Db,
  frictionId: string,
  target: { kind: FrictionLink['kind']; id: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('research_friction_links')
    .where('friction_id', '=', frictionId)
    .where(linkColumn(target.kind), '=', target.id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
