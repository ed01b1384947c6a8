import { expect, it } from 'vitest';
import type { DbHandle } from '../../src/core/db/index.ts';
import { sessionCookieName } from '../../src/core/http/auth.ts';
import { can } from '../../src/core/policy.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import {
  actorFor,
  createSession,
  createUser,
  setDisabled,
  setPassword,
} from '../../src/identity/store.ts';
import { signIn, type TestUser, testApp } from '../app.ts';
import { describeEngines } from '../engines.ts';
import { seedOrg } from '../factories.ts';
import {
  fillPath,
  isApiPath,
  isAssetPath,
  isSafeMethod,
  postLogin,
  registeredRoutes,
  setCookieValue,
} from './support.ts';

const COOKIE = sessionCookieName('http://127.0.0.1:3000').name;
const HOUR = 3600_000;

/** Whether a session cookie is accepted: the API answers 200, or 401 when it is not. */
async function accepted(app: ReturnType<typeof testApp>, cookieValue: string): Promise<boolean> {
  const res = await app.request('/api/v1/teams', {
    headers: { Cookie: `${COOKIE}=${cookieValue}` },
  });
  if (res.status !== 200 && res.status !== 401) throw new Error(`unexpected ${res.status}`);
  return res.status === 200;
}

async function sessionCount(db: DbHandle['db'], userId: string): Promise<number> {
  return (await db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).execute())
    .length;
}

async function userWithPassword(db: DbHandle['db'], email: string, password: string) {
  return createUser(db, {
    email,
    name: 'Pat Example',
    role: 'developer',
    passwordHash: await hashPassword(password),
  });
}

