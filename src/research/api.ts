import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import { InvalidInput } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { parsePeriod } from '../core/period.ts';
import { registerOfficeHoursApi } from './api-office-hours.ts';
import {
  FileFeedbackSchema,
  FrictionSchema,
  IdParam,
  LinkInputSchema,
  NoteInputSchema,
  NoteSchema,
  NoteSummarySchema,
  PERSONA_QUERY,
  presentFriction,
  presentNote,
  presentNoteSummary,
  presentSynthesis,
  SynthesisSchema,
} from './api-schemas.ts';
import { ctxOf } from './ctx.ts';
import { NOTE_KINDS, type NoteInput } from './model.ts';
import {
  createNote,
  editNote,
  feedbackDraft,
  fileFrictionAsFeedback,
  frictionOrThrow,
  linkFriction,
  noteDetail,
  noteOrThrow,
  removeNote,
  unlinkFriction,
} from './service.ts';
import { listNotes } from './store.ts';
import { researchSynthesis } from './synthesis.ts';

const TAGS = ['Research'];

/** A note body as the service takes it. */
function noteInput(body: z.infer<typeof NoteInputSchema>): NoteInput {
  return {
    ...body,
    team: body.team ?? null,
    summary: body.summary ?? null,
    frictions: body.frictions.map((f) => ({
      id: f.id ?? null,
      step: f.step,
      capability: f.capability ?? null,
      severity: f.severity,
      minutesLost: f.minutesLost ?? null,
      quote: f.quote ?? null,
    })),
  };
}

const linkTarget = (b: { feedbackId?: string; roadmapItemId?: string }) =>
  b.feedbackId
    ? { kind: 'feedback' as const, id: b.feedbackId }
    : { kind: 'roadmap' as const, id: b.roadmapItemId ?? '' };

/** Research notes, friction points, the synthesis and office hours under /api/v1. */
export function registerResearchApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/research/notes',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'Research notes, most recently held first',
      request: {
        query: PageQuery.extend({
          kind: z.enum(NOTE_KINDS).optional(),
          persona: PERSONA_QUERY,
          capability: z.string().max(200).optional().openapi({
            description: 'Only notes with a friction point on this capability (its slug)',
          }),
          period: z.string().max(20).optional().openapi({
            description: 'Only notes held in this quarter (YYYY-Qn) or month (YYYY-MM)',
          }),
        }),
      },
      responses: {
        200: json(pageOf(NoteSummarySchema), 'Notes'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let capabilityId: string | undefined;
      if (q.capability) {
        const capability = await getCapabilityBySlug(db, q.capability);
        if (!capability)
          throw InvalidInput.field('capability', `There is no capability "${q.capability}".`);
        capabilityId = capability.id;
      }
      const page = await listNotes(db, {
        kind: q.kind,
        persona: q.persona,
        capabilityId,
        period: q.period ? parsePeriod(q.period) : undefined,
        limit: q.limit,
        cursor: q.cursor,
      });
      return c.json(
        { items: page.items.map(presentNoteSummary), nextCursor: page.nextCursor },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/research/notes',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Record a research note with its friction points',
      description:
        'A participant is described, never named: a team (optional) and persona tags. Everything is written in one transaction; any bad field writes nothing.',
      request: { body: { ...json(NoteInputSchema, 'The note'), required: true } },
      responses: { 201: json(NoteSchema, 'The note'), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const note = await createNote(db, ctxOf(c), noteInput(c.req.valid('json')));
      return c.json(presentNote(note), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/research/notes/{id}',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'One note: its steps, friction points with quotes, and the items made from them',
      request: { params: IdParam },
      responses: { 200: json(NoteSchema, 'The note'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(presentNote(await noteDetail(db, ctxOf(c), c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/research/notes/{id}',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Replace a note and its friction points',
      description:
        'Friction points given with their `id` are kept with their links; the note’s others are deleted.',
      request: {
        params: IdParam,
        body: { ...json(NoteInputSchema, 'The note'), required: true },
      },
      responses: { 200: json(NoteSchema, 'The note'), ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const note = await editNote(
        db,
        ctxOf(c),
        c.req.valid('param').id,
        noteInput(c.req.valid('json')),
      );
      return c.json(presentNote(note), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/research/notes/{id}',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary:
        'Delete a note with its friction points (feedback and roadmap items made from them stay)',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeNote(db, ctxOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/research/frictions/{id}/links',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Link an existing feedback or roadmap item to a friction point',
      request: {
        params: IdParam,
        body: { ...json(LinkInputSchema, 'The item'), required: true },
      },
      responses: {
        200: json(FrictionSchema, 'The friction point'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const f = await linkFriction(
        db,
        ctxOf(c),
        c.req.valid('param').id,
        linkTarget(c.req.valid('json')),
      );
      return c.json(presentFriction(f), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/research/frictions/{id}/links',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Unlink a feedback or roadmap item from a friction point (the item stays)',
      request: { params: IdParam, query: LinkInputSchema },
      responses: {
        200: json(FrictionSchema, 'The friction point'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const f = await unlinkFriction(
        db,
        ctxOf(c),
        c.req.valid('param').id,
        linkTarget(c.req.valid('query')),
      );
      return c.json(presentFriction(f), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/research/frictions/{id}/feedback',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'File a friction point as feedback (by name) and link it',
      description:
        'Title and body default to the friction’s workflow, step, severity and minutes lost; the participant’s quote and team are never copied, since feedback is visible to everyone.',
      request: {
        params: IdParam,
        body: { ...json(FileFeedbackSchema, 'The feedback'), required: true },
      },
      responses: {
        201: json(
          z.object({ feedbackId: z.string(), link: z.string(), friction: FrictionSchema }),
          'The feedback item and the friction point',
        ),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const friction = await frictionOrThrow(db, id);
      const draft = feedbackDraft(await noteOrThrow(db, friction.noteId), friction);
      const { feedbackId, friction: linked } = await fileFrictionAsFeedback(db, ctx, id, {
        kind: body.kind,
        title: body.title ?? draft.title,
        body: body.body ?? draft.body,
        capability: draft.capability,
      });
      return c.json(
        {
          feedbackId,
          link: `/feedback/${encodeURIComponent(feedbackId)}`,
          friction: presentFriction(linked),
        },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/research/synthesis',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'Friction points ranked by frequency × severity, per workflow and capability',
      description:
        'A friction is a (workflow, step, capability) triple, compared ignoring case and spacing; `score` = Σ severity over its occurrences (one per note that recorded it, or more when a note recorded it twice); ranked by score, then occurrences, then minutes lost. `persona` keeps only notes with that tag; `period` only notes held in it (all notes by default).',
      request: {
        query: z.object({
          persona: PERSONA_QUERY,
          period: z.string().max(20).optional().openapi({
            description: 'A quarter (YYYY-Qn) or a month (YYYY-MM); all notes when left out',
          }),
        }),
      },
      responses: {
        200: json(SynthesisSchema, 'The synthesis'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const period = q.period ? parsePeriod(q.period) : null;
      const s = await researchSynthesis(db, { period, persona: q.persona });
      return c.json(presentSynthesis(s, period?.key ?? null), 200);
    },
  );

  registerOfficeHoursApi(api, deps);
}
