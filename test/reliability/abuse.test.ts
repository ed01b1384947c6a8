// Abuse: what test/security does not already cover. Covered there and not
// repeated here: identity headers and X-Forwarded-For from untrusted and
// trusted peers (proxy-sso), cross-site and tokenless writes on every unsafe
// route and sign-in CSRF (sessions-csrf), one revoked token and one replayed
// delivery (identity/api, signals/github), 25 MB webhooks (signals/github),
// per-account login throttling (identity/pages). XSS and CSV formulas: the
// abuse-xss and abuse-csv tests beside this one.

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataTables } from '../../src/core/db/helpers.ts';
import type { Database } from '../../src/core/db/schema.ts';
import { MAX_BODY_BYTES } from '../../src/core/http/body-limit.ts';
import { LIMITS } from '../../src/core/ratelimit.ts';
import { WEBHOOK_MAX_BYTES } from '../../src/signals/model.ts';
import { signIn, testApp } from '../app.ts';
import { describeEngines, engines } from '../engines.ts';
import { countRows } from '../factories.ts';
import {
  fillPath,
  fromPeer,
  isApiPath,
  isAssetPath,
  registeredRoutes,
} from '../security/support.ts';
import { buildWorld, GITHUB_SECRET, type World } from './world.ts';

const FORWARDING_HEADERS = [
  'X-Forwarded-For',
  'X-Real-IP',
  'True-Client-IP',
  'CF-Connecting-IP',
  'X-Client-IP',
  'Forwarded',
];

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
  body: new URLSearchParams(fields).toString(),
});

