// Feed keys: a feed reader cannot sign in, so each person gets a feed address
// with a key in it (`?key=…`). The key opens the Atom feeds and nothing else,
// for as long as its owner can sign in. It is an HMAC with the server secret
// over a row id, so the database alone cannot forge one, and a new key (a new
// row) makes the old address stop working.

import { timingSafeEqual } from 'node:crypto';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { Actor } from '../core/policy.ts';
import type { ServerSecret } from '../core/secret.ts';
import { actorFor, getUserById } from '../identity/store.ts';

const PURPOSE = 'feed-key';

const keyOf = (secret: ServerSecret, id: string) => `${id}.${secret.hmac(PURPOSE, id)}`;

/** The person's feed key, made on first use. */
export async function feedKeyFor(db: Db, secret: ServerSecret, userId: string): Promise<string> {
  const row = await db
    .selectFrom('feed_keys')
    .select('id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row) return keyOf(secret, row.id);
  const id = newId();
  await db
    .insertInto('feed_keys')
    .values({ id, user_id: userId, created_at: nowIso(), last_used_on: null })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  // Two first uses at once: whichever row won is the key.
  return feedKeyFor(db, secret, userId);
}

/** Replaces the person's feed key: addresses with the old one stop working. */
export async function resetFeedKey(db: Db, secret: ServerSecret, userId: string): Promise<string> {
  await db.deleteFrom('feed_keys').where('user_id', '=', userId).execute();
  return feedKeyFor(db, secret, userId);
}

/**
 * The actor a feed key stands for, or undefined when the key is unknown,
 * forged, replaced, or its owner can no longer sign in.
 */
export async function actorForFeedKey(
  db: Db,
  secret: ServerSecret,
  key: string,
): Promise<Actor | undefined> {
  const [id, mac, extra] = key.split('.');
  if (!id || !mac || extra !== undefined || !/^[0-9a-f]{64}$/.test(mac)) return undefined;
  const expected = Buffer.from(secret.hmac(PURPOSE, id), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return undefined;
  const row = await db
    .selectFrom('feed_keys')
    .select(['user_id', 'last_used_on'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const user = await getUserById(db, row.user_id);
  if (!user || user.disabledAt) return undefined;
  const actor = await actorFor(db, user, 'token');
  if (actor === 'deactivated') return undefined;
  // A day, never a time, like API tokens: enough to tell a key in use.
  const today = nowIso().slice(0, 10);
  if (row.last_used_on !== today) {
    await db.updateTable('feed_keys').set({ last_used_on: today }).where('id', '=', id).execute();
  }
  return actor;
}
