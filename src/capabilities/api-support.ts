// Helpers shared by the capabilities API's route files.

import type { Context } from 'hono';
import type { Db } from '../core/db/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../core/db/paging.ts';
import { Forbidden, InvalidInput, NotFound, Unauthorized } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import type { Actor } from '../core/policy.ts';
import { getTeamBySlug, listTeams } from '../org/store.ts';
import { type Slugs, slugMap } from './api-schemas.ts';
import type { Ctx } from './service.ts';
import { listCapabilities } from './store.ts';

/** The signed-in actor; the route's policy has already refused anonymous callers. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return actor;
}

/** Who acts and from where, for the service's audit rows. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { actor: actorOf(c), ip: c.get('clientIp') };
}

/** Every team's slug by id (inactive teams too: history keeps them). */
export async function teamSlugs(db: Db): Promise<Slugs> {
  return slugMap(await listTeams(db, { includeInactive: true }));
}

/** Every capability's slug by id. */
export async function capabilitySlugs(db: Db): Promise<Map<string, string>> {
  return new Map((await listCapabilities(db)).map((c) => [c.id, c.slug]));
}

/**
 * A team slug from a request body, as its id; an unknown or inactive team is
 * bad input on `path`.
 */
export async function teamIdOf(db: Db, slug: string, path: string): Promise<string> {
  const team = await getTeamBySlug(db, slug);
  if (!team || team.inactiveSince) {
    throw InvalidInput.field(path, `There is no team "${slug}"; use a team’s slug, like payments.`);
  }
  return team.id;
}

/** A team slug from a query filter, as its id; an unknown team is a 404. */
export async function teamFilter(db: Db, slug: string | undefined): Promise<string | undefined> {
  if (slug === undefined) return undefined;
  const team = await getTeamBySlug(db, slug);
  if (!team) throw new NotFound(`There is no team "${slug}".`);
  return team.id;
}

/**
 * Pages a list that is already in its order, by a unique key per item (a
 * slug): for the short lists (catalog, teams) that are read whole anyway.
 */
export function pageInMemory<T>(
  all: T[],
  keyOf: (item: T) => string,
  limit: number,
  cursor: string | undefined,
): Page<T> {
  let start = 0;
  if (cursor) {
    const [key] = decodeCursor(cursor, 1);
    const index = all.findIndex((item) => keyOf(item) === key);
    // The item was removed meanwhile: end the list rather than repeat it.
    start = index === -1 ? all.length : index + 1;
  }
  const items = all.slice(start, start + limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: start + limit < all.length && last ? encodeCursor([keyOf(last)]) : null,
  };
}

/**
 * Runs a service call and, when it refuses with Forbidden, says instead who
 * may do it: the service decides, the route only explains.
 */
export async function explainRefusal<T>(
  work: () => Promise<T>,
  explain: () => Promise<string> | string,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Forbidden) throw new Forbidden(await explain());
    throw error;
  }
}

/** `leader` → "leadership", `platform` → "the platform team". */
export function roleWords(role: string): string {
  return role === 'leader' ? 'leadership' : role === 'platform' ? 'the platform team' : role;
}
