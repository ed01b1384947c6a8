import type { Context } from 'hono';
import { Unauthorized } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import type { Ctx } from './service.ts';

/** Who acts, from where: the services' context for this request. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}
