import { expect, it } from 'vitest';
import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { quarterOf } from '../core/period.ts';
import { presentMatrix } from './api-matrix.ts';
import { matrixFor } from './matrix.ts';
import { seedMatrixOrg } from './matrix-testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as a client would
type Json = Record<string, any>;

describeEngines('matrix API', (handle) => {
  async function get(path: string, user?: TestUser) {
    const res = await testApp(handle()).request(`/api/v1${path}`, { headers: user?.bearer ?? {} });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (await res.json()) as Json,
    };
  }

  it('answers the matrix of a quarter to any signed-in reader, as matrixFor computes it', async () => {
    await seedMatrixOrg(handle());
    const reader = await signIn(handle(), 'developer');
    // 2026-Q3 pools Q2 and Q3, whose months are all complete by now.
    const res = await get('/matrix?period=2026-Q3', reader);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    expect(res.body).toEqual(
      JSON.parse(
        JSON.stringify(presentMatrix(await matrixFor(handle().db, { period: '2026-Q3' }))),
      ),
    );
    expect(res.body).toMatchObject({ period: '2026-Q3', pooled: ['2026-Q2', '2026-Q3'], k: 5 });
    expect(res.body.rows.map((r: Json) => [r.capability.slug, r.quadrant])).toEqual([
      ['ci-runners', null],
      ['deploy-pipeline', 'grow'],
      ['feature-flags', null],
      ['log-search', 'rethink'],
      ['secrets-vault', 'fix-first'],
      ['service-mesh', null],
    ]);
    const dp = res.body.rows[1];
    expect(dp.experience).toEqual({
      status: 'good',
      n: 10,
      csat: 100,
      low: expect.any(Number),
      high: 100,
    });
    // At the end of Q3 two teams had adopted it (the trial began in October).
    expect(dp.adoption).toEqual({
      kind: 'opt-in',
      rate: { value: (100 * 2) / 6, numerator: 2, denominator: 6 },
    });
    expect(dp.value).toMatchObject({ outcome: 'Lead time for changes', hoursPerWeek: null });
    // No count below k leaves the server: October's 4 service-mesh pulses are out of Q3 anyway,
    // and ci-runners has none in Q2–Q3.
    expect(res.body.rows[0].experience).toEqual({
      status: 'no-data',
      n: null,
      csat: null,
      low: null,
      high: null,
    });
    expect(res.body.notPlaced.map((c: Json) => c.slug)).toEqual(['chatops', 'old-ci']);
  });

  it('defaults to the current quarter', async () => {
    const reader = await signIn(handle(), 'developer');
    const res = await get('/matrix', reader);
    expect(res.status).toBe(200);
    expect(res.body.period).toBe(quarterOf(new Date()).key);
    expect(res.body.rows).toEqual([]);
  });

  it('refuses a period that is not a quarter, naming the field, and asks to sign in', async () => {
    const reader = await signIn(handle(), 'developer');
    for (const bad of ['2026-11', '2026-Q5', 'next']) {
      const res = await get(`/matrix?period=${bad}`, reader);
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        { path: 'period', message: 'Give a quarter as YYYY-Qn, such as 2026-Q4.' },
      ]);
    }
    const anonymous = await get('/matrix');
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
  });

  it('is described in the OpenAPI document', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    const route = res.body.paths['/matrix'].get;
    expect(route.parameters.map((p: Json) => p.name)).toEqual(['period']);
    expect(Object.keys(route.responses)).toEqual(['200', '400', '401']);
    expect(res.body.components.schemas.Matrix).toBeDefined();
  });
});
