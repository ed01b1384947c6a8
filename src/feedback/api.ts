import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Unauthorized } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import {
  FeedbackDetailSchema,
  FeedbackSchema,
  FiguresSchema,
  IdParam,
  InternalNoteSchema,
  ListQuery,
  MergeSchema,
  NewFeedbackSchema,
  NoteSchema,
  presentDetail,
  presentFeedback,
  presentInternalNote,
  StatusChangeSchema,
  SubscriptionSchema,
  VoteSchema,
} from './api-schemas.ts';
import { feedbackFigures } from './figures.ts';
import {
  addInternalNote,
  type Ctx,
  changeStatus,
  getFeedback,
  listFeedback,
  mergeFeedback,
  overdueFeedback,
  postFeedback,
  subscribeTo,
  unsubscribeFrom,
  unsubscribeFromAll,
  voteFor,
  withdrawVote,
} from './service.ts';

const TAGS = ['Feedback'];

function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}

/** The feedback area's JSON routes: board, items, votes, status, merges, subscriptions, figures. */
export function registerFeedbackApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  const detail = async (c: Context<AppEnv>, id: string) =>
    presentDetail(await getFeedback(db, c.get('actor'), id));

  api.openapi(
    createRoute({
      method: 'get',
      path: '/feedback',
      tags: TAGS,
      middleware: [policy('feedback.read')] as const,
      summary:
        'The feedback board: filter by capability, status, kind, team or words; sort by votes, newest or oldest unacknowledged',
      request: { query: PageQuery.extend(ListQuery.shape) },
      responses: {
        200: json(
          pageOf(FeedbackSchema),
          'Items with votes, age and whether they were acknowledged in time',
        ),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listFeedback(db, c.get('actor'), q);
      return c.json({ items: page.items.map(presentFeedback), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/feedback',
      tags: TAGS,
      middleware: [policy('feedback.post')] as const,
      summary: 'Post feedback: a problem, idea, question or praise',
      description:
        'With postedAs "team" the item shows "a developer in <team>": the author is stored nowhere on the item, left out of the audit log and of exports, and kept only as a subscriber to send them updates.',
      request: { body: { ...json(NewFeedbackSchema, 'The new item'), required: true } },
      responses: {
        201: json(FeedbackDetailSchema, 'The item'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const item = await postFeedback(db, ctxOf(c), c.req.valid('json'));
      return c.json(await detail(c, item.id), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/feedback/overdue',
      tags: TAGS,
      middleware: [policy('feedback.read')] as const,
      summary: 'The overdue queue: new items past the acknowledgement SLA, oldest first',
      request: { query: PageQuery },
      responses: {
        200: json(pageOf(FeedbackSchema), 'Overdue items'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const page = await overdueFeedback(db, c.get('actor'), c.req.valid('query'));
      return c.json({ items: page.items.map(presentFeedback), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/feedback/figures',
      tags: TAGS,
      middleware: [policy('feedback.read')] as const,
      summary:
        'Responsiveness in a period: time to acknowledge (median, p90), share within the SLA, open overdue items',
      description:
        'Definitions in METRICS.md "Responsiveness". Items count in the period they were created in; an item still new past the SLA counts as a breach from the moment it passes it, at its age so far.',
      request: {
        query: z.object({
          period: z
            .string()
            .max(20)
            .optional()
            .openapi({ description: 'YYYY-Qn or YYYY-MM (UTC); the current quarter by default' }),
        }),
      },
      responses: {
        200: json(FiguresSchema, 'The figures'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) =>
      c.json(await feedbackFigures(db, c.get('actor'), c.req.valid('query').period), 200),
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/feedback/subscriptions',
      tags: TAGS,
      middleware: [policy('feedback.subscribe')] as const,
      summary: 'Unsubscribe from every item at once; later votes no longer subscribe you',
      responses: {
        200: json(z.object({ ended: z.number().int() }), 'How many subscriptions ended'),
        ...problemResponses(401),
      },
    }),
    async (c) => c.json({ ended: await unsubscribeFromAll(db, ctxOf(c)) }, 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/feedback/{id}',
      tags: TAGS,
      middleware: [policy('feedback.read')] as const,
      summary:
        'One item with its status history, merged duplicates and (platform only) internal notes',
      request: { params: IdParam },
      responses: {
        200: json(FeedbackDetailSchema, 'The item'),
        ...problemResponses(401, 404),
      },
    }),
    async (c) => c.json(await detail(c, c.req.valid('param').id), 200),
  );

  for (const method of ['put', 'delete'] as const) {
    api.openapi(
      createRoute({
        method,
        path: '/feedback/{id}/vote',
        tags: TAGS,
        middleware: [policy('feedback.vote')] as const,
        summary:
          method === 'put'
            ? 'Vote for an item (one vote per person; again is a no-op); you are subscribed to its changes'
            : 'Withdraw your vote (a no-op when you had none)',
        request: { params: IdParam },
        responses: {
          200: json(VoteSchema, 'The item’s votes, counted from the rows'),
          ...problemResponses(401, 404, 409),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const result =
          method === 'put' ? await voteFor(db, ctxOf(c), id) : await withdrawVote(db, ctxOf(c), id);
        return c.json({ votes: result.votes, voted: result.voted }, 200);
      },
    );

    api.openapi(
      createRoute({
        method,
        path: '/feedback/{id}/subscription',
        tags: TAGS,
        middleware: [policy('feedback.subscribe')] as const,
        summary:
          method === 'put'
            ? 'Follow an item’s status changes'
            : 'Stop following an item (a later vote does not subscribe you again)',
        request: { params: IdParam },
        responses: {
          200: json(SubscriptionSchema, 'Whether you follow it now'),
          ...problemResponses(401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const viewer =
          method === 'put'
            ? await subscribeTo(db, ctxOf(c), id)
            : await unsubscribeFrom(db, ctxOf(c), id);
        return c.json({ subscribed: viewer.subscribed }, 200);
      },
    );
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/status',
      tags: TAGS,
      middleware: [policy('feedback.triage')] as const,
      summary: 'Change an item’s status with a public note; subscribers are told',
      description:
        'new → acknowledged → planned → in-progress → shipped; declined (the note is the reason) from any open status; a declined item can be acknowledged again. Duplicates are made by merging. An illegal jump is refused and nothing is written.',
      request: {
        params: IdParam,
        body: { ...json(StatusChangeSchema, 'The new status and its note'), required: true },
      },
      responses: {
        200: json(FeedbackDetailSchema, 'The item after the change'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await changeStatus(db, ctxOf(c), id, c.req.valid('json'));
      return c.json(await detail(c, id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/merge',
      tags: TAGS,
      middleware: [policy('feedback.triage')] as const,
      summary:
        'Merge a duplicate into the original: votes move without double counting, subscribers follow',
      description:
        'Merging into an item that is itself a duplicate goes to the end of its chain. Merging into itself, or into a chain that leads back, is refused with a field error on `into`.',
      request: {
        params: IdParam,
        body: { ...json(MergeSchema, 'The original and a public note'), required: true },
      },
      responses: {
        200: json(FeedbackDetailSchema, 'The original after the merge'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { original } = await mergeFeedback(db, ctxOf(c), id, c.req.valid('json'));
      return c.json(await detail(c, original.id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/notes',
      tags: TAGS,
      middleware: [policy('feedback.triage')] as const,
      summary: 'Add an internal note, visible to the platform role only',
      request: {
        params: IdParam,
        body: { ...json(NoteSchema, 'The note'), required: true },
      },
      responses: {
        201: json(InternalNoteSchema, 'The note'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const note = await addInternalNote(
        db,
        ctxOf(c),
        c.req.valid('param').id,
        c.req.valid('json').body,
      );
      return c.json(presentInternalNote(note), 201);
    },
  );
}
