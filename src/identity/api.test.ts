import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import type { Db } from '../core/db/index.ts';
import { LIMITS } from '../core/ratelimit.ts';
import { createToken, getUserByEmail, peekLink } from './store.ts';

type Json = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  errors?: { path: string; message: string }[];
};

async function count(db: Db, table: 'users' | 'api_tokens' | 'audit_log' | 'one_time_links') {
  const row = await db
    .selectFrom(table)
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every audit row as text, to scan for secrets. */
async function auditText(db: Db): Promise<string> {
  return JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
}

describeEngines('identity API', (handle) => {
  async function call(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) {
    const res = await testApp(handle()).request(`/api/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      headers: res.headers,
      body: (text ? JSON.parse(text) : undefined) as Json,
    };
  }

  it('answers who you are, with your team and how you signed in', async () => {
    await seedOrg(handle().db);
    const ada = await signIn(handle(), 'developer', 'ada.lovelace@example.test');
    const viaToken = await call('GET', '/me', ada.bearer);
    expect(viaToken.status).toBe(200);
    expect(viaToken.body).toEqual({
      id: ada.user.id,
      email: 'ada.lovelace@example.test',
      name: 'Test developer',
      role: 'developer',
      team: 'payments',
      via: 'token',
    });
    const viaSession = await call('GET', '/me', ada.cookie);
    expect(viaSession.body).toMatchObject({ via: 'session', team: 'payments' });
    const noPerson = await signIn(handle(), 'leader');
    expect((await call('GET', '/me', noPerson.bearer)).body).toMatchObject({
      team: null,
      role: 'leader',
    });
  });

  it('refuses anonymous callers on every identity route with problem+json 401', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/me'],
      ['GET', '/users'],
      ['POST', '/users', { email: 'x@example.com', name: 'X', role: 'developer' }],
      ['PATCH', '/users/abc', { role: 'admin' }],
      ['GET', '/tokens'],
      ['POST', '/tokens', { name: 'ci' }],
      ['DELETE', '/tokens/abc'],
      ['GET', '/audit'],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(method, path, {}, body);
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.type).toBe('application/problem+json');
    }
    expect(await count(handle().db, 'users')).toBe(0);
  });

  it('refuses users, roles and the audit log to anyone but admins with 403', async () => {
    for (const role of ['developer', 'platform', 'leader'] as const) {
      const { bearer, user } = await signIn(handle(), role);
      const attempts = [
        await call('GET', '/users', bearer),
        await call('POST', '/users', bearer, { email: 'x@example.com', name: 'X', role: 'admin' }),
        await call('PATCH', `/users/${user.id}`, bearer, { role: 'admin' }),
        await call('GET', '/audit', bearer),
      ];
      expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403]);
      expect(attempts[0]!.body).toMatchObject({ status: 403, title: 'Forbidden' });
    }
    expect(await getUserByEmail(handle().db, 'x@example.com')).toBeUndefined();
    expect(await count(handle().db, 'audit_log')).toBe(0);
  });

  it('lists accounts by email, page by page, without password hashes', async () => {
    const admin = await signIn(handle(), 'admin', 'a-admin@example.test');
    await signIn(handle(), 'developer', 'b-dev@example.test');
    await signIn(handle(), 'leader', 'c-lead@example.test');
    const first = await call('GET', '/users?limit=2', admin.bearer);
    expect(first.status).toBe(200);
    expect(first.body.items!.map((u) => u.email)).toEqual([
      'a-admin@example.test',
      'b-dev@example.test',
    ]);
    expect(Object.keys(first.body.items![0]!).sort()).toEqual([
      'createdAt',
      'disabled',
      'disabledAt',
      'email',
      'hasPassword',
      'id',
      'name',
      'role',
    ]);
    const second = await call(
      'GET',
      `/users?limit=2&cursor=${first.body.nextCursor}`,
      admin.bearer,
    );
    expect(second.body).toMatchObject({
      items: [{ email: 'c-lead@example.test' }],
      nextCursor: null,
    });
    const bad = await call('GET', '/users?limit=0', admin.bearer);
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.path).toBe('limit');
  });

  it('adds an account with a one-time setup link valid for 24 hours, audited without the link', async () => {
    const admin = await signIn(handle(), 'admin');
    const res = await call('POST', '/users', admin.bearer, {
      email: ' New.Person@Example.com ',
      name: 'New Person',
      role: 'platform',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'new.person@example.com',
      name: 'New Person',
      role: 'platform',
      disabled: false,
      hasPassword: false,
    });
    const link = String(res.body.setupLink);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/reset\/[A-Za-z0-9_-]{43}$/);
    const value = link.split('/reset/')[1]!;
    expect(await peekLink(handle().db, value, 'reset')).toEqual({ userId: res.body.id });
    const hours = (Date.parse(String(res.body.setupLinkExpiresAt)) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    const audit = await call('GET', '/audit', admin.bearer);
    expect(audit.body.items!.map((e) => e.action).sort()).toEqual(['link.create', 'user.create']);
    expect(audit.body.items![0]).toMatchObject({
      actor: { id: admin.user.id, email: admin.user.email },
      target: { type: 'user', id: res.body.id },
    });
    expect(await auditText(handle().db)).not.toContain(value);
  });

  it('names the field of bad input and writes nothing', async () => {
    const admin = await signIn(handle(), 'admin');
    const before = await count(handle().db, 'audit_log');
    const badEmail = await call('POST', '/users', admin.bearer, {
      email: 'not-an-email',
      name: 'X',
      role: 'developer',
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.type).toBe('application/problem+json');
    expect(badEmail.body.errors![0]!.path).toBe('email');
    const badRole = await call('POST', '/users', admin.bearer, {
      email: 'x@example.com',
      name: '',
      role: 'owner',
    });
    expect(badRole.body.errors!.map((e) => e.path).sort()).toEqual(['name', 'role']);
    const noBody = await call('POST', '/users', admin.bearer);
    expect(noBody.status).toBe(400);
    expect(await count(handle().db, 'users')).toBe(1);
    expect(await count(handle().db, 'one_time_links')).toBe(0);
    expect(await count(handle().db, 'audit_log')).toBe(before);
  });

  it('refuses a second account with the same email with 409', async () => {
    const admin = await signIn(handle(), 'admin', 'boss@example.test');
    const res = await call('POST', '/users', admin.bearer, {
      email: 'BOSS@example.test',
      name: 'Boss again',
      role: 'developer',
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'Conflict' });
    expect(String(res.body.detail)).toContain('boss@example.test');
    expect(await count(handle().db, 'users')).toBe(1);
    expect(await count(handle().db, 'one_time_links')).toBe(0);
    expect(await count(handle().db, 'audit_log')).toBe(0);
  });

  it('changes a role and disables and enables an account, each audited', async () => {
    const admin = await signIn(handle(), 'admin');
    const dev = await signIn(handle(), 'developer');
    const promoted = await call('PATCH', `/users/${dev.user.id}`, admin.bearer, {
      role: 'platform',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'platform', disabled: false });

    const disabled = await call('PATCH', `/users/${dev.user.id}`, admin.bearer, { disabled: true });
    expect(disabled.body).toMatchObject({ disabled: true });
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    expect((await call('GET', '/me', dev.bearer)).status).toBe(401);
    expect((await call('GET', '/me', dev.cookie)).status).toBe(401);

    const enabled = await call('PATCH', `/users/${dev.user.id}`, admin.bearer, { disabled: false });
    expect(enabled.body).toMatchObject({ disabled: false, disabledAt: null });
    expect((await call('GET', '/me', dev.bearer)).status).toBe(200);

    // Asking for what already is changes nothing and records nothing.
    await call('PATCH', `/users/${dev.user.id}`, admin.bearer, { role: 'platform' });
    const audit = await call('GET', '/audit?action=user.', admin.bearer);
    expect(audit.body.items!.map((e) => [e.action, e.details, e.target])).toEqual(
      expect.arrayContaining([
        ['user.enable', {}, { type: 'user', id: dev.user.id }],
        ['user.disable', {}, { type: 'user', id: dev.user.id }],
        ['user.role', { from: 'developer', to: 'platform' }, { type: 'user', id: dev.user.id }],
      ]),
    );
    expect(audit.body.items).toHaveLength(3);
  });

  it('refuses to let admins disable or demote themselves, and 404s unknown accounts', async () => {
    const admin = await signIn(handle(), 'admin');
    const self = `/users/${admin.user.id}`;
    const disable = await call('PATCH', self, admin.bearer, { disabled: true });
    expect(disable.status).toBe(409);
    expect(String(disable.body.detail)).toContain('cannot disable your own account');
    const demote = await call('PATCH', self, admin.bearer, { role: 'developer' });
    expect(demote.status).toBe(409);
    expect((await call('PATCH', self, admin.bearer, { role: 'admin' })).status).toBe(200);
    expect((await call('GET', '/me', admin.bearer)).body).toMatchObject({ role: 'admin' });

    const unknown = await call('PATCH', '/users/no-such-id', admin.bearer, { role: 'leader' });
    expect(unknown.status).toBe(404);
    expect(unknown.type).toBe('application/problem+json');
    const empty = await call('PATCH', self, admin.bearer, {});
    expect(empty.status).toBe(400);
    const email = await call('PATCH', self, admin.bearer, { email: 'new@example.com' });
    expect(email.status).toBe(400);
    const role = await call('PATCH', self, admin.bearer, { role: 'root' });
    expect(role.body.errors![0]!.path).toBe('role');
    expect(await count(handle().db, 'audit_log')).toBe(0);
  });

  it('shows a new token once; the list never shows a value', async () => {
    const dev = await signIn(handle(), 'developer');
    const res = await call('POST', '/tokens', dev.bearer, { name: 'laptop' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'id', 'name', 'token']);
    const value = String(res.body.token);
    expect(value).toMatch(/^pvd_/);
    const days = (Date.parse(String(res.body.expiresAt)) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const me = await call('GET', '/me', { Authorization: `Bearer ${value}` });
    expect(me.body).toMatchObject({ id: dev.user.id, via: 'token' });

    const list = await call('GET', '/tokens', dev.bearer);
    expect(list.body.items!.map((t) => t.name).sort()).toEqual(['laptop', 'test']);
    expect(list.body.items!.find((t) => t.name === 'laptop')).toMatchObject({
      id: res.body.id,
      state: 'active',
      prefix: value.slice(0, 10),
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(value);
    expect(JSON.stringify(list.body)).not.toContain(dev.token);
    expect(await auditText(handle().db)).not.toContain(value);

    // Another person sees only their own tokens.
    const other = await signIn(handle(), 'admin');
    const theirs = await call('GET', '/tokens', other.bearer);
    expect(theirs.body.items!.map((t) => t.name)).toEqual(['test']);
  });

  it('pages through tokens', async () => {
    const dev = await signIn(handle(), 'developer');
    for (const name of ['one', 'two', 'three']) {
      await call('POST', '/tokens', dev.bearer, { name });
    }
    const names: unknown[] = [];
    let cursor: unknown = null;
    let pages = 0;
    do {
      const page = await call(
        'GET',
        `/tokens?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        dev.bearer,
      );
      names.push(...page.body.items!.map((t) => t.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(names.sort()).toEqual(['one', 'test', 'three', 'two']);
  });

  it('creates tokens that never expire, and refuses lifetimes out of range naming the field', async () => {
    const dev = await signIn(handle(), 'developer');
    const forever = await call('POST', '/tokens', dev.bearer, { name: 'ci', expiresInDays: null });
    expect(forever.status).toBe(201);
    expect(forever.body.expiresAt).toBeNull();
    const tokensBefore = await count(handle().db, 'api_tokens');
    for (const bad of [0, 3651, 1.5, '30']) {
      const res = await call('POST', '/tokens', dev.bearer, { name: 'x', expiresInDays: bad });
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.path).toBe('expiresInDays');
    }
    const noName = await call('POST', '/tokens', dev.bearer, { name: '  ' });
    expect(noName.body.errors![0]!.path).toBe('name');
    expect(await count(handle().db, 'api_tokens')).toBe(tokensBefore);
  });

  it('revokes your own token, which stops authenticating at once', async () => {
    const dev = await signIn(handle(), 'developer');
    const created = await call('POST', '/tokens', dev.bearer, { name: 'old laptop' });
    const auth = { Authorization: `Bearer ${created.body.token}` };
    const res = await call('DELETE', `/tokens/${created.body.id}`, dev.bearer);
    expect(res.status).toBe(204);
    const me = await call('GET', '/me', auth);
    expect(me.status).toBe(401);
    expect(me.type).toBe('application/problem+json');
    const list = await call('GET', '/tokens', dev.bearer);
    expect(list.body.items!.find((t) => t.id === created.body.id)).toMatchObject({
      state: 'revoked',
    });
    // Revoking again is harmless and not recorded twice.
    expect((await call('DELETE', `/tokens/${created.body.id}`, dev.bearer)).status).toBe(204);
    const audit = await handle()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'token.revoke')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: dev.user.id, target_id: created.body.id });
  });

  it('hides other people’s tokens behind 404, but lets an admin revoke any', async () => {
    const owner = await signIn(handle(), 'developer');
    const stranger = await signIn(handle(), 'platform');
    const admin = await signIn(handle(), 'admin');
    const tokenId = (
      await handle()
        .db.selectFrom('api_tokens')
        .select('id')
        .where('user_id', '=', owner.user.id)
        .executeTakeFirstOrThrow()
    ).id;
    const denied = await call('DELETE', `/tokens/${tokenId}`, stranger.bearer);
    expect(denied.status).toBe(404);
    expect(denied.type).toBe('application/problem+json');
    expect((await call('GET', '/me', owner.bearer)).status).toBe(200);
    expect((await call('DELETE', '/tokens/no-such-token', owner.bearer)).status).toBe(404);

    expect((await call('DELETE', `/tokens/${tokenId}`, admin.bearer)).status).toBe(204);
    expect((await call('GET', '/me', owner.bearer)).status).toBe(401);
    const audit = await call('GET', '/audit?action=token.revoke', admin.bearer);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: { id: admin.user.id, email: admin.user.email },
        details: { ownerId: owner.user.id, name: 'test' },
      }),
    ]);
  });

  it('refuses an expired token', async () => {
    const dev = await signIn(handle(), 'developer');
    const { value } = await createToken(handle().db, {
      userId: dev.user.id,
      name: 'expired',
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const res = await call('GET', '/me', { Authorization: `Bearer ${value}` });
    expect(res.status).toBe(401);
    expect(String(res.body.detail)).toContain('expired');
  });

  it(`limits token creation to ${LIMITS.tokenCreate.limit} an hour per person, with Retry-After`, async () => {
    const dev = await signIn(handle(), 'developer');
    for (let i = 0; i < LIMITS.tokenCreate.limit; i++) {
      expect((await call('POST', '/tokens', dev.bearer, { name: `t${i}` })).status).toBe(201);
    }
    const tokens = await count(handle().db, 'api_tokens');
    const res = await call('POST', '/tokens', dev.bearer, { name: 'one too many' });
    expect(res.status).toBe(429);
    expect(res.type).toBe('application/problem+json');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.tokenCreate.windowSeconds);
    expect(await count(handle().db, 'api_tokens')).toBe(tokens);
    // The limit is per person: someone else still can.
    const other = await signIn(handle(), 'developer');
    expect((await call('POST', '/tokens', other.bearer, { name: 'mine' })).status).toBe(201);
  });

  it('filters the audit log by action, actor and dates, page by page', async () => {
    const admin = await signIn(handle(), 'admin', 'admin@example.test');
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    await call('POST', '/tokens', dev.bearer, { name: 'a' });
    await call('POST', '/tokens', dev.bearer, { name: 'b' });
    await call('PATCH', `/users/${dev.user.id}`, admin.bearer, { role: 'leader' });

    const byDev = await call('GET', '/audit?actor=DEV@example.test', admin.bearer);
    expect(byDev.body.items!.map((e) => e.action)).toEqual(['token.create', 'token.create']);
    expect(byDev.body.items!.map((e) => (e.details as { name: string }).name).sort()).toEqual([
      'a',
      'b',
    ]);
    expect(byDev.body.items![0]).toMatchObject({ ip: 'unknown', target: { type: 'token' } });
    const roles = await call('GET', '/audit?action=user.role', admin.bearer);
    expect(roles.body.items).toEqual([
      expect.objectContaining({ actor: { id: admin.user.id, email: 'admin@example.test' } }),
    ]);

    const first = await call('GET', '/audit?limit=2', admin.bearer);
    expect(first.body.items).toHaveLength(2);
    const rest = await call('GET', `/audit?limit=2&cursor=${first.body.nextCursor}`, admin.bearer);
    expect(rest.body.nextCursor).toBeNull();
    const ids = [...first.body.items!, ...rest.body.items!].map((e) => e.id);
    expect(new Set(ids).size).toBe(3);

    const today = new Date().toISOString().slice(0, 10);
    const inDay = await call('GET', `/audit?since=${today}&until=${today}`, admin.bearer);
    expect(inDay.body.items).toHaveLength(3);
    const later = await call('GET', '/audit?since=2999-01-01', admin.bearer);
    expect(later.body.items).toEqual([]);
    const before = await call('GET', '/audit?until=2000-01-01T00:00:00Z', admin.bearer);
    expect(before.body.items).toEqual([]);

    const badSince = await call('GET', '/audit?since=yesterday', admin.bearer);
    expect(badSince.status).toBe(400);
    expect(badSince.body.errors![0]!.path).toBe('since');
    const backwards = await call('GET', '/audit?since=2026-02-01&until=2026-01-01', admin.bearer);
    expect(backwards.body.errors![0]!.path).toBe('until');
    // Shaped like a date but no day of any month: refused by name, never a server error.
    const noSuchDay = await call('GET', '/audit?since=2026-10-93&until=2026-11-01', admin.bearer);
    expect(noSuchDay.status).toBe(400);
    expect(noSuchDay.body.errors!.map((e) => e.path)).toEqual(['since']);
    const badActor = await call('GET', '/audit?actor=nobody', admin.bearer);
    expect(badActor.body.errors![0]!.path).toBe('actor');
  });

  it('keeps secrets out of the audit log', async () => {
    const admin = await signIn(handle(), 'admin');
    const created = await call('POST', '/tokens', admin.bearer, { name: 'secret-holder' });
    const user = await call('POST', '/users', admin.bearer, {
      email: 'someone@example.com',
      name: 'Someone',
      role: 'developer',
    });
    await call('DELETE', `/tokens/${created.body.id}`, admin.bearer);
    const text = await auditText(handle().db);
    expect(await count(handle().db, 'audit_log')).toBe(4);
    for (const secret of [
      String(created.body.token),
      String(user.body.setupLink).split('/reset/')[1]!,
      admin.token,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('pvd_');
  });

  it('describes every identity route in the OpenAPI document', async () => {
    const res = await testApp(handle()).request('/api/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'GET /me',
        'GET /users',
        'POST /users',
        'PATCH /users/{id}',
        'GET /tokens',
        'POST /tokens',
        'DELETE /tokens/{id}',
        'GET /audit',
      ]),
    );
  });
});
