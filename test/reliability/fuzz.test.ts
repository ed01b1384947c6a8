import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/core/http/body-limit.ts';
import { MAX_BYTES as EVENTS_MAX_BYTES, WEBHOOK_MAX_BYTES } from '../../src/signals/model.ts';
import { engines } from '../engines.ts';
import { isApiPath, isAssetPath, registeredRoutes } from '../security/support.ts';
import {
  type FuzzRequest,
  hugeBodyCase,
  type OpenApiDocument,
  operationCases,
  operationsOf,
} from './fuzz-api.ts';
import { checkAnswer, type FuzzFailure } from './fuzz-check.ts';
import { type Form, formsOf, pageCases } from './fuzz-pages.ts';
import { FULL, SEED, seedFor, sized } from './support.ts';
import { buildWorld, GITHUB_SECRET, type World } from './world.ts';

// Requests generated from the OpenAPI document (and, for pages, from the
// forms paved renders), valid and broken by field, type, size, encoding and
// shape, with and without credentials of every role. Seeded: a failure
// printed here replays with PAVED_RELIABILITY_SEED.
// At the small size the 10,000 cases are shared between the engines (PostgreSQL's
// round trips make its cases slower); --full gives each engine 100,000.
const TOTAL = Number(process.env.PAVED_FUZZ_CASES) || sized(10_000, 100_000);
const casesFor = (engine: string) =>
  FULL || engines.length === 1 ? TOTAL : Math.round(TOTAL * (engine === 'sqlite' ? 0.7 : 0.3));
const REFRESH_EVERY = 250;

