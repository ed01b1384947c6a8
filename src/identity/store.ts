import { type Selectable, sql } from 'kysely';
import { isUniqueViolation, newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { decodeCursor, type Page, toPage } from '../core/db/paging.ts';
import type { ApiTokensTable, UsersTable } from '../core/db/schema.ts';
import { Conflict } from '../core/errors.ts';
import type { Actor, RoleName } from '../core/policy.ts';
import { newSecret, sha256Hex } from '../core/tokens.ts';
import { type ApiToken, TOKEN_PREFIX, type User } from './model.ts';

function userRowToUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as RoleName,
    hasPassword: row.password_hash !== null,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

function tokenRowToToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedOn: row.last_used_on,
    revokedAt: row.revoked_at,
  };
}

// ---- Users ----

/** Creates an account; a second account with the same email is a Conflict. */
export async function createUser(
  db: Db,
  input: { email: string; name: string; role: RoleName; passwordHash: string | null },
): Promise<User> {
  const now = nowIso();
  const row = {
    id: newId(),
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    password_hash: input.passwordHash,
    disabled_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`There is already an account for ${row.email}.`);
    throw error;
  }
  return userRowToUser(row);
}

export async function getUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? userRowToUser(row) : undefined;
}

export async function getUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? userRowToUser(row) : undefined;
}

/** The stored password hash, for sign-in only. */
export async function passwordHashOf(db: Db, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Accounts by email, paged. */
export async function listUsers(
  db: Db,
  opts: { limit: number; cursor?: string },
): Promise<Page<User>> {
  let q = db
    .selectFrom('users')
    .selectAll()
    .orderBy('email')
    .limit(opts.limit + 1);
  if (opts.cursor) q = q.where('email', '>', decodeCursor(opts.cursor, 1)[0]!);
  return toPage(await q.execute(), opts.limit, (r) => [r.email], userRowToUser);
}

/** Sets a new password and ends every session of the account. */
export async function setPassword(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: nowIso() })
    .where('id', '=', userId)
    .execute();
  await deleteUserSessions(db, userId);
}

/** Disables (or enables) an account; disabling ends its sessions, and its tokens stop working. */
export async function setDisabled(db: Db, userId: string, disabled: boolean): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('users')
    .set({ disabled_at: disabled ? now : null, updated_at: now })
    .where('id', '=', userId)
    .execute();
  if (disabled) await deleteUserSessions(db, userId);
}

export async function setRole(db: Db, userId: string, role: RoleName): Promise<void> {
  await db
    .updateTable('users')
    .set({ role, updated_at: nowIso() })
    .where('id', '=', userId)
    .execute();
}

/**
 * Whether the person with this email may sign in: `none` when no person has
 * it, `inactive` when the only people with it have left the organisation.
 */
export async function personStatus(db: Db, email: string): Promise<'active' | 'inactive' | 'none'> {
  const rows = await db
    .selectFrom('people')
    .select('inactive_since')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .execute();
  if (rows.length === 0) return 'none';
  return rows.some((r) => r.inactive_since === null) ? 'active' : 'inactive';
}

/**
 * The actor for a user: their person (by email), team, and the team's
 * sub-teams; or 'deactivated' when the only people with the email have left.
 */
export async function actorFor(
  db: Db,
  user: User,
  via: Actor['via'],
): Promise<Actor | 'deactivated'> {
  const people = await db
    .selectFrom('people')
    .select(['id', 'team_id', 'inactive_since'])
    .where(sql<string>`lower(email)`, '=', user.email)
    .orderBy('id')
    .execute();
  const person = people.find((p) => p.inactive_since === null);
  if (!person && people.length > 0) return 'deactivated';
  const teamId = person?.team_id ?? null;
  let teamIds: string[] = [];
  if (teamId) {
    // Both engines support recursive CTEs; UNION (not UNION ALL) stops at cycles.
    const rows = await sql<{ id: string }>`
      with recursive tree(id) as (
        select id from teams where id = ${teamId}
        union
        select t.id from teams t join tree on t.parent_id = tree.id where t.inactive_since is null
      )
      select id from tree`.execute(db);
    teamIds = rows.rows.map((r) => r.id);
  }
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    personId: person?.id ?? null,
    teamId,
    teamIds,
    via,
  };
}

// ---- Sessions ----

/** Starts a session; the cookie value is returned once and only its hash is kept. */
export async function createSession(
  db: Db,
  userId: string,
  opts: { maxDays: number; now?: Date },
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: string }> {
  const now = opts.now ?? new Date();
  const secret = newSecret();
  const csrfToken = newSecret().value;
  const expiresAt = new Date(now.getTime() + opts.maxDays * 86_400_000).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id_hash: secret.hash,
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: coarse(now),
      expires_at: expiresAt,
    })
    .execute();
  return { cookieValue: secret.value, csrfToken, expiresAt };
}