describeEngines('sessions', (handle) => {
  it('accepts a fresh session and refuses one idle past the timeout', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await createUser(db, {
      email: 'idle@example.test',
      name: 'Idle',
      role: 'developer',
      passwordHash: null,
    });
    const active = await createSession(db, user.id, { maxDays: 7 });
    const idle = await createSession(db, user.id, { maxDays: 7 });
    const recent = await createSession(db, user.id, { maxDays: 7 });
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const setSeen = (csrfToken: string, at: string) =>
      db
        .updateTable('sessions')
        .set({ last_seen_at: at })
        .where('csrf_token', '=', csrfToken)
        .execute();
    // The default idle timeout is 8 hours (kept to the quarter hour).
    await setSeen(idle.csrfToken, ago(8 * HOUR + 20 * 60_000));
    await setSeen(recent.csrfToken, ago(7 * HOUR));

    expect(await accepted(app, active.cookieValue)).toBe(true);
    expect(await accepted(app, recent.cookieValue)).toBe(true);
    expect(await accepted(app, idle.cookieValue)).toBe(false);
    expect(await sessionCount(db, user.id)).toBe(2);
  });

  it('refuses a session past its absolute expiry, however recently it was used', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await createUser(db, {
      email: 'old@example.test',
      name: 'Old',
      role: 'developer',
      passwordHash: null,
    });
    const session = await createSession(db, user.id, { maxDays: 7 });
    expect(await accepted(app, session.cookieValue)).toBe(true);
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    expect(await accepted(app, session.cookieValue)).toBe(false);
    expect(await sessionCount(db, user.id)).toBe(0);
    // A session started long ago (seven days by default) expires even when used every hour.
    const started = new Date(Date.now() - 7 * 24 * HOUR - 60_000);
    const stale = await createSession(db, user.id, { maxDays: 7, now: started });
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date().toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    expect(await accepted(app, stale.cookieValue)).toBe(false);
  });

  it('keeps session activity to the quarter hour', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await signIn(handle(), 'developer');
    // Seen 61 minutes and some seconds ago: the next request moves it to a quarter hour.
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 61 * 60_000 - 7_000).toISOString() })
      .execute();
    expect(await accepted(app, user.cookie.Cookie!.split('=')[1]!)).toBe(true);
    const row = await db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow();
    expect(row.last_seen_at).toMatch(/T\d\d:(00|15|30|45):00\.000Z$/);
  });

  it('ends every session of a user who is disabled, and enabling does not revive them', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await signIn(handle(), 'developer');
    const other = await createSession(db, user.user.id, { maxDays: 7 });
    const cookie = user.cookie.Cookie!.split('=')[1]!;
    expect(await accepted(app, cookie)).toBe(true);
    await setDisabled(db, user.user.id, true);
    expect(await sessionCount(db, user.user.id)).toBe(0);
    expect(await accepted(app, cookie)).toBe(false);
    expect((await app.request('/api/v1/teams', { headers: user.bearer })).status).toBe(401);
    await setDisabled(db, user.user.id, false);
    expect(await accepted(app, cookie)).toBe(false);
    expect(await accepted(app, other.cookieValue)).toBe(false);
  });

  it('ends every session when the password changes', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await signIn(handle(), 'developer');
    const cookie = user.cookie.Cookie!.split('=')[1]!;
    expect(await accepted(app, cookie)).toBe(true);
    await setPassword(db, user.user.id, await hashPassword('a new long passphrase'));
    expect(await sessionCount(db, user.user.id)).toBe(0);
    expect(await accepted(app, cookie)).toBe(false);
  });

  it('refuses the session of a user whose person has left the organisation', async () => {
    const { db } = handle();
    await seedOrg(db);
    const app = testApp(handle());
    const ada = await signIn(handle(), 'developer', 'ada.lovelace@example.test');
    const cookie = ada.cookie.Cookie!.split('=')[1]!;
    expect(await accepted(app, cookie)).toBe(true);
    await db
      .updateTable('people')
      .set({ inactive_since: '2026-10-15' })
      .where('email', '=', 'ada.lovelace@example.test')
      .execute();
    expect(await accepted(app, cookie)).toBe(false);
    expect((await app.request('/api/v1/teams', { headers: ada.bearer })).status).toBe(401);
  });

  it('records the day a token was last used, never the time', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await signIn(handle(), 'developer');
    const before = await db
      .selectFrom('api_tokens')
      .select('last_used_on')
      .executeTakeFirstOrThrow();
    expect(before.last_used_on).toBeNull();
    expect((await app.request('/api/v1/teams', { headers: user.bearer })).status).toBe(200);
    const after = await db
      .selectFrom('api_tokens')
      .select('last_used_on')
      .executeTakeFirstOrThrow();
    expect(after.last_used_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(after.last_used_on).toBe(new Date().toISOString().slice(0, 10));
  });

  it('starts a new session at sign-in and drops the one the browser had', async (ctx) => {
    const { db } = handle();
    const app = testApp(handle());
    const user = await userWithPassword(db, 'pat@example.test', 'correct horse battery');
    const planted = 'planted-by-an-attacker-0123456789abcdef';
    const first = await postLogin(
      app,
      { email: 'pat@example.test', password: 'correct horse battery' },
      { Cookie: `${COOKIE}=${planted}` },
    );
    if (!first) return ctx.skip('POST /login is not registered yet');
    expect(first.status).toBe(303);
    const issued = setCookieValue(first, COOKIE);
    expect(issued).toBeTruthy();
    expect(issued).not.toBe(planted);
    expect(await accepted(app, issued!)).toBe(true);
    expect(await accepted(app, planted)).toBe(false);

    const again = await postLogin(
      app,
      { email: 'pat@example.test', password: 'correct horse battery' },
      { Cookie: `${COOKIE}=${issued}` },
    );
    const rotated = setCookieValue(again!, COOKIE);
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(issued);
    expect(await accepted(app, rotated!)).toBe(true);
    expect(await accepted(app, issued!)).toBe(false);
    expect(await sessionCount(db, user.id)).toBe(1);
  });

  it('refuses a session cookie after sign-out', async (ctx) => {
    const app = testApp(handle());
    if (!registeredRoutes(app).some((r) => r.method === 'POST' && r.path === '/logout')) {
      return ctx.skip('POST /logout is not registered yet');
    }
    const user = await signIn(handle(), 'developer');
    const cookie = user.cookie.Cookie!.split('=')[1]!;
    const res = await app.request('/logout', {
      method: 'POST',
      headers: {
        ...user.cookie,
        Origin: 'http://localhost',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: user.csrfToken }).toString(),
    });
    expect(res.status).toBe(303);
    expect(await accepted(app, cookie)).toBe(false);
    expect(await sessionCount(handle().db, user.user.id)).toBe(0);
  });
});

