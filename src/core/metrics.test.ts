import { afterEach, describe, expect, it } from 'vitest';
import { signIn, testApp, testDeps } from '../../test/app.ts';
import { describeEngines, freshDatabase } from '../../test/engines.ts';
import { startChildServe } from '../../test/reliability/child.ts';
import { registeredRoutes } from '../../test/security/support.ts';
import { createApp } from '../app.tsx';
import { enqueueWebhookEvent, notifyUsers } from '../notifications/outbox.ts';
import { webhookAllowList } from '../notifications/settings.ts';
import { startMetricsServer } from '../server.ts';
import { sampleEvents, seedSignals } from '../signals/testing.ts';
import { ConfigError, loadConfig } from './config.ts';
import { Registry, tokenMatches } from './metrics.ts';
import { setSetting } from './settings.ts';

const TOKEN = 'metrics-token-0123456789';
const scrape = { headers: { Authorization: `Bearer ${TOKEN}` } };

/** The value of one sample line (`name{labels} value`) in a scrape, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics registry', () => {
  it('writes counters, cumulative histogram buckets and gauges in the Prometheus text format', async () => {
    const r = new Registry();
    const c = r.counter('jobs_total', 'Jobs done.\nPer kind.');
    const h = r.histogram('job_seconds', 'Job time.', [0.1, 1]);
    r.gauge('queue', 'Waiting.', () => [{ labels: { q: 'a"b\\c\nd' }, value: 3 }]);
    c.inc({ kind: 'x' });
    c.inc({ kind: 'x' }, 2);
    c.inc({ kind: 'y' });
    for (const v of [0.05, 0.1, 0.5, 7]) h.observe({ route: '/a' }, v);
    expect(await r.render()).toBe(
      [
        '# HELP jobs_total Jobs done.\\nPer kind.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="x"} 3',
        'jobs_total{kind="y"} 1',
        '# HELP job_seconds Job time.',
        '# TYPE job_seconds histogram',
        'job_seconds_bucket{route="/a",le="0.1"} 2',
        'job_seconds_bucket{route="/a",le="1"} 3',
        'job_seconds_bucket{route="/a",le="+Inf"} 4',
        'job_seconds_sum{route="/a"} 7.65',
        'job_seconds_count{route="/a"} 4',
        '# HELP queue Waiting.',
        '# TYPE queue gauge',
        'queue{q="a\\"b\\\\c\\nd"} 3',
        '',
      ].join('\n'),
    );
  });

  it('leaves out a gauge that cannot be read and says which', async () => {
    const r = new Registry();
    r.gauge('broken', 'Fails.', () => {
      throw new Error('database down');
    });
    r.gauge('fine', 'Works.', () => [{ value: 1 }]);
    const failed: string[] = [];
    expect(await r.render((name) => failed.push(name))).toBe(
      '# HELP fine Works.\n# TYPE fine gauge\nfine 1\n',
    );
    expect(failed).toEqual(['broken']);
  });

  it('compares tokens whatever their lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});

describe('metrics configuration', () => {
  it('reads the token and the port, and serves nothing by default', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, port: null });
    expect(loadConfig({ PAVED_METRICS_TOKEN: TOKEN, PAVED_METRICS_PORT: '9464' }).metrics).toEqual({
      token: TOKEN,
      port: 9464,
    });
  });

  it('refuses a short token without echoing it, a bad port, and the main port', () => {
    let error: unknown;
    try {
      loadConfig({ PAVED_METRICS_TOKEN: 'short-secret', PAVED_METRICS_PORT: '99999' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^PAVED_METRICS_TOKEN=\(value hidden\) is not valid/),
      expect.stringMatching(/^PAVED_METRICS_PORT="99999" is not valid: expected a port number/),
    ]);
    expect(problems.join()).not.toContain('short-secret');
    expect(() => loadConfig({ PAVED_PORT: '8080', PAVED_METRICS_PORT: '8080' })).toThrow(
      /PAVED_METRICS_PORT is the same as PAVED_PORT/,
    );
  });
});

describeEngines('GET /metrics', (handle) => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('answers 404 when neither a token nor a port is configured', async () => {
    const app = testApp(handle());
    expect((await app.request('/metrics')).status).toBe(404);
    const portOnly = testApp(handle(), { PAVED_METRICS_PORT: '0' });
    expect((await portOnly.request('/metrics')).status).toBe(404);
    // A bearer token outside /api is refused as everywhere else, and shows no metrics.
    const withToken = await portOnly.request('/metrics', scrape);
    expect(withToken.status).toBe(401);
    expect(await withToken.text()).not.toContain('paved_http_requests_total');
    expect(registeredRoutes(app).some((r) => r.path === '/metrics')).toBe(false);
  });

  it('serves the token only, compared in full, and never a signed-in person', async () => {
    const app = testApp(handle(), { PAVED_METRICS_TOKEN: TOKEN });
    const admin = await signIn(handle(), 'admin');
    const refusals = [
      await app.request('/metrics'),
      await app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}x` } }),
      await app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}` } }),
      await app.request('/metrics', { headers: { Authorization: `Basic ${TOKEN}` } }),
      await app.request('/metrics', { headers: admin.cookie }),
      await app.request('/metrics', { headers: admin.bearer }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="paved metrics"');
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.text()).not.toContain(TOKEN);
    }
    const ok = await app.request('/metrics', scrape);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const route = registeredRoutes(app).find((r) => r.path === '/metrics');
    expect(route).toMatchObject({
      method: 'GET',
      policies: ['metrics.read'],
      policyRunsFirst: true,
    });
  });

  it('counts requests by route pattern, method and status class, and times them', async () => {
    const app = testApp(handle(), { PAVED_METRICS_TOKEN: TOKEN });
    const { bearer } = await signIn(handle(), 'developer');
    await app.request('/healthz');
    await app.request('/healthz');
    await app.request('/api/v1/teams/no-such-team', { headers: bearer });
    await app.request('/api/v1/teams/another-one', { headers: bearer });
    await app.request('/api/v1/teams', { headers: bearer });
    await app.request('/no/such/page?secret=1');
    await app.request('/healthz', { method: 'BREW' });
    const text = await (await app.request('/metrics', scrape)).text();
    const count = (labels: string) => sample(text, `paved_http_requests_total{${labels}}`);
    expect(count('method="GET",route="/healthz",status="2xx"')).toBe(2);
    expect(count('method="GET",route="/api/v1/teams/:slug",status="4xx"')).toBe(2);
    expect(count('method="GET",route="/api/v1/teams",status="2xx"')).toBe(1);
    expect(count('method="GET",route="(unmatched)",status="4xx"')).toBe(1);
    expect(count('method="other",route="(unmatched)",status="4xx"')).toBe(1);
    // Raw paths and query strings never become labels.
    expect(text).not.toContain('no-such-team');
    expect(text).not.toContain('/no/such/page');
    const h = 'paved_http_request_duration_seconds';
    const labels = 'method="GET",route="/api/v1/teams/:slug"';
    expect(sample(text, `${h}_count{${labels}}`)).toBe(2);
    expect(sample(text, `${h}_bucket{${labels},le="+Inf"}`)).toBe(2);
    expect(sample(text, `${h}_bucket{${labels},le="10"}`)).toBe(2);
    expect(sample(text, `${h}_sum{${labels}}`)).toBeGreaterThan(0);
  });

  it('counts ingested events accepted, duplicate and rejected', async () => {
    const f = await seedSignals(handle().db);
    const app = testApp(handle(), { PAVED_METRICS_TOKEN: TOKEN });
    const body = `${sampleEvents()
      .map((e) => JSON.stringify(e))
      .join('\n')}\n{"type":"usage"}\n`;
    const send = () =>
      app.request('/api/v1/events', {
        method: 'POST',
        headers: { Authorization: `Bearer ${f.token}`, 'Content-Type': 'application/x-ndjson' },
        body,
      });
    expect(await (await send()).json()).toMatchObject({ accepted: 6, duplicates: 0 });
    expect(await (await send()).json()).toMatchObject({ accepted: 0, duplicates: 6 });
    const text = await (await app.request('/metrics', scrape)).text();
    expect(sample(text, 'paved_ingest_events_total{outcome="accepted"}')).toBe(6);
    expect(sample(text, 'paved_ingest_events_total{outcome="duplicate"}')).toBe(6);
    expect(sample(text, 'paved_ingest_events_total{outcome="rejected"}')).toBe(2);
  });

  it('reads the outbox depth and the database pool on each scrape', async () => {
    const { db } = handle();
    const app = testApp(handle(), { PAVED_METRICS_TOKEN: TOKEN });
    const read = async () => (await app.request('/metrics', scrape)).text();
    let text = await read();
    expect(sample(text, 'paved_outbox_pending{queue="email"}')).toBe(0);
    expect(sample(text, 'paved_outbox_pending{queue="webhook"}')).toBe(0);

    const admin = await signIn(handle(), 'admin');
    const other = await signIn(handle(), 'developer');
    const message = { kind: 'test', title: 'Hello', body: 'Body', link: '/' };
    await notifyUsers(db, [admin.user.id, other.user.id], message);
    await setSetting(db, webhookAllowList, ['127.0.0.1']);
    const hook = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: { ...admin.bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'Chat',
        url: 'http://127.0.0.1:9/',
        format: 'json',
        events: ['feedback.status_changed'],
      }),
    });
    expect(hook.status).toBe(201);
    for (let i = 0; i < 3; i++) await enqueueWebhookEvent(db, 'feedback.status_changed', { i });
    text = await read();
    expect(sample(text, 'paved_outbox_pending{queue="email"}')).toBe(2);
    expect(sample(text, 'paved_outbox_pending{queue="webhook"}')).toBe(3);

    const pool = (state: string) => sample(text, `paved_db_pool_connections{state="${state}"}`);
    if (handle().engine === 'sqlite') {
      expect(pool('total')).toBe(1);
      expect(pool('idle')).toBeUndefined();
    } else {
      // The test pool holds at most 4; the scrape itself has given its connections back.
      expect(pool('total')).toBeGreaterThanOrEqual(1);
      expect(pool('total')).toBeLessThanOrEqual(4);
      expect(pool('idle')).toBe(pool('total'));
      expect(pool('waiting')).toBe(0);
    }
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
  });

  it('serves /metrics alone on the metrics port, bound to 127.0.0.1, sharing the app’s counts', async () => {
    const deps = testDeps(handle(), { PAVED_METRICS_PORT: '0' });
    const app = createApp(deps);
    await app.request('/healthz');
    const server = await startMetricsServer(deps, 0);
    closers.push(server.close);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(
      sample(text, 'paved_http_requests_total{method="GET",route="/healthz",status="2xx"}'),
    ).toBe(1);
    const other = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(other.status).toBe(404);
    await other.text();
    // Not on any other address of the machine.
    await expect(fetch(`http://[::1]:${server.port}/metrics`)).rejects.toThrow();
  });
});

describe('paved serve with metrics', () => {
  it('serves /metrics to the token on the main port and to anyone on the loopback metrics port it prints', async () => {
    const db = await freshDatabase('sqlite');
    const serve = await startChildServe({
      PAVED_DATABASE_URL: db.url,
      PAVED_METRICS_TOKEN: TOKEN,
      PAVED_METRICS_PORT: '0',
    });
    try {
      const port =
        /Prometheus metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics \(this machine only\)/.exec(
          serve.stderr(),
        )?.[1];
      expect(port).toBeDefined();
      await (await fetch(`${serve.url}/healthz`)).text();
      expect((await fetch(`${serve.url}/metrics`)).status).toBe(401);
      const main = await fetch(`${serve.url}/metrics`, scrape);
      expect(main.status).toBe(200);
      const loopback = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(
        sample(loopback, 'paved_http_requests_total{method="GET",route="/healthz",status="2xx"}'),
      ).toBe(1);
    } finally {
      await serve.stop();
      await db.close();
    }
  });
});
