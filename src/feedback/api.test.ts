import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { feedbackCounts } from './service-testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would
type Json = Record<string, any>;

describeEngines('feedback API', (handle) => {
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
  const paths = (body: Json) => ((body.errors ?? []) as { path: string }[]).map((e) => e.path);

  async function setup() {
    await seedOrg(handle().db);
    const people = {
      ada: await signIn(handle(), 'developer', 'ada.lovelace@example.test'),
      alan: await signIn(handle(), 'developer', 'alan.turing@example.test'),
      barbara: await signIn(handle(), 'platform', 'barbara.liskov@example.test'),
      admin: await signIn(handle(), 'admin', 'root@example.test'),
    };
    const cap = await call('POST', '/capabilities', people.barbara, {
      slug: 'deploy-pipeline',
      name: 'Deploy pipeline',
      summary: 'Build, test and deploy every service.',
      stage: 'ga',
      obligation: 'optional',
    });
    expect(cap.status).toBe(201);
    return people;
  }

  it('posts, lists, shows, votes and withdraws, with votes counted from rows', async () => {
    const p = await setup();
    const created = await call('POST', '/feedback', p.ada, {
      kind: 'problem',
      title: 'Deploys take 20 minutes',
      body: 'See [the run](https://ci.example.test/1) <script>alert(1)</script>',
      capability: 'deploy-pipeline',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'problem',
      status: 'new',
      votes: 0,
      author: 'Test developer',
      authorLine: 'Test developer (Payments)',
      capability: { slug: 'deploy-pipeline' },
      team: { slug: 'payments' },
      subscribed: true,
      acknowledgedInTime: null,
      ageDays: 0,
    });
    expect(created.body.bodyHtml).toContain('rel="nofollow noopener"');
    expect(created.body.bodyHtml).not.toContain('<script>');
    const id = created.body.id as string;
    expect((await call('PUT', `/feedback/${id}/vote`, p.alan)).body).toEqual({
      votes: 1,
      voted: true,
    });
    expect((await call('PUT', `/feedback/${id}/vote`, p.alan)).body).toEqual({
      votes: 1,
      voted: true,
    });
    expect((await call('PUT', `/feedback/${id}/vote`, p.barbara)).body).toEqual({
      votes: 2,
      voted: true,
    });
    expect((await call('DELETE', `/feedback/${id}/vote`, p.alan)).body).toEqual({
      votes: 1,
      voted: false,
    });
    const list = await call(
      'GET',
      '/feedback?sort=votes&status=new,acknowledged&capability=deploy-pipeline',
      p.alan,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id, votes: 1, voted: false });
    const shown = await call('GET', `/feedback/${id}`, p.alan);
    expect(shown.body).toMatchObject({ id, history: [], internalNotes: null, subscribed: true });
    expect((await call('GET', '/feedback/nope', p.alan)).status).toBe(404);
  });

  it('hides an anonymous author from every reader, the platform included', async () => {
    const p = await setup();
    const created = await call('POST', '/feedback', p.ada, {
      kind: 'idea',
      title: 'Preview environments',
      postedAs: 'team',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      author: null,
      authorLine: 'a developer in Payments',
      postedAs: 'team',
    });
    for (const reader of [p.barbara, p.admin]) {
      const shown = await call('GET', `/feedback/${created.body.id}`, reader);
      expect(JSON.stringify(shown.body)).not.toContain(p.ada.user.name);
      expect(JSON.stringify(shown.body)).not.toContain(p.ada.user.id);
    }
    const audit = await call('GET', '/audit?limit=500', p.admin);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.id);
    expect(JSON.stringify(audit.body)).not.toContain('feedback.create');
  });

  it('moves status with a note, merges duplicates, and tells subscribers through the inbox', async () => {
    const p = await setup();
    const a = (await call('POST', '/feedback', p.ada, { kind: 'problem', title: 'Slow deploys' }))
      .body;
    const b = (await call('POST', '/feedback', p.alan, { kind: 'problem', title: 'Deploys crawl' }))
      .body;
    await call('PUT', `/feedback/${a.id}/vote`, p.barbara);
    await call('PUT', `/feedback/${b.id}/vote`, p.barbara);
    const ack = await call('POST', `/feedback/${a.id}/status`, p.barbara, {
      status: 'acknowledged',
      note: 'We see it.',
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedInTime: true });
    expect(ack.body.history).toEqual([
      expect.objectContaining({
        from: 'new',
        to: 'acknowledged',
        note: 'We see it.',
        by: 'Test platform',
      }),
    ]);
    const merged = await call('POST', `/feedback/${b.id}/merge`, p.barbara, {
      into: a.id,
      note: 'Same thing.',
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      id: a.id,
      votes: 1,
      duplicates: [{ id: b.id, status: 'duplicate' }],
    });
    const inbox = await call('GET', '/inbox', p.alan);
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.items[0]).toMatchObject({
      kind: 'feedback.merged',
      link: `/feedback/${a.id}`,
      read: false,
    });
    const adaInbox = await call('GET', '/inbox?unread=true', p.ada);
    expect(adaInbox.body.items.map((n: Json) => n.body)).toEqual(['We see it.']);
    const marked = await call('POST', '/inbox/read', p.alan, { all: true });
    expect(marked.body).toEqual({ marked: 1, unread: 0 });
    expect((await call('POST', '/inbox/read', p.alan, {})).status).toBe(400);
  });

  it('refuses bad input with field-level problems and writes nothing', async () => {
    const p = await setup();
    const item = (await call('POST', '/feedback', p.ada, { kind: 'problem', title: 'Slow' })).body;
    const before = await feedbackCounts(handle().db);
    const cases: [string, string, TestUser, unknown, number, string[]][] = [
      ['POST', '/feedback', p.ada, { kind: 'problem', title: '   ' }, 400, ['title']],
      ['POST', '/feedback', p.ada, { kind: 'rant', title: 'x' }, 400, ['kind']],
      [
        'POST',
        '/feedback',
        p.ada,
        { kind: 'idea', title: 'x', capability: 'no-such' },
        400,
        ['capability'],
      ],
      [
        'POST',
        `/feedback/${item.id}/status`,
        p.barbara,
        { status: 'shipped', note: 'Done' },
        400,
        ['status'],
      ],
      [
        'POST',
        `/feedback/${item.id}/status`,
        p.barbara,
        { status: 'acknowledged', note: '' },
        400,
        ['note'],
      ],
      ['POST', `/feedback/${item.id}/status`, p.barbara, { status: 'declined' }, 400, ['note']],
      [
        'POST',
        `/feedback/${item.id}/merge`,
        p.barbara,
        { into: item.id, note: 'x' },
        400,
        ['into'],
      ],
      [
        'POST',
        `/feedback/${item.id}/merge`,
        p.barbara,
        { into: 'missing', note: 'x' },
        400,
        ['into'],
      ],
      [
        'POST',
        `/feedback/${item.id}/status`,
        p.ada,
        { status: 'acknowledged', note: 'x' },
        403,
        [],
      ],
      ['POST', `/feedback/${item.id}/merge`, p.ada, { into: 'x', note: 'x' }, 403, []],
      [
        'POST',
        '/feedback/missing/status',
        p.barbara,
        { status: 'acknowledged', note: 'x' },
        404,
        [],
      ],
    ];
    for (const [method, path, user, body, status, fields] of cases) {
      const res = await call(method, path, user, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.type).toContain('application/problem+json');
      if (fields.length) expect(paths(res.body)).toEqual(fields);
    }
    expect(await feedbackCounts(handle().db)).toEqual(before);
    expect((await call('GET', '/feedback?status=nope', p.ada)).status).toBe(400);
    expect((await call('GET', '/feedback/figures?period=2026-13', p.ada)).body.errors[0].path).toBe(
      'period',
    );
  });

  it('answers figures and the overdue queue, and unsubscribes from all in one call', async () => {
    const p = await setup();
    const item = (await call('POST', '/feedback', p.ada, { kind: 'problem', title: 'Old one' }))
      .body;
    await handle()
      .db.updateTable('feedback_items')
      .set({ created_at: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', item.id)
      .execute();
    const overdue = await call('GET', '/feedback/overdue', p.alan);
    expect(overdue.body.items.map((i: Json) => i.id)).toEqual([item.id]);
    expect(overdue.body.items[0].acknowledgedInTime).toBe(false);
    const figures = await call('GET', '/feedback/figures?period=2020-Q1', p.alan);
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({
      period: '2020-Q1',
      slaDays: 5,
      created: 1,
      openOverdue: 1,
    });
    expect(figures.body.withinSla).toEqual({ value: 0, numerator: 0, denominator: 1 });
    expect((await call('DELETE', `/feedback/${item.id}/subscription`, p.ada)).body).toEqual({
      subscribed: false,
    });
    expect((await call('PUT', `/feedback/${item.id}/subscription`, p.ada)).body).toEqual({
      subscribed: true,
    });
    expect((await call('DELETE', '/feedback/subscriptions', p.ada)).body).toEqual({ ended: 1 });
  });

  it('documents every feedback, inbox and webhook route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    for (const path of [
      '/feedback',
      '/feedback/{id}',
      '/feedback/{id}/vote',
      '/feedback/{id}/status',
      '/feedback/{id}/merge',
      '/feedback/{id}/subscription',
      '/feedback/figures',
      '/inbox',
      '/inbox/read',
      '/webhooks',
      '/webhooks/{id}/test',
      '/webhooks/{id}/deliveries',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths['/feedback/{id}/vote'])).toEqual(['put', 'delete']);
  });

  it('lets only admins manage webhooks and refuses a private address by field', async () => {
    const p = await setup();
    const input = {
      name: 'Chat',
      url: 'http://10.0.0.5/hook',
      events: ['feedback.status_changed'],
    };
    expect((await call('POST', '/webhooks', p.barbara, input)).status).toBe(403);
    const refused = await call('POST', '/webhooks', p.admin, input);
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['url']);
    expect((await call('POST', '/webhooks', p.admin, { ...input, events: ['nope'] })).status).toBe(
      400,
    );
    const ok = await call('POST', '/webhooks', p.admin, {
      ...input,
      url: 'https://203.0.113.10/hook',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.signingSecret).toMatch(/^whsec_/);
    const listed = await call('GET', '/webhooks', p.admin);
    expect(listed.body.items).toEqual([
      expect.not.objectContaining({ signingSecret: expect.anything() }),
    ]);
    const off = await call('PATCH', `/webhooks/${ok.body.id}`, p.admin, { active: false });
    expect(off.body.active).toBe(false);
    expect((await call('GET', `/webhooks/${ok.body.id}/deliveries`, p.admin)).body.items).toEqual(
      [],
    );
    expect((await call('DELETE', `/webhooks/${ok.body.id}`, p.admin)).status).toBe(204);
  });
});
