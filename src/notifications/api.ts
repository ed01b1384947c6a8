import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { NotFound, Unauthorized } from '../core/errors.ts';
import { json, PageQuery, pageOf, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { sendTestWebhook } from './delivery.ts';
import { getPreferences, listInbox, markRead, setPreferences } from './inbox.ts';
import { EMAIL_MODES, WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from './model.ts';
import {
  type Ctx,
  createWebhook,
  type DeliveryLogEntry,
  deleteWebhook,
  deliveryLog,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type Webhook,
} from './webhooks.ts';

function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}

const NotificationSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().openapi({ description: 'A path in paved' }),
    createdAt: z.string(),
    read: z.boolean(),
  })
  .openapi('Notification');

const PreferencesSchema = z
  .object({
    emailMode: z.enum(EMAIL_MODES).openapi({
      description: 'digest: one email a day (default); immediate: one per update; off: inbox only',
    }),
    subscribeOnVote: z.boolean().openapi({ description: 'Whether voting subscribes you' }),
  })
  .openapi('NotificationPreferences');

const WebhookSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    format: z.enum(WEBHOOK_FORMATS),
    events: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

const WebhookInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the webhook.').max(200),
    url: z.string().trim().min(1, 'Give the address to send to.').max(2000),
    format: z.enum(WEBHOOK_FORMATS).default('json').openapi({
      description: 'json: paved’s event as it is; slack: a Slack-compatible {"text": …} body',
    }),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1, 'Choose at least one event to send.')
      .openapi({ description: `Any of: ${WEBHOOK_EVENT_TYPES.join(', ')}` }),
    active: z.boolean().optional(),
  })
  .openapi('WebhookInput');

const WebhookPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Name the webhook.').max(200).optional(),
    url: z.string().trim().min(1).max(2000).optional(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).optional(),
    active: z.boolean().optional(),
  })
  .openapi('WebhookPatch');

