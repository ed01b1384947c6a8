import { expect, it } from 'vitest';
import { type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { getCapabilityBySlug, listDecisions } from '../capabilities/store.ts';
import { day, seedBetaUsers } from './betas-testing.ts';

type Json = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  errors?: { path: string; message: string }[];
};

describeEngines('betas API', (handle) => {
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

  async function started() {
    const seed = await seedBetaUsers(handle());
    const res = await call('POST', '/betas', seed.users.barbara, {
      capability: 'preview-envs',
      startsOn: day(-7),
      reviewOn: day(60),
      criteria: [
        { kind: 'csat', threshold: 75 },
        { kind: 'stay-rate', threshold: 0.5 },
      ],
    });
    expect(res.status).toBe(201);
    return { ...seed, id: res.body.id as string, created: res.body };
  }

  it('starts a beta with defaults filled in, lists it and shows it in full', async () => {
    const { users, id, created } = await started();
    expect(created).toMatchObject({
      capability: { slug: 'preview-envs', name: 'Preview environments', stage: 'beta' },
      status: 'running',
      targetTeams: 3,
      category: 'developer-experience',
      teams: 0,
      criteria: [
        { kind: 'csat', threshold: 75, minN: 5, verdict: 'not-yet' },
        { kind: 'stay-rate', threshold: 0.5, afterWeeks: 6, verdict: 'not-yet' },
      ],
      criteriaSummary: '0 of 2 met, 2 not yet measurable',
      comparison: null,
      decider: {
        category: 'developer-experience',
        label: 'Developer experience',
        role: 'platform',
      },
    });
    const list = await call('GET', '/betas', users.ada);
    expect(list.status).toBe(200);
    expect(list.body.items!.map((b) => b.id)).toEqual([id]);
    expect((await call('GET', '/betas?status=graduated', users.ada)).body.items).toEqual([]);
    const one = await call('GET', `/betas/${id}`, users.ada);
    expect(one.body).toMatchObject({ id, teamList: [], moves: [], feedback: [], reviews: [] });
  });

  it('answers bad input with problem+json naming each field, and writes nothing', async () => {
    const seed = await seedBetaUsers(handle());
    const bad = await call('POST', '/betas', seed.users.barbara, {
      capability: 'preview-envs',
      startsOn: '2026-13-01',
      reviewOn: day(10),
      criteria: [{ kind: 'speed' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(paths(bad.body)).toEqual(['startsOn', 'criteria.0.kind']);
    const ga = await call('POST', '/betas', seed.users.barbara, {
      capability: 'feature-flags',
      startsOn: day(0),
      reviewOn: day(10),
      criteria: [{ kind: 'stay-rate', afterWeeks: 0 }],
    });
    expect(ga.status).toBe(400);
    expect(paths(ga.body)).toEqual(['capability', 'criteria.0.afterWeeks']);
    expect(await countRows(handle().db, 'beta_programs')).toBe(0);
    const forbidden = await call('POST', '/betas', seed.users.ada, {
      capability: 'preview-envs',
      startsOn: day(0),
      reviewOn: day(10),
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.type).toContain('application/problem+json');
    expect((await call('GET', '/betas/nope', seed.users.ada)).status).toBe(404);
    expect((await call('GET', '/betas', undefined)).status).toBe(401);
  });

  it('refuses a second program for the same capability with 409', async () => {
    const { users } = await started();
    const again = await call('POST', '/betas', users.barbara, {
      capability: 'preview-envs',
      startsOn: day(0),
      reviewOn: day(30),
    });
    expect(again.status).toBe(409);
    expect(again.type).toContain('application/problem+json');
  });

  it('joins (for the caller’s own team by default) and leaves with a reason', async () => {
    const { users, id } = await started();
    const joined = await call('POST', `/betas/${id}/join`, users.ada, {});
    expect(joined).toMatchObject({
      status: 201,
      body: { beta: id, team: 'payments', state: 'trial' },
    });
    const other = await call('POST', `/betas/${id}/join`, users.ada, { team: 'platform' });
    expect(other.status).toBe(403);
    const noTeam = await call('POST', `/betas/${id}/join`, users.leader, {});
    expect(noTeam.status).toBe(400);
    expect(paths(noTeam.body)).toEqual(['team']);
    const noReason = await call('POST', `/betas/${id}/leave`, users.ada, {
      reason: '',
      alternative: 'staging',
    });
    expect(noReason.status).toBe(400);
    expect(paths(noReason.body)).toEqual(['reason']);
    const left = await call('POST', `/betas/${id}/leave`, users.ada, {
      reason: 'too-slow',
      reasonText: 'Twenty minutes per preview.',
      alternative: 'a shared staging environment',
    });
    expect(left).toMatchObject({
      status: 201,
      body: { team: 'payments', state: 'left', reason: 'too-slow' },
    });
    const detail = await call('GET', `/betas/${id}`, users.ada);
    expect(detail.body).toMatchObject({
      teams: 1,
      activeTeams: 0,
      teamList: [{ team: 'payments', teamName: 'Payments', state: 'left' }],
      moves: [
        {
          team: 'payments',
          to: 'left',
          reason: 'too-slow',
          alternative: 'a shared staging environment',
        },
        { team: 'payments', to: 'trial' },
      ],
    });
  });

  it('reviews: the decider graduates it into the decision log; others are refused', async () => {
    const { users, id, capabilityId } = await started();
    const notDecider = await call('POST', `/betas/${id}/review`, users.leader, {
      outcome: 'graduate',
      rationale: 'Yes',
    });
    expect(notDecider.status).toBe(403);
    const noRationale = await call('POST', `/betas/${id}/review`, users.barbara, {
      outcome: 'iterate',
      rationale: ' ',
    });
    expect(noRationale.status).toBe(400);
    expect(paths(noRationale.body)).toEqual(['rationale']);
    const noDate = await call('POST', `/betas/${id}/review`, users.barbara, {
      outcome: 'iterate',
      rationale: 'More teams',
    });
    expect(paths(noDate.body)).toEqual(['nextReviewOn']);
    const done = await call('POST', `/betas/${id}/review`, users.barbara, {
      outcome: 'graduate',
      rationale: 'Every beta team kept it.',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'graduated',
      capability: { stage: 'ga' },
      reviews: [
        { outcome: 'graduate', rationale: 'Every beta team kept it.', decider: 'Test platform' },
      ],
    });
    expect((await getCapabilityBySlug(handle().db, 'preview-envs'))!.stage).toBe('ga');
    const log = await listDecisions(handle().db, { capabilityId, limit: 5 });
    expect(log.items.map((d) => d.kind)).toEqual(['beta.graduated']);
    const twice = await call('POST', `/betas/${id}/review`, users.barbara, {
      outcome: 'graduate',
      rationale: 'Again',
    });
    expect(twice.status).toBe(409);
  });

  it('names an unknown survey to compare in', async () => {
    const { users, id } = await started();
    const res = await call('GET', `/betas/${id}?survey=nope`, users.ada);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['survey']);
  });
});
