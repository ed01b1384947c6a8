import type { Context } from 'hono';
import { Unauthorized } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import type { Actor } from '../core/policy.ts';
import type { Ctx } from './service.ts';

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
