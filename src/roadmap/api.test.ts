import { expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { closeWindow, type Person, seedPages } from './pages-testing.ts';
import { feedbackWithVoters } from './service-testing.ts';

describeEngines('roadmap API', (handle) => {
  async function call(person: Person | null, method: string, path: string, body?: unknown) {
    const res = await testApp(handle()).request(`/api/v1${path}`, {
      method,
      headers: {
        ...(person?.bearer ?? {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      json: text ? JSON.parse(text) : undefined,
    };
  }

  const ITEM = {
    title: 'Cache builds',
    horizon: 'next',
    driver: 'developer-request',
    rationale: 'The most voted problem.',
    category: 'developer-experience',
  };

  it('adds a proposal, lists and shows it with its distinct voters, and takes comments', async () => {
    const people = await seedPages(handle());
    const { db } = handle();
    const a = await feedbackWithVoters(
      db,
      people.ada.ctx,
      [people.alan.ctx, people.leader.ctx],
      'A',
    );
    const b = await feedbackWithVoters(
      db,
      people.alan.ctx,
      [people.leader.ctx, people.admin.ctx],
      'B',
    );
    const created = await call(people.barbara, 'POST', '/roadmap', {
      ...ITEM,
      capability: 'feature-flags',
      feedbackIds: [a, b],
      commentDays: 7,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      title: 'Cache builds',
      status: 'proposed',
      capability: 'feature-flags',
      window: 'open',
      // Alan, the leader and the admin: the leader voted on both and counts once.
      voters: 3,
      decider: { category: 'developer-experience', role: 'platform' },
      history: [{ kind: 'created', to: 'proposed' }],
    });
    const id = created.json.id as string;
    const list = await call(
      people.ada,
      'GET',
      '/roadmap?status=proposed,planned&driver=developer-request',
    );
    expect(list.status).toBe(200);
    expect(list.json.items.map((i: { id: string; voters: number }) => [i.id, i.voters])).toEqual([
      [id, 3],
    ]);
    expect((await call(people.ada, 'GET', '/roadmap?status=shipped')).json.items).toEqual([]);
    const comment = await call(people.ada, 'POST', `/roadmap/${id}/comments`, {
      stance: 'support',
    });
    expect(comment.status).toBe(201);
    expect(comment.json).toMatchObject({ author: 'Test developer', stance: 'support', body: '' });
    const shown = await call(people.alan, 'GET', `/roadmap/${id}`);
    expect(shown.json).toMatchObject({ support: 1, concern: 0, comments: 1 });
    expect(shown.json.feedback.map((f: { votes: number }) => f.votes).sort()).toEqual([2, 2]);
  });

  it('answers bad input with problem+json naming the field, and writes nothing', async () => {
    const people = await seedPages(handle());
    const before = await countRows(handle().db, 'roadmap_items');
    const cases: [unknown, string][] = [
      [{ ...ITEM, title: '' }, 'title'],
      [{ ...ITEM, horizon: 'someday' }, 'horizon'],
      [{ ...ITEM, rationale: '  ' }, 'rationale'],
      [{ ...ITEM, category: 'astrology' }, 'category'],
      [{ ...ITEM, capability: 'nope' }, 'capability'],
      [{ ...ITEM, feedbackIds: ['nope'] }, 'feedbackIds'],
      [{ ...ITEM, commentDays: 0 }, 'commentDays'],
      [{ ...ITEM, status: 'shipped' }, 'status'],
    ];
    for (const [body, path] of cases) {
      const res = await call(people.barbara, 'POST', '/roadmap', body);
      expect(res.status, path).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await call(people.ada, 'POST', '/roadmap', ITEM)).status).toBe(403);
    expect((await call(null, 'GET', '/roadmap')).status).toBe(401);
    expect((await call(people.ada, 'GET', '/roadmap?status=bogus')).json.errors[0].path).toBe(
      'status',
    );
    expect((await call(people.ada, 'GET', '/roadmap?capability=nope')).json.errors[0].path).toBe(
      'capability',
    );
    expect((await call(people.ada, 'GET', '/roadmap/nope')).status).toBe(404);
    expect(await countRows(handle().db, 'roadmap_items')).toBe(before);
  });

  it('refuses a decision before the window and from anyone but the decider, then records it', async () => {
    const people = await seedPages(handle());
    const { json } = await call(people.barbara, 'POST', '/roadmap', {
      ...ITEM,
      category: 'security',
      driver: 'mandate',
    });
    const decide = (who: Person, body: unknown) =>
      call(who, 'POST', `/roadmap/${json.id}/decision`, body);
    const early = await decide(people.leader, { outcome: 'planned', rationale: 'Yes.' });
    expect(early.status).toBe(409);
    expect(early.type).toBe('application/problem+json');
    await closeWindow(handle(), json.id);
    const late = await call(people.ada, 'POST', `/roadmap/${json.id}/comments`, {
      stance: 'concern',
      body: 'Too late?',
    });
    expect(late.status).toBe(409);
    expect((await decide(people.barbara, { outcome: 'planned', rationale: 'Yes.' })).status).toBe(
      403,
    );
    const bad = await decide(people.leader, { outcome: 'maybe', rationale: '' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'outcome',
      'rationale',
    ]);
    const done = await decide(people.leader, {
      outcome: 'planned',
      rationale: 'The audit requires it.',
      horizon: 'now',
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'planned',
      horizon: 'now',
      decisionRationale: 'The audit requires it.',
      window: 'none',
    });
  });

  it('moves and ships through /status; the changelog lists the entry with the feedback it answers', async () => {
    const people = await seedPages(handle());
    const fb = await feedbackWithVoters(handle().db, people.ada.ctx, [people.alan.ctx], 'Slow');
    const { json } = await call(people.barbara, 'POST', '/roadmap', {
      ...ITEM,
      status: 'planned',
      feedbackIds: [fb],
    });
    const move = (body: unknown, who = people.barbara) =>
      call(who, 'POST', `/roadmap/${json.id}/status`, body);
    expect((await move({ status: 'in-progress', note: 'Started.' })).json.status).toBe(
      'in-progress',
    );
    const noLog = await move({ status: 'shipped' });
    expect(noLog.status).toBe(400);
    expect(noLog.json.errors[0].path).toBe('changelog');
    const early = await move({
      status: 'shipped',
      changelog: { body: 'Cached.', breaking: true, effectiveOn: '2020-01-01' },
    });
    expect(early.status).toBe(400);
    expect(early.json.errors[0].path).toBe('changelog.effectiveOn');
    expect((await move({ status: 'shipped', changelog: { body: 'x' } }, people.ada)).status).toBe(
      403,
    );
    const shipped = await move({
      status: 'shipped',
      changelog: { title: 'Builds are cached', body: 'Twice as fast.' },
    });
    expect(shipped.status).toBe(200);
    expect(shipped.json.status).toBe('shipped');
    const entryId = shipped.json.changelogEntry as string;
    const log = await call(people.ada, 'GET', '/changelog');
    expect(log.json.items).toMatchObject([
      {
        id: entryId,
        title: 'Builds are cached',
        roadmapItem: json.id,
        breaking: false,
        feedback: [{ id: fb, title: 'Slow' }],
        publishedBy: 'Test platform',
        link: `/changelog/${entryId}`,
      },
    ]);
    expect((await call(people.ada, 'GET', '/changelog?breaking=true')).json.items).toEqual([]);
    expect((await call(people.ada, 'GET', `/changelog/${entryId}`)).json.title).toBe(
      'Builds are cached',
    );
    expect((await call(people.ada, 'GET', '/changelog/nope')).status).toBe(404);
  });

  it('edits an item with PATCH, noting a horizon move, for the platform team only', async () => {
    const people = await seedPages(handle());
    const { json } = await call(people.barbara, 'POST', '/roadmap', ITEM);
    const patched = await call(people.barbara, 'PATCH', `/roadmap/${json.id}`, {
      horizon: 'now',
      capability: 'feature-flags',
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      horizon: 'now',
      capability: 'feature-flags',
      status: 'proposed',
    });
    expect(patched.json.history[0]).toMatchObject({
      kind: 'edited',
      note: 'Moved from Next to Now.',
    });
    expect((await call(people.ada, 'PATCH', `/roadmap/${json.id}`, { title: 'Mine' })).status).toBe(
      403,
    );
    const bad = await call(people.barbara, 'PATCH', `/roadmap/${json.id}`, {
      title: ' ',
      driver: 'vibes',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'driver',
      'title',
    ]);
  });

  it('describes every roadmap route in the OpenAPI document', async () => {
    const res = await testApp(handle()).request('/api/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/roadmap'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/roadmap/{id}'] ?? {}).sort()).toEqual(['get', 'patch']);
    for (const path of [
      '/roadmap/{id}/comments',
      '/roadmap/{id}/decision',
      '/roadmap/{id}/status',
    ]) {
      expect(Object.keys(doc.paths[path] ?? {}), path).toEqual(['post']);
    }
    expect(Object.keys(doc.paths['/changelog'] ?? {})).toEqual(['get']);
  });
});
