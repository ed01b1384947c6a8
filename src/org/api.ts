import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFound } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import type { Person, Service, Team } from './model.ts';
import {
  getTeamById,
  getTeamBySlug,
  listPeople,
  listServices,
  listTeams,
  listTeamsPage,
  memberCounts,
  teamMembers,
} from './store.ts';

const TeamSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    ref: z.string().openapi({ description: 'Backstage entity ref, e.g. group:default/payments' }),
    name: z.string(),
    type: z.string().nullable(),
    description: z.string().nullable(),
    parent: z.string().nullable().openapi({ description: 'Slug of the parent team' }),
    memberCount: z.number().int(),
  })
  .openapi('Team');

const PersonSchema = z
  .object({
    id: z.string(),
    ref: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    team: z.string().nullable().openapi({ description: 'Slug of the person’s team' }),
    startDate: z.string().nullable().openapi({ description: 'YYYY-MM-DD' }),
    level: z.string().nullable(),
    location: z.string().nullable(),
  })
  .openapi('Person');

const ServiceSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    ref: z.string(),
    name: z.string(),
    team: z.string().nullable(),
    system: z.string().nullable(),
    type: z.string().nullable(),
    repository: z.string().nullable().openapi({ description: 'owner/repo on GitHub' }),
  })
  .openapi('Service');

const TeamDetailSchema = TeamSchema.extend({
  members: z.array(PersonSchema),
  subTeams: z.array(TeamSchema),
  services: z.array(ServiceSchema),
}).openapi('TeamDetail');

function presentTeam(team: Team, parentSlug: string | null, memberCount: number) {
  return {
    id: team.id,
    slug: team.slug,
    ref: team.ref,
    name: team.name,
    type: team.type,
    description: team.description,
    parent: parentSlug,
    memberCount,
  };
}

function presentPerson(person: Person, teamSlug: string | null) {
  return {
    id: person.id,
    ref: person.ref,
    name: person.name,
    email: person.email,
    team: teamSlug,
    startDate: person.startDate,
    level: person.level,
    location: person.location,
  };
}

function presentService(service: Service, teamSlug: string | null) {
  return {
    id: service.id,
    slug: service.slug,
    ref: service.ref,
    name: service.name,
    team: teamSlug,
    system: service.system,
    type: service.type,
    repository: service.repository,
  };
}

const TeamQuery = z.object({
  team: z.string().max(200).optional().openapi({ description: 'Only this team (slug)' }),
});

/** The org area's JSON routes. */
export function registerOrgApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  async function teamIdFor(slug: string | undefined): Promise<string | undefined> {
    if (slug === undefined) return undefined;
    const team = await getTeamBySlug(db, slug);
    if (!team) throw new NotFound(`There is no team "${slug}".`);
    return team.id;
  }

  async function slugsById(): Promise<Map<string, string>> {
    const teams = await listTeams(db, { includeInactive: true });
    return new Map(teams.map((t) => [t.id, t.slug]));
  }

  api.openapi(
    createRoute({
      method: 'get',
      path: '/teams',
      tags: ['Org'],
      middleware: [policy('org.read')] as const,
      summary: 'List teams',
      request: { query: PageQuery },
      responses: {
        200: json(pageOf(TeamSchema), 'Active teams by slug'),
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listTeamsPage(db, { limit, cursor });
      const counts = await memberCounts(db);
      return c.json(
        {
          items: page.items.map((t) => presentTeam(t, t.parentSlug, counts.get(t.id) ?? 0)),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/teams/{slug}',
      tags: ['Org'],
      middleware: [policy('org.read')] as const,
      summary: 'One team with its members, sub-teams and services',
      request: { params: z.object({ slug: z.string().max(200) }) },
      responses: { 200: json(TeamDetailSchema, 'The team'), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const team = await getTeamBySlug(db, slug);
      if (!team || team.inactiveSince) throw new NotFound(`There is no team "${slug}".`);
      const parent = team.parentId ? await getTeamById(db, team.parentId) : undefined;
      const all = await listTeams(db);
      const counts = await memberCounts(db);
      const members = await teamMembers(db, team.id);
      const services = await listServices(db, { limit: 500, teamId: team.id });
      return c.json(
        {
          ...presentTeam(team, parent?.slug ?? null, counts.get(team.id) ?? 0),
          members: members.map((p) => presentPerson(p, team.slug)),
          subTeams: all
            .filter((t) => t.parentId === team.id)
            .map((t) => presentTeam(t, team.slug, counts.get(t.id) ?? 0)),
          services: services.items.map((s) => presentService(s, team.slug)),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/people',
      tags: ['Org'],
      middleware: [policy('org.read')] as const,
      summary: 'List people',
      request: { query: PageQuery.extend(TeamQuery.shape) },
      responses: {
        200: json(pageOf(PersonSchema), 'Active people by name'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { limit, cursor, team } = c.req.valid('query');
      const page = await listPeople(db, { limit, cursor, teamId: await teamIdFor(team) });
      const slugs = await slugsById();
      return c.json(
        {
          items: page.items.map((p) =>
            presentPerson(p, p.teamId ? (slugs.get(p.teamId) ?? null) : null),
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
      path: '/services',
      tags: ['Org'],
      middleware: [policy('org.read')] as const,
      summary: 'List services and the teams that own them',
      request: { query: PageQuery.extend(TeamQuery.shape) },
      responses: {
        200: json(pageOf(ServiceSchema), 'Active services by slug'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { limit, cursor, team } = c.req.valid('query');
      const page = await listServices(db, { limit, cursor, teamId: await teamIdFor(team) });
      const slugs = await slugsById();
      return c.json(
        {
          items: page.items.map((s) =>
            presentService(s, s.teamId ? (slugs.get(s.teamId) ?? null) : null),
          ),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );
}
