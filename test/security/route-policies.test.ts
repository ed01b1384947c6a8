import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../../src/core/policy.ts';
import { testApp } from '../app.ts';
import { freshDatabase, type TestDb } from '../engines.ts';
import { registeredRoutes } from './support.ts';

// Every route must name its policy (or `public`), so a route added later
// without one fails here. The list is read from the app, never written down.
describe('route policies', () => {
  let db: TestDb;
  let routes: ReturnType<typeof registeredRoutes>;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    routes = registeredRoutes(testApp(db));
  });
  afterAll(() => db.close());

  it('finds the routes of every area in app.routes', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /api/v1/teams', 'GET /teams/:slug', 'GET /']),
    );
  });

  it('gives every registered route a policy', () => {
    const missing = routes
      .filter((r) => r.policies.length === 0)
      .map((r) => `${r.method} ${r.path}`);
    expect(missing, `routes without policy(...): ${missing.join(', ')}`).toEqual([]);
  });

  it('runs each route’s policy check before its handler', () => {
    const late = routes
      .filter((r) => r.policies.length > 0 && !r.policyRunsFirst)
      .map((r) => `${r.method} ${r.path}`);
    expect(late, `policy registered after the handler: ${late.join(', ')}`).toEqual([]);
  });

  it('names only policies the policy module defines', () => {
    const unknown = routes.flatMap((r) =>
      r.policies.filter((p) => !(p in policies)).map((p) => `${r.method} ${r.path} → ${p}`),
    );
    expect(unknown).toEqual([]);
  });

  it('records the policy each known route declares', () => {
    const policyOf = (method: string, path: string) =>
      routes.find((r) => r.method === method && r.path === path)?.policies;
    expect(policyOf('GET', '/api/v1/teams')).toEqual(['org.read']);
    expect(policyOf('GET', '/healthz')).toEqual(['public']);
    expect(policyOf('GET', '/readyz')).toEqual(['public']);
    expect(policyOf('GET', '/')).toEqual(['signed-in']);
  });
});
