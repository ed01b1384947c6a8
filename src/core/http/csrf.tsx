import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { hit, LIMITS } from '../ratelimit.ts';
import { isMachineRequest } from './auth.ts';
import type { AppEnv, Deps } from './env.ts';
import { refuse } from './refuse.tsx';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a form of this request must carry, read from the form body or the header. */
async function submittedToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (
    type.startsWith('application/x-www-form-urlencoded') ||
    type.startsWith('multipart/form-data')
  ) {
    // Hono caches the parsed body, so the handler can read it again.
    const body = await c.req.parseBody();
    return typeof body._csrf === 'string' ? body._csrf : undefined;
  }
  return undefined;
}

/**
 * Refuses cross-site state changes: every unsafe request made with a
 * browser's ambient credentials must come from paved's own origin
 * (`Origin`, `Sec-Fetch-Site`) and carry the session's CSRF token.
 * Bearer-token requests carry no ambient credentials and are exempt.
 */
export function csrfProtection(deps: Deps): MiddlewareHandler<AppEnv> {
  const baseOrigin = new URL(deps.config.baseUrl).origin;
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const actor = c.get('actor');
    if (actor?.via === 'token') return next();
    const site = c.req.header('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      return refuse(c, 403, 'This request came from another site, so paved refused it.');
    }
    const origin = c.req.header('origin');
    if (origin && origin !== baseOrigin && origin !== new URL(c.req.url).origin) {
      return refuse(c, 403, 'This request came from another site, so paved refused it.');
    }
    const expected = c.get('csrfToken');
    if (actor && expected) {
      const given = await submittedToken(c);
      if (!given || !sameSecret(given, expected)) {
        return refuse(
          c,
          403,
          'The form had expired or was not sent from paved. Go back, reload the page and try again.',
        );
      }
    }
    return next();
  };
}

/**
 * Answering a survey or sending a pulse: no per-person counter, whose window
 * would mark the minute someone answered (shared/DESIGN.md, "Privacy rules").
 * One answer per survey and the pulse cooldown bound these routes instead.
 */
const ANSWER_ROUTES = [
  /^\/surveys\/[^/]+$/,
  /^\/api\/v1\/surveys\/[^/]+\/responses$/,
  /^\/pulse\/[^/]+$/,
  /^\/api\/v1\/pulses$/,
];

/** Limits state-changing requests per person (or per address when nobody is signed in). */
export function writeRateLimit(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || isMachineRequest(c)) return next();
    const answering = c.req.method === 'POST' && ANSWER_ROUTES.some((r) => r.test(c.req.path));
    if (answering && c.get('actor')) return next();
    const key = c.get('actor')?.userId ?? `ip:${c.get('clientIp')}`;
    const { allowed, retryAfter } = await hit(deps.handle.db, LIMITS.writes, key);
    if (!allowed) return tooMany(c, retryAfter);
    return next();
  };
}

/** 429 with Retry-After, as problem+json for the API and a page for browsers. */
export function tooMany(c: Context<AppEnv>, retryAfter: number) {
  c.header('Retry-After', String(retryAfter));
  return refuse(c, 429, `Too many attempts. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`);
}
