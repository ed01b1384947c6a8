import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import { InvalidInput, NotFound, Unauthorized } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import {
  ChangelogEntrySchema,
  CommentSchema,
  DecisionInputSchema,
  DriverSchema,
  HorizonSchema,
  IdParam,
  ItemDetailSchema,
  ItemPatchSchema,
  ItemSchema,
  NewCommentSchema,
  NewItemSchema,
  presentComment,
  presentDetail,
  presentEntry,
  presentItem,
  StatusInputSchema,
  StatusSchema,
} from './api-schemas.ts';
import { getEntry, listEntries } from './changelog.ts';
import type { RoadmapStatus } from './model.ts';
import { type Ctx, commentOn, createItem, editItem, itemOrThrow } from './service.ts';
import { decideProposal, moveStatus, shipItem } from './service-status.ts';
import { listItems } from './store.ts';
import { detailOf, summarize } from './views.ts';

const TAGS = ['Roadmap'];

function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}

const StatusList = z
  .string()
  .max(200)
  .optional()
  .openapi({ description: 'One or more statuses, separated by commas' })
  .transform((s, ctx) => {
    if (!s) return undefined;
    const statuses = s.split(',').map((x) => x.trim());
    for (const status of statuses) {
      if (!StatusSchema.safeParse(status).success) {
        ctx.addIssue({
          code: 'custom',
          message: `Use one or more of ${StatusSchema.options.join(', ')}, separated by commas`,
        });
        return z.NEVER;
      }
    }
    return statuses as RoadmapStatus[];
  });

