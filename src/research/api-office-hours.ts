import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { parsePeriod } from '../core/period.ts';
import {
  FiguresSchema,
  IdParam,
  PeriodQuery,
  presentFigures,
  presentSession,
  presentSessionSummary,
  SessionInputSchema,
  SessionSchema,
  SessionSummarySchema,
} from './api-schemas.ts';
import { ctxOf } from './ctx.ts';
import { periodParam, type SessionInput } from './model.ts';
import { officeHoursFigures } from './office-hours.ts';
import {
  createSession,
  editSession,
  removeSession,
  sessionDetail,
} from './service-office-hours.ts';
import { listSessions } from './store-office-hours.ts';

const TAGS = ['Office hours'];

function sessionInput(body: z.infer<typeof SessionInputSchema>): SessionInput {
  return {
    heldOn: body.heldOn,
    hosts: body.hosts,
    notes: body.notes ?? null,
    topics: body.topics.map((t) => ({
      team: t.team ?? null,
      capability: t.capability ?? null,
      problem: t.problem,
      outcome: t.outcome,
      feedbackId: t.feedbackId ?? null,
    })),
  };
}

/** Office-hours sessions, their topics and the figures per capability. */
export function registerOfficeHoursApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/office-hours/figures',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'Topics per capability, the share solved on the spot and docs gaps, for a period',
      description:
        'The share solved on the spot comes with its 95% Wilson interval; with no topics it is null ("no data"). The period is a quarter or a month; the last 12 months (to the end of this month) by default.',
      request: { query: PeriodQuery },
      responses: { 200: json(FiguresSchema, 'The figures'), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const period = periodParam(c.req.valid('query').period);
      return c.json(presentFigures(await officeHoursFigures(db, period)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/office-hours',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'Office-hours sessions, most recent first',
      request: {
        query: PageQuery.extend({
          period: z.string().max(20).optional().openapi({
            description: 'Only sessions held in this quarter (YYYY-Qn) or month (YYYY-MM)',
          }),
        }),
      },
      responses: {
        200: json(pageOf(SessionSummarySchema), 'Sessions'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listSessions(db, {
        period: q.period ? parsePeriod(q.period) : null,
        limit: q.limit,
        cursor: q.cursor,
      });
      return c.json(
        { items: page.items.map(presentSessionSummary), nextCursor: page.nextCursor },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/office-hours',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Record an office-hours session with the topics teams brought',
      request: { body: { ...json(SessionInputSchema, 'The session'), required: true } },
      responses: { 201: json(SessionSchema, 'The session'), ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const s = await createSession(db, ctxOf(c), sessionInput(c.req.valid('json')));
      return c.json(presentSession(s), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/office-hours/{id}',
      tags: TAGS,
      middleware: [policy('research.read')] as const,
      summary: 'One session with its topics',
      request: { params: IdParam },
      responses: { 200: json(SessionSchema, 'The session'), ...problemResponses(401, 403, 404) },
    }),
    async (c) =>
      c.json(presentSession(await sessionDetail(db, ctxOf(c), c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/office-hours/{id}',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Replace a session and its topics',
      request: {
        params: IdParam,
        body: { ...json(SessionInputSchema, 'The session'), required: true },
      },
      responses: {
        200: json(SessionSchema, 'The session'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const s = await editSession(
        db,
        ctxOf(c),
        c.req.valid('param').id,
        sessionInput(c.req.valid('json')),
      );
      return c.json(presentSession(s), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/office-hours/{id}',
      tags: TAGS,
      middleware: [policy('research.manage')] as const,
      summary: 'Delete a session and its topics',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await removeSession(db, ctxOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
