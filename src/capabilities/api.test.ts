import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import type { Db } from '../core/db/index.ts';
import { expireExceptions } from './service.ts';

type Json = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  nextCursor?: string | null;
  errors?: { path: string; message: string }[];
  detail?: string;
};

async function count(db: Db, table: 'capabilities' | 'adoption_events' | 'decisions' | 'mandates') {
  const row = await db
    .selectFrom(table)
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const MANDATE = {
  category: 'security',
  reason: 'SOC 2 access reviews need every deploy traced to a reviewed change.',
  mitigation: 'Templates for every language and a two-minute median pipeline.',
  reviewOn: '2027-06-30',
};

describeEngines('capabilities API', (handle) => {
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

  const paths = (body: Json) => (body.errors ?? []).map((e) => e.path);

  /** The seeded org and one person per role: Ada (payments), Barbara (platform team). */
  async function setup() {
    await seedOrg(handle().db);
    return {
      ada: await signIn(handle(), 'developer', 'ada.lovelace@example.test'),
      barbara: await signIn(handle(), 'platform', 'barbara.liskov@example.test'),
      leader: await signIn(handle(), 'leader', 'boss@example.test'),
      admin: await signIn(handle(), 'admin', 'root@example.test'),
    };
  }

  async function addCapability(user: TestUser, overrides: Record<string, unknown> = {}) {
    const res = await call('POST', '/capabilities', user, {
      slug: 'deploy-pipeline',
      name: 'Deploy pipeline',
      summary: 'Build, test and deploy every service.',
      ownerTeam: 'platform',
      docsUrl: 'https://docs.example.test/deploy',
      stage: 'ga',
      obligation: 'optional',
      ...overrides,
    });
    return res;
  }

  /** An optional capability made mandatory by a leader's security mandate. */
  async function mandatory(people: Awaited<ReturnType<typeof setup>>, slug = 'sso') {
    expect((await addCapability(people.barbara, { slug, name: 'Single sign-on' })).status).toBe(
      201,
    );
    const put = await call('PUT', `/capabilities/${slug}/mandate`, people.leader, MANDATE);
    expect(put.status).toBe(200);
    return put.body;
  }

  async function teamState(slug: string, team: string, user: TestUser) {
    const res = await call('GET', `/capabilities/${slug}/adoption`, user);
    return res.body.items?.find((i) => i.team === team)?.state;
  }

  it('adds capabilities with and without a mandate, as the decision-rights table allows', async () => {
    const people = await setup();
    const { db } = handle();

    const optional = await addCapability(people.barbara, { eligibleTeams: ['payments'] });
    expect(optional.status).toBe(201);
    expect(optional.body).toMatchObject({
      slug: 'deploy-pipeline',
      name: 'Deploy pipeline',
      ownerTeam: 'platform',
      docsUrl: 'https://docs.example.test/deploy',
      stage: 'ga',
      obligation: 'optional',
      eligibleTeams: ['payments'],
      mandate: null,
      // Payments and Checkout below it are offered it; neither has chosen yet.
      adoption: { none: 2, trial: 0, adopted: 0, left: 0, 'opted-out': 0, exempt: 0 },
      exceptions: { pending: 0, approved: 0 },
    });

    // A platform user cannot record a security mandate: leadership decides security.
    const before = await count(db, 'capabilities');
    const refused = await addCapability(people.barbara, {
      slug: 'sso',
      obligation: 'mandatory',
      mandate: MANDATE,
    });
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.detail).toContain('Security mandates are recorded by leadership');
    expect(await count(db, 'capabilities')).toBe(before);
    expect(await count(db, 'decisions')).toBe(0);

    // The platform decides developer-experience mandates, so it may add one in one go.
    const dx = await addCapability(people.barbara, {
      slug: 'golden-path',
      obligation: 'mandatory',
      mandate: { ...MANDATE, category: 'developer-experience' },
    });
    expect(dx.status).toBe(201);
    expect(dx.body).toMatchObject({
      obligation: 'mandatory',
      mandate: { category: 'developer-experience', deciderRole: 'platform' },
    });

    // A leader records the security mandate on a capability the platform added.
    const detail = await mandatory(people);
    expect(detail).toMatchObject({
      slug: 'sso',
      obligation: 'mandatory',
      mandate: {
        category: 'security',
        categoryLabel: 'Security',
        deciderRole: 'leader',
        reason: MANDATE.reason,
        mitigation: MANDATE.mitigation,
        reviewOn: '2027-06-30',
      },
      adoption: { none: 4 },
    });
    const decisions = await db
      .selectFrom('decisions')
      .selectAll()
      .where('kind', '=', 'mandate.recorded')
      .orderBy('at')
      .execute();
    expect(decisions.map((d) => d.category)).toEqual(['developer-experience', 'security']);

    // Who may not: developers cannot add; leaders cannot curate the catalog.
    expect((await addCapability(people.ada, { slug: 'x' })).status).toBe(403);
    expect((await addCapability(people.leader, { slug: 'y' })).status).toBe(403);
    expect((await call('GET', '/capabilities/sso', people.ada)).body).toMatchObject({
      mandate: { reason: MANDATE.reason },
    });
  });

  it('refuses bad catalog input naming each field, and a slug in use', async () => {
    const people = await setup();
    const bad = await addCapability(people.barbara, {
      slug: 'Not A Slug',
      docsUrl: 'ftp://docs.example.test',
      stage: 'someday',
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body).sort()).toEqual(['docsUrl', 'slug', 'stage']);
    const noMandate = await addCapability(people.barbara, { obligation: 'mandatory' });
    expect(noMandate.status).toBe(400);
    expect(paths(noMandate.body)).toEqual(['mandate']);
    const badDate = await addCapability(people.barbara, {
      obligation: 'mandatory',
      mandate: { ...MANDATE, reviewOn: '2027-02-30', reason: '' },
    });
    expect(paths(badDate.body).sort()).toEqual(['mandate.reason', 'mandate.reviewOn']);
    const owner = await addCapability(people.barbara, { ownerTeam: 'nobody' });
    expect(owner.status).toBe(400);
    expect(paths(owner.body)).toEqual(['ownerTeam']);
    const eligible = await addCapability(people.barbara, { eligibleTeams: ['payments', 'nope'] });
    expect(paths(eligible.body)).toEqual(['eligibleTeams.1']);
    expect(await count(handle().db, 'capabilities')).toBe(0);

    expect((await addCapability(people.barbara)).status).toBe(201);
    const again = await addCapability(people.barbara);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('deploy-pipeline');
  });

  it('changes a stage only with a rationale, and writes the decision', async () => {
    const people = await setup();
    await addCapability(people.barbara, { stage: 'beta' });
    const without = await call('PATCH', '/capabilities/deploy-pipeline', people.barbara, {
      stage: 'ga',
    });
    expect(without.status).toBe(400);
    expect(paths(without.body)).toEqual(['rationale']);
    expect(await count(handle().db, 'decisions')).toBe(0);

    const obligation = await call('PATCH', '/capabilities/deploy-pipeline', people.barbara, {
      obligation: 'mandatory',
    });
    expect(obligation.status).toBe(400);

    const withRationale = await call('PATCH', '/capabilities/deploy-pipeline', people.barbara, {
      stage: 'ga',
      rationale: 'Three beta teams met the success criteria.',
      name: 'Deploy pipeline v2',
      ownerTeam: null,
    });
    expect(withRationale.status).toBe(200);
    expect(withRationale.body).toMatchObject({
      stage: 'ga',
      name: 'Deploy pipeline v2',
      ownerTeam: null,
    });
    const [decision] = await handle().db.selectFrom('decisions').selectAll().execute();
    expect(decision).toMatchObject({
      kind: 'stage.changed',
      category: 'developer-experience',
      rationale: 'Three beta teams met the success criteria.',
      decider_id: people.barbara.user.id,
    });
    const developer = await call('PATCH', '/capabilities/deploy-pipeline', people.ada, {
      name: 'Mine',
    });
    expect(developer.status).toBe(403);
  });

  it('lets members change their team and sub-teams, and the platform on a team’s behalf', async () => {
    const people = await setup();
    await addCapability(people.barbara);
    const adopt = (user: TestUser, team: string, to = 'adopted') =>
      call('POST', '/capabilities/deploy-pipeline/adoption', user, { team, to });

    const own = await adopt(people.ada, 'payments');
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      capability: 'deploy-pipeline',
      team: 'payments',
      from: 'none',
      to: 'adopted',
      onBehalf: false,
      actor: 'Test developer',
    });
    expect((await adopt(people.ada, 'checkout', 'trial')).status).toBe(201);

    const other = await adopt(people.ada, 'platform');
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain('your own team and its sub-teams');

    const behalf = await adopt(people.barbara, 'engineering', 'trial');
    expect(behalf.status).toBe(201);
    expect(behalf.body.onBehalf).toBe(true);
    const rows = await handle()
      .db.selectFrom('adoption_events')
      .select(['team_id', 'to_state', 'on_behalf'])
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => Number(r.on_behalf)).sort()).toEqual([0, 0, 1]);

    const states = await call('GET', '/capabilities/deploy-pipeline/adoption', people.ada);
    expect(states.status).toBe(200);
    expect(states.body.items?.map((i) => [i.team, i.state])).toEqual([
      ['checkout', 'trial'],
      ['engineering', 'trial'],
      ['payments', 'adopted'],
      ['platform', 'none'],
    ]);
    const paged = await call('GET', '/capabilities/deploy-pipeline/adoption?limit=3', people.ada);
    expect(paged.body.items).toHaveLength(3);
    const rest = await call(
      'GET',
      `/capabilities/deploy-pipeline/adoption?limit=3&cursor=${paged.body.nextCursor}`,
      people.ada,
    );
    expect(rest.body).toMatchObject({ items: [{ team: 'platform' }], nextCursor: null });

    const history = await call('GET', '/capabilities/deploy-pipeline/adoption/history', people.ada);
    expect(history.body.items?.map((e) => e.team)).toEqual(['engineering', 'checkout', 'payments']);
    const payments = await call(
      'GET',
      '/capabilities/deploy-pipeline/adoption/history?team=payments',
      people.ada,
    );
    expect(payments.body.items).toHaveLength(1);
    expect((await call('GET', '/capabilities/deploy-pipeline', people.ada)).body).toMatchObject({
      adoption: { none: 1, trial: 2, adopted: 1 },
    });
  });

  it('refuses illegal transitions with what is allowed instead, writing nothing', async () => {
    const people = await setup();
    await addCapability(people.barbara);
    await mandatory(people);
    const change = (slug: string, body: Record<string, unknown>) =>
      call('POST', `/capabilities/${slug}/adoption`, people.ada, { team: 'payments', ...body });
    expect((await change('sso', { to: 'adopted' })).status).toBe(201);
    expect((await change('deploy-pipeline', { to: 'adopted' })).status).toBe(201);
    const events = await count(handle().db, 'adoption_events');

    const leaveMandatory = await change('sso', {
      to: 'left',
      reason: 'too-slow',
      alternative: 'Our own scripts',
    });
    expect(leaveMandatory.status).toBe(400);
    expect(paths(leaveMandatory.body)).toEqual(['to']);
    expect(leaveMandatory.body.detail).toContain('Request an exception instead');

    const noReason = await change('deploy-pipeline', { to: 'left', alternative: 'Scripts' });
    expect(noReason.status).toBe(400);
    expect(paths(noReason.body)).toEqual(['reason']);
    const noAlternative = await change('deploy-pipeline', { to: 'left', reason: 'too-slow' });
    expect(paths(noAlternative.body)).toEqual(['alternative']);
    const unknownReason = await change('deploy-pipeline', {
      to: 'left',
      reason: 'vibes',
      alternative: 'Scripts',
    });
    expect(paths(unknownReason.body)).toEqual(['reason']);
    expect(unknownReason.body.detail).toContain('too-slow');
    const exempt = await change('sso', { to: 'exempt' });
    expect(exempt.status).toBe(400);
    expect(exempt.body.detail).toContain('Request an exception instead');
    const unknownTeam = await change('deploy-pipeline', { team: 'nope', to: 'trial' });
    expect(paths(unknownTeam.body)).toEqual(['team']);
    expect(await count(handle().db, 'adoption_events')).toBe(events);

    const left = await change('deploy-pipeline', {
      to: 'left',
      reason: 'too-slow',
      alternative: 'Scripts',
      reasonText: 'Builds take 20 minutes.',
    });
    expect(left.status).toBe(201);
    expect(left.body).toMatchObject({
      from: 'adopted',
      to: 'left',
      reason: 'too-slow',
      reasonText: 'Builds take 20 minutes.',
      alternative: 'Scripts',
    });
    const fromLeft = await change('deploy-pipeline', {
      to: 'opted-out',
      reason: 'cost',
      alternative: 'x',
    });
    expect(fromLeft.status).toBe(400);
    expect(fromLeft.body.detail).toContain('it can move to: trial, adopted');
  });

  it('lets one of two identical racing changes through and answers the other 409', async () => {
    const people = await setup();
    await addCapability(people.barbara);
    const adopt = () =>
      call('POST', '/capabilities/deploy-pipeline/adoption', people.ada, {
        team: 'payments',
        to: 'adopted',
      });
    const results = await Promise.all([adopt(), adopt()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.type).toContain('application/problem+json');
    expect(await count(handle().db, 'adoption_events')).toBe(1);
  });

  it('takes an exception from request to decision, expiry and revocation', async () => {
    const people = await setup();
    const { db } = handle();
    await mandatory(people);
    await addCapability(people.barbara);
    const request = (team: string, user = people.ada, capability = 'sso') =>
      call('POST', '/exceptions', user, {
        capability,
        team,
        kind: 'exception',
        justification: 'Our on-call tool cannot use SSO until its next release.',
        evidence: 'https://vendor.example.test/roadmap',
      });

    const optional = await request('payments', people.ada, 'deploy-pipeline');
    expect(optional.status).toBe(400);
    expect(paths(optional.body)).toEqual(['capability']);
    expect((await request('platform')).status).toBe(403);

    const created = await request('payments');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      capability: 'sso',
      team: 'payments',
      kind: 'exception',
      category: 'security',
      deciderRole: 'leader',
      status: 'pending',
      expiresOn: null,
    });
    const id = created.body.id as string;
    expect((await request('payments')).status).toBe(409);

    const decide = (user: TestUser, body: Record<string, unknown>) =>
      call('POST', `/exceptions/${id}/decision`, user, body);
    const wrongRole = await decide(people.barbara, {
      outcome: 'approved',
      rationale: 'Fine by us.',
      expiresOn: '2099-01-31',
    });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.detail).toContain('Security requests are decided by leadership');
    const denyWithout = await decide(people.leader, { outcome: 'denied', rationale: '' });
    expect(denyWithout.status).toBe(400);
    expect(paths(denyWithout.body)).toEqual(['rationale']);
    const noExpiry = await decide(people.leader, { outcome: 'approved', rationale: 'Ok.' });
    expect(paths(noExpiry.body)).toEqual(['expiresOn']);
    expect(await count(db, 'adoption_events')).toBe(0);

    const approved = await decide(people.leader, {
      outcome: 'approved',
      rationale: 'Until the vendor ships SSO support.',
      expiresOn: '2099-01-31',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      expiresOn: '2099-01-31',
      deciderRole: null,
    });
    expect(await teamState('sso', 'payments', people.ada)).toBe('exempt');
    expect((await decide(people.leader, { outcome: 'denied', rationale: 'x' })).status).toBe(409);
    expect((await call('GET', `/exceptions/${id}`, people.ada)).body.status).toBe('approved');

    // An exception whose expiry passed ends, and the team is back to none.
    const second = await request('checkout');
    const secondId = second.body.id as string;
    await call('POST', `/exceptions/${secondId}/decision`, people.leader, {
      outcome: 'approved',
      rationale: 'Short migration window.',
      expiresOn: '2099-01-31',
    });
    expect(await teamState('sso', 'checkout', people.ada)).toBe('exempt');
    await db
      .updateTable('exceptions')
      .set({ expires_on: '2020-01-01' })
      .where('id', '=', secondId)
      .execute();
    expect(await expireExceptions(db, new Date().toISOString().slice(0, 10))).toBe(1);
    expect(await teamState('sso', 'checkout', people.ada)).toBe('none');
    expect((await call('GET', `/exceptions/${secondId}`, people.ada)).body.status).toBe('expired');

    // Revoking an approved exception: only its decider; the team returns to none.
    expect(
      (await call('POST', `/exceptions/${id}/revoke`, people.barbara, { rationale: 'No.' })).status,
    ).toBe(403);
    const revoked = await call('POST', `/exceptions/${id}/revoke`, people.leader, {
      rationale: 'The vendor shipped SSO.',
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect(await teamState('sso', 'payments', people.ada)).toBe('none');

    const list = await call('GET', '/exceptions?status=approved,expired,revoked', people.ada);
    expect(list.body.items?.map((e) => e.status).sort()).toEqual(['expired', 'revoked']);
    const mine = await call('GET', '/exceptions?team=checkout&capability=sso', people.ada);
    expect(mine.body.items?.map((e) => e.id)).toEqual([secondId]);
    const badStatus = await call('GET', '/exceptions?status=pending,maybe', people.ada);
    expect(badStatus.status).toBe(400);
    expect(paths(badStatus.body)).toEqual(['status']);
    expect((await call('GET', '/capabilities/sso', people.ada)).body).toMatchObject({
      exceptions: { expired: 1, revoked: 1, pending: 0 },
    });
  });

  it('keeps a decision log filterable by category and capability', async () => {
    const people = await setup();
    await mandatory(people);
    await addCapability(people.barbara, { stage: 'beta' });
    await call('PATCH', '/capabilities/deploy-pipeline', people.barbara, {
      stage: 'ga',
      rationale: 'Ready.',
    });
    const lift = await call(
      'DELETE',
      '/capabilities/sso/mandate?rationale=Policy%20retired',
      people.leader,
    );
    expect(lift.status).toBe(200);
    expect(lift.body).toMatchObject({ obligation: 'optional', mandate: null });

    const all = await call('GET', '/decisions', people.ada);
    expect(all.status).toBe(200);
    expect(all.body.items?.map((d) => [d.kind, d.capability])).toEqual([
      ['mandate.lifted', 'sso'],
      ['stage.changed', 'deploy-pipeline'],
      ['mandate.recorded', 'sso'],
    ]);
    expect(all.body.items?.[0]).toMatchObject({
      category: 'security',
      decider: 'Test leader',
      rationale: 'Policy retired',
      subject: { type: 'capability' },
    });
    const security = await call('GET', '/decisions?category=security', people.ada);
    expect(security.body.items?.map((d) => d.kind)).toEqual(['mandate.lifted', 'mandate.recorded']);
    const pipeline = await call('GET', '/decisions?capability=deploy-pipeline', people.ada);
    expect(pipeline.body.items?.map((d) => d.kind)).toEqual(['stage.changed']);
    const page = await call('GET', '/decisions?limit=2', people.ada);
    expect(page.body.items).toHaveLength(2);
    const next = await call('GET', `/decisions?limit=2&cursor=${page.body.nextCursor}`, people.ada);
    expect(next.body.items?.map((d) => d.kind)).toEqual(['mandate.recorded']);
    expect((await call('GET', '/decisions?capability=nope', people.ada)).status).toBe(404);
  });

  it('lets only admins change the decision-rights table', async () => {
    const people = await setup();
    const table = await call('GET', '/decision-rights', people.ada);
    expect(table.body.items?.map((c) => [c.key, c.deciderRole])).toEqual([
      ['security', 'leader'],
      ['compliance', 'leader'],
      ['leadership', 'leader'],
      ['cost', 'leader'],
      ['developer-experience', 'platform'],
      ['reliability', 'platform'],
    ]);
    const body = {
      categories: [
        { key: 'cost', label: 'Cost', deciderRole: 'platform' },
        { key: 'accessibility', label: 'Accessibility', deciderRole: 'platform' },
      ],
    };
    for (const user of [people.ada, people.barbara, people.leader]) {
      expect((await call('PUT', '/decision-rights', user, body)).status).toBe(403);
    }
    const put = await call('PUT', '/decision-rights', people.admin, body);
    expect(put.status).toBe(200);
    expect(put.body.items?.slice(-4)).toEqual([
      { key: 'cost', label: 'Cost', deciderRole: 'platform' },
      { key: 'developer-experience', label: 'Developer experience', deciderRole: 'platform' },
      { key: 'reliability', label: 'Reliability', deciderRole: 'platform' },
      { key: 'accessibility', label: 'Accessibility', deciderRole: 'platform' },
    ]);
    const twice = await call('PUT', '/decision-rights', people.admin, {
      categories: [body.categories[0], body.categories[0]],
    });
    expect(twice.status).toBe(400);
    expect(paths(twice.body)).toEqual(['categories.1.key']);
    const reasons = await call('GET', '/adoption-reasons', people.ada);
    expect(reasons.body.items?.[0]).toEqual({ key: 'too-slow', label: 'Too slow' });
  });

  it('answers 404 problems for unknown capabilities and requests, and 401 without sign-in', async () => {
    const people = await setup();
    for (const [method, path, body] of [
      ['GET', '/capabilities/nope'],
      ['PATCH', '/capabilities/nope', { name: 'x' }],
      ['GET', '/capabilities/nope/adoption'],
      ['GET', '/capabilities/nope/adoption/history'],
      ['GET', '/capabilities/nope/figures'],
      ['POST', '/capabilities/nope/adoption', { team: 'payments', to: 'trial' }],
      ['PUT', '/capabilities/nope/mandate', MANDATE],
      ['GET', '/exceptions/nope'],
      ['POST', '/exceptions/nope/decision', { outcome: 'denied', rationale: 'x' }],
    ] as [string, string, unknown?][]) {
      const user =
        method === 'PATCH' || path.endsWith('/adoption') ? people.barbara : people.leader;
      const res = await call(method, path, user, body);
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.detail).toBeTruthy();
    }
    expect((await call('GET', '/capabilities')).status).toBe(401);
  });

  it('lists the catalog with filters and pages', async () => {
    const people = await setup();
    await mandatory(people);
    await addCapability(people.barbara, { stage: 'beta' });
    await addCapability(people.barbara, { slug: 'alpha', name: 'Alpha', stage: 'idea' });
    const all = await call('GET', '/capabilities', people.ada);
    expect(all.body.items?.map((c) => c.slug)).toEqual(['alpha', 'deploy-pipeline', 'sso']);
    const beta = await call('GET', '/capabilities?stage=beta', people.ada);
    expect(beta.body.items?.map((c) => c.slug)).toEqual(['deploy-pipeline']);
    const required = await call('GET', '/capabilities?obligation=mandatory', people.ada);
    expect(required.body.items?.map((c) => c.slug)).toEqual(['sso']);
    const first = await call('GET', '/capabilities?limit=2', people.ada);
    const second = await call(
      'GET',
      `/capabilities?limit=2&cursor=${first.body.nextCursor}`,
      people.ada,
    );
    expect(second.body).toMatchObject({ items: [{ slug: 'sso' }], nextCursor: null });
    expect((await call('GET', '/capabilities?stage=someday', people.ada)).status).toBe(400);
  });

  it('describes every capabilities route in the OpenAPI document', async () => {
    const res = await testApp(handle()).request('/api/v1/openapi.json');
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    const expected: [string, string[]][] = [
      ['/capabilities', ['get', 'post']],
      ['/capabilities/{slug}', ['get', 'patch']],
      ['/capabilities/{slug}/mandate', ['put', 'delete']],
      ['/capabilities/{slug}/adoption', ['get', 'post']],
      ['/capabilities/{slug}/adoption/history', ['get']],
      ['/capabilities/{slug}/figures', ['get']],
      ['/exceptions', ['get', 'post']],
      ['/exceptions/{id}', ['get']],
      ['/exceptions/{id}/decision', ['post']],
      ['/exceptions/{id}/revoke', ['post']],
      ['/decisions', ['get']],
      ['/decision-rights', ['get', 'put']],
      ['/adoption-reasons', ['get']],
    ];
    for (const [path, methods] of expected) {
      expect([path, Object.keys(doc.paths[path] ?? {}).sort()]).toEqual([path, methods.sort()]);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Capability',
        'CapabilityDetail',
        'NewCapability',
        'Mandate',
        'AdoptionChange',
        'AdoptionEvent',
        'TeamAdoption',
        'Exception',
        'ExceptionDecision',
        'Decision',
        'DecisionCategory',
        'CapabilityFigures',
      ]),
    );
  });

  // Last: the figures are computed by figures.ts; here only the route's shape is checked.
  it('answers the choice figures for a period, the current quarter by default', async () => {
    const people = await setup();
    await addCapability(people.barbara);
    const res = await call(
      'GET',
      '/capabilities/deploy-pipeline/figures?period=2026-Q4',
      people.ada,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      period: { key: '2026-Q4' },
      stayRate: expect.any(Object),
      churn: expect.any(Object),
      cohorts: expect.any(Array),
      reasons: expect.any(Array),
    });
    const current = await call('GET', '/capabilities/deploy-pipeline/figures', people.ada);
    expect(current.status).toBe(200);
    expect((current.body.period as { key: string }).key).toMatch(/^\d{4}-Q[1-4]$/);
    const bad = await call('GET', '/capabilities/deploy-pipeline/figures?period=Q4', people.ada);
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['period']);
  });
});
