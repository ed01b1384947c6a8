import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { actorOf, ctxOf, pageInMemory, teamIdOf, teamSlugs } from '../capabilities/api-support.ts';
import type { AdoptionEvent } from '../capabilities/model.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import type { Actor } from '../core/policy.ts';
import {
  betaDetail,
  joinBeta,
  leaveBeta,
  listBetaSummaries,
  reviewBeta,
  startBeta,
} from './betas.ts';
import {
  BetaDetailSchema,
  BetaStatusSchema,
  BetaSummarySchema,
  IdParam,
  JoinSchema,
  LeaveSchema,
  MembershipSchema,
  NewBetaSchema,
  presentDetail,
  presentSummary,
  ReviewInputSchema,
} from './betas-api-schemas.ts';

const TAGS = ['Betas'];

/** The team a join or leave is for: the one named, or the caller's own. */
async function teamFor(db: Db, actor: Actor, slug: string | undefined): Promise<string> {
  if (slug) return teamIdOf(db, slug, 'team');
  if (!actor.teamId) {
    throw InvalidInput.field(
      'team',
      'Your account is not in a team: give the team’s slug (`team`) to act on its behalf.',
    );
  }
  return actor.teamId;
}

/** The betas routes under /api/v1: list, start, one in full, join, leave, review. */
export function registerBetasApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  const membership = async (betaId: string, event: AdoptionEvent) => ({
    beta: betaId,
    team: (await teamSlugs(db)).get(event.teamId) ?? event.teamId,
    state: event.to,
    reason: event.reason,
    at: event.at,
  });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/betas',
      tags: TAGS,
      middleware: [policy('beta.read')] as const,
      summary: 'Beta programs, the latest start first, with teams and criteria in short',
      request: {
        query: PageQuery.extend({
          status: BetaStatusSchema.optional().openapi({ description: 'Only this status' }),
        }),
      },
      responses: {
        200: json(pageOf(BetaSummarySchema), 'Beta programs'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const all = await listBetaSummaries(db, { status: status ? [status] : undefined });
      const page = pageInMemory(all, (b) => b.id, limit, cursor);
      return c.json({ items: page.items.map(presentSummary), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/betas',
      tags: TAGS,
      middleware: [policy('beta.manage')] as const,
      summary: 'Start a beta program for a capability in stage beta',
      description:
        'One running or iterating program per capability (409 otherwise). Criteria left out take their defaults: CSAT top-2-box at least 70 from at least 5 answers among beta teams, at least 2/3 of teams still using it 6 weeks after joining, and no open problem older than the acknowledgement SLA.',
      request: { body: { ...json(NewBetaSchema, 'The program'), required: true } },
      responses: {
        201: json(BetaDetailSchema, 'The program'),
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const beta = await startBeta(db, ctxOf(c), c.req.valid('json'));
      return c.json(presentDetail(await betaDetail(db, beta.id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/betas/{id}',
      tags: TAGS,
      middleware: [policy('beta.read')] as const,
      summary:
        'One program: criteria with their evaluation, teams, comparison, feedback, moves, reviews',
      description:
        'The comparison puts the beta teams’ CSAT beside everyone else’s in the latest closed survey (or `survey`), each shown only with at least k answers and never so that one can be worked out from the other.',
      request: {
        params: IdParam,
        query: z.object({
          survey: z.string().max(100).optional().openapi({ description: 'A closed survey’s id' }),
        }),
      },
      responses: {
        200: json(BetaDetailSchema, 'The program'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { survey } = c.req.valid('query');
      return c.json(presentDetail(await betaDetail(db, id, { surveyId: survey })), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/betas/{id}/join',
      tags: TAGS,
      // The real check needs the team: members act for their team and its sub-teams.
      middleware: [policy('signed-in')] as const,
      summary: 'Volunteer a team for the beta: a trial of the capability in the adoption ledger',
      request: {
        params: IdParam,
        body: { ...json(JoinSchema, 'The team'), required: true },
      },
      responses: {
        201: json(MembershipSchema, 'The team’s new state'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const teamId = await teamFor(db, actorOf(c), body.team);
      const event = await joinBeta(db, ctxOf(c), id, { teamId });
      return c.json(await membership(id, event), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/betas/{id}/leave',
      tags: TAGS,
      middleware: [policy('signed-in')] as const,
      summary: 'Take a team out of the beta in one step: it leaves the capability, saying why',
      request: {
        params: IdParam,
        body: { ...json(LeaveSchema, 'The team and why it leaves'), required: true },
      },
      responses: {
        201: json(MembershipSchema, 'The team’s new state'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const teamId = await teamFor(db, actorOf(c), body.team);
      const event = await leaveBeta(db, ctxOf(c), id, {
        teamId,
        reason: body.reason,
        reasonText: body.reasonText ?? null,
        alternative: body.alternative,
      });
      return c.json(await membership(id, event), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/betas/{id}/review',
      tags: TAGS,
      middleware: [policy('signed-in')] as const,
      summary: 'Graduate the capability or iterate (its category’s decider)',
      description:
        'Graduating makes the capability generally available; iterating sets the next review date. The rationale and the criteria as evaluated now go to the decision log, in one transaction.',
      request: {
        params: IdParam,
        body: { ...json(ReviewInputSchema, 'The review'), required: true },
      },
      responses: {
        200: json(BetaDetailSchema, 'The program after the review'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await reviewBeta(db, ctxOf(c), id, c.req.valid('json'));
      return c.json(presentDetail(await betaDetail(db, id)), 200);
    },
  );
}
