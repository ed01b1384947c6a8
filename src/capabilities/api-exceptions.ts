import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../core/db/index.ts';
import { InvalidInput, NotFound } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import {
  CategorySchema,
  DecisionRightsPutSchema,
  DecisionSchema,
  ExceptionDecisionSchema,
  ExceptionSchema,
  ExceptionStatusSchema,
  NewExceptionSchema,
  presentDecision,
  presentException,
  RevokeSchema,
} from './api-schemas.ts';
import {
  capabilitySlugs,
  ctxOf,
  explainRefusal,
  roleWords,
  teamFilter,
  teamIdOf,
  teamSlugs,
} from './api-support.ts';
import type { ExceptionRequest, ExceptionStatus } from './model.ts';
import {
  capabilityOrThrow,
  decideException,
  deciderRoleFor,
  requestException,
  revokeException,
  setDecisionRight,
} from './service.ts';
import {
  getCapabilityBySlug,
  getException,
  listCategories,
  listDecisions,
  listExceptions,
} from './store.ts';

const IdParam = z.object({ id: z.string().max(100) });

const StatusList = z
  .string()
  .max(200)
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    const statuses = s.split(',').map((x) => x.trim());
    for (const status of statuses) {
      if (!ExceptionStatusSchema.safeParse(status).success) {
        ctx.addIssue({
          code: 'custom',
          message: `Use one or more of ${ExceptionStatusSchema.options.join(', ')}, separated by commas`,
        });
        return z.NEVER;
      }
    }
    return statuses as ExceptionStatus[];
  })
  .openapi({
    type: 'string',
    description: 'pending, approved, denied, escalated, expired or revoked; several with commas',
  });

