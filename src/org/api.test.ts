import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';

describeEngines('org API', (handle) => {
  async function get(path: string, headers?: Record<string, string>) {
    const auth = headers ?? (await signIn(handle())).bearer;
    const res = await testApp(handle()).request(path, { headers: auth });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  }

  it('lists teams by slug with parent and member count', async () => {
    await seedOrg(handle().db);
    const { status, body } = await get('/api/v1/teams');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(
      body.items.map((t: { slug: string; parent: string | null; memberCount: number }) => [
        t.slug,
        t.parent,
        t.memberCount,
      ]),
    ).toEqual([
      ['checkout', 'payments', 1],
      ['engineering', null, 0],
      ['payments', 'engineering', 2],
      ['platform', 'engineering', 2],
    ]);
  });

  it('pages through teams with the cursor', async () => {
    await seedOrg(handle().db);
    const first = await get('/api/v1/teams?limit=3');
    expect(first.body.items.map((t: { slug: string }) => t.slug)).toEqual([
      'checkout',
      'engineering',
      'payments',
    ]);
    const second = await get(`/api/v1/teams?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ slug: 'platform' }], nextCursor: null });
  });

  it('shows one team with members, sub-teams and services', async () => {
    await seedOrg(handle().db);
    const payments = await get('/api/v1/teams/payments');
    expect(payments.status).toBe(200);
    expect(payments.body.members.map((p: { name: string }) => p.name)).toEqual([
      'Ada Lovelace',
      'Grace Hopper',
    ]);
    expect(payments.body.subTeams.map((t: { slug: string }) => t.slug)).toEqual(['checkout']);
    const checkout = await get('/api/v1/teams/checkout');
    expect(checkout.body.services).toEqual([
      expect.objectContaining({
        slug: 'checkout-api',
        team: 'checkout',
        repository: 'acme/checkout-api',
      }),
    ]);
  });

  it('answers an unknown team with problem+json 404', async () => {
    const { status, type, body } = await get('/api/v1/teams/nope');
    expect(status).toBe(404);
    expect(type).toBe('application/problem+json');
    expect(body).toMatchObject({
      status: 404,
      title: 'Not found',
      detail: 'There is no team "nope".',
    });
  });

  it('pages people by name and filters by team', async () => {
    await seedOrg(handle().db);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await get(
        `/api/v1/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      names.push(...page.body.items.map((p) => p.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(names).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Barbara Liskov',
      'Edsger Dijkstra',
      'Grace Hopper',
    ]);
    const platform = await get('/api/v1/people?team=platform');
    expect(platform.body.items).toEqual([
      expect.objectContaining({ name: 'Barbara Liskov', team: 'platform' }),
      expect.objectContaining({ name: 'Edsger Dijkstra', team: 'platform' }),
    ]);
  });

  it('names each invalid query field in a problem+json 400', async () => {
    const { status, type, body } = await get('/api/v1/people?limit=9999&cursor=zzz');
    expect(status).toBe(400);
    expect(type).toBe('application/problem+json');
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['limit']);
    const bad = await get('/api/v1/people?cursor=zzz');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'cursor', message: expect.stringContaining('Cursor') },
    ]);
  });

  it('lists services and filters them by team', async () => {
    await seedOrg(handle().db);
    expect((await get('/api/v1/services')).body.items).toHaveLength(1);
    expect((await get('/api/v1/services?team=platform')).body.items).toEqual([]);
    expect((await get('/api/v1/services?team=ghost')).status).toBe(404);
  });

  it('asks for sign-in without a token, and refuses an unknown one', async () => {
    const anonymous = await get('/api/v1/teams', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toBe('application/problem+json');
    const forged = await get('/api/v1/teams', { Authorization: 'Bearer pvd_forged' });
    expect(forged.status).toBe(401);
  });

  it('reports readiness with the engine, to anyone', async () => {
    const { status, body } = await get('/readyz', {});
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', database: handle().engine });
  });
});

it('describes every route in an OpenAPI 3.1 document', async () => {
  const { freshDatabase } = await import('../../test/engines.ts');
  const handle = await freshDatabase('sqlite');
  try {
    const res = await testApp(handle).request('/api/v1/openapi.json');
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/people', '/services', '/teams', '/teams/{slug}']),
    );
    expect(doc.components.schemas.Problem).toBeDefined();
    expect((await testApp(handle).request('/api/v1/nothing')).headers.get('content-type')).toBe(
      'application/problem+json',
    );
  } finally {
    await handle.close();
  }
});
