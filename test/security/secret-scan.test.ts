import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { recordAudit } from '../../src/core/audit.ts';
import { sessionCookieName } from '../../src/core/http/auth.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import {
  createLink,
  createSession,
  createToken,
  createUser,
  revokeToken,
  setPassword,
} from '../../src/identity/store.ts';
import { testApp } from '../app.ts';
import { describeEngines } from '../engines.ts';
import { seedOrg } from '../factories.ts';
import {
  fillPath,
  isApiPath,
  isSafeMethod,
  memoryLogger,
  postLogin,
  registeredRoutes,
  setCookieValue,
} from './support.ts';

const COOKIE = sessionCookieName('http://127.0.0.1:3000').name;

// A 256-bit secret as paved writes them (session ids, tokens, links, CSRF tokens), with or
// without the token prefix, standing alone.
const SECRET_SHAPE = /(?<![\w-])(?:pvd_)?[A-Za-z0-9_-]{43}(?![\w-])/g;

/** Where a secret shows up: every known value, any token-looking string, any password hash. */
function findSecrets(text: string, secrets: Set<string>): string[] {
  const hits: string[] = [];
  for (const secret of secrets)
    if (text.includes(secret)) hits.push(`value ${secret.slice(0, 8)}…`);
  for (const m of text.matchAll(/pvd_[A-Za-z0-9_-]{20,}/g)) hits.push(`token ${m[0].slice(0, 8)}…`);
  if (text.includes('scrypt$')) hits.push('password hash (scrypt$)');
  return hits;
}