/** Exceptions and policy challenges, the decision log and the decision-rights table. */
export function registerExceptionsApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  /** Presents exceptions with slugs and who decides each open one. */
  async function present(db: Db, exceptions: ExceptionRequest[]) {
    const teams = await teamSlugs(db);
    const capabilities = await capabilitySlugs(db);
    const roles = new Map((await listCategories(db)).map((c) => [c.key, c.deciderRole]));
    return exceptions.map((e) =>
      presentException(
        e,
        capabilities.get(e.capabilityId) ?? null,
        teams,
        e.status === 'escalated'
          ? 'leader'
          : e.status === 'pending'
            ? (roles.get(e.category) ?? null)
            : null,
      ),
    );
  }

  async function exceptionOrThrow(id: string): Promise<ExceptionRequest> {
    const exception = await getException(db, id);
    if (!exception) throw new NotFound(`There is no exception request ${id}.`);
    return exception;
  }

  /** Who decides this request, in words, for a refusal. */
  async function deciderWords(exception: ExceptionRequest, verb: string): Promise<string> {
    const categories = await listCategories(db);
    const label = categories.find((c) => c.key === exception.category)?.label ?? exception.category;
    if (exception.status === 'escalated') {
      return `This request was escalated, so only leadership can ${verb} it.`;
    }
    const role = await deciderRoleFor(db, exception);
    return `${label} requests are ${verb}d by ${roleWords(role)} (the decision-rights table says so); ask them.`;
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/exceptions',
      tags: ['Exceptions'],
      middleware: [policy('signed-in')] as const,
      summary: 'Ask not to use a mandatory capability (exception), or for its policy to change',
      description:
        'Members ask for their team and its sub-teams; the platform team may ask on a team’s behalf. The request goes to the decider of the mandate’s category.',
      request: { body: { ...json(NewExceptionSchema, 'The request'), required: true } },
      responses: {
        201: json(ExceptionSchema, 'The request, pending'),
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      if (!(await getCapabilityBySlug(db, input.capability))) {
        throw InvalidInput.field('capability', `There is no capability "${input.capability}".`);
      }
      const teamId = await teamIdOf(db, input.team, 'team');
      const ctx = ctxOf(c);
      const exception = await explainRefusal(
        () =>
          requestException(db, ctx, {
            capabilitySlug: input.capability,
            teamId,
            kind: input.kind,
            justification: input.justification,
            evidence: input.evidence,
          }),
        () =>
          `You can ask for your own team and its sub-teams only, not ${input.team}; someone in ${input.team}, or the platform team on its behalf, can.`,
      );
      const [presented] = await present(db, [exception]);
      return c.json(presented!, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/exceptions',
      tags: ['Exceptions'],
      middleware: [policy('capability.read')] as const,
      summary: 'Exception requests and policy challenges, newest first',
      request: {
        query: PageQuery.extend({
          status: StatusList,
          capability: z.string().max(100).optional().openapi({ description: 'Capability slug' }),
          team: z.string().max(200).optional().openapi({ description: 'Team slug' }),
        }),
      },
      responses: {
        200: json(pageOf(ExceptionSchema), 'Requests'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const capability = q.capability ? await capabilityOrThrow(db, q.capability) : undefined;
      const teamId = await teamFilter(db, q.team);
      const page = await listExceptions(db, {
        status: q.status,
        capabilityId: capability?.id,
        teamIds: teamId ? [teamId] : undefined,
        limit: q.limit,
        cursor: q.cursor,
      });
      return c.json({ items: await present(db, page.items), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/exceptions/{id}',
      tags: ['Exceptions'],
      middleware: [policy('capability.read')] as const,
      summary: 'One exception request',
      request: { params: IdParam },
      responses: { 200: json(ExceptionSchema, 'The request'), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const exception = await exceptionOrThrow(c.req.valid('param').id);
      const [presented] = await present(db, [exception]);
      return c.json(presented!, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/exceptions/{id}/decision',
      tags: ['Exceptions'],
      // The real check needs the request: the decider of its category (leadership once escalated).
      middleware: [policy('signed-in')] as const,
      summary: 'Decide a request: approved (an exception needs expiresOn), denied or escalated',
      request: {
        params: IdParam,
        body: { ...json(ExceptionDecisionSchema, 'The decision'), required: true },
      },
      responses: {
        200: json(ExceptionSchema, 'The request after the decision'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const exception = await exceptionOrThrow(c.req.valid('param').id);
      const input = c.req.valid('json');
      const ctx = ctxOf(c);
      const { exception: decided } = await explainRefusal(
        () =>
          decideException(db, ctx, exception.id, {
            outcome: input.outcome,
            rationale: input.rationale,
            expiresOn: input.expiresOn ?? null,
          }),
        () => deciderWords(exception, 'decide'),
      );
      const [presented] = await present(db, [decided]);
      return c.json(presented!, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/exceptions/{id}/revoke',
      tags: ['Exceptions'],
      middleware: [policy('signed-in')] as const,
      summary: 'Revoke an approved exception early: the team returns to none',
      request: {
        params: IdParam,
        body: { ...json(RevokeSchema, 'Why'), required: true },
      },
      responses: {
        200: json(ExceptionSchema, 'The request, revoked'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const exception = await exceptionOrThrow(c.req.valid('param').id);
      const { rationale } = c.req.valid('json');
      const ctx = ctxOf(c);
      await explainRefusal(
        () => revokeException(db, ctx, exception.id, rationale),
        () => deciderWords({ ...exception, status: 'pending' }, 'revoke'),
      );
      const [presented] = await present(db, [await exceptionOrThrow(exception.id)]);
      return c.json(presented!, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/decisions',
      tags: ['Decisions'],
      middleware: [policy('decision.read')] as const,
      summary: 'The decision log, newest first: category, decider, rationale and what it concerns',
      request: {
        query: PageQuery.extend({
          category: z.string().max(100).optional(),
          capability: z.string().max(100).optional().openapi({ description: 'Capability slug' }),
        }),
      },
      responses: {
        200: json(pageOf(DecisionSchema), 'Decisions'),
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const capability = q.capability ? await capabilityOrThrow(db, q.capability) : undefined;
      const page = await listDecisions(db, {
        category: q.category,
        capabilityId: capability?.id,
        limit: q.limit,
        cursor: q.cursor,
      });
      const slugs = await capabilitySlugs(db);
      return c.json(
        {
          items: page.items.map((d) =>
            presentDecision(d, d.capabilityId ? (slugs.get(d.capabilityId) ?? null) : null),
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
      path: '/decision-rights',
      tags: ['Decisions'],
      middleware: [policy('decision.read')] as const,
      summary: 'Decision categories and the role that decides each',
      responses: {
        200: json(pageOf(CategorySchema), 'The decision-rights table'),
        ...problemResponses(401),
      },
    }),
    async (c) => c.json({ items: await listCategories(db), nextCursor: null }, 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/decision-rights',
      tags: ['Decisions'],
      middleware: [policy('decision-rights.manage')] as const,
      summary: 'Add categories or change who decides them (admins); others are kept',
      request: {
        body: { ...json(DecisionRightsPutSchema, 'Categories to add or change'), required: true },
      },
      responses: {
        200: json(pageOf(CategorySchema), 'The whole table after the change'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { categories } = c.req.valid('json');
      const keys = categories.map((k) => k.key);
      const twice = keys.findIndex((k, i) => keys.indexOf(k) !== i);
      if (twice !== -1) {
        throw InvalidInput.field(`categories.${twice}.key`, `"${keys[twice]}" is given twice.`);
      }
      const ctx = ctxOf(c);
      for (const category of categories) await setDecisionRight(db, ctx, category);
      return c.json({ items: await listCategories(db), nextCursor: null }, 200);
    },
  );
}
