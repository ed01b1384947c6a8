// Outbound webhooks, configured by admins: where events go, in which
// format, signed with a secret paved generates and keeps encrypted.

import { randomBytes } from 'node:crypto';
import { recordAudit } from '../core/audit.ts';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import { type FieldError, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, type WebhookFormat } from './model.ts';
import { webhookAllowList } from './settings.ts';
import { type Resolver, systemResolver, webhookUrlProblem } from './url-guard.ts';
import { WEBHOOK_SECRET_PURPOSE } from './webhook-delivery.ts';

export interface Ctx {
  actor: Actor;
  ip: string | null;
}

export interface Sealer {
  encrypt(purpose: string, plaintext: string): string;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  format: WebhookFormat;
  events: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  format: WebhookFormat;
  events: string[];
  active?: boolean;
}

export interface DeliveryLogEntry {
  id: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastCode: number | null;
  lastError: string | null;
  isTest: boolean;
  createdAt: string;
  deliveredAt: string | null;
  nextAt: string;
  log: { at: string; code: number | null; error: string | null; ms: number }[];
}

type Row = {
  id: string;
  name: string;
  url: string;
  format: string;
  events: string;
  active: number;
  created_at: string;
  updated_at: string;
};

function webhookRow(r: Row): Webhook {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    format: r.format as WebhookFormat,
    events: JSON.parse(r.events) as string[],
    active: Number(r.active) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = [
  'id',
  'name',
  'url',
  'format',
  'events',
  'active',
  'created_at',
  'updated_at',
] as const;

async function validate(
  db: Db,
  input: Partial<WebhookInput>,
  resolve: Resolver,
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (input.name !== undefined && !input.name.trim()) {
    errors.push({ path: 'name', message: 'Name the webhook, so the delivery log reads well.' });
  }
  if (input.url !== undefined) {
    const problem = await webhookUrlProblem(
      input.url.trim(),
      await getSetting(db, webhookAllowList),
      resolve,
    );
    if (problem) errors.push({ path: 'url', message: problem });
  }
  if (input.format !== undefined && !WEBHOOK_FORMATS.includes(input.format)) {
    errors.push({ path: 'format', message: `Choose a format: ${WEBHOOK_FORMATS.join(', ')}.` });
  }
  if (input.events !== undefined) {
    const unknown = input.events.filter(
      (e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e),
    );
    if (input.events.length === 0) {
      errors.push({ path: 'events', message: 'Choose at least one event to send.' });
    } else if (unknown.length > 0) {
      errors.push({
        path: 'events',
        message: `Unknown events: ${unknown.join(', ')}. Choose from ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
      });
    }
  }
  return errors;
}

function refuse(errors: FieldError[]): never {
  throw new InvalidInput(errors.map((e) => e.message).join(' '), errors);
}

/**
 * Adds a webhook. paved generates its signing secret, returns it this once,
 * and keeps it encrypted with the server secret.
 */
export async function createWebhook(
  db: Db,
  ctx: Ctx,
  sealer: Sealer,
  input: WebhookInput,
  resolve: Resolver = systemResolver,
): Promise<{ webhook: Webhook; signingSecret: string }> {
  authorize(ctx.actor, 'webhooks.manage');
  const errors = await validate(db, input, resolve);
  if (errors.length) refuse(errors);
  const signingSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const at = nowIso();
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhooks')
      .values({
        id,
        name: input.name.trim(),
        url: input.url.trim(),
        format: input.format,
        events: JSON.stringify([...new Set(input.events)]),
        secret_sealed: sealer.encrypt(WEBHOOK_SECRET_PURPOSE, signingSecret),
        active: input.active === false ? 0 : 1,
        created_by: ctx.actor.userId,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'webhook.create',
      target: { type: 'webhook', id },
      ip: ctx.ip,
      details: { url: input.url.trim(), events: input.events.join(',') },
    });
  });
  return { webhook: (await getWebhook(db, ctx.actor, id))!, signingSecret };
}

/** Changes a webhook's name, URL, format, events or whether it is on. */
export async function updateWebhook(
  db: Db,
  ctx: Ctx,
  id: string,
  patch: Partial<WebhookInput>,
  resolve: Resolver = systemResolver,
): Promise<Webhook> {
  authorize(ctx.actor, 'webhooks.manage');
  await webhookOrThrow(db, id);
  const errors = await validate(db, patch, resolve);
  if (errors.length) refuse(errors);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.url !== undefined ? { url: patch.url.trim() } : {}),
        ...(patch.format !== undefined ? { format: patch.format } : {}),
        ...(patch.events !== undefined
          ? { events: JSON.stringify([...new Set(patch.events)]) }
          : {}),
        ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'webhook.update',
      target: { type: 'webhook', id },
      ip: ctx.ip,
      details: { fields: Object.keys(patch).join(',') },
    });
  });
  return (await getWebhook(db, ctx.actor, id))!;
}

/** Replaces a webhook's signing secret; the new one is returned this once. */
export async function rotateWebhookSecret(
  db: Db,
  ctx: Ctx,
  sealer: Sealer,
  id: string,
): Promise<string> {
  authorize(ctx.actor, 'webhooks.manage');
  await webhookOrThrow(db, id);
  const signingSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({
        secret_sealed: sealer.encrypt(WEBHOOK_SECRET_PURPOSE, signingSecret),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'webhook.rotate-secret',
      target: { type: 'webhook', id },
      ip: ctx.ip,
    });
  });
  return signingSecret;
}

export async function deleteWebhook(db: Db, ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, 'webhooks.manage');
  await webhookOrThrow(db, id);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'webhook.delete',
      target: { type: 'webhook', id },
      ip: ctx.ip,
    });
  });
}

async function webhookOrThrow(db: Db, id: string): Promise<Webhook> {
  const row = await db
    .selectFrom('webhooks')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('There is no such webhook.');
  return webhookRow(row);
}

export async function getWebhook(
  db: Db,
  actor: Actor | null,
  id: string,
): Promise<Webhook | undefined> {
  authorize(actor, 'webhooks.manage');
  const row = await db
    .selectFrom('webhooks')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? webhookRow(row) : undefined;
}

export async function listWebhooks(db: Db, actor: Actor | null): Promise<Webhook[]> {
  authorize(actor, 'webhooks.manage');
  const rows = await db
    .selectFrom('webhooks')
    .select(COLUMNS)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(webhookRow);
}

/** A webhook's deliveries, newest first, each with its attempts and response codes. */
export async function deliveryLog(
  db: Db,
  actor: Actor | null,
  webhookId: string,
  input: { limit: number; cursor?: string },
): Promise<Page<DeliveryLogEntry>> {
  authorize(actor, 'webhooks.manage');
  await webhookOrThrow(db, webhookId);
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1);
  if (input.cursor) q = q.where(olderThan('created_at', 'id', input.cursor));
  const rows = await q.execute();
  const ids = rows.map((r) => r.id);
  const attempts = ids.length
    ? await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', 'in', ids)
        .orderBy('at')
        .orderBy('id')
        .execute()
    : [];
  return toPage(
    rows,
    input.limit,
    (r) => [r.created_at, r.id],
    (r) => ({
      id: r.id,
      eventType: r.event_type,
      status: r.status as DeliveryLogEntry['status'],
      attempts: Number(r.attempts),
      lastCode: r.last_code === null ? null : Number(r.last_code),
      lastError: r.last_error,
      isTest: Number(r.is_test) === 1,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      nextAt: r.next_at,
      log: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({
          at: a.at,
          code: a.code === null ? null : Number(a.code),
          error: a.error,
          ms: Number(a.ms),
        })),
    }),
  );
}

/**
 * Queues a test event (`ping`) for one webhook, whatever events it follows;
 * the caller delivers it at once and shows the answer.
 */
export async function queueTestDelivery(db: Db, ctx: Ctx, id: string): Promise<string> {
  authorize(ctx.actor, 'webhooks.manage');
  const webhook = await webhookOrThrow(db, id);
  const at = nowIso();
  const deliveryId = newId();
  const event = {
    id: newId(),
    type: 'ping',
    createdAt: at,
    data: {
      title: `Test from paved for "${webhook.name}"`,
      summary: 'If you can read this, the webhook works.',
      link: '/',
    },
  };
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      webhook_id: id,
      event_type: 'ping',
      payload: JSON.stringify(event),
      status: 'pending',
      attempts: 0,
      next_at: at,
      claim: null,
      last_code: null,
      last_error: null,
      // A test is tried once: the answer is shown to the admin, not retried.
      is_test: 1,
      created_at: at,
      delivered_at: null,
    })
    .execute();
  return deliveryId;
}