describeEngines('secrets in logs and the audit log', (handle) => {
  it('never writes a password, token, session id or link to the logs or the audit log', async () => {
    const { db } = handle();
    const logs = memoryLogger('trace');
    const app = testApp(handle(), {}, logs.log);
    await seedOrg(db);
    const secrets = new Set<string>();
    const passwords = new Set<string>();
    const keep = (value: string | undefined) => {
      if (value) secrets.add(value);
    };
    // Every secret-shaped string paved sends back (new tokens, setup links, CSRF tokens) counts.
    const harvest = async (res: Response) => {
      for (const line of res.headers.getSetCookie()) keep(line.split(';')[0]?.split('=')[1]);
      const body = await res.text();
      for (const m of body.matchAll(SECRET_SHAPE)) keep(m[0]);
      return body;
    };

    // Accounts with passwords, tokens, sessions and one-time links.
    const password = { admin: 'admin passphrase 4 tests', ada: 'ada passphrase 4 tests' };
    const newPassword = 'a brand new passphrase!';
    const wrongPassword = 'not the right passphrase';
    for (const p of [...Object.values(password), newPassword, wrongPassword]) passwords.add(p);
    const admin = await createUser(db, {
      email: 'admin@example.test',
      name: 'Admin',
      role: 'admin',
      passwordHash: await hashPassword(password.admin),
    });
    const ada = await createUser(db, {
      email: 'ada.lovelace@example.test',
      name: 'Ada Lovelace',
      role: 'developer',
      passwordHash: await hashPassword(password.ada),
    });
    const tokens = {
      admin: await createToken(db, { userId: admin.id, name: 'laptop', expiresAt: null }),
      ada: await createToken(db, { userId: ada.id, name: 'ci', expiresAt: null }),
      revoked: await createToken(db, { userId: ada.id, name: 'old', expiresAt: null }),
    };
    for (const t of Object.values(tokens)) keep(t.value);
    await revokeToken(db, tokens.revoked.token.id);
    const links = {
      reset: await createLink(db, 'reset', ada.id, 1),
      setup: await createLink(db, 'setup', null, 1),
    };
    for (const l of Object.values(links)) keep(l);
    const unknownToken = `pvd_${randomBytes(32).toString('base64url')}`;
    keep(unknownToken);

    // Sign in through the form, when there is one: right, wrong, unknown account.
    let requests = 0;
    const cookies: Record<string, string> = {};
    for (const [who, user] of [
      ['admin', admin],
      ['ada', ada],
    ] as const) {
      const res = await postLogin(app, { email: user.email, password: password[who] });
      if (res) {
        requests += 2;
        expect(res.status, `sign-in of ${who}`).toBe(303);
        await harvest(res);
        cookies[who] = setCookieValue(res, COOKIE)!;
      }
    }
    for (const attempt of [
      { email: ada.email, password: wrongPassword },
      { email: 'nobody@example.test', password: wrongPassword },
    ]) {
      const res = await postLogin(app, attempt);
      if (res) {
        requests += 2;
        await harvest(res);
      }
    }
    const sessionFor = async (userId: string) => {
      const s = await createSession(db, userId, { maxDays: 1 });
      keep(s.cookieValue);
      keep(s.csrfToken);
      return s;
    };
    for (const [who, user] of [
      ['admin', admin],
      ['ada', ada],
    ] as const) {
      cookies[who] ??= (await sessionFor(user.id)).cookieValue;
    }

    // Call every route as each person, reads first; writes with plausible form and JSON bodies.
    const routes = registeredRoutes(app).filter((r) => r.policies.length > 0);
    routes.sort((a, b) => Number(!isSafeMethod(a.method)) - Number(!isSafeMethod(b.method)));
    for (const route of routes) {
      for (const [who, user] of [
        ['admin', admin],
        ['ada', ada],
      ] as const) {
        const { url } = fillPath(route.path, (name, before) => {
          if (name === 'token') return before === 'setup' ? links.setup : links.reset;
          if (name === 'slug') return 'payments';
          if (name === 'id' && before === 'users') return ada.id;
          if (name === 'id' && before === 'tokens') return tokens.revoked.token.id;
          return undefined;
        });
        const headers: Record<string, string> = {};
        let body: string | undefined;
        if (isApiPath(route.path)) {
          headers.Authorization = `Bearer ${tokens[who].value}`;
          if (!isSafeMethod(route.method)) {
            headers['Content-Type'] = 'application/json';
            body = JSON.stringify({
              name: 'scan',
              email: `scan-${requests}@example.test`,
              role: 'developer',
              expiresInDays: 30,
            });
          }
        } else if (isSafeMethod(route.method)) {
          headers.Cookie = `${COOKIE}=${cookies[who]}`;
        } else {
          const s = await sessionFor(user.id);
          headers.Cookie = `${COOKIE}=${s.cookieValue}`;
          headers.Origin = 'http://localhost';
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
          body = new URLSearchParams({
            _csrf: s.csrfToken,
            name: 'Scan Person',
            email: `scan-${requests}@example.test`,
            role: 'developer',
            password: newPassword,
            currentPassword: password[who],
            newPassword,
            expires: '30d',
            cursor: '',
          }).toString();
        }
        const res = await app.request(url, { method: route.method, headers, body });
        await harvest(res);
        requests++;
      }
    }

    // Credentials in the wrong places: an unknown token, a token in the query, a token on a page.
    for (const [url, headers] of [
      ['/api/v1/teams', { Authorization: `Bearer ${unknownToken}` }],
      ['/api/v1/teams', { Authorization: `Bearer ${tokens.revoked.value}` }],
      [`/api/v1/teams?access_token=${tokens.ada.value}`, {}],
      ['/teams', { Authorization: `Bearer ${tokens.admin.value}` }],
      ['/teams', { Cookie: `${COOKIE}=${unknownToken}` }],
    ] as const) {
      await harvest(await app.request(url, { headers }));
      requests++;
    }

    // Store-level changes that callers audit, with secrets offered in the details.
    await setPassword(db, ada.id, await hashPassword(newPassword));
    await recordAudit(db, {
      actor: { userId: admin.id, email: admin.email },
      action: 'token.create',
      target: { type: 'token', id: tokens.admin.token.id },
      details: {
        token: tokens.admin.value,
        password: password.admin,
        passwordHash: 'scrypt$32768$8$1$salt$hash',
        sessionId: cookies.admin!,
        name: 'laptop',
      },
    });

    const logText = logs.text();
    const auditRows = await db.selectFrom('audit_log').selectAll().execute();
    const auditText = auditRows.map((r) => JSON.stringify(r)).join('\n');
    const all = new Set([...secrets, ...passwords]);
    const hits = [
      ...findSecrets(logText, all).map((h) => `log: ${h}`),
      ...findSecrets(auditText, all).map((h) => `audit_log: ${h}`),
    ];

    // The scan looked at real output: every request logged, the audit log written.
    expect(logs.records().filter((r) => r.msg === 'request').length).toBe(requests);
    expect(auditRows.length).toBeGreaterThan(0);
    expect(auditText).toContain('laptop');
    expect(secrets.size).toBeGreaterThan(8);
    expect(hits).toEqual([]);
  }, 120_000); // A sweep over every route: the timeout only catches a hang.

  it('stores tokens, session ids and links only as hashes', async () => {
    const { db } = handle();
    const password = 'stored passphrase 4 tests';
    const user = await createUser(db, {
      email: 'store@example.test',
      name: 'Store',
      role: 'developer',
      passwordHash: await hashPassword(password),
    });
    const token = await createToken(db, { userId: user.id, name: 'x', expiresAt: null });
    const session = await createSession(db, user.id, { maxDays: 1 });
    const link = await createLink(db, 'reset', user.id, 1);
    const dump: string[] = [];
    for (const table of ['users', 'sessions', 'api_tokens', 'one_time_links', 'audit_log']) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
        db,
      );
      dump.push(...rows.rows.map((r) => JSON.stringify(r)));
    }
    const text = dump.join('\n');
    expect(text).toContain(user.id);
    for (const secret of [token.value, session.cookieValue, link, password]) {
      expect(text.includes(secret), secret.slice(0, 6)).toBe(false);
    }
  });
});
