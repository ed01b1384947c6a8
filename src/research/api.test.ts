import { expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { type Person, seedPeople } from './testing.ts';

const NOTE = {
  kind: 'shadowing',
  heldOn: '2026-10-14',
  team: 'payments',
  personas: ['cli-first', 'junior'],
  workflow: 'deploy a service',
  steps: ['Open the pipeline', 'Wait for approval', 'Watch the rollout'],
  summary: 'Approval is where the time goes.',
  frictions: [
    {
      step: 'Wait for approval',
      capability: 'service-templates',
      severity: 3,
      minutesLost: 45,
      quote: 'Nobody told me who approves.',
    },
    { step: 'Watch the rollout', severity: 1 },
  ],
};

const SESSION = {
  heldOn: '2026-10-13',
  hosts: 'Barbara Liskov',
  topics: [
    { team: 'checkout', capability: 'secrets-manager', problem: 'Rotation', outcome: 'solved' },
    { capability: 'secrets-manager', problem: 'Where are the docs?', outcome: 'docs-gap' },
    { problem: 'Which runner size?', outcome: 'solved' },
  ],
};

describeEngines('research API', (handle) => {
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

  it('records a note, lists it, shows it with quotes, and ranks its frictions', async () => {
    const people = await seedPeople(handle());
    const created = await call(people.barbara, 'POST', '/research/notes', NOTE);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      kind: 'shadowing',
      team: { slug: 'payments', name: 'Payments' },
      personas: ['cli-first', 'junior'],
      frictions: [
        { step: 'Wait for approval', severity: 3, quote: 'Nobody told me who approves.' },
        { step: 'Watch the rollout', capability: null, minutesLost: null, quote: null },
      ],
      link: `/research/notes/${created.json.id}`,
    });
    const list = await call(people.leader, 'GET', '/research/notes?persona=junior&period=2026-Q4');
    expect(list.status).toBe(200);
    expect(list.json.items).toMatchObject([{ id: created.json.id, frictions: 2 }]);
    expect((await call(people.leader, 'GET', '/research/notes?kind=interview')).json.items).toEqual(
      [],
    );
    const shown = await call(people.leader, 'GET', `/research/notes/${created.json.id}`);
    expect(shown.json.frictions[0].quote).toBe('Nobody told me who approves.');
    const synthesis = await call(people.leader, 'GET', '/research/synthesis?persona=junior');
    expect(synthesis.status).toBe(200);
    expect(
      synthesis.json.ranked.map((r: { step: string; score: number }) => [r.step, r.score]),
    ).toEqual([
      ['Wait for approval', 3],
      ['Watch the rollout', 1],
    ]);
    expect(synthesis.json.byWorkflow[0]).toMatchObject({ workflow: 'deploy a service', score: 4 });
  });

  it('answers problem+json naming each bad field, and writes nothing', async () => {
    const people = await seedPeople(handle());
    const bad = await call(people.barbara, 'POST', '/research/notes', {
      ...NOTE,
      kind: 'survey',
      frictions: [{ step: 'x', severity: 'high' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual([
      'kind',
      'frictions.0.severity',
    ]);
    const unknown = await call(people.barbara, 'POST', '/research/notes', {
      ...NOTE,
      frictions: [{ ...NOTE.frictions[0], capability: 'teleporter', severity: 5 }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors.map((e: { path: string }) => e.path)).toEqual([
      'frictions.0.severity',
      'frictions.0.capability',
    ]);
    expect(await countRows(handle().db, 'research_notes')).toBe(0);
    const badPeriod = await call(people.barbara, 'GET', '/research/synthesis?period=Q4');
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.json.errors).toMatchObject([{ path: 'period' }]);
  });

  it('keeps notes from developers and anonymous callers', async () => {
    const people = await seedPeople(handle());
    expect((await call(null, 'GET', '/research/notes')).status).toBe(401);
    expect((await call(people.ada, 'GET', '/research/notes')).status).toBe(403);
    expect((await call(people.ada, 'GET', '/research/synthesis')).status).toBe(403);
    expect((await call(people.leader, 'POST', '/research/notes', NOTE)).status).toBe(403);
    expect((await call(people.leader, 'GET', '/research/notes/nope')).status).toBe(404);
  });

  it('replaces a note keeping a friction by id, links items, files feedback, and deletes', async () => {
    const people = await seedPeople(handle());
    const note = (await call(people.barbara, 'POST', '/research/notes', NOTE)).json;
    const keep = note.frictions[0].id;
    const filed = await call(people.barbara, 'POST', `/research/frictions/${keep}/feedback`, {});
    expect(filed.status).toBe(201);
    expect(filed.json.friction.links).toMatchObject([
      { kind: 'feedback', id: filed.json.feedbackId, title: 'Deploy a service: Wait for approval' },
    ]);
    const noTarget = await call(people.barbara, 'POST', `/research/frictions/${keep}/links`, {});
    expect(noTarget.status).toBe(400);
    expect(noTarget.json.errors[0].path).toBe('feedbackId');
    const missing = await call(people.barbara, 'POST', `/research/frictions/${keep}/links`, {
      roadmapItemId: 'nope',
    });
    expect(missing.json.errors).toMatchObject([{ path: 'roadmapItemId' }]);
    const replaced = await call(people.barbara, 'PUT', `/research/notes/${note.id}`, {
      ...NOTE,
      frictions: [{ ...NOTE.frictions[0], id: keep, severity: 2 }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.frictions).toMatchObject([{ id: keep, severity: 2, links: [{}] }]);
    const unlinked = await call(
      people.barbara,
      'DELETE',
      `/research/frictions/${keep}/links?feedbackId=${filed.json.feedbackId}`,
    );
    expect(unlinked.json.links).toEqual([]);
    expect((await call(people.barbara, 'DELETE', `/research/notes/${note.id}`)).status).toBe(204);
    expect((await call(people.barbara, 'GET', `/research/notes/${note.id}`)).status).toBe(404);
  });

  it('records office hours and answers their figures with the Wilson interval', async () => {
    const people = await seedPeople(handle());
    const created = await call(people.barbara, 'POST', '/office-hours', SESSION);
    expect(created.status).toBe(201);
    expect(created.json.topics).toHaveLength(3);
    const list = await call(people.leader, 'GET', '/office-hours?period=2026-10');
    expect(list.json.items).toMatchObject([{ id: created.json.id, topics: 3 }]);
    const figures = await call(people.leader, 'GET', '/office-hours/figures?period=2026-Q4');
    expect(figures.status).toBe(200);
    expect(figures.json.all).toMatchObject({ topics: 3, docsGaps: 1, solved: { count: 2, n: 3 } });
    // Wilson 2 of 3: 20.77% to 93.85%.
    expect(figures.json.all.solved.interval.low).toBeCloseTo(20.77, 1);
    expect(figures.json.all.solved.interval.high).toBeCloseTo(93.85, 1);
    expect(
      figures.json.byCapability.map(
        (c: { capability: { slug: string } | null; topics: number }) => [
          c.capability?.slug ?? null,
          c.topics,
        ],
      ),
    ).toEqual([
      ['secrets-manager', 2],
      [null, 1],
    ]);
    const bad = await call(people.barbara, 'POST', '/office-hours', {
      ...SESSION,
      topics: [{ problem: 'x', outcome: 'fixed' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('topics.0.outcome');
    expect((await call(people.ada, 'GET', '/office-hours/figures')).status).toBe(403);
    const shown = await call(people.leader, 'GET', `/office-hours/${created.json.id}`);
    expect(shown.json.topics[0]).toMatchObject({ team: { slug: 'checkout' }, outcome: 'solved' });
    expect((await call(people.barbara, 'DELETE', `/office-hours/${created.json.id}`)).status).toBe(
      204,
    );
  });

  it('describes the research routes in the OpenAPI document', async () => {
    await seedPeople(handle());
    const doc = await call(null, 'GET', '/openapi.json');
    for (const path of [
      '/research/notes',
      '/research/notes/{id}',
      '/research/synthesis',
      '/research/frictions/{id}/links',
      '/office-hours',
      '/office-hours/figures',
    ]) {
      expect(doc.json.paths[path]).toBeDefined();
    }
  });
});
