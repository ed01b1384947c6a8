// Email delivery of notifications, after commit: one email per notification
// for people who chose "immediate", one daily digest for everyone else.

import type { DbHandle } from '../core/db/index.ts';
import type { Logger } from '../core/log.ts';
import type { Mailer } from '../core/mail.ts';
import { markdownToText } from '../core/markdown.ts';
import { getSetting } from '../core/settings.ts';
import { claimEmails } from './claim.ts';
import { backoffMs, DEFAULT_EMAIL_MODE } from './model.ts';
import { digestHourUtc } from './settings.ts';

/** Attempts before an email is given up. */
export const EMAIL_MAX_ATTEMPTS = 5;

/** The last digest time at or before `now`: today at the hour (UTC), or yesterday's. */
export function digestCutoff(now: Date, hourUtc: number): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc);
  return new Date(today <= now.getTime() ? today : today - 86_400_000).toISOString();
}

export interface EmailDeliveryDeps {
  handle: Pick<DbHandle, 'db' | 'engine'>;
  mailer: Mailer | null;
  baseUrl: string;
  log?: Logger;
  /** Notifications claimed at once (EMAIL_CLAIM unless given). */
  claim?: number;
}

export interface EmailDeliveryResult {
  sent: number;
  skipped: number;
  failed: number;
}

interface Claimed {
  id: string;
  userId: string;
  email: string;
  name: string;
  disabled: boolean;
  mode: string;
  title: string;
  body: string;
  link: string;
  attempts: number;
  createdAt: string;
}

/** Notifications claimed at once; a run claims again while claims come back full. */
const EMAIL_CLAIM = 200;

/**
 * Sends the email of every due notification: claims them (once across
 * instances) a batch at a time until none is left, sends, and settles each
 * by its claim. Without SMTP, pending emails are marked skipped (people
 * still have their inbox).
 */
export async function deliverEmails(
  deps: EmailDeliveryDeps,
  now = new Date(),
): Promise<EmailDeliveryResult> {
  const result: EmailDeliveryResult = { sent: 0, skipped: 0, failed: 0 };
  for (;;) {
    const batch = await deliverEmailBatch(deps, now);
    result.sent += batch.sent;
    result.skipped += batch.skipped;
    result.failed += batch.failed;
    // Failed sends wait for their next attempt, so a full claim always means more are due.
    if (batch.claimed < (deps.claim ?? EMAIL_CLAIM)) return result;
  }
}

async function deliverEmailBatch(
  deps: EmailDeliveryDeps,
  now: Date,
): Promise<EmailDeliveryResult & { claimed: number }> {
  const { db } = deps.handle;
  const result = { sent: 0, skipped: 0, failed: 0, claimed: 0 };
  if (!deps.mailer) {
    const r = await db
      .updateTable('notifications')
      .set({ email_status: 'skipped' })
      .where('email_status', '=', 'pending')
      .executeTakeFirst();
    result.skipped = Number(r.numUpdatedRows);
    return result;
  }
  const hour = await getSetting(db, digestHourUtc);
  const { token, ids } = await claimEmails(deps.handle, {
    now,
    digestCutoff: digestCutoff(now, hour),
    limit: deps.claim ?? EMAIL_CLAIM,
  });
  result.claimed = ids.length;
  if (ids.length === 0) return result;
  const rows: Claimed[] = (
    await db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .leftJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
      .select([
        'n.id',
        'n.user_id',
        'u.email',
        'u.name',
        'u.disabled_at',
        'p.email_mode',
        'n.title',
        'n.body',
        'n.link',
        'n.email_attempts',
        'n.created_at',
      ])
      .where('n.id', 'in', ids)
      .where('n.email_claim', '=', token)
      .orderBy('n.created_at')
      .orderBy('n.id')
      .execute()
  ).map((r) => ({
    id: r.id,
    userId: r.user_id,
    email: r.email,
    name: r.name,
    disabled: r.disabled_at !== null,
    mode: r.email_mode ?? DEFAULT_EMAIL_MODE,
    title: r.title,
    body: r.body,
    link: r.link,
    attempts: Number(r.email_attempts),
    createdAt: r.created_at,
  }));

  const settle = async (
    group: Claimed[],
    outcome: { status: 'sent' | 'skipped' } | { error: string },
  ) => {
    const groupIds = group.map((r) => r.id);
    if ('status' in outcome) {
      await db
        .updateTable('notifications')
        .set({
          email_status: outcome.status,
          email_sent_at: outcome.status === 'sent' ? now.toISOString() : null,
          email_claim: null,
          email_error: null,
        })
        .where('id', 'in', groupIds)
        .where('email_claim', '=', token)
        .execute();
      result[outcome.status] += group.length;
      return;
    }
    for (const r of group) {
      const giveUp = r.attempts >= EMAIL_MAX_ATTEMPTS;
      await db
        .updateTable('notifications')
        .set({
          email_status: giveUp ? 'failed' : 'pending',
          email_next_at: new Date(now.getTime() + backoffMs(r.attempts)).toISOString(),
          email_claim: null,
          email_error: outcome.error.slice(0, 500),
        })
        .where('id', '=', r.id)
        .where('email_claim', '=', token)
        .execute();
      if (giveUp) result.failed++;
    }
  };

  const send = async (group: Claimed[], message: { subject: string; text: string }) => {
    try {
      await deps.mailer!.send({ to: group[0]!.email, ...message });
      await settle(group, { status: 'sent' });
    } catch (error) {
      deps.log?.warn({ err: error, notifications: group.length }, 'notification email failed');
      await settle(group, { error: (error as Error).message || 'send failed' });
    }
  };

  const digests = new Map<string, Claimed[]>();
  for (const row of rows) {
    if (row.disabled || row.mode === 'off') await settle([row], { status: 'skipped' });
    else if (row.mode === 'immediate') {
      await send([row], { subject: row.title, text: immediateText(row, deps.baseUrl) });
    } else digests.set(row.userId, [...(digests.get(row.userId) ?? []), row]);
  }
  for (const group of digests.values()) {
    await send(group, digestMessage(group, deps.baseUrl));
  }
  return result;
}

const absolute = (link: string, baseUrl: string) => new URL(link, baseUrl).toString();

const FOOTER = (baseUrl: string) =>
  `\n--\nYou get this because you follow feedback in paved. Change how often paved emails you, or unsubscribe, in your inbox: ${absolute('/inbox', baseUrl)}\n`;

function immediateText(row: Claimed, baseUrl: string): string {
  return `${markdownToText(row.body)}\n\n${absolute(row.link, baseUrl)}\n${FOOTER(baseUrl)}`;
}

/** One email with every update since the last digest, oldest first. */
export function digestMessage(
  group: Pick<Claimed, 'title' | 'body' | 'link'>[],
  baseUrl: string,
): { subject: string; text: string } {
  const subject =
    group.length === 1
      ? `paved: ${group[0]!.title}`
      : `paved: ${group.length} updates on feedback you follow`;
  const parts = group.map(
    (r) => `${r.title}\n${markdownToText(r.body)}\n${absolute(r.link, baseUrl)}\n`,
  );
  return { subject, text: `${parts.join('\n')}${FOOTER(baseUrl)}` };
}