const DeliverySchema = z
  .object({
    id: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    isTest: z.boolean(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    nextAt: z.string(),
    log: z.array(
      z.object({
        at: z.string(),
        code: z.number().int().nullable(),
        error: z.string().nullable(),
        ms: z.number().int(),
      }),
    ),
  })
  .openapi('WebhookDelivery');

const IdParam = z.object({ id: z.string().min(1).max(100) });
const present = (w: Webhook) => w;
const presentDelivery = (d: DeliveryLogEntry) => d;

/** The inbox and webhook routes. */
export function registerNotificationsApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/inbox',
      tags: ['Inbox'],
      middleware: [policy('inbox.read')] as const,
      summary: 'Your notifications, newest first, with your unread count',
      request: {
        query: PageQuery.extend({
          unread: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ description: 'true: only unread ones' }),
        }),
      },
      responses: {
        200: json(
          pageOf(NotificationSchema).extend({ unread: z.number().int() }),
          'Notifications and the unread count',
        ),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, cursor, unread } = c.req.valid('query');
      const page = await listInbox(db, c.get('actor'), {
        limit,
        cursor,
        unreadOnly: unread === 'true',
      });
      return c.json(
        {
          items: page.items.map((n) => ({
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            createdAt: n.createdAt,
            read: n.readAt !== null,
          })),
          nextCursor: page.nextCursor,
          unread: page.unread,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/inbox/read',
      tags: ['Inbox'],
      middleware: [policy('inbox.read')] as const,
      summary: 'Mark notifications read: the ids given, or all of them',
      request: {
        body: {
          ...json(
            z
              .object({
                ids: z.array(z.string().max(100)).max(500).optional(),
                all: z.boolean().optional(),
              })
              .refine((b) => b.all === true || (b.ids?.length ?? 0) > 0, {
                path: ['ids'],
                message: 'Give the ids to mark read, or all: true.',
              }),
            'Which to mark',
          ),
          required: true,
        },
      },
      responses: {
        200: json(z.object({ marked: z.number().int(), unread: z.number().int() }), 'Done'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { ids, all } = c.req.valid('json');
      const marked = await markRead(db, c.get('actor'), all ? 'all' : (ids ?? []));
      const page = await listInbox(db, c.get('actor'), { limit: 1, unreadOnly: true });
      return c.json({ marked, unread: page.unread }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/inbox/preferences',
      tags: ['Inbox'],
      middleware: [policy('inbox.read')] as const,
      summary: 'How paved emails you',
      responses: { 200: json(PreferencesSchema, 'Your preferences'), ...problemResponses(401) },
    }),
    async (c) => c.json(await getPreferences(db, ctxOf(c).actor.userId), 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/inbox/preferences',
      tags: ['Inbox'],
      middleware: [policy('inbox.read')] as const,
      summary: 'Choose a daily digest, immediate email, or none',
      request: { body: { ...json(PreferencesSchema.partial(), 'Changes'), required: true } },
      responses: {
        200: json(PreferencesSchema, 'Your preferences'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => c.json(await setPreferences(db, c.get('actor'), c.req.valid('json')), 200),
  );

  registerWebhooksApi(api, deps);
}

function registerWebhooksApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const TAGS = ['Webhooks'];
  const webhookOrThrow = async (c: Context<AppEnv>, id: string) => {
    const webhook = await getWebhook(db, c.get('actor'), id);
    if (!webhook) throw new NotFound('There is no such webhook.');
    return webhook;
  };

  api.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Outbound webhooks (admins)',
      responses: {
        200: json(pageOf(WebhookSchema), 'Webhooks by name'),
        ...problemResponses(401, 403),
      },
    }),
    async (c) =>
      c.json(
        { items: (await listWebhooks(db, c.get('actor'))).map(present), nextCursor: null },
        200,
      ),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Add a webhook; its signing secret is shown in this answer only',
      description:
        'Every body is signed: header X-Paved-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the signing secret>. URLs to private, loopback, link-local or metadata addresses are refused unless the admin allow-list (setting webhooks.allow_list) names them.',
      request: { body: { ...json(WebhookInputSchema, 'The webhook'), required: true } },
      responses: {
        201: json(
          WebhookSchema.extend({ signingSecret: z.string() }),
          'The webhook and its signing secret',
        ),
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { webhook, signingSecret } = await createWebhook(
        db,
        ctxOf(c),
        deps.secret,
        c.req.valid('json'),
      );
      return c.json({ ...present(webhook), signingSecret }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'One webhook',
      request: { params: IdParam },
      responses: { 200: json(WebhookSchema, 'The webhook'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(present(await webhookOrThrow(c, c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/webhooks/{id}',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Change a webhook, or turn it off and on',
      request: {
        params: IdParam,
        body: { ...json(WebhookPatchSchema, 'Changes'), required: true },
      },
      responses: {
        200: json(WebhookSchema, 'The webhook'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) =>
      c.json(
        present(await updateWebhook(db, ctxOf(c), c.req.valid('param').id, c.req.valid('json'))),
        200,
      ),
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Remove a webhook and its delivery log',
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      await deleteWebhook(db, ctxOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{id}/secret',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Replace the signing secret; the new one is shown in this answer only',
      request: { params: IdParam },
      responses: {
        200: json(z.object({ signingSecret: z.string() }), 'The new secret'),
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) =>
      c.json(
        {
          signingSecret: await rotateWebhookSecret(
            db,
            ctxOf(c),
            deps.secret,
            c.req.valid('param').id,
          ),
        },
        200,
      ),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'The delivery log: each delivery with its attempts and response codes, newest first',
      request: { params: IdParam, query: PageQuery },
      responses: {
        200: json(pageOf(DeliverySchema), 'Deliveries'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const page = await deliveryLog(
        db,
        c.get('actor'),
        c.req.valid('param').id,
        c.req.valid('query'),
      );
      return c.json({ items: page.items.map(presentDelivery), nextCursor: page.nextCursor }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{id}/test',
      tags: TAGS,
      middleware: [policy('webhooks.manage')] as const,
      summary: 'Send a signed test event (type ping) now and answer with the result',
      request: { params: IdParam },
      responses: {
        200: json(DeliverySchema, 'The test delivery, with the response code'),
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) =>
      c.json(presentDelivery(await sendTestWebhook(deps, ctxOf(c), c.req.valid('param').id)), 200),
  );
}
