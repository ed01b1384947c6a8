import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Unauthorized } from '../core/errors.ts';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { listTeams } from '../org/store.ts';
import type { IngestToken, Source } from './model.ts';
import {
  type Ctx,
  createSource,
  issueIngestToken,
  revokeIngestToken,
  sourceWithTokens,
} from './service.ts';
import { mapRepository, unmapRepository } from './service-github.ts';
import { listRepositoryMappings, unmappedRepositories } from './store-github.ts';
import { listSources } from './store-sources.ts';

const TAGS = ['Signals'];

function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}

const SourceSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['token', 'account', 'github']),
    description: z.string(),
    createdAt: z.string(),
    activeTokens: z.number().int().optional(),
    lastBatchAt: z.string().nullable().optional(),
  })
  .openapi('IngestSource');

const IngestTokenSchema = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: 'The first characters, to recognise it' }),
    state: z.enum(['active', 'revoked']),
    createdAt: z.string(),
    lastUsedOn: z.string().nullable().openapi({ description: 'A date, never a time' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('IngestToken');

const NewTokenSchema = z
  .object({
    token: z.string().openapi({ description: 'The token value; shown only this once' }),
    id: z.string(),
    source: z.string(),
    revoked: z.number().int().openapi({ description: 'Older tokens revoked by a rotation' }),
  })
  .openapi('NewIngestToken');

const NameParam = z.object({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'jenkins-prod' }),
});

export function presentSource(source: Source) {
  return {
    name: source.name,
    kind: source.kind,
    description: source.description,
    createdAt: source.createdAt,
  };
}

export function presentIngestToken(token: IngestToken) {
  return {
    id: token.id,
    prefix: token.prefix,
    state: token.revokedAt ? ('revoked' as const) : ('active' as const),
    createdAt: token.createdAt,
    lastUsedOn: token.lastUsedOn,
    revokedAt: token.revokedAt,
  };
}

/** Ingest sources and tokens (admins) and the repository → team mapping (platform). */
export function registerSourcesApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/sources',
      tags: TAGS,
      middleware: [policy('signals.sources')] as const,
      summary: 'Ingest sources by name, with their active tokens and latest batch',
      responses: {
        200: json(z.object({ items: z.array(SourceSchema) }), 'Sources'),
        ...problemResponses(401, 403),
      },
    }),
    async (c) => {
      const sources = await listSources(db);
      return c.json(
        {
          items: sources.map((s) => ({
            ...presentSource(s),
            activeTokens: s.activeTokens,
            lastBatchAt: s.lastBatchAt,
          })),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/ingest/sources',
      tags: TAGS,
      middleware: [policy('signals.sources')] as const,
      summary: 'Add an ingest source with its first token (shown once)',
      request: {
        body: json(
          z
            .object({
              name: z.string().openapi({ example: 'jenkins-prod' }),
              description: z.string().max(500).optional(),
            })
            .openapi('NewIngestSource'),
          'The source',
        ),
      },
      responses: {
        201: json(NewTokenSchema, 'The source and its token'),
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const created = await createSource(db, ctxOf(c), c.req.valid('json'));
      return c.json(
        { token: created.value, id: created.token.id, source: created.source.name, revoked: 0 },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/sources/{name}',
      tags: TAGS,
      middleware: [policy('signals.sources')] as const,
      summary: 'A source and its tokens (never their values)',
      request: { params: NameParam },
      responses: {
        200: json(
          SourceSchema.extend({ tokens: z.array(IngestTokenSchema) }),
          'The source and its tokens',
        ),
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { source, tokens } = await sourceWithTokens(db, ctxOf(c), c.req.valid('param').name);
      return c.json({ ...presentSource(source), tokens: tokens.map(presentIngestToken) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/ingest/sources/{name}/tokens',
      tags: TAGS,
      middleware: [policy('signals.sources')] as const,
      summary: 'Issue a new token for a source; with rotate, older tokens stop working at once',
      request: {
        params: NameParam,
        body: json(z.object({ rotate: z.boolean().default(false) }), 'Rotate or add'),
      },
      responses: {
        201: json(NewTokenSchema, 'The new token'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const issued = await issueIngestToken(db, ctxOf(c), name, c.req.valid('json'));
      return c.json(
        {
          token: issued.value,
          id: issued.token.id,
          source: issued.source.name,
          revoked: issued.revoked,
        },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/ingest/sources/{name}/tokens/{id}',
      tags: TAGS,
      middleware: [policy('signals.sources')] as const,
      summary: 'Revoke a source’s token',
      request: {
        params: NameParam.extend({
          id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { name, id } = c.req.valid('param');
      await revokeIngestToken(db, ctxOf(c), name, id);
      return c.body(null, 204);
    },
  );

  const MappingSchema = z
    .object({
      repository: z.string().openapi({ example: 'acme/checkout' }),
      team: z.string().openapi({ description: 'Team slug' }),
      via: z.enum(['table', 'annotation']).openapi({
        description: 'table: set in paved; annotation: a service’s github.com/project-slug',
      }),
    })
    .openapi('RepositoryMapping');

  api.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/repositories',
      tags: TAGS,
      middleware: [policy('signals.ingestion')] as const,
      summary: 'Repositories with a team, and repositories whose deliveries wait for one',
      responses: {
        200: json(
          z.object({
            items: z.array(MappingSchema),
            unmapped: z.array(
              z.object({
                repository: z.string(),
                deliveries: z.number().int(),
                lastAt: z.string(),
              }),
            ),
          }),
          'Mappings',
        ),
        ...problemResponses(401, 403),
      },
    }),
    async (c) => {
      const slugs = new Map(
        (await listTeams(db, { includeInactive: true })).map((t) => [t.id, t.slug]),
      );
      const items = (await listRepositoryMappings(db)).map((m) => ({
        repository: m.repository,
        team: slugs.get(m.teamId) ?? m.teamId,
        via: m.via,
      }));
      return c.json({ items, unmapped: await unmappedRepositories(db) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/ingest/repositories',
      tags: TAGS,
      middleware: [policy('signals.ingestion')] as const,
      summary: 'Map a repository to a team; its unmapped deliveries are recovered',
      request: {
        body: json(
          z.object({ repository: z.string().max(200), team: z.string().max(200) }),
          'Repository (owner/name) and team slug',
        ),
      },
      responses: {
        200: json(
          z.object({ repository: z.string(), team: z.string(), recovered: z.number().int() }),
          'Mapped',
        ),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const recovered = await mapRepository(db, ctxOf(c), body);
      return c.json(
        { repository: body.repository.trim().toLowerCase(), team: body.team, recovered },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/ingest/repositories/{owner}/{repo}',
      tags: TAGS,
      middleware: [policy('signals.ingestion')] as const,
      summary: 'Remove a repository from the mapping table',
      request: {
        params: z.object({
          owner: z.string().openapi({ param: { name: 'owner', in: 'path' } }),
          repo: z.string().openapi({ param: { name: 'repo', in: 'path' } }),
        }),
      },
      responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403) },
    }),
    async (c) => {
      const { owner, repo } = c.req.valid('param');
      await unmapRepository(db, ctxOf(c), `${owner}/${repo}`);
      return c.body(null, 204);
    },
  );
}