// Session activity is kept to the quarter hour: enough for the idle timeout,
// too coarse to mark the moment someone answered a survey.
const QUARTER_HOUR = 15 * 60 * 1000;
function coarse(date: Date): string {
  return new Date(Math.floor(date.getTime() / QUARTER_HOUR) * QUARTER_HOUR).toISOString();
}

/**
 * The session and user for a cookie value, or undefined when it is unknown,
 * past its absolute expiry, idle too long, or the user is disabled.
 */
export async function findSession(
  db: Db,
  cookieValue: string,
  opts: { idleHours: number; now?: Date },
): Promise<{ user: User; csrfToken: string; idHash: string } | undefined> {
  const now = opts.now ?? new Date();
  const idHash = sha256Hex(cookieValue);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.csrf_token', 's.last_seen_at', 's.expires_at'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const idleLimit = new Date(
    now.getTime() - opts.idleHours * 3600_000 - QUARTER_HOUR,
  ).toISOString();
  if (row.expires_at <= now.toISOString() || row.last_seen_at < idleLimit || row.disabled_at) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  const seen = coarse(now);
  if (seen !== row.last_seen_at) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: seen })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return { user: userRowToUser(row), csrfToken: row.csrf_token, idHash };
}

export async function deleteSession(db: Db, cookieValue: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(cookieValue)).execute();
}

export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

// ---- API tokens ----

/** Creates a token; its value is returned once and only its hash is kept. */
export async function createToken(
  db: Db,
  input: { userId: string; name: string; expiresAt: string | null },
): Promise<{ token: ApiToken; value: string }> {
  const secret = newSecret(TOKEN_PREFIX);
  const row = {
    id: newId(),
    user_id: input.userId,
    name: input.name,
    token_hash: secret.hash,
    prefix: secret.value.slice(0, TOKEN_PREFIX.length + 6),
    created_at: nowIso(),
    expires_at: input.expiresAt,
    last_used_on: null,
    revoked_at: null,
  };
  await db.insertInto('api_tokens').values(row).execute();
  return { token: tokenRowToToken(row), value: secret.value };
}

/** The user a bearer token belongs to, if the token is active and the user is enabled. */
export async function userForToken(
  db: Db,
  value: string,
  now: Date = new Date(),
): Promise<User | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .select(['t.id as token_id', 't.expires_at', 't.revoked_at', 't.last_used_on'])
    .where('t.token_hash', '=', sha256Hex(value))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled_at) return undefined;
  if (row.expires_at && row.expires_at <= now.toISOString()) return undefined;
  const today = now.toISOString().slice(0, 10);
  if (row.last_used_on !== today) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_on: today })
      .where('id', '=', row.token_id)
      .execute();
  }
  return userRowToUser(row);
}

/** A user's tokens, newest first (revoked ones included, so the list tells the whole story). */
export async function listTokens(db: Db, userId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(tokenRowToToken);
}

export async function getToken(db: Db, id: string): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tokenRowToToken(row) : undefined;
}

export async function revokeToken(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: nowIso() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

// ---- One-time links (first-admin setup, password reset) ----

export type LinkPurpose = 'setup' | 'reset';

/** Creates a one-time link token that expires after `hours`. */
export async function createLink(
  db: Db,
  purpose: LinkPurpose,
  userId: string | null,
  hours: number,
): Promise<string> {
  const secret = newSecret();
  const now = new Date();
  await db
    .insertInto('one_time_links')
    .values({
      token_hash: secret.hash,
      purpose,
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + hours * 3600_000).toISOString(),
      used_at: null,
    })
    .execute();
  return secret.value;
}

/** Looks a link up without using it: its user id (or null for setup), or undefined when invalid. */
export async function peekLink(
  db: Db,
  value: string,
  purpose: LinkPurpose,
): Promise<{ userId: string | null } | undefined> {
  const row = await db
    .selectFrom('one_time_links')
    .select(['user_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', sha256Hex(value))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= nowIso()) return undefined;
  return { userId: row.user_id };
}

/** Uses a link once: true only for the first caller, even when two race. */
export async function consumeLink(db: Db, value: string, purpose: LinkPurpose): Promise<boolean> {
  const result = await db
    .updateTable('one_time_links')
    .set({ used_at: nowIso() })
    .where('token_hash', '=', sha256Hex(value))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
