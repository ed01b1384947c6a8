// Stored and reflected XSS: a script payload in every free-text field the API
// takes (found from the OpenAPI document), then every page read back as an
// admin and as a developer; and payloads in every page's query and path.
// The payload may show only escaped.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSetting } from '../../src/core/settings.ts';
import { webhookAllowList } from '../../src/notifications/settings.ts';
import { engines } from '../engines.ts';
import {
  fillPath,
  isApiPath,
  isAssetPath,
  pathParams,
  registeredRoutes,
} from '../security/support.ts';
import { type CallerName, type OpenApiDocument, operationsOf } from './fuzz-api.ts';
import { resolveSchema, validValue } from './fuzz-schema.ts';
import { seedFor } from './support.ts';
import { buildWorld, type World } from './world.ts';
import { escapedMarkers, injectText, payload, RAW } from './xss.ts';

const WRITERS: CallerName[] = ['admin', 'platform', 'leader', 'developer'];
const ATTEMPTS = 40;

/** Where each numbered payload went: the operation and the field. */
type Markers = Map<number, { op: string; field: string }>;

/** Writes payloads through every JSON operation; returns the markers of accepted writes and the values they touched. */
async function plant(world: World, doc: OpenApiDocument) {
  const components = doc.components?.schemas ?? {};
  const markers: Markers = new Map();
  const accepted = new Set<number>();
  // Values of path parameters and created objects, by the path segment naming them.
  const touched = new Map<string, Set<string>>();
  const touch = (segment: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') return;
    touched.set(segment, (touched.get(segment) ?? new Set()).add(value));
  };
  let next = 0;
  const lastRefusal = new Map<string, string>();
  const ops = operationsOf(doc).filter(
    (op) =>
      op.method !== 'GET' &&
      op.route !== '/api/v1/events' &&
      op.body?.types.includes('application/json') &&
      op.body.schema,
  );
  for (const op of ops) {
    const key = `${op.method} ${op.route}`;
    const skip = new Set<string>();
    const bodies = fc.sample(validValue(op.body!.schema!, components, world.fieldHints), {
      seed: seedFor(`xss ${key}`),
      numRuns: ATTEMPTS,
    });
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const numbers: number[] = [];
      const injected = injectText(
        op.body!.schema,
        bodies[attempt],
        components,
        (field) => {
          markers.set(++next, { op: key, field });
          numbers.push(next);
          return next;
        },
        skip,
        '',
        (field) => world.fieldHints(field) !== undefined,
      );
      if (numbers.length === 0) break;
      const url = fillPath(op.route, (name, before) => {
        const values = world.pathHints(name, before);
        return values[attempt % Math.max(values.length, 1)];
      }).url;
      // Each role in turn until one may (who decides can depend on the body).
      let res: Response | undefined;
      let answer: Record<string, unknown> = {};
      for (const caller of WRITERS) {
        const headers = await world.credentials(caller, { api: true, write: true });
        res = await world.app.request(url, {
          method: op.method,
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(injected),
        });
        answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        if (res.status !== 403) break;
      }
      if (res!.status < 300) {
        for (const n of numbers) accepted.add(n);
        // What the write touched, for the pages to read: the object it made, the ones in its path.
        const collection = op.route.includes('/:') ? undefined : op.route.split('/').at(-1);
        for (const field of ['id', 'slug', 'name'])
          if (collection) touch(collection, answer[field]);
        const parts = url.split('?')[0]!.split('/');
        const segments = op.route.split('/');
        for (const p of pathParams(op.route)) {
          touch(p.before, decodeURIComponent(parts[segments.indexOf(`:${p.name}`)] ?? ''));
        }
        break;
      }
      lastRefusal.set(
        key,
        `${res!.status} ${JSON.stringify(answer.errors ?? answer.detail)}`.slice(0, 300),
      );
      if (res!.status === 400 && Array.isArray(answer.errors)) {
        // A field the payload cannot go into (a URL, an email): plain values next time.
        for (const e of answer.errors as Array<{ path: string }>) {
          skip.add(e.path.replace(/\.\d+(?=\.|$)/g, '.*'));
        }
      }
    }
    await world.refresh();
    // Later operations may act on what this one made (a draft survey, a proposal).
    await world.refreshHints();
  }
  return { markers, accepted, touched, lastRefusal };
}

