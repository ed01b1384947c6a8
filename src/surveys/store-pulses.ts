import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { Touchpoint } from './model.ts';

export async function insertPulse(
  db: Db,
  input: {
    capabilityId: string;
    touchpoint: Touchpoint | null;
    rating: number;
    comment: string | null;
    month: string;
  },
): Promise<void> {
  await db
    .insertInto('pulses')
    .values({
      id: newId(),
      capability_id: input.capabilityId,
      touchpoint: input.touchpoint,
      rating: input.rating,
      comment: input.comment,
      month: input.month,
    })
    .execute();
}

export interface PulseRow {
  touchpoint: string | null;
  rating: number;
  comment: string | null;
  month: string;
}

/** A capability's pulses in months [from, to], both YYYY-MM. */
export async function pulseRows(
  db: Db,
  capabilityId: string,
  from: string,
  to: string,
): Promise<PulseRow[]> {
  const rows = await db
    .selectFrom('pulses')
    .select(['touchpoint', 'rating', 'comment', 'month'])
    .where('capability_id', '=', capabilityId)
    .where('month', '>=', from)
    .where('month', '<=', to)
    .orderBy('month')
    .orderBy('comment')
    .execute();
  return rows.map((r) => ({ ...r, rating: Number(r.rating) }));
}

export async function throttleOn(db: Db, hash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('pulse_throttle')
    .select('last_on')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row?.last_on;
}

/**
 * Claims the throttle for a pulse today: inserts the hash, or moves an
 * expired one (last pulse on or before `expiredBy`) to today. False when a
 * pulse inside the cooldown holds it, also when two arrive at once.
 */
export async function claimThrottle(
  db: Db,
  hash: string,
  today: string,
  expiredBy: string,
): Promise<boolean> {
  const result = await db
    .insertInto('pulse_throttle')
    .values({ hash, last_on: today })
    .onConflict((oc) =>
      oc
        .column('hash')
        .doUpdateSet({ last_on: today })
        .where('pulse_throttle.last_on', '<=', expiredBy),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Deletes throttle records whose cooldown has passed (last pulse on or before `expiredBy`). */
export async function pruneThrottle(db: Db, expiredBy: string): Promise<number> {
  const result = await db
    .deleteFrom('pulse_throttle')
    .where('last_on', '<=', expiredBy)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function isSilenced(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('pulse_silenced')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setSilenced(db: Db, userId: string, silenced: boolean): Promise<void> {
  if (!silenced) {
    await db.deleteFrom('pulse_silenced').where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('pulse_silenced')
    .values({ user_id: userId, since: nowIso().slice(0, 10) })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}
