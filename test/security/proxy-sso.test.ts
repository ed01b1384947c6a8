import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.ts';
import type { DbHandle } from '../../src/core/db/index.ts';
import { createUser, getUserByEmail, setDisabled } from '../../src/identity/store.ts';
import { signIn, testApp } from '../app.ts';
import { describeEngines } from '../engines.ts';
import { seedOrg } from '../factories.ts';
import { fromPeer, memoryLogger, registeredRoutes } from './support.ts';

const SSO = {
  PAVED_SSO_HEADER: 'X-Forwarded-Email',
  PAVED_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8',
  PAVED_SSO_GROUPS_HEADER: 'X-Forwarded-Groups',
  PAVED_SSO_GROUP_ROLES: 'platform-team=platform,eng-leads=leader',
};

/** The app behind a single sign-on proxy, with its logs kept in memory. */
function ssoApp(handle: DbHandle) {
  const logs = memoryLogger('info');
  const app = testApp(handle, SSO, logs.log);
  /**
   * One request as @hono/node-server would hand it over: from a socket peer,
   * with `headers` as the raw list (Request headers fold repeats into "a, b").
   */
  const send = (
    path: string,
    opts: {
      peer: string;
      headers?: Array<[string, string]>;
      raw?: Array<[string, string]>;
      method?: string;
    },
  ) => {
    const headers = new Headers();
    for (const [name, value] of opts.headers ?? []) headers.append(name, value);
    return app.request(
      path,
      { method: opts.method ?? 'GET', headers },
      fromPeer(opts.peer, opts.raw ?? opts.headers ?? []),
    );
  };
  return { app, logs, send };
}

async function auditFor(db: DbHandle['db'], email: string) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('actor_email', '=', email)
    .where('action', '=', 'user.create')
    .execute();
}

