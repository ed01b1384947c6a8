import { sql } from 'kysely';
import type { Db } from './db/index.ts';

/** A fixed-window limit: at most `limit` hits per `windowSeconds` for one key. */
export interface RateLimit {
  name: string;
  limit: number;
  windowSeconds: number;
}

export const LIMITS = {
  loginPerAccount: { name: 'login-account', limit: 10, windowSeconds: 15 * 60 },
  loginPerAddress: { name: 'login-address', limit: 50, windowSeconds: 15 * 60 },
  tokenCreate: { name: 'token-create', limit: 20, windowSeconds: 60 * 60 },
  writes: { name: 'write', limit: 120, windowSeconds: 60 },
} satisfies Record<string, RateLimit>;

/**
 * Counts one hit in the database (so every instance shares the count) and
 * says whether it is allowed, and if not, how many seconds until it is.
 */
export async function hit(
  db: Db,
  limit: RateLimit,
  key: string,
  now: Date = new Date(),
): Promise<{ allowed: boolean; retryAfter: number }> {
  const windowMs = limit.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const row = await db
    .insertInto('rate_limits')
    .values({ key: `${limit.name}:${key}`, window_start: new Date(start).toISOString(), hits: 1 })
    .onConflict((oc) =>
      oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limits.hits + 1` }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  const allowed = Number(row.hits) <= limit.limit;
  return {
    allowed,
    retryAfter: allowed ? 0 : Math.ceil((start + windowMs - now.getTime()) / 1000),
  };
}

/** Takes back one hit of the current window (a success should not count against a failure limit). */
export async function undoHit(
  db: Db,
  limit: RateLimit,
  key: string,
  now: Date = new Date(),
): Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
  await db
    .updateTable('rate_limits')
    .set({ hits: sql`hits - 1` })
    .where('key', '=', `${limit.name}:${key}`)
    .where('window_start', '=', start)
    .where('hits', '>', 0)
    .execute();
}

/** Forgets the hits of a key (after a successful sign-in, for the account's counter). */
export async function resetHits(db: Db, limit: RateLimit, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', `${limit.name}:${key}`).execute();
}

/** Removes windows that ended long ago; background housekeeping. */
export async function pruneRateLimits(db: Db, now: Date = new Date()): Promise<void> {
  const cutoff = new Date(now.getTime() - 24 * 3600 * 1000).toISOString();
  await db.deleteFrom('rate_limits').where('window_start', '<', cutoff).execute();
}
