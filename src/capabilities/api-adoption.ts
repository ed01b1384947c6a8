import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { getUserById } from '../identity/store.ts';
import {
  AdoptionChangeSchema,
  AdoptionEventSchema,
  presentEvent,
  presentTeamAdoption,
  ReasonSchema,
  SlugParam,
  TeamAdoptionSchema,
} from './api-schemas.ts';
import {
  ctxOf,
  explainRefusal,
  pageInMemory,
  teamFilter,
  teamIdOf,
  teamSlugs,
} from './api-support.ts';
import { capabilityOrThrow, changeAdoption, teamAdoption } from './service.ts';
import { listEvents, listReasons } from './store.ts';

const TAGS = ['Adoption'];

/** Adoption ledger routes: change a team's state, current states, history, reasons. */
export function registerAdoptionApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  /** Names of the people who recorded events (few per page). */
  async function actorNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      if (!id) continue;
      const user = await getUserById(db, id);
      if (user) names.set(id, user.name);
    }
    return names;
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/capabilities/{slug}/adoption',
      tags: TAGS,
      // The real check needs the team: members act for their team and its sub-teams, platform for any.
      middleware: [policy('signed-in')] as const,
      summary: 'Change a team’s adoption: trial, adopt, leave or opt out',
      description:
        'Leaving or opting out needs a reason (GET /adoption-reasons) and the alternative the team uses. Mandatory capabilities cannot be left: request an exception instead (POST /exceptions). An illegal change is refused with what is allowed instead, and nothing is written.',
      request: {
        params: SlugParam,
        body: { ...json(AdoptionChangeSchema, 'The change'), required: true },
      },
      responses: {
        201: json(AdoptionEventSchema, 'The recorded event'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const input = c.req.valid('json');
      const teamId = await teamIdOf(db, input.team, 'team');
      const ctx = ctxOf(c);
      const event = await explainRefusal(
        () =>
          changeAdoption(db, ctx, slug, {
            teamId,
            to: input.to,
            reason: input.reason || null,
            reasonText: input.reasonText,
            alternative: input.alternative,
          }),
        () =>
          `You can change the adoption of your own team and its sub-teams only, not ${input.team}; someone in ${input.team}, or the platform team on its behalf, can.`,
      );
      return c.json(presentEvent(event, slug, await teamSlugs(db), ctx.actor.name ?? null), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/capabilities/{slug}/adoption',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary: 'Each eligible team’s current state (none when it has not chosen), by team name',
      request: { params: SlugParam, query: PageQuery },
      responses: {
        200: json(pageOf(TeamAdoptionSchema), 'Teams and their states'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const capability = await capabilityOrThrow(db, c.req.valid('param').slug);
      const { limit, cursor } = c.req.valid('query');
      const rows = await teamAdoption(db, capability);
      const page = pageInMemory(rows, (r) => r.team.slug, limit, cursor);
      return c.json(
        { items: page.items.map(presentTeamAdoption), nextCursor: page.nextCursor },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/capabilities/{slug}/adoption/history',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary: 'Adoption events, newest first; history is never rewritten',
      request: {
        params: SlugParam,
        query: PageQuery.extend({
          team: z.string().max(200).optional().openapi({ description: 'Only this team (slug)' }),
        }),
      },
      responses: {
        200: json(pageOf(AdoptionEventSchema), 'Events'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const capability = await capabilityOrThrow(db, c.req.valid('param').slug);
      const { limit, cursor, team } = c.req.valid('query');
      const page = await listEvents(db, {
        capabilityId: capability.id,
        teamId: await teamFilter(db, team),
        limit,
        cursor,
      });
      const slugs = await teamSlugs(db);
      const names = await actorNames(page.items.map((e) => e.actorId));
      return c.json(
        {
          items: page.items.map((e) =>
            presentEvent(
              e,
              capability.slug,
              slugs,
              e.actorId ? (names.get(e.actorId) ?? null) : null,
            ),
          ),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/adoption-reasons',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary: 'The reasons a team can give for leaving or opting out',
      responses: {
        200: json(pageOf(ReasonSchema), 'Reasons, in the order forms show them'),
        ...problemResponses(401),
      },
    }),
    async (c) => c.json({ items: await listReasons(db), nextCursor: null }, 200),
  );
}
