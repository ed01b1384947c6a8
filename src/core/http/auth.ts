import type { Context, MiddlewareHandler, Next } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  actorFor,
  createUser,
  findSession,
  getUserByEmail,
  personStatus,
  userForToken,
} from '../../identity/store.ts';
import { INGEST_TOKEN_PREFIX } from '../../signals/model.ts';
import { recordAudit } from '../audit.ts';
import { clientAddress, normalizeAddress } from '../net.ts';
import type { RoleName } from '../policy.ts';
import { authorize, type PolicyName } from '../policy.ts';
import type { AppEnv, Deps } from './env.ts';
import { problem } from './problem.ts';
import { refuse } from './refuse.tsx';

/** The node-server bindings Hono passes as `c.env` (absent under `app.request` unless given). */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string }; rawHeaders?: string[] };
}

/** The socket peer's address; 'unknown' when there is no socket (never a trusted value). */
export function peerAddress(c: Context): string {
  const address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return address ? normalizeAddress(address) : 'unknown';
}

/** How many times a header appears in the raw request (duplicates are folded by the time Hono sees them). */
function headerCount(c: Context, name: string): number {
  const raw = (c.env as NodeBindings | undefined)?.incoming?.rawHeaders;
  if (!raw) return c.req.header(name) === undefined ? 0 : 1;
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) n++;
  return n;
}