/** The roadmap area's JSON routes: items, proposals and their comments and decisions, the changelog. */
export function registerRoadmapApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  const detail = async (id: string) => presentDetail(await detailOf(db, await itemOrThrow(db, id)));

  api.openapi(
    createRoute({
      method: 'get',
      path: '/roadmap',
      tags: TAGS,
      middleware: [policy('roadmap.read')] as const,
      summary: 'Roadmap items, newest first, with their combined distinct voters',
      request: {
        query: PageQuery.extend({
          status: StatusList,
          horizon: HorizonSchema.optional(),
          driver: DriverSchema.optional(),
          capability: z
            .string()
            .max(100)
            .optional()
            .openapi({ description: 'A capability’s slug' }),
        }),
      },
      responses: {
        200: json(pageOf(ItemSchema), 'Roadmap items'),
        ...problemResponses(400, 401),
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
      const page = await listItems(db, {
        status: q.status,
        horizon: q.horizon,
        driver: q.driver,
        capabilityId,
        limit: q.limit,
        cursor: q.cursor,
      });
      const items = (await summarize(db, page.items)).map(presentItem);
      return c.json({ items, nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/roadmap',
      tags: TAGS,
      middleware: [policy('roadmap.manage')] as const,
      summary: 'Add a roadmap item: a proposal open for comment, or a decision to plan it',
      description:
        'As `proposed` (the default) it is open for comment for `commentDays` (the setting when left out) and the decider of its category decides after. Created as `planned` or `in-progress` it is a decision: only that decider may, and it goes to the decision log.',
      request: { body: { ...json(NewItemSchema, 'The new item'), required: true } },
      responses: {
        201: json(ItemDetailSchema, 'The item'),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const item = await createItem(db, ctxOf(c), {
        ...body,
        capability: body.capability ?? null,
      });
      return c.json(await detail(item.id), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/roadmap/{id}',
      tags: TAGS,
      middleware: [policy('roadmap.read')] as const,
      summary: 'One item: its reasons, linked feedback and voters, comments, history',
      request: { params: IdParam },
      responses: {
        200: json(ItemDetailSchema, 'The item'),
        ...problemResponses(401, 404),
      },
    }),
    async (c) => c.json(await detail(c.req.valid('param').id), 200),
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/roadmap/{id}',
      tags: TAGS,
      middleware: [policy('roadmap.manage')] as const,
      summary: 'Change an item’s text, horizon, driver, capability or linked feedback',
      description:
        'Its status changes through POST /roadmap/{id}/decision and /status, never here.',
      request: {
        params: IdParam,
        body: { ...json(ItemPatchSchema, 'What to change'), required: true },
      },
      responses: {
        200: json(ItemDetailSchema, 'The item'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await editItem(db, ctxOf(c), id, c.req.valid('json'));
      return c.json(await detail(id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/roadmap/{id}/comments',
      tags: TAGS,
      middleware: [policy('roadmap.comment')] as const,
      summary: 'Comment on a proposal while its window is open, with support or concern',
      request: {
        params: IdParam,
        body: { ...json(NewCommentSchema, 'The comment'), required: true },
      },
      responses: {
        201: json(CommentSchema, 'The comment'),
        ...problemResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const comment = await commentOn(db, ctxOf(c), c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentComment(comment), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/roadmap/{id}/decision',
      tags: TAGS,
      middleware: [policy('signed-in')] as const,
      summary: 'Decide a proposal once its comment window has closed (its category’s decider)',
      description:
        'Who decides comes from the decision-rights table (GET /decision-rights). The decision and its rationale go to the decision log; subscribers of the linked feedback are told.',
      request: {
        params: IdParam,
        body: { ...json(DecisionInputSchema, 'The decision'), required: true },
      },
      responses: {
        200: json(ItemDetailSchema, 'The decided item'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await decideProposal(db, ctxOf(c), id, c.req.valid('json'));
      return c.json(await detail(id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/roadmap/{id}/status',
      tags: TAGS,
      middleware: [policy('signed-in')] as const,
      summary: 'Move an item: in progress, back to planned, shipped, declined, or reopened',
      description:
        'Progress and shipping are the platform team’s; declining is a decision for the category’s decider. Shipping needs `changelog` and publishes the entry, which tells every subscriber of the linked feedback once.',
      request: {
        params: IdParam,
        body: { ...json(StatusInputSchema, 'The move'), required: true },
      },
      responses: {
        200: json(ItemDetailSchema, 'The item'),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (body.status === 'shipped') {
        const log = body.changelog!;
        await shipItem(db, ctxOf(c), id, {
          title: log.title,
          body: log.body,
          breaking: log.breaking,
          effectiveOn: log.effectiveOn ?? null,
        }).catch(prefixFields('changelog'));
      } else {
        await moveStatus(db, ctxOf(c), id, {
          to: body.status,
          note: body.note,
          commentDays: body.commentDays,
        });
      }
      return c.json(await detail(id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/changelog',
      tags: TAGS,
      middleware: [policy('roadmap.read')] as const,
      summary: 'The changelog, newest first: what shipped and the feedback it answers',
      request: {
        query: PageQuery.extend({
          breaking: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ description: 'Only breaking changes (true) or only the others (false)' }),
        }),
      },
      responses: {
        200: json(pageOf(ChangelogEntrySchema), 'Changelog entries'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listEntries(db, {
        limit: q.limit,
        cursor: q.cursor,
        breaking: q.breaking === undefined ? undefined : q.breaking === 'true',
      });
      const items = [];
      for (const entry of page.items) items.push(await presentEntry(db, entry));
      return c.json({ items, nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/changelog/{id}',
      tags: TAGS,
      middleware: [policy('roadmap.read')] as const,
      summary: 'One changelog entry',
      request: { params: IdParam },
      responses: {
        200: json(ChangelogEntrySchema, 'The entry'),
        ...problemResponses(401, 404),
      },
    }),
    async (c) => {
      const entry = await getEntry(db, c.req.valid('param').id);
      if (!entry) throw new NotFound('There is no such changelog entry.');
      return c.json(await presentEntry(db, entry), 200);
    },
  );
}

/** Field errors of the changelog entry, named as the request body nests them (`changelog.body`). */
function prefixFields(prefix: string) {
  return (error: unknown): never => {
    if (error instanceof InvalidInput && error.errors.every((e) => e.path !== 'status')) {
      throw new InvalidInput(
        error.message,
        error.errors.map((e) => ({ ...e, path: `${prefix}.${e.path}` })),
      );
    }
    throw error;
  };
}
