// Research notes' operations: policy, rules, the change and its audit row in
// one transaction. The API, pages and CLI all call these; office hours are
// in service-office-hours.ts.

import { getCapabilityBySlug } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { type FieldError, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize } from '../core/policy.ts';
import type { FeedbackKind } from '../feedback/model.ts';
import { postFeedback } from '../feedback/service.ts';
import { getTeamBySlug } from '../org/store.ts';
import {
  type Friction,
  type FrictionLink,
  KIND_LABELS,
  type NoteDetail,
  type NoteInput,
  type NoteKind,
  normalizePersonas,
  noteProblems,
  type ResearchNote,
  SEVERITY_LABELS,
  type Severity,
} from './model.ts';
import {
  addLink,
  deleteFrictions,
  deleteNote,
  type FrictionFields,
  frictionIdsOf,
  frictionsOf,
  getFriction,
  getNote,
  insertFriction,
  insertNote,
  type NoteFields,
  removeLink,
  updateFriction,
  updateNote,
} from './store.ts';

/** Who acts, and from where (for the audit log). */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

/** The page of a note. */
export const notePath = (id: string, rest = '') =>
  `/research/notes/${encodeURIComponent(id)}${rest}`;

/** The pages that act on one friction point (link it, file it as feedback). */
export const frictionPath = (id: string, rest = '') =>
  `/research/frictions/${encodeURIComponent(id)}${rest}`;

function refuse(errors: FieldError[]): void {
  if (errors.length > 0) throw new InvalidInput(errors[0]!.message, errors);
}

export async function noteOrThrow(db: Db, id: string): Promise<ResearchNote> {
  const note = await getNote(db, id);
  if (!note) throw new NotFound('There is no such research note.');
  return note;
}

export async function frictionOrThrow(db: Db, id: string): Promise<Friction> {
  const friction = await getFriction(db, id);
  if (!friction) throw new NotFound('There is no such friction point.');
  return friction;
}

/** A note with its friction points, quotes and links (the platform team and leaders). */
export async function noteDetail(db: Db, ctx: Ctx, id: string): Promise<NoteDetail> {
  authorize(ctx.actor, 'research.read');
  const note = await noteOrThrow(db, id);
  return { ...note, frictions: await frictionsOf(db, id) };
}

/**
 * Resolves a note's input to stored fields inside the caller's transaction:
 * the team and capabilities by slug, and kept friction points by id (they
 * must be this note's own). Throws InvalidInput naming each bad field.
 */
async function resolve(
  trx: Db,
  input: NoteInput,
  noteId: string | null,
): Promise<{ fields: NoteFields; frictions: (FrictionFields & { id: string | null })[] }> {
  const personas = normalizePersonas(input.personas);
  const errors = noteProblems({ ...input, personas });
  let teamId: string | null = null;
  if (input.team) {
    const team = await getTeamBySlug(trx, input.team);
    if (!team) errors.push({ path: 'team', message: `There is no team "${input.team}".` });
    else teamId = team.id;
  }
  const own = new Set(noteId ? await frictionIdsOf(trx, noteId) : []);
  const frictions: (FrictionFields & { id: string | null })[] = [];
  for (const [i, f] of input.frictions.entries()) {
    let capabilityId: string | null = null;
    if (f.capability) {
      const capability = await getCapabilityBySlug(trx, f.capability);
      if (!capability)
        errors.push({
          path: `frictions.${i}.capability`,
          message: `Friction point ${i + 1}: there is no capability "${f.capability}".`,
        });
      else capabilityId = capability.id;
    }
    if (f.id && !own.has(f.id))
      errors.push({
        path: `frictions.${i}.id`,
        message: `Friction point ${i + 1}: "${f.id}" is not a friction point of this note.`,
      });
    frictions.push({
      id: f.id || null,
      step: f.step.trim(),
      capabilityId,
      severity: f.severity as Severity,
      minutesLost: f.minutesLost,
      quote: f.quote?.trim() || null,
    });
  }
  refuse(errors);
  return {
    fields: {
      kind: input.kind as NoteKind,
      heldOn: input.heldOn,
      teamId,
      personas,
      workflow: input.workflow.trim(),
      steps: input.steps.map((s) => s.trim()).filter(Boolean),
      summary: input.summary?.trim() || null,
    },
    frictions,
  };
}

/** Records a note with its friction points, in one transaction: bad input writes nothing. */
export async function createNote(db: Db, ctx: Ctx, input: NoteInput): Promise<NoteDetail> {
  authorize(ctx.actor, 'research.manage');
  const id = await db.transaction().execute(async (trx) => {
    const { fields, frictions } = await resolve(trx, input, null);
    const id = await insertNote(trx, { ...fields, createdBy: ctx.actor.userId });
    for (const [position, f] of frictions.entries()) await insertFriction(trx, id, position, f);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'research.note.create',
      target: { type: 'research-note', id },
      ip: ctx.ip,
      details: { kind: fields.kind, frictions: frictions.length },
    });
    return id;
  });
  return noteDetail(db, ctx, id);
}

/**
 * Replaces a note's fields and friction points. A friction point given with
 * its id is kept (with its links); the note's others are deleted.
 */
export async function editNote(
  db: Db,
  ctx: Ctx,
  id: string,
  input: NoteInput,
): Promise<NoteDetail> {
  authorize(ctx.actor, 'research.manage');
  await noteOrThrow(db, id);
  await db.transaction().execute(async (trx) => {
    const { fields, frictions } = await resolve(trx, input, id);
    await updateNote(trx, id, fields);
    const kept = new Set(frictions.flatMap((f) => (f.id ? [f.id] : [])));
    await deleteFrictions(
      trx,
      (await frictionIdsOf(trx, id)).filter((f) => !kept.has(f)),
    );
    for (const [position, f] of frictions.entries()) {
      if (f.id) await updateFriction(trx, f.id, position, f);
      else await insertFriction(trx, id, position, f);
    }
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'research.note.update',
      target: { type: 'research-note', id },
      ip: ctx.ip,
      details: { frictions: frictions.length },
    });
  });
  return noteDetail(db, ctx, id);
}