/** The session cookie's name: `__Host-` (and Secure) when the browser treats the origin as secure. */
export function sessionCookieName(baseUrl: string): { name: string; secure: boolean } {
  const url = new URL(baseUrl);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const secure = url.protocol === 'https:' || loopback;
  return { name: secure ? '__Host-paved_session' : 'paved_session', secure };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/. */
export function setSessionCookie(
  c: Context,
  deps: Deps,
  value: string,
  maxAgeSeconds: number,
): void {
  const { name, secure } = sessionCookieName(deps.config.baseUrl);
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure,
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, deps: Deps): void {
  const { name, secure } = sessionCookieName(deps.config.baseUrl);
  deleteCookie(c, name, { path: '/', secure });
}

export function readSessionCookie(c: Context, deps: Deps): string | undefined {
  return getCookie(c, sessionCookieName(deps.config.baseUrl).name);
}

function unauthorized(c: Context, detail: string) {
  return problem(c, { title: 'Sign-in required', status: 401, detail });
}

/**
 * Decides who is calling, once per request: a bearer token (API only), the
 * session cookie, or — when single sign-on is on and the socket peer is a
 * trusted proxy — the proxy's identity header. Identity headers from anyone
 * else are ignored and logged; headers never count on bearer-token requests.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  const { db } = deps.handle;
  const { config } = deps;
  return async (c, next) => {
    const peer = peerAddress(c);
    const trustedPeer = config.trustedProxies.has(peer);
    c.set('clientIp', clientAddress(peer, c.req.header('x-forwarded-for'), config.trustedProxies));
    c.set('actor', null);
    c.set('csrfToken', null);
    const path = c.req.path;
    const isApi = path.startsWith('/api/');

    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!isApi || !m)
        return unauthorized(c, 'Use "Authorization: Bearer <token>" on /api/v1 only.');
      // An ingest token names a source, not a person: the ingest route checks it (signals/api).
      if (m[1]!.startsWith(INGEST_TOKEN_PREFIX)) return next();
      const user = await userForToken(db, m[1]!);
      if (!user)
        return unauthorized(
          c,
          'The token is unknown, expired or revoked. Create a new one on your account page.',
        );
      const actor = await actorFor(db, user, 'token');
      if (actor === 'deactivated') return unauthorized(c, 'This person has left the organisation.');
      c.set('actor', actor);
      return nextPrivate(c, next);
    }

    if (config.sso) {
      const header = config.sso.header;
      const present = headerCount(c, header) > 0;
      if (present && !trustedPeer) {
        // Spoofing attempt or misconfigured proxy: never believe it, always say so.
        c.get('log').warn({ peer, header }, 'identity header from an untrusted peer ignored');
      } else if (present) {
        const value = c.req.header(header) ?? '';
        if (headerCount(c, header) > 1 || value.includes(',')) {
          c.get('log').warn({ peer, header }, 'duplicate identity header rejected');
          return refuse(c, 400, 'More than one identity header; sign-in refused.');
        }
        const email = value.trim().toLowerCase();
        if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
          return refuse(c, 400, 'The identity header does not hold an email address.');
        }
        // Someone who has left the organisation gets no account, not even a refused one.
        if ((await personStatus(db, email)) === 'inactive') {
          return refuse(c, 403, 'This person has left the organisation.');
        }
        let user = await getUserByEmail(db, email);
        if (!user) {
          const groups = config.sso.groupsHeader
            ? (c.req.header(config.sso.groupsHeader) ?? '')
            : '';
          const role = roleForGroups(groups, config.sso.groupRoles);
          user = await db.transaction().execute(async (trx) => {
            const created = await createUser(trx, {
              email,
              name: email.split('@')[0]!,
              role,
              passwordHash: null,
            });
            await recordAudit(trx, {
              actor: { userId: created.id, email },
              action: 'user.create',
              target: { type: 'user', id: created.id },
              ip: c.get('clientIp'),
              details: { via: 'single-sign-on', role },
            });
            return created;
          });
        }
        if (user.disabledAt) return refuse(c, 403, 'This account is disabled. Ask an admin.');
        const actor = await actorFor(db, user, 'proxy');
        if (actor === 'deactivated')
          return refuse(c, 403, 'This person has left the organisation.');
        c.set('actor', actor);
        // No session: the proxy vouches for every request; the CSRF token is derived instead.
        c.set('csrfToken', deps.secret.hmac('csrf-proxy', user.id));
        return nextPrivate(c, next);
      }
    }

    const cookie = readSessionCookie(c, deps);
    if (cookie) {
      const found = await findSession(db, cookie, { idleHours: config.sessionIdleHours });
      if (found) {
        const actor = await actorFor(db, found.user, 'session');
        if (actor !== 'deactivated') {
          c.set('actor', actor);
          c.set('csrfToken', found.csrfToken);
        }
      } else {
        clearSessionCookie(c, deps);
      }
    }
    await nextPrivate(c, next);
  };
}

/**
 * True for callers that are machines with a credential of their own (an
 * ingest token, a GitHub delivery): their routes verify it and apply their
 * own limits, so the per-person write limit does not count them.
 */
export function isMachineRequest(c: Context): boolean {
  if (c.req.path === '/hooks/github') return true;
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  return Boolean(m?.[1]?.startsWith(INGEST_TOKEN_PREFIX));
}

/** Runs the route; pages and answers for a signed-in person are private, so never cached. */
async function nextPrivate(c: Context<AppEnv>, next: Next): Promise<void> {
  await next();
  if (c.get('actor') && !c.res.headers.has('cache-control')) {
    c.res.headers.set('Cache-Control', 'no-store');
  }
}

function roleForGroups(groups: string, mapping: Record<string, RoleName>): RoleName {
  const order: RoleName[] = ['admin', 'platform', 'leader', 'developer'];
  const mine = groups
    .split(',')
    .map((g) => mapping[g.trim()])
    .filter((r): r is RoleName => Boolean(r));
  return order.find((r) => mine.includes(r)) ?? 'developer';
}

/** Marks a middleware as a route's policy check, so tests can find the policy of every route. */
export const POLICY = Symbol('paved.policy');

/**
 * The policy check every route declares (`policy('org.read')`, or
 * `policy('public')`). A route without one fails the route-policy test.
 */
export function policy(name: PolicyName): MiddlewareHandler<AppEnv> {
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    authorize(c.get('actor'), name);
    await next();
  };
  return Object.assign(check, { [POLICY]: name });
}