describeEngines('abuse: spoofed headers and login throttling', (handle) => {
  it('counts sign-in attempts per socket address, whatever forwarding headers an untrusted client sends', async () => {
    const app = testApp(handle());
    const limit = LIMITS.loginPerAddress.limit;
    for (let i = 0; i <= limit; i++) {
      const spoofed = `198.51.100.${i % 250}`;
      const init = form({ email: `guess${i}@example.test`, password: 'not-the-password' });
      init.headers = {
        ...init.headers,
        ...Object.fromEntries(
          FORWARDING_HEADERS.map((h) => [h, h === 'Forwarded' ? `for=${spoofed}` : spoofed]),
        ),
      } as typeof init.headers;
      const res = await app.request('/login', init, fromPeer('192.0.2.10'));
      await res.arrayBuffer();
      // Every account is new, so only the per-address limit can stop the run.
      expect(res.status, `attempt ${i + 1}`).toBe(i < limit ? 401 : 429);
    }
    const keys = await handle()
      .db.selectFrom('rate_limits')
      .select('key')
      .where('key', 'like', 'login-address:%')
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['login-address:192.0.2.10']);
  }, 180_000);

  it('shares the login limits between instances over one database', async () => {
    const [a, b] = [testApp(handle()), testApp(handle())];
    const limit = LIMITS.loginPerAccount.limit;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const res = await (i % 2 ? a : b).request(
        '/login',
        form({ email: 'target@example.test', password: `wrong-${i}-guess` }),
        fromPeer(`203.0.113.${i}`),
      );
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('builds links and redirects from the configured base URL, never from Host or forwarded-host headers', async () => {
    const app = testApp(handle());
    const admin = await signIn(handle(), 'admin');
    const spoof = {
      Host: 'evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Port': '443',
      Forwarded: 'host=evil.example;proto=https',
    };
    const created = await app.request('http://evil.example/api/v1/users', {
      method: 'POST',
      headers: { ...admin.bearer, ...spoof, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: 'new.person@example.test',
        name: 'New Person',
        role: 'developer',
      }),
    });
    expect(created.status).toBe(201);
    const { setupLink } = (await created.json()) as { setupLink: string };
    expect(setupLink.startsWith('http://127.0.0.1:3000/')).toBe(true);
    const feed = await app.request('http://evil.example/feeds/changelog.atom', {
      headers: { ...admin.cookie, ...spoof },
    });
    expect(feed.status).toBe(200);
    expect(await feed.text()).not.toContain('evil.example');
    const signIn303 = await app.request('http://evil.example/teams', { headers: spoof });
    expect(signIn303.status).toBe(303);
    expect(signIn303.headers.get('location')).toBe('/login?next=%2Fteams');
  });

  it('ignores method-override and URL-override headers', async () => {
    const app = testApp(handle());
    const me = await signIn(handle(), 'developer');
    const tokens = (await (await app.request('/api/v1/tokens', { headers: me.bearer })).json()) as {
      items: Array<{ id: string }>;
    };
    const id = tokens.items[0]!.id;
    for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
      const res = await app.request(`/api/v1/tokens/${id}`, {
        method: 'POST',
        headers: { ...me.bearer, [header]: 'DELETE', 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(404);
    }
    const still = await app.request('/api/v1/me', { headers: me.bearer });
    expect(still.status).toBe(200);
    const health = await app.request('/healthz', {
      headers: { 'X-Original-URL': '/admin/users', 'X-Rewrite-URL': '/admin/users' },
    });
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers no cross-origin read: no Access-Control-Allow-Origin for another site, preflight included', async () => {
    const app = testApp(handle());
    const me = await signIn(handle(), 'developer');
    const origin = { Origin: 'https://evil.example' };
    const read = await app.request('/api/v1/me', { headers: { ...me.cookie, ...origin } });
    const preflight = await app.request('/api/v1/tokens', {
      method: 'OPTIONS',
      headers: {
        ...origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    for (const res of [read, preflight]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

describeEngines('abuse: oversized bodies and replayed deliveries', (handle) => {
  /** A body that never ends: reading it would hang the test. */
  const endless = () =>
    new ReadableStream<Uint8Array>({
      pull: () => new Promise<void>(() => {}),
    });

  it('refuses a body declaring more than the limit at once, without reading it', async () => {
    const app = testApp(handle(), { PAVED_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET });
    const me = await signIn(handle(), 'developer');
    const cases: Array<[string, number, Record<string, string>]> = [
      [
        '/hooks/github',
        WEBHOOK_MAX_BYTES + 1,
        { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': 'big' },
      ],
      ['/api/v1/feedback', MAX_BODY_BYTES + 1, me.bearer],
    ];
    for (const [url, length, headers] of cases) {
      const res = await app.request(url, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'Content-Length': String(length),
        },
        body: endless(),
        duplex: 'half',
      } as RequestInit);
      expect(res.status, url).toBe(413);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await countRows(handle().db, 'signal_github_deliveries')).toBe(0);
  });

  it('counts one delivery replayed ten times at once, signed each time, once', async () => {
    const { seedSignals } = await import('../../src/signals/testing.ts');
    await seedSignals(handle().db);
    const app = testApp(handle(), { PAVED_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET });
    const body = JSON.stringify({
      action: 'created',
      repository: { full_name: 'acme/checkout-api' },
      deployment_status: {
        id: 7,
        state: 'success',
        environment: 'production',
        created_at: '2026-11-02T10:05:00Z',
      },
      deployment: { id: 7, environment: 'production', created_at: '2026-11-02T10:00:00Z' },
    });
    const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
    const replays = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.request('/hooks/github', {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Hub-Signature-256': signature,
            'X-GitHub-Event': 'deployment_status',
            'X-GitHub-Delivery': 'replayed-delivery',
          },
          body,
        }),
      ),
    );
    const outcomes = await Promise.all(
      replays.map(async (r) => [r.status, ((await r.json()) as { status: string }).status]),
    );
    expect(outcomes.filter(([s]) => s === 200)).toHaveLength(10);
    expect(outcomes.filter(([, o]) => o === 'processed')).toHaveLength(1);
    expect(outcomes.filter(([, o]) => o === 'duplicate')).toHaveLength(9);
    expect(await countRows(handle().db, 'signal_github_deliveries')).toBe(1);
    expect(await countRows(handle().db, 'signal_deploys')).toBe(1);
  });
});

// On the seeded demo, with every route: sweeps rather than single routes.
describe.each(engines)('abuse on the demo: sweeps over every route [%s]', (engine) => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(engine);
  }, 300_000);
  afterAll(async () => {
    await world?.db.close();
  });

  const getRoutes = () =>
    registeredRoutes(world.app).filter(
      (r) => r.method === 'GET' && r.policies.length > 0 && !isAssetPath(r.path),
    );
  const urlOf = (path: string) =>
    fillPath(path, (name, before) => world.pathHints(name, before)[0]).url;

  it('changes nothing stored on any GET, so a link or an image cannot act for anyone (CSRF)', async () => {
    const { db } = world;
    // A read may update the day a token was last used, which adds no row. The one row
    // a read may add: the reader's own feed key, made by the first page that shows
    // their feed address (a secret only that page shows them; nothing acts with it).
    const tables = ((await dataTables(db.db, db.engine)) as Array<keyof Database>).filter(
      (t) => t !== 'feed_keys',
    );
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(tables.map(async (t) => [t, await countRows(db.db, t)])),
      );
    const before = await counts();
    let requests = 0;
    for (const caller of ['admin', 'developer', 'anonymous'] as const) {
      for (const route of getRoutes()) {
        const api = isApiPath(route.path);
        const headers = await world.credentials(caller, { api, write: false });
        const res = await world.app.request(urlOf(route.path), { headers });
        await res.arrayBuffer();
        requests++;
      }
    }
    expect(requests).toBeGreaterThan(200);
    expect(await counts()).toEqual(before);
  }, 300_000);

  it('refuses a revoked token, a disabled account’s token and a signed-out session on every route', async () => {
    const { app } = world;
    const admin = await world.credentials('admin', { api: true, write: true });
    const revoked = await signIn(world.db, 'platform');
    const tokens = (await (
      await app.request('/api/v1/tokens', { headers: revoked.bearer })
    ).json()) as { items: Array<{ id: string }> };
    expect(
      (
        await app.request(`/api/v1/tokens/${tokens.items[0]!.id}`, {
          method: 'DELETE',
          headers: revoked.bearer,
        })
      ).status,
    ).toBe(204);
    const disabled = await signIn(world.db, 'platform');
    const off = await app.request(`/api/v1/users/${disabled.user.id}`, {
      method: 'PATCH',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: '{"disabled":true}',
    });
    expect(off.status).toBe(200);
    const signedOut = await signIn(world.db, 'platform');
    const logout = await app.request('/logout', {
      method: 'POST',
      headers: {
        ...signedOut.cookie,
        'X-CSRF-Token': signedOut.csrfToken,
        Origin: 'http://localhost',
      },
    });
    expect(logout.status).toBe(303);

    const wrong: string[] = [];
    let checked = 0;
    for (const route of getRoutes()) {
      if (route.policies[0] === 'public') continue;
      const url = urlOf(route.path);
      const api = isApiPath(route.path);
      const credentials = api
        ? [
            ['revoked token', revoked.bearer],
            ['disabled account', disabled.bearer],
          ]
        : [
            ['signed-out session', signedOut.cookie],
            ['disabled account', disabled.cookie],
          ];
      for (const [name, headers] of credentials as Array<[string, Record<string, string>]>) {
        const res = await app.request(url, { headers });
        await res.arrayBuffer();
        const refused = api
          ? res.status === 401
          : res.status === 303 && (res.headers.get('location') ?? '').startsWith('/login');
        if (!refused) wrong.push(`${route.path} with a ${name}: ${res.status}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(wrong).toEqual([]);
  }, 300_000);
});