describeEngines('single sign-on through a trusted proxy', (handle) => {
  it('ignores and logs an identity header from an untrusted IPv4 peer', async () => {
    const { send, logs } = ssoApp(handle());
    const res = await send('/api/v1/teams', {
      peer: '192.0.2.1',
      headers: [['X-Forwarded-Email', 'mallory@example.test']],
    });
    expect(res.status).toBe(401);
    expect(await getUserByEmail(handle().db, 'mallory@example.test')).toBeUndefined();
    const warnings = logs.records().filter((r) => r.level === 40 && r.peer === '192.0.2.1');
    expect(warnings).toHaveLength(1);
  });

  it('ignores and logs an identity header from an untrusted IPv6 peer', async () => {
    const { send, logs } = ssoApp(handle());
    const page = await send('/', {
      peer: '2001:db8::1',
      headers: [['X-Forwarded-Email', 'mallory@example.test']],
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login/);
    const api = await send('/api/v1/teams', {
      peer: '2001:db8::1',
      headers: [['x-forwarded-email', 'mallory@example.test']],
    });
    expect(api.status).toBe(401);
    expect(await getUserByEmail(handle().db, 'mallory@example.test')).toBeUndefined();
    expect(logs.records().filter((r) => r.level === 40 && r.peer === '2001:db8::1')).toHaveLength(
      2,
    );
  });

  it('does not trust an untrusted peer that only looks close to a trusted network', async () => {
    const { send } = ssoApp(handle());
    for (const peer of ['11.0.0.1', '::ffff:192.0.2.1', 'fe00::1', '::1', '127.0.0.1']) {
      const res = await send('/api/v1/teams', {
        peer,
        headers: [['X-Forwarded-Email', 'mallory@example.test']],
      });
      expect(res.status, peer).toBe(401);
    }
  });

  it('signs in from an IPv4-mapped IPv6 address of a trusted proxy', async () => {
    await seedOrg(handle().db);
    const { send } = ssoApp(handle());
    const res = await send('/api/v1/teams', {
      peer: '::ffff:10.1.2.3',
      headers: [['X-Forwarded-Email', 'ada.lovelace@example.test']],
    });
    expect(res.status).toBe(200);
    const user = await getUserByEmail(handle().db, 'ada.lovelace@example.test');
    expect(user?.role).toBe('developer');
  });

  it('signs in from a trusted IPv6 proxy', async () => {
    const { send } = ssoApp(handle());
    const res = await send('/api/v1/teams', {
      peer: 'fd00::17',
      headers: [['X-Forwarded-Email', 'v6@example.test']],
    });
    expect(res.status).toBe(200);
  });

  it('reads the identity header whatever the case of its name', async () => {
    const { send } = ssoApp(handle());
    for (const name of ['x-forwarded-email', 'X-FORWARDED-EMAIL', 'X-Forwarded-Email']) {
      const res = await send('/api/v1/teams', {
        peer: '10.0.0.5',
        headers: [[name, `case-${name.length}-${name[2]}@example.test`]],
      });
      expect(res.status, name).toBe(200);
    }
  });

  it('keeps signed-in pages out of caches for proxy users', async () => {
    const { send } = ssoApp(handle());
    const res = await send('/', {
      peer: '10.0.0.5',
      headers: [['X-Forwarded-Email', 'cache@example.test']],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('refuses a request with the identity header twice', async () => {
    const { send, logs } = ssoApp(handle());
    for (const raw of [
      [
        ['X-Forwarded-Email', 'ada.lovelace@example.test'],
        ['X-Forwarded-Email', 'admin@example.test'],
      ],
      [
        ['x-forwarded-email', 'ada.lovelace@example.test'],
        ['X-FORWARDED-EMAIL', 'ada.lovelace@example.test'],
      ],
    ] as Array<Array<[string, string]>>) {
      // The Request sees one value (as if a proxy folded them); only the raw list shows two.
      const api = await send('/api/v1/teams', {
        peer: '10.0.0.5',
        headers: [['X-Forwarded-Email', 'ada.lovelace@example.test']],
        raw,
      });
      expect(api.status).toBe(400);
      const page = await send('/teams', {
        peer: '10.0.0.5',
        headers: [['X-Forwarded-Email', 'ada.lovelace@example.test']],
        raw,
      });
      expect(page.status).toBe(400);
    }
    expect(await getUserByEmail(handle().db, 'ada.lovelace@example.test')).toBeUndefined();
    expect(logs.records().filter((r) => r.level === 40).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a comma-joined identity header', async () => {
    const { send } = ssoApp(handle());
    const res = await send('/api/v1/teams', {
      peer: '10.0.0.5',
      headers: [['X-Forwarded-Email', 'ada.lovelace@example.test, admin@example.test']],
    });
    expect(res.status).toBe(400);
    // Repeats folded by the Request (no raw list given) are caught the same way.
    const folded = await ssoApp(handle()).app.request(
      '/api/v1/teams',
      {
        headers: [
          ['X-Forwarded-Email', 'ada.lovelace@example.test'],
          ['X-Forwarded-Email', 'admin@example.test'],
        ],
      },
      { incoming: { socket: { remoteAddress: '10.0.0.5' } } },
    );
    expect(folded.status).toBe(400);
    expect(await getUserByEmail(handle().db, 'admin@example.test')).toBeUndefined();
  });

  it('never takes the client address from X-Forwarded-For sent by an untrusted peer', async () => {
    const { send } = ssoApp(handle());
    // Anonymous writes are rate-limited per client address: the limiter's key shows the address.
    const res = await send('/no-such-form', {
      peer: '192.0.2.1',
      method: 'POST',
      headers: [['X-Forwarded-For', '10.9.9.9, 203.0.113.66']],
    });
    expect(res.status).toBe(404);
    const keys = await handle().db.selectFrom('rate_limits').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['write:ip:192.0.2.1']);
  });

  it('records the right-most untrusted X-Forwarded-For entry behind a trusted proxy', async () => {
    const { send } = ssoApp(handle());
    const res = await send('/api/v1/teams', {
      peer: '10.0.0.5',
      headers: [
        ['X-Forwarded-Email', 'grace@example.test'],
        // The client forged the first entry; the proxies appended the real one and themselves.
        ['X-Forwarded-For', '198.51.100.7, 203.0.113.9, 10.0.0.7'],
      ],
    });
    expect(res.status).toBe(200);
    const rows = await auditFor(handle().db, 'grace@example.test');
    expect(rows.map((r) => r.ip)).toEqual(['203.0.113.9']);

    const direct = await send('/api/v1/teams', {
      peer: '10.0.0.5',
      headers: [['X-Forwarded-Email', 'hopper@example.test']],
    });
    expect(direct.status).toBe(200);
    expect((await auditFor(handle().db, 'hopper@example.test')).map((r) => r.ip)).toEqual([
      '10.0.0.5',
    ]);
  });

  it('lets a bearer token act as its own user, whatever identity header comes with it', async () => {
    const { app, send } = ssoApp(handle());
    const dev = await signIn(handle(), 'developer', 'dev@example.test');
    await createUser(handle().db, {
      email: 'boss@example.test',
      name: 'Boss',
      role: 'admin',
      passwordHash: null,
    });
    for (const claimed of ['boss@example.test', 'new.person@example.test', 'a@x.test, b@x.test']) {
      const res = await send('/api/v1/teams', {
        peer: '10.0.0.5',
        headers: [
          ['Authorization', `Bearer ${dev.token}`],
          ['X-Forwarded-Email', claimed],
        ],
      });
      expect(res.status, claimed).toBe(200);
    }
    // The header created nobody, so it was never read.
    expect(await getUserByEmail(handle().db, 'new.person@example.test')).toBeUndefined();
    if (registeredRoutes(app).some((r) => r.method === 'GET' && r.path === '/api/v1/me')) {
      const me = await send('/api/v1/me', {
        peer: '10.0.0.5',
        headers: [
          ['Authorization', `Bearer ${dev.token}`],
          ['X-Forwarded-Email', 'boss@example.test'],
        ],
      });
      expect(await me.json()).toMatchObject({ email: 'dev@example.test', role: 'developer' });
    }
  });

  it('creates a developer at first sign-in, or the role the groups header maps to', async () => {
    const { send } = ssoApp(handle());
    const cases: Array<[string, string | null, string]> = [
      ['plain@example.test', null, 'developer'],
      ['unmapped@example.test', 'readers, writers', 'developer'],
      ['lead@example.test', 'readers,eng-leads', 'leader'],
      ['both@example.test', 'eng-leads, platform-team', 'platform'],
    ];
    for (const [email, groups, role] of cases) {
      const headers: Array<[string, string]> = [['X-Forwarded-Email', email]];
      if (groups) headers.push(['X-Forwarded-Groups', groups]);
      const res = await send('/api/v1/teams', { peer: '10.0.0.5', headers });
      expect(res.status, email).toBe(200);
      expect((await getUserByEmail(handle().db, email))?.role, email).toBe(role);
      expect(await auditFor(handle().db, email)).toHaveLength(1);
    }
    // The groups header only matters at creation: a later request does not promote anyone.
    await send('/api/v1/teams', {
      peer: '10.0.0.5',
      headers: [
        ['X-Forwarded-Email', 'plain@example.test'],
        ['X-Forwarded-Groups', 'platform-team'],
      ],
    });
    expect((await getUserByEmail(handle().db, 'plain@example.test'))?.role).toBe('developer');
  });

  it('refuses a disabled account and a person who has left', async () => {
    const { db } = handle();
    await seedOrg(db);
    const { send } = ssoApp(handle());
    const from = (email: string) =>
      send('/api/v1/teams', { peer: '10.0.0.5', headers: [['X-Forwarded-Email', email]] });

    expect((await from('disabled@example.test')).status).toBe(200);
    const disabled = await getUserByEmail(db, 'disabled@example.test');
    await setDisabled(db, disabled!.id, true);
    expect((await from('disabled@example.test')).status).toBe(403);

    expect((await from('alan.turing@example.test')).status).toBe(200);
    await db
      .updateTable('people')
      .set({ inactive_since: '2026-10-15' })
      .where('email', '=', 'alan.turing@example.test')
      .execute();
    expect((await from('alan.turing@example.test')).status).toBe(403);

    await db
      .updateTable('people')
      .set({ inactive_since: '2026-10-15' })
      .where('email', '=', 'grace.hopper@example.test')
      .execute();
    expect((await from('grace.hopper@example.test')).status).toBe(403);
  });

  it('refuses a cross-site form post signed in by the proxy', async () => {
    const { send } = ssoApp(handle());
    const identity: [string, string] = ['X-Forwarded-Email', 'csrf@example.test'];
    const evil = await send('/logout', {
      peer: '10.0.0.5',
      method: 'POST',
      headers: [identity, ['Origin', 'https://evil.example']],
    });
    expect(evil.status).toBe(403);
    const noToken = await send('/logout', {
      peer: '10.0.0.5',
      method: 'POST',
      headers: [identity, ['Origin', 'http://localhost']],
    });
    expect(noToken.status).toBe(403);
  });
});

describe('single sign-on configuration', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('refuses single sign-on without trusted proxies', () => {
    const problems = problemsOf({ PAVED_SSO_HEADER: 'X-Forwarded-Email' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('PAVED_TRUSTED_PROXIES');
    expect(
      problemsOf({ PAVED_SSO_HEADER: 'X-Forwarded-Email', PAVED_TRUSTED_PROXIES: ' , ' }),
    ).toHaveLength(1);
  });

  it('refuses a proxy list that trusts every address unless told to allow it', () => {
    for (const proxies of ['0.0.0.0/0', '::/0', '10.0.0.0/8, ::/0', '::ffff:0.0.0.0/0']) {
      const env = { PAVED_SSO_HEADER: 'X-Forwarded-Email', PAVED_TRUSTED_PROXIES: proxies };
      const problems = problemsOf(env);
      expect(problems, proxies).toHaveLength(1);
      expect(problems[0]).toContain('PAVED_ALLOW_ANY_PROXY');
      expect(problemsOf({ ...env, PAVED_ALLOW_ANY_PROXY: 'true' }), proxies).toEqual([]);
    }
  });

  it('accepts single sign-on with a specific proxy list', () => {
    const config = loadConfig(SSO);
    expect(config.sso).toEqual({
      header: 'x-forwarded-email',
      groupsHeader: 'x-forwarded-groups',
      groupRoles: { 'platform-team': 'platform', 'eng-leads': 'leader' },
    });
    expect(config.trustedProxies.has('::ffff:10.1.2.3')).toBe(true);
    expect(config.trustedProxies.has('192.0.2.1')).toBe(false);
  });

  it('keeps single sign-on off by default', () => {
    expect(loadConfig({}).sso).toBeNull();
  });
});
