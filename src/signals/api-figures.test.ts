import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows, seedOrg } from '../../test/factories.ts';
import { addCapability, deploy, milestone, unplanned, writeEvents } from './figures-testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would
type Json = Record<string, any>;

describeEngines('figures API', (handle) => {
  async function call(method: string, path: string, user?: TestUser, body?: unknown) {
    const headers: Record<string, string> = { ...(user?.bearer ?? {}) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await testApp(handle()).request(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : undefined) as Json,
    };
  }
  const paths = (body: Json) => (body.errors ?? []).map((e: { path: string }) => e.path);

  async function setup() {
    await seedOrg(handle().db);
    const people = await handle().db.selectFrom('people').select(['id', 'name']).execute();
    const person = Object.fromEntries(people.map((p) => [p.name, p.id])) as Record<string, string>;
    const teams = await handle().db.selectFrom('teams').select(['id', 'slug']).execute();
    const team = Object.fromEntries(teams.map((t) => [t.slug, t.id])) as Record<string, string>;
    return {
      person,
      team,
      ada: await signIn(handle(), 'developer', 'ada.lovelace@example.test'),
      barbara: await signIn(handle(), 'platform', 'barbara.liskov@example.test'),
      stranger: await signIn(handle(), 'developer', 'someone@example.test'),
    };
  }

  it('answers onboarding cohorts without naming anyone, and your own milestones only to you', async () => {
    const s = await setup();
    await writeEvents(handle(), [
      milestone(s.person['Grace Hopper']!, 'first_deploy', '2026-10-05T10:00:00Z'),
      milestone(s.person['Ada Lovelace']!, 'first_deploy', '2024-03-04T00:00:00Z'),
    ]);
    const res = await call('GET', '/figures/onboarding?since=2026-01', s.stranger);
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(5);
    const deploy = res.body.milestones.find((m: Json) => m.milestone === 'first_deploy');
    expect(deploy.label).toBe('first deploy');
    // Grace is the only hire since January: fewer than k, so hidden with no figures.
    expect(deploy.cohorts).toEqual([
      {
        from: '2026-10',
        to: '2026-10',
        hidden: true,
        hires: null,
        reached: null,
        waiting: null,
        medianDays: null,
        reachedBy: null,
      },
    ]);
    expect(deploy.overall).toBeNull();
    expect(res.body.you).toBeNull();
    expect(JSON.stringify(res.body)).not.toMatch(/Grace|Hopper/);

    const own = await call('GET', '/figures/onboarding', s.ada);
    expect(own.body.you).toMatchObject({
      startDate: '2024-03-01',
      milestones: [
        { milestone: 'first_deploy', days: 3 },
        { milestone: 'first_pr', days: null },
        {},
      ],
    });
  });

  it('refuses a bad month, naming the field', async () => {
    const s = await setup();
    const res = await call('GET', '/figures/onboarding?since=2026-13', s.ada);
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(paths(res.body)).toEqual(['since']);
  });

  it('answers delivery per team and overall, for one team, and refuses bad windows and teams', async () => {
    const s = await setup();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await writeEvents(handle(), [
      deploy(s.team.payments!, yesterday, { leadHours: [2] }),
      deploy(s.team.checkout!, yesterday, { leadHours: [4] }),
    ]);
    const all = await call('GET', '/figures/delivery', s.ada);
    expect(all.status).toBe(200);
    expect(all.body.window.days).toBe(90);
    expect(all.body.teams.map((t: Json) => t.team.slug)).toEqual(['checkout', 'payments']);
    expect(all.body.teams[0]).not.toHaveProperty('team.id');
    expect(all.body.overall.leadTime).toEqual({ medianHours: 3, changes: 2 });
    const one = await call('GET', '/figures/delivery?team=payments&window=30', s.ada);
    expect(one.body.window.days).toBe(30);
    expect(one.body.teams.map((t: Json) => t.team.slug)).toEqual(['payments']);
    expect(one.body.overall.frequency.deploys).toBe(1);

    const unknown = await call('GET', '/figures/delivery?team=nope', s.ada);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('nope');
    for (const window of ['3', '400', 'abc', '7.5']) {
      const bad = await call('GET', `/figures/delivery?window=${window}`, s.ada);
      expect(bad.status, window).toBe(400);
      expect(paths(bad.body)).toEqual(['window']);
    }
  });

  it('answers unplanned work for a quarter and refuses a month', async () => {
    const s = await setup();
    const ci = await addCapability(handle(), 'ci-runners');
    await writeEvents(handle(), [
      unplanned(s.team.payments!, ci.id, 'outage', 3, '2026-10-02T10:00:00Z'),
    ]);
    const res = await call('GET', '/figures/unplanned-work?period=2026-Q4', s.ada);
    expect(res.status).toBe(200);
    expect(res.body.total).toEqual({ hours: 3, reports: 1 });
    expect(res.body.byTeam[0].team).toEqual({ slug: 'payments', name: 'Payments' });
    const month = await call('GET', '/figures/unplanned-work?period=2026-11', s.ada);
    expect(month.status).toBe(400);
    expect(paths(month.body)).toEqual(['period']);
    expect(month.body.errors[0].message).toContain('quarter');
  });

  it('lets the platform team fix a capability’s outcome, audited; others are refused', async () => {
    const s = await setup();
    await addCapability(handle(), 'ci-runners');
    const before = await call('GET', '/figures/value/ci-runners', s.ada);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ outcome: null, estimate: null, perWeek: null });

    const refused = await call('PUT', '/figures/value/ci-runners/outcome', s.ada, {
      outcome: 'lead-time',
    });
    expect(refused.status).toBe(403);
    const bad = await call('PUT', '/figures/value/ci-runners/outcome', s.barbara, {
      outcome: 'vibes',
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['outcome']);
    expect(await countRows(handle().db, 'audit_log')).toBe(0);

    const chosen = await call('PUT', '/figures/value/ci-runners/outcome', s.barbara, {
      outcome: 'deploy-duration',
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.outcome).toMatchObject({
      outcome: 'deploy-duration',
      unit: 'minutes',
      chosenBy: 'Test platform',
    });
    expect(chosen.body.estimate).toMatchObject({ effect: null, adoptingTeams: 0 });
    const audit = await handle().db.selectFrom('audit_log').select(['action', 'details']).execute();
    expect(audit.map((a) => a.action)).toEqual(['value-outcome.choose']);
    // The same choice again changes nothing and is not audited twice.
    await call('PUT', '/figures/value/ci-runners/outcome', s.barbara, {
      outcome: 'deploy-duration',
    });
    expect(await countRows(handle().db, 'audit_log')).toBe(1);

    expect((await call('GET', '/figures/value/nope', s.ada)).status).toBe(404);
    expect(
      (await call('PUT', '/figures/value/nope/outcome', s.barbara, { outcome: 'lead-time' }))
        .status,
    ).toBe(404);
  });

  it('needs a signed-in caller and lists every figures route in the OpenAPI document', async () => {
    await setup();
    for (const path of [
      '/figures/onboarding',
      '/figures/delivery',
      '/figures/unplanned-work',
      '/figures/value/x',
    ]) {
      expect((await call('GET', path)).status, path).toBe(401);
    }
    const doc = await call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/figures/onboarding',
        '/figures/delivery',
        '/figures/unplanned-work',
        '/figures/value/{capability}',
        '/figures/value/{capability}/outcome',
      ]),
    );
  });
});