/** Every state-changing route registered now, plus an unknown path (the check is global). */
function unsafeTargets(app: ReturnType<typeof testApp>) {
  return [
    ...registeredRoutes(app)
      .filter((r) => !isSafeMethod(r.method))
      .map((r) => ({ method: r.method, path: r.path, policy: r.policies[0] })),
    { method: 'POST', path: '/csrf-probe', policy: undefined },
    { method: 'POST', path: '/api/v1/csrf-probe', policy: undefined },
  ];
}

describeEngines('CSRF', (handle) => {
  it('refuses cross-site and tokenless state changes with a valid session on every unsafe route', async () => {
    const { db } = handle();
    const app = testApp(handle());
    const admin = await signIn(handle(), 'admin', 'root@example.test');
    const actor = await actorFor(db, admin.user, 'session');
    if (actor === 'deactivated') throw new Error('deactivated');
    const results: string[] = [];
    const targets = unsafeTargets(app);
    expect(targets.length).toBeGreaterThan(2);
    for (const target of targets) {
      const { url } = fillPath(target.path, () => undefined);
      const send = async (
        name: string,
        opts: { headers?: Record<string, string>; field?: boolean; header?: boolean },
      ) => {
        // A fresh session each time: a sign-out or a refusal must not spoil the next case.
        const s = await createSession(db, admin.user.id, { maxDays: 1 });
        const body = new URLSearchParams(opts.field ? { _csrf: s.csrfToken } : {}).toString();
        const res = await app.request(url, {
          method: target.method,
          headers: {
            Cookie: `${COOKIE}=${s.cookieValue}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            ...(opts.header ? { 'X-CSRF-Token': s.csrfToken } : {}),
            ...opts.headers,
          },
          body,
        });
        await res.arrayBuffer();
        return { name, status: res.status };
      };
      const refused = [
        await send('Origin: https://evil.example', {
          field: true,
          header: true,
          headers: { Origin: 'https://evil.example' },
        }),
        await send('Origin: null', { field: true, header: true, headers: { Origin: 'null' } }),
        await send('Sec-Fetch-Site: cross-site', {
          field: true,
          header: true,
          headers: { 'Sec-Fetch-Site': 'cross-site' },
        }),
        await send('same origin, no token', { headers: { Origin: 'http://localhost' } }),
        await send('same origin, wrong token', {
          headers: { Origin: 'http://localhost', 'X-CSRF-Token': 'x'.repeat(43) },
        }),
      ];
      for (const r of refused) {
        if (r.status !== 403)
          results.push(`${target.method} ${target.path}: ${r.name} → ${r.status}`);
      }
      // With the token (as the form field or the header) the CSRF check lets it through.
      if (target.policy && !can(actor, target.policy, {})) continue;
      const passed = [
        await send('form field _csrf', {
          field: true,
          headers: { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' },
        }),
        await send('X-CSRF-Token header', { header: true }),
      ];
      for (const r of passed) {
        if (r.status === 403) results.push(`${target.method} ${target.path}: ${r.name} → 403`);
      }
    }
    expect(results).toEqual([]);
  });

  it('refuses a cross-site post from a browser that is not signed in (sign-in CSRF)', async () => {
    const app = testApp(handle());
    for (const target of unsafeTargets(app)) {
      const { url } = fillPath(target.path, () => undefined);
      const res = await app.request(url, {
        method: target.method,
        headers: {
          Origin: 'https://evil.example',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'email=a%40example.test&password=whatever-long-enough',
      });
      expect(res.status, `${target.method} ${target.path}`).toBe(403);
    }
  });

  it('does not ask bearer-token API calls for a CSRF token', async () => {
    const app = testApp(handle());
    const admin = await signIn(handle(), 'admin');
    const res = await app.request('/api/v1/csrf-probe', {
      method: 'POST',
      headers: {
        ...admin.bearer,
        Origin: 'https://evil.example',
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });
});

/** Every registered GET route, with `slug` filled in; other parameters get placeholders. */
function getUrls(app: ReturnType<typeof testApp>): string[] {
  return [
    ...registeredRoutes(app)
      .filter((r) => r.method === 'GET')
      .map((r) => fillPath(r.path, (name) => (name === 'slug' ? 'payments' : undefined)).url),
    '/no-such-page',
    '/api/v1/no-such-thing',
  ];
}

function headerProblems(res: Response, url: string, opts: { hsts: boolean }): string[] {
  const problems: string[] = [];
  const csp = res.headers.get('content-security-policy') ?? '';
  if (!csp) problems.push('no Content-Security-Policy');
  if (/unsafe-/.test(csp)) problems.push(`CSP allows unsafe sources: ${csp}`);
  if (!/default-src 'self'/.test(csp)) problems.push("CSP lacks default-src 'self'");
  if (!/frame-ancestors 'none'/.test(csp)) problems.push("CSP lacks frame-ancestors 'none'");
  if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push('no nosniff');
  if (res.headers.get('referrer-policy') !== 'same-origin') problems.push('Referrer-Policy');
  const hsts = res.headers.get('strict-transport-security');
  if (opts.hsts && !/max-age=\d{7,}/.test(hsts ?? '')) problems.push('no HSTS');
  if (!opts.hsts && hsts) problems.push('HSTS over http');
  return problems.map((p) => `${url} (${res.status}): ${p}`);
}

describeEngines('security headers', (handle) => {
  it('sends the security headers on every GET route, signed in or not', async () => {
    await seedOrg(handle().db);
    const app = testApp(handle());
    const admin: TestUser = await signIn(handle(), 'admin');
    const problems: string[] = [];
    const urls = getUrls(app);
    for (const url of urls) {
      for (const headers of [{}, admin.cookie, ...(isApiPath(url) ? [admin.bearer] : [])]) {
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        problems.push(...headerProblems(res, url, { hsts: false }));
      }
    }
    expect(urls.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('keeps every answer to a signed-in person out of caches', async () => {
    await seedOrg(handle().db);
    const app = testApp(handle());
    const admin = await signIn(handle(), 'admin');
    const cached: string[] = [];
    for (const url of getUrls(app).filter((u) => !isAssetPath(u))) {
      const auth = isApiPath(url) ? [admin.cookie, admin.bearer] : [admin.cookie];
      for (const headers of auth) {
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        if (!/no-store/.test(res.headers.get('cache-control') ?? '')) {
          cached.push(`${url} (${res.status}): ${res.headers.get('cache-control')}`);
        }
      }
    }
    expect(cached).toEqual([]);
  });

  it('sends HSTS on every GET route when the base URL is https', async () => {
    await seedOrg(handle().db);
    const app = testApp(handle(), { PAVED_BASE_URL: 'https://paved.example.com' });
    const admin = await signIn(handle(), 'admin');
    const problems: string[] = [];
    for (const url of getUrls(app)) {
      for (const headers of [{}, isApiPath(url) ? admin.bearer : admin.cookie]) {
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        problems.push(...headerProblems(res, url, { hsts: true }));
      }
    }
    expect(problems).toEqual([]);
  });
});