/** Signs a share of the GitHub hook's cases, so their bodies reach the parser. */
function signHook(req: FuzzRequest, index: number): void {
  if (req.route !== 'POST /hooks/github' || index % 2 === 0) return;
  const body = typeof req.body === 'string' ? req.body : '';
  req.headers['X-Hub-Signature-256'] =
    `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
  req.headers['X-GitHub-Event'] = ['deployment_status', 'pull_request', 'ping', 'push', 'x'][
    index % 5
  ]!;
  req.headers['X-GitHub-Delivery'] = `fuzz-${index % 7}`;
}

/** The post forms of every page, read as an admin and as a developer with real parameters. */
async function discoverForms(
  world: World,
  pages: Array<{ method: string; path: string }>,
): Promise<Form[]> {
  const forms: Form[] = [];
  for (const caller of ['admin', 'developer'] as const) {
    const headers = await world.credentials(caller, { api: false, write: false });
    for (const page of pages) {
      const url = page.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
        const before =
          page.path
            .slice(0, page.path.indexOf(`:${name}`))
            .split('/')
            .filter(Boolean)
            .at(-1) ?? '';
        return encodeURIComponent(world.pathHints(name, before)[0] ?? 'x');
      });
      const res = await world.app.request(url, { headers });
      if ((res.headers.get('content-type') ?? '').startsWith('text/html'))
        forms.push(...formsOf(await res.text()));
      else await res.arrayBuffer();
    }
  }
  return forms;
}

describe.each(engines)('fuzzing every route [%s]', (engine) => {
  const CASES = casesFor(engine);
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(engine);
  }, 300_000);
  afterAll(async () => {
    await world?.db.close();
  });

  it(
    `answers ${CASES.toLocaleString('en')} generated requests with no 5xx, problem+json naming the field, and still answers /healthz`,
    async () => {
      const { app } = world;
      const doc = (await (await app.request('/api/v1/openapi.json')).json()) as OpenApiDocument;
      const operations = operationsOf(doc);
      const routes = registeredRoutes(app).filter(
        (r) => r.policies.length > 0 && !isAssetPath(r.path),
      );
      // Every API route is in the document, so the document covers the API.
      const documented = new Set(operations.map((o) => `${o.method} ${o.route}`));
      const undocumented = routes
        .filter((r) => isApiPath(r.path) && r.path !== '/api/v1/openapi.json')
        .map((r) => `${r.method} ${r.path}`)
        .filter((k) => !documented.has(k));
      expect(undocumented, 'API routes missing from the OpenAPI document').toEqual([]);

      const pages = routes.filter((r) => !isApiPath(r.path));
      const forms = await discoverForms(
        world,
        pages.filter((r) => r.method === 'GET'),
      );
      const generators = [
        ...operations.map((op) => ({
          key: `${op.method} ${op.route}`,
          arb: operationCases(op, doc, { fields: world.fieldHints, path: world.pathHints }),
        })),
        ...pages.map((r) => ({
          key: `${r.method} ${r.path}`,
          arb: pageCases(r.method, r.path, forms, world.pathHints),
        })),
      ];
      const perRoute = Math.ceil(CASES / generators.length);
      const cases: FuzzRequest[] = [];
      for (const g of generators) {
        cases.push(...fc.sample(g.arb, { seed: seedFor(g.key), numRuns: perRoute }));
      }
      // One body over the limit for every route that takes one, from each kind of caller in turn.
      const limits: Record<string, number> = {
        '/api/v1/events': EVENTS_MAX_BYTES,
        '/hooks/github': WEBHOOK_MAX_BYTES,
      };
      const bodyRoutes = routes.filter((r) => !['GET', 'HEAD', 'DELETE'].includes(r.method));
      const callers = ['anonymous', 'developer', 'platform', 'leader', 'admin'] as const;
      bodyRoutes.forEach((r, i) => {
        const limit = limits[r.path] ?? MAX_BODY_BYTES;
        cases.push(
          hugeBodyCase(r.method, r.path, limit, callers[i % callers.length]!, isApiPath(r.path)),
        );
      });
      // Reads first, so a write (a deletion, a closed survey) spoils no read of the same run.
      cases.sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));

      const failures: FuzzFailure[] = [];
      const statuses = new Map<number, number>();
      const byMode = new Map<string, number>();
      const started = performance.now();
      let slowest = { ms: 0, route: '' };
      let accepted = 0;
      for (const [i, req] of cases.entries()) {
        if (i % REFRESH_EVERY === 0) await world.refresh();
        const path = req.url.split('?')[0]!;
        const write = !['GET', 'HEAD'].includes(req.method);
        const credentials = await world.credentials(req.caller, { api: isApiPath(path), write });
        const headers = { ...credentials, ...req.headers };
        signHook({ ...req, headers }, i);
        const t = performance.now();
        let status: number;
        let type: string;
        let text: string;
        try {
          const res = await app.request(req.url, {
            method: req.method,
            headers,
            body: req.body as BodyInit | undefined,
          });
          status = res.status;
          type = res.headers.get('content-type') ?? '';
          text = await res.text();
        } catch (error) {
          status = 599;
          type = '';
          text = `the app threw: ${(error as Error).stack}`;
        }
        const ms = performance.now() - t;
        if (ms > slowest.ms) slowest = { ms, route: `${req.route} (${req.mode})` };
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        byMode.set(req.mode, (byMode.get(req.mode) ?? 0) + 1);
        if (status < 400 && (req.mode === 'valid' || req.mode === 'form-valid')) accepted++;
        if (status >= 500) {
          // The logged error says where: put it in the report instead of the generic page.
          const err = world.loggedErrors().at(-1)?.err as
            | { message?: string; stack?: string }
            | undefined;
          text = `${err?.message ?? ''} at ${err?.stack?.split('\n')[1]?.trim() ?? '?'}`;
        }
        const failure = checkAnswer(req, status, type, text);
        if (failure) failures.push(failure);
      }
      const seconds = (performance.now() - started) / 1000;

      const health = await app.request('/healthz');
      const groups = new Map<string, FuzzFailure[]>();
      for (const f of failures) {
        const key = `${f.rule} — ${f.route}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
      }
      const report = [...groups.entries()]
        .map(([key, list]) => `${list.length}× ${key}\n   e.g. ${JSON.stringify(list[0])}`)
        .join('\n');
      console.info(
        [
          `fuzz [${engine}] seed ${SEED}: ${cases.length} cases over ${generators.length} routes (${perRoute} each) in ${seconds.toFixed(1)} s; slowest ${slowest.ms.toFixed(0)} ms ${slowest.route}`,
          `statuses: ${[...statuses.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
          `valid cases the app accepted (2xx or a redirect): ${accepted} of ${(byMode.get('valid') ?? 0) + (byMode.get('form-valid') ?? 0)}`,
          `modes: ${[...byMode.entries()].map(([m, n]) => `${m}×${n}`).join(' ')}`,
          `failures: ${failures.length}${report ? `\n${report}` : ''}`,
        ].join('\n'),
      );
      expect(cases.length).toBeGreaterThanOrEqual(CASES);
      expect(failures.length, report).toBe(0);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      // Nothing reached Object.prototype through __proto__ or constructor.prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'role')).toBe(false);
    },
    sized(900_000, 7_200_000),
  );
});
