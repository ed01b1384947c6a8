// Claiming outbox rows for delivery, once across instances.
//
// A claim is a lease: in a short transaction the due rows are picked and
// their next-attempt time moved forward, with a claim token. The sender then
// works outside any transaction and settles each row by its token. A crash
// after the claim only delays the row until the lease ends; nothing is lost.
//
// PostgreSQL (several instances): rows are picked with FOR UPDATE SKIP
// LOCKED, so two instances never pick the same row and never wait on each
// other. SQLite: one writer at a time is all SQLite allows, and the claim is
// one write transaction, so one claimer suffices; the conditional update
// (still due, same state) guards the rare second process on the same file.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbHandle } from '../core/db/index.ts';

/** How long a claim holds before another delivery run may try the row again. */
export const LEASE_MS = 10 * 60_000;

export function claimToken(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Claims up to `limit` due email notifications (pending, next attempt due,
 * and — for people on the digest — created before the digest cutoff).
 * Returns the claim token and the claimed ids.
 */
export async function claimEmails(
  handle: Pick<DbHandle, 'db' | 'engine'>,
  opts: { now: Date; digestCutoff: string; limit?: number },
): Promise<{ token: string; ids: string[] }> {
  const token = claimToken();
  const now = opts.now.toISOString();
  const ids = await handle.db.transaction().execute(async (trx) => {
    let pick = trx
      .selectFrom('notifications as n')
      .leftJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
      .select('n.id')
      .where('n.email_status', '=', 'pending')
      .where('n.email_next_at', '<=', now)
      .where((eb) =>
        eb.or([
          eb(sql`coalesce(p.email_mode, 'digest')`, '!=', 'digest'),
          eb('n.created_at', '<', opts.digestCutoff),
        ]),
      )
      .orderBy('n.email_next_at')
      .limit(opts.limit ?? 200);
    // PostgreSQL: lock the picked rows, skipping rows another instance holds.
    if (handle.engine === 'postgres') pick = pick.forUpdate('n').skipLocked();
    const picked = (await pick.execute()).map((r) => r.id);
    if (picked.length === 0) return [];
    await trx
      .updateTable('notifications')
      .set({
        email_claim: token,
        email_next_at: new Date(opts.now.getTime() + LEASE_MS).toISOString(),
        email_attempts: sql`email_attempts + 1`,
      })
      .where('id', 'in', picked)
      .where('email_status', '=', 'pending')
      .where('email_next_at', '<=', now)
      .execute();
    const claimed = await trx
      .selectFrom('notifications')
      .select('id')
      .where('id', 'in', picked)
      .where('email_claim', '=', token)
      .execute();
    return claimed.map((r) => r.id);
  });
  return { token, ids };
}

/** Claims up to `limit` due webhook deliveries; same lease rules as emails. */
export async function claimWebhookDeliveries(
  handle: Pick<DbHandle, 'db' | 'engine'>,
  opts: { now: Date; limit?: number; ids?: string[] },
): Promise<{ token: string; ids: string[] }> {
  const token = claimToken();
  const now = opts.now.toISOString();
  const ids = await handle.db.transaction().execute(async (trx) => {
    let pick = trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_at', '<=', now)
      .orderBy('next_at')
      .limit(opts.limit ?? 50);
    if (opts.ids) pick = pick.where('id', 'in', opts.ids.length ? opts.ids : ['']);
    // PostgreSQL: lock the picked rows, skipping rows another instance holds.
    if (handle.engine === 'postgres') pick = pick.forUpdate().skipLocked();
    const picked = (await pick.execute()).map((r) => r.id);
    if (picked.length === 0) return [];
    await trx
      .updateTable('webhook_deliveries')
      .set({
        claim: token,
        next_at: new Date(opts.now.getTime() + LEASE_MS).toISOString(),
        attempts: sql`attempts + 1`,
      })
      .where('id', 'in', picked)
      .where('status', '=', 'pending')
      .where('next_at', '<=', now)
      .execute();
    const claimed = await trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('id', 'in', picked)
      .where('claim', '=', token)
      .execute();
    return claimed.map((r) => r.id);
  });
  return { token, ids };
}