/** Deletes a note with its friction points and their links (the items made from them stay). */
export async function removeNote(db: Db, ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, 'research.manage');
  await noteOrThrow(db, id);
  await db.transaction().execute(async (trx) => {
    await deleteNote(trx, id);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'research.note.delete',
      target: { type: 'research-note', id },
      ip: ctx.ip,
    });
  });
}

/** The path of the field that names an item of this kind, in forms and the API. */
const targetPath = (kind: FrictionLink['kind']) =>
  kind === 'feedback' ? 'feedbackId' : 'roadmapItemId';

async function targetExists(db: Db, kind: FrictionLink['kind'], id: string): Promise<boolean> {
  const row =
    kind === 'feedback'
      ? await db.selectFrom('feedback_items').select('id').where('id', '=', id).executeTakeFirst()
      : await db.selectFrom('roadmap_items').select('id').where('id', '=', id).executeTakeFirst();
  return Boolean(row);
}

/** Feedback ids and roadmap ids as people paste them: an id, or the item's address. */
export function itemIdFrom(text: string, kind: FrictionLink['kind']): string {
  const m = (kind === 'feedback' ? /\/feedback\/([^/?#\s]+)/ : /\/roadmap\/([^/?#\s]+)/).exec(text);
  return m ? decodeURIComponent(m[1]!) : text.trim();
}

/** Links an existing feedback or roadmap item to a friction point. */
export async function linkFriction(
  db: Db,
  ctx: Ctx,
  frictionId: string,
  target: { kind: FrictionLink['kind']; id: string },
): Promise<Friction> {
  authorize(ctx.actor, 'research.manage');
  const friction = await frictionOrThrow(db, frictionId);
  const id = itemIdFrom(target.id, target.kind);
  const path = targetPath(target.kind);
  if (!id)
    throw InvalidInput.field(
      path,
      target.kind === 'feedback'
        ? 'Give the id or address of a feedback item.'
        : 'Give the id or address of a roadmap item.',
    );
  await db.transaction().execute(async (trx) => {
    if (!(await targetExists(trx, target.kind, id)))
      throw InvalidInput.field(
        path,
        `There is no ${target.kind === 'feedback' ? 'feedback item' : 'roadmap item'} "${id}".`,
      );
    if (await addLink(trx, frictionId, { kind: target.kind, id })) {
      await recordAudit(trx, {
        actor: auditActor(ctx),
        action: 'research.friction.link',
        target: { type: 'research-note', id: friction.noteId },
        ip: ctx.ip,
        details: { [target.kind]: id },
      });
    }
  });
  return frictionOrThrow(db, frictionId);
}

/** Removes a link (the item itself stays). */
export async function unlinkFriction(
  db: Db,
  ctx: Ctx,
  frictionId: string,
  target: { kind: FrictionLink['kind']; id: string },
): Promise<Friction> {
  authorize(ctx.actor, 'research.manage');
  const friction = await frictionOrThrow(db, frictionId);
  await db.transaction().execute(async (trx) => {
    if (!(await removeLink(trx, frictionId, target)))
      throw new NotFound('That item is not linked to this friction point.');
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'research.friction.unlink',
      target: { type: 'research-note', id: friction.noteId },
      ip: ctx.ip,
      details: { [target.kind]: target.id },
    });
  });
  return frictionOrThrow(db, frictionId);
}

/** What "file as feedback" proposes: a problem with the friction's facts, never its quote or team. */
export interface FeedbackDraft {
  kind: FeedbackKind;
  title: string;
  body: string;
  capability: string | null;
}

/**
 * The feedback a friction point would become. The participant's words and
 * team stay in the note: feedback is visible to everyone.
 */
export function feedbackDraft(note: ResearchNote, friction: Friction): FeedbackDraft {
  const title = `${capitalise(note.workflow)}: ${friction.step}`;
  const facts = [
    `Severity ${SEVERITY_LABELS[friction.severity]}`,
    friction.minutesLost !== null ? `${friction.minutesLost} minutes lost` : null,
  ].filter(Boolean);
  return {
    kind: 'problem',
    title: title.length > 200 ? `${title.slice(0, 199)}…` : title,
    body: `Seen in user research (${KIND_LABELS[note.kind].toLowerCase()}, ${note.heldOn}) while walking through “${note.workflow}”, at the step “${friction.step}”. ${facts.join(', ')}.`,
    capability: friction.capability?.slug ?? null,
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Files a friction point as feedback (through the feedback area, by name)
 * and records the link. The feedback is posted first, in its own
 * transaction; the link follows at once.
 */
export async function fileFrictionAsFeedback(
  db: Db,
  ctx: Ctx,
  frictionId: string,
  input: { kind: FeedbackKind; title: string; body: string; capability: string | null },
): Promise<{ feedbackId: string; friction: Friction }> {
  authorize(ctx.actor, 'research.manage');
  const friction = await frictionOrThrow(db, frictionId);
  const item = await postFeedback(db, ctx, { ...input, postedAs: 'name' });
  await db.transaction().execute(async (trx) => {
    await addLink(trx, frictionId, { kind: 'feedback', id: item.id });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'research.friction.file',
      target: { type: 'research-note', id: friction.noteId },
      ip: ctx.ip,
      details: { feedback: item.id },
    });
  });
  return { feedbackId: item.id, friction: await frictionOrThrow(db, frictionId) };
}
