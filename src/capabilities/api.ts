import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { parsePeriod, quarterOf } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { registerAdoptionApi } from './api-adoption.ts';
import { registerExceptionsApi } from './api-exceptions.ts';
import {
  adoptionCounts,
  CapabilityDetailSchema,
  CapabilityPatchSchema,
  CapabilitySchema,
  exceptionCountsOf,
  FiguresSchema,
  MandatePutSchema,
  NewCapabilitySchema,
  ObligationSchema,
  presentCapability,
  presentMandate,
  RationaleSchema,
  SlugParam,
  StageSchema,
} from './api-schemas.ts';
import {
  ctxOf,
  explainRefusal,
  pageInMemory,
  roleWords,
  teamIdOf,
  teamSlugs,
} from './api-support.ts';
import { capabilityFigures } from './figures.ts';
import type { Capability } from './model.ts';
import {
  capabilityOrThrow,
  createCapability,
  editCapability,
  liftMandate,
  recordMandate,
  teamAdoption,
} from './service.ts';
import { exceptionCounts, getCategory, getMandate, listCapabilities } from './store.ts';

const TAGS = ['Capabilities'];

/** The capabilities area's JSON routes: catalog, mandates, adoption, exceptions, decisions. */
export function registerCapabilitiesApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  registerCatalogApi(api, deps);
  registerAdoptionApi(api, deps);
  registerExceptionsApi(api, deps);
}

/** A capability as GET /capabilities/{slug} answers it. */
async function detailOf(db: Db, capability: Capability) {
  const slugs = await teamSlugs(db);
  const mandate = await getMandate(db, capability.id);
  return {
    ...presentCapability(capability, slugs),
    mandate: mandate ? presentMandate(mandate, await getCategory(db, mandate.category)) : null,
    adoption: adoptionCounts(await teamAdoption(db, capability)),
    exceptions: exceptionCountsOf(await exceptionCounts(db, capability.id)),
  };
}

async function teamIdsOf(db: Db, slugs: string[] | undefined, path: string) {
  if (slugs === undefined) return undefined;
  const ids: string[] = [];
  for (const [i, slug] of slugs.entries()) ids.push(await teamIdOf(db, slug, `${path}.${i}`));
  return ids;
}

async function ownerIdOf(db: Db, slug: string | null | undefined) {
  if (slug === undefined || slug === null) return slug;
  return teamIdOf(db, slug, 'ownerTeam');
}

/** Says who records mandates of a category, when the service refused. */
async function mandateRefusal(db: Db, categoryKey: string, previous?: string): Promise<string> {
  const parts: string[] = [];
  for (const key of new Set([categoryKey, previous].filter((k): k is string => Boolean(k)))) {
    const category = await getCategory(db, key);
    if (category) {
      parts.push(
        `${category.label} mandates are recorded by ${roleWords(category.deciderRole)} (the decision-rights table says so)`,
      );
    }
  }
  return `${parts.join('; ') || 'You cannot record this mandate'}. Ask them to record it.`;
}

function registerCatalogApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/capabilities',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary: 'The capability catalog, by name',
      request: {
        query: PageQuery.extend({
          stage: StageSchema.optional(),
          obligation: ObligationSchema.optional(),
        }),
      },
      responses: {
        200: json(pageOf(CapabilitySchema), 'Capabilities by name'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { stage, obligation, limit, cursor } = c.req.valid('query');
      const all = await listCapabilities(db, { stage, obligation });
      const page = pageInMemory(all, (cap) => cap.slug, limit, cursor);
      const slugs = await teamSlugs(db);
      return c.json(
        {
          items: page.items.map((cap) => presentCapability(cap, slugs)),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/capabilities',
      tags: TAGS,
      middleware: [policy('capability.manage')] as const,
      summary: 'Add a capability; a mandatory one comes with its mandate',
      description:
        'The mandate is recorded by the decider of its category (GET /decision-rights): a platform user cannot add a capability with a security mandate, but can add it as optional for leadership to record the mandate.',
      request: { body: { ...json(NewCapabilitySchema, 'The new capability'), required: true } },
      responses: {
        201: json(CapabilityDetailSchema, 'The capability'),
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const ctx = ctxOf(c);
      const capability = await explainRefusal(
        async () =>
          createCapability(db, ctx, {
            slug: input.slug,
            name: input.name,
            summary: input.summary,
            ownerTeamId: (await ownerIdOf(db, input.ownerTeam)) ?? null,
            docsUrl: input.docsUrl ?? null,
            stage: input.stage,
            obligation: input.obligation,
            eligibleTeamIds: (await teamIdsOf(db, input.eligibleTeams, 'eligibleTeams')) ?? [],
            mandate: input.mandate,
          }),
        async () =>
          `${await mandateRefusal(db, input.mandate?.category ?? '')} You can add the capability as optional first.`,
      );
      return c.json(await detailOf(db, capability), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/capabilities/{slug}',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary: 'One capability: why it is required (if it is), adoption and exception counts',
      request: { params: SlugParam },
      responses: {
        200: json(CapabilityDetailSchema, 'The capability'),
        ...problemResponses(401, 404),
      },
    }),
    async (c) => {
      const capability = await capabilityOrThrow(db, c.req.valid('param').slug);
      return c.json(await detailOf(db, capability), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/capabilities/{slug}',
      tags: TAGS,
      middleware: [policy('capability.manage')] as const,
      summary: 'Change a capability; a stage change needs a rationale and is a decision',
      description:
        'Obligation changes through PUT and DELETE /capabilities/{slug}/mandate, never here.',
      request: {
        params: SlugParam,
        body: { ...json(CapabilityPatchSchema, 'What to change'), required: true },
      },
      responses: {
        200: json(CapabilityDetailSchema, 'The capability after the change'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const patch = c.req.valid('json');
      const capability = await editCapability(db, ctxOf(c), slug, {
        name: patch.name,
        summary: patch.summary,
        ownerTeamId: await ownerIdOf(db, patch.ownerTeam),
        docsUrl: patch.docsUrl,
        eligibleTeamIds: await teamIdsOf(db, patch.eligibleTeams, 'eligibleTeams'),
        stage: patch.stage,
        rationale: patch.rationale,
      });
      return c.json(await detailOf(db, capability), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/capabilities/{slug}/mandate',
      tags: TAGS,
      // The real check needs the category: the service asks the decision-rights table.
      middleware: [policy('signed-in')] as const,
      summary: 'Record or replace the mandate that makes a capability mandatory',
      description:
        'Only the decider of the category (GET /decision-rights) may record it; moving a mandate to another category needs the old decider too.',
      request: {
        params: SlugParam,
        body: { ...json(MandatePutSchema, 'The mandate'), required: true },
      },
      responses: {
        200: json(CapabilityDetailSchema, 'The capability, now mandatory'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const input = c.req.valid('json');
      const ctx = ctxOf(c);
      await explainRefusal(
        () => recordMandate(db, ctx, slug, { ...input, rationale: input.rationale || undefined }),
        async () => {
          const capability = await capabilityOrThrow(db, slug);
          const previous = await getMandate(db, capability.id);
          return mandateRefusal(db, input.category, previous?.category);
        },
      );
      return c.json(await detailOf(db, await capabilityOrThrow(db, slug)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/capabilities/{slug}/mandate',
      tags: TAGS,
      middleware: [policy('signed-in')] as const,
      summary: 'Lift a mandate: the capability becomes optional and exemptions end',
      request: {
        params: SlugParam,
        query: RationaleSchema,
        body: { ...json(RationaleSchema, 'Why (or give ?rationale=)'), required: false },
      },
      responses: {
        200: json(CapabilityDetailSchema, 'The capability, now optional'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { slug } = c.req.valid('param');
      const rationale = c.req.valid('json').rationale || c.req.valid('query').rationale || '';
      if (!rationale) throw InvalidInput.field('rationale', 'Say why the mandate is lifted.');
      const ctx = ctxOf(c);
      await explainRefusal(
        () => liftMandate(db, ctx, slug, rationale),
        async () => {
          const capability = await capabilityOrThrow(db, slug);
          const mandate = await getMandate(db, capability.id);
          return mandateRefusal(db, mandate?.category ?? '').then((m) =>
            m.replace('recorded by', 'recorded and lifted by'),
          );
        },
      );
      return c.json(await detailOf(db, await capabilityOrThrow(db, slug)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/capabilities/{slug}/figures',
      tags: TAGS,
      middleware: [policy('capability.read')] as const,
      summary:
        'Choice figures for a period: opt-in or coverage, stay rate, churn, cohorts, reasons',
      description:
        'Cohorts smaller than the anonymity threshold are hidden. Definitions: shared/METRICS.md.',
      request: {
        params: SlugParam,
        query: z.object({
          period: z
            .string()
            .max(10)
            .optional()
            .openapi({ description: 'YYYY-Qn or YYYY-MM (UTC); the current quarter by default' }),
        }),
      },
      responses: {
        200: json(FiguresSchema, 'The figures'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const capability = await capabilityOrThrow(db, c.req.valid('param').slug);
      const { period: text } = c.req.valid('query');
      const period = text ? parsePeriod(text) : quarterOf(new Date());
      const k = await getSetting(db, anonymityK);
      return c.json(await capabilityFigures(db, capability, period, { k }), 200);
    },
  );
}