describe.each(engines)('abuse: script payloads in every text field [%s]', (engine) => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(engine);
  }, 300_000);
  afterAll(async () => {
    await world?.db.close();
  });

  it('shows every stored payload escaped on every page, and none raw', async () => {
    // Webhooks may point at this machine, so their names and addresses can be stored.
    await setSetting(world.db.db, webhookAllowList, ['127.0.0.1']);
    const doc = (await (await world.app.request('/api/v1/openapi.json')).json()) as OpenApiDocument;
    const { markers, accepted, touched, lastRefusal } = await plant(world, doc);
    await world.refreshHints();
    const pages = registeredRoutes(world.app).filter(
      (r) =>
        r.method === 'GET' && r.policies.length > 0 && !isApiPath(r.path) && !isAssetPath(r.path),
    );
    const seen = new Set<number>();
    const raw: string[] = [];
    let read = 0;
    for (const caller of ['admin', 'developer'] as const) {
      const headers = await world.credentials(caller, { api: false, write: false });
      for (const route of pages) {
        const params = pathParams(route.path);
        const first = params[0];
        const values = first
          ? [
              ...(touched.get(first.before) ?? []),
              ...world.pathHints(first.name, first.before).slice(0, 2),
            ]
          : [''];
        for (const value of new Set(values)) {
          const { url } = fillPath(route.path, (name, before) =>
            name === first?.name ? value : world.pathHints(name, before)[0],
          );
          const res = await world.app.request(url, { headers });
          const html = await res.text();
          read++;
          for (const n of escapedMarkers(html)) seen.add(n);
          const hole = RAW.exec(html);
          if (hole)
            raw.push(
              `${caller} ${url}: …${html.slice(Math.max(0, hole.index - 60), hole.index + 60)}…`,
            );
        }
      }
    }
    const fields = new Map<string, { accepted: boolean; seen: boolean }>();
    for (const [n, { op, field }] of markers) {
      const name = `${op} ${field.replace(/\.\d+(\.|$)/g, '.*$1')}`;
      const f = fields.get(name) ?? { accepted: false, seen: false };
      fields.set(name, { accepted: f.accepted || accepted.has(n), seen: f.seen || seen.has(n) });
    }
    const list = (pick: (f: { accepted: boolean; seen: boolean }) => boolean) =>
      [...fields.entries()].filter(([, f]) => pick(f)).map(([name]) => name);
    console.info(
      [
        `xss [${engine}]: ${fields.size} text fields tried, ${list((f) => f.accepted).length} stored, ${list((f) => f.seen).length} shown escaped on ${read} pages read, ${raw.length} raw`,
        `shown escaped: ${list((f) => f.seen).join('; ')}`,
        `stored, never shown on a page: ${list((f) => f.accepted && !f.seen).join('; ') || 'none'}`,
        `refused by the API: ${list((f) => !f.accepted).join('; ') || 'none'}`,
        ...[...lastRefusal.entries()]
          .filter(([k]) => !list((f) => f.accepted).some((name) => name.startsWith(`${k} `)))
          .map(([k, v]) => `  never stored by ${k}: ${v}`),
      ].join('\n'),
    );
    expect(raw).toEqual([]);
    // The payloads really reached the pages: the main text fields of each area are among
    // them, whether written when the object was made or later (a PATCH overwrites a POST).
    const areas = new Set(
      list((f) => f.seen).map((n) => n.replace(/^[A-Z]+ \/api\/v1\/(.*?)(\/:\w+)? /, '$1 ')),
    );
    const expected = [
      'feedback title',
      'feedback body',
      'roadmap title',
      'roadmap description',
      'roadmap rationale',
      'capabilities name',
      'capabilities summary',
      'exceptions justification',
      'surveys title',
      'surveys questions.*.prompt',
      'users name',
      'tokens name',
      'webhooks name',
    ];
    expect(expected.filter((a) => !areas.has(a))).toEqual([]);
  }, 600_000);

  it('echoes no query string or path unescaped on any page', async () => {
    const pages = registeredRoutes(world.app).filter(
      (r) =>
        r.method === 'GET' && r.policies.length > 0 && !isApiPath(r.path) && !isAssetPath(r.path),
    );
    const keys = [
      'q',
      'next',
      'by',
      'status',
      'capability',
      'team',
      'period',
      'kind',
      'cursor',
      'touchpoint',
      'done',
      'notice',
      'sort',
      'since',
      'window',
      'error',
    ];
    const raw: string[] = [];
    let seen = 0;
    const headers = await world.credentials('admin', { api: false, write: false });
    for (const [i, route] of pages.entries()) {
      const n = 50_000 + i;
      const text = payload(n)!;
      const query = keys.map((k) => `${k}=${encodeURIComponent(text)}`).join('&');
      const filled = fillPath(route.path, (name, before) => world.pathHints(name, before)[0]).url;
      const odd =
        pathParams(route.path).length > 0
          ? fillPath(route.path, () => text).url
          : `${route.path.replace(/\/$/, '')}/${encodeURIComponent(text)}`;
      for (const url of [`${filled}?${query}`, odd]) {
        const res = await world.app.request(url, { headers });
        const html = await res.text();
        if (escapedMarkers(html).includes(n)) seen++;
        const hole = RAW.exec(html);
        if (hole)
          raw.push(
            `${url.slice(0, 80)}: …${html.slice(Math.max(0, hole.index - 60), hole.index + 60)}…`,
          );
      }
    }
    console.info(
      `reflected [${engine}]: ${pages.length * 2} requests, ${seen} echoed the payload escaped, ${raw.length} raw`,
    );
    expect(raw).toEqual([]);
    expect(seen).toBeGreaterThan(0);
  }, 300_000);
});

// Keep the helper honest: a field that takes no payload is one with a pattern or a choice.
describe('payload injection', () => {
  it('fills free text only, within its length, and numbers each field', () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string', maxLength: 200 },
        short: { type: 'string', maxLength: 14 },
        tiny: { type: 'string', maxLength: 5 },
        slug: { type: 'string', pattern: '^[a-z]+$' },
        kind: { type: 'string', enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
    };
    const marks: string[] = [];
    const out = injectText(
      schema,
      { title: 't', short: 's', tiny: 'x', slug: 'ab', kind: 'a', tags: ['x'], note: 'n' },
      {},
      (path) => marks.push(path),
      new Set(['note']),
    ) as Record<string, unknown>;
    expect(marks).toEqual(['title', 'short', 'tags.0']);
    expect(out.title).toBe(payload(1));
    expect(out.short).toBe('<b id=X2>');
    expect(out).toMatchObject({ tiny: 'x', slug: 'ab', kind: 'a', tags: [payload(3)], note: 'n' });
    expect(resolveSchema({ $ref: '#/components/schemas/A' }, { A: { type: 'string' } })).toEqual({
      type: 'string',
    });
  });
});
