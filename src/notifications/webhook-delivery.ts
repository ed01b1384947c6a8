// Sending webhook deliveries after commit: claim, sign, POST, log the
// attempt, and retry with exponential backoff until the last attempt.

import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { newId } from '../core/db/helpers.ts';
import type { DbHandle } from '../core/db/index.ts';
import type { Logger } from '../core/log.ts';
import { getSetting } from '../core/settings.ts';
import { claimWebhookDeliveries } from './claim.ts';
import {
  backoffMs,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signBody,
  WEBHOOK_MAX_ATTEMPTS,
  type WebhookEvent,
  type WebhookFormat,
  webhookBody,
} from './model.ts';
import { webhookAllowList } from './settings.ts';
import { guardedLookup, webhookUrlProblem } from './url-guard.ts';

/** The purpose the signing secrets are sealed under (core/secret). */
export const WEBHOOK_SECRET_PURPOSE = 'webhook-signing-secret';

export interface WebhookDeliveryDeps {
  handle: Pick<DbHandle, 'db' | 'engine'>;
  secret: { decrypt(purpose: string, sealed: string): string };
  baseUrl: string;
  log?: Logger;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
}

/** What one POST answered: a status code, or an error before any answer. */
export interface AttemptResult {
  code: number | null;
  error: string | null;
  ms: number;
}

/**
 * POSTs a body to a webhook URL through the address guard: literal
 * addresses are checked here, host names at connection time (guardedLookup).
 * Redirects are not followed (a 3xx is a failed attempt).
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { allowList: readonly string[]; timeoutMs?: number },
): Promise<AttemptResult> {
  const started = performance.now();
  const done = (code: number | null, error: string | null): AttemptResult => ({
    code,
    error,
    ms: Math.round(performance.now() - started),
  });
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const problem = await webhookUrlProblem(url, opts.allowList);
    if (problem) return done(null, problem);
  }
  const client = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      parsed,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(body)),
          'User-Agent': 'paved-webhooks/1',
          ...headers,
        },
        lookup: guardedLookup(opts.allowList) as never,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (response) => {
        // Drain (and ignore) the answer; only the status matters.
        response.resume();
        response.on('end', () => resolve(done(response.statusCode ?? null, null)));
        response.on('error', (e) => resolve(done(response.statusCode ?? null, e.message)));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (e) => resolve(done(null, e.message)));
    request.end(body);
  });
}

export interface WebhookDeliveryResult {
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Delivers every due webhook delivery (or only `ids`): claimed once across
 * instances, signed, sent, logged, and settled by its claim.
 */
export async function deliverWebhooks(
  deps: WebhookDeliveryDeps,
  now = new Date(),
  opts: { ids?: string[] } = {},
): Promise<WebhookDeliveryResult> {
  const { db } = deps.handle;
  const result: WebhookDeliveryResult = { delivered: 0, retrying: 0, failed: 0 };
  const { token, ids } = await claimWebhookDeliveries(deps.handle, { now, ids: opts.ids });
  if (ids.length === 0) return result;
  const allowList = await getSetting(db, webhookAllowList);
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([
      'd.id',
      'd.event_type',
      'd.payload',
      'd.attempts',
      'w.url',
      'w.format',
      'w.secret_sealed',
      'd.is_test',
      'w.active',
    ])
    .where('d.id', 'in', ids)
    .where('d.claim', '=', token)
    .execute();
  for (const row of rows) {
    const attempts = Number(row.attempts);
    let outcome: AttemptResult;
    if (Number(row.active) !== 1) {
      outcome = { code: null, error: 'The webhook is turned off.', ms: 0 };
    } else {
      const event = JSON.parse(row.payload) as WebhookEvent;
      const body =
        row.format === 'json'
          ? row.payload
          : webhookBody(row.format as WebhookFormat, event, deps.baseUrl);
      const secret = deps.secret.decrypt(WEBHOOK_SECRET_PURPOSE, row.secret_sealed);
      outcome = await postWebhook(
        row.url,
        body,
        {
          [SIGNATURE_HEADER]: signBody(secret, body, Math.floor(Date.now() / 1000)),
          [EVENT_HEADER]: row.event_type,
          [DELIVERY_HEADER]: row.id,
        },
        { allowList, timeoutMs: deps.timeoutMs },
      );
    }
    const ok = outcome.code !== null && outcome.code >= 200 && outcome.code < 300;
    // A test is tried once (the admin sees the answer); a webhook turned off is not retried.
    const giveUp =
      !ok &&
      (attempts >= WEBHOOK_MAX_ATTEMPTS || Number(row.active) !== 1 || Number(row.is_test) === 1);
    const at = now.toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: newId(),
          delivery_id: row.id,
          at,
          code: outcome.code,
          error: outcome.error?.slice(0, 500) ?? null,
          ms: outcome.ms,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: ok ? 'delivered' : giveUp ? 'failed' : 'pending',
          delivered_at: ok ? at : null,
          next_at: ok || giveUp ? at : new Date(now.getTime() + backoffMs(attempts)).toISOString(),
          last_code: outcome.code,
          last_error: outcome.error?.slice(0, 500) ?? null,
          claim: null,
        })
        .where('id', '=', row.id)
        .where('claim', '=', token)
        .execute();
    });
    if (ok) result.delivered++;
    else if (giveUp) result.failed++;
    else result.retrying++;
    if (!ok) {
      deps.log?.warn(
        { delivery: row.id, code: outcome.code, error: outcome.error, attempts },
        'webhook delivery failed',
      );
    }
  }
  return result;
}
