import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerSecret } from '../src/core/secret.ts';
import { runDemo } from '../src/demo/generator.ts';
import { signIn, startTestServer } from '../test/app.ts';
import { freshDatabase, type TestDb } from '../test/engines.ts';
import type { BenchContext, Measurement } from './model.ts';
import { benchPages } from './pages.ts';
import { chromiumPath } from './pages-browser.ts';
import { benchThroughput } from './throughput.ts';

// Steps 3 and 4 of the benchmark against the real app on the small demo, in
// quick mode: every figure is produced and well-formed. Timings are never
// asserted (machines differ); the timeouts only catch a hang.

const SECRET = 'bench-live-secret-0123456789abcdef';
const HANG_MS = 240_000;

const available = existsSync(chromiumPath);
if (!available && process.env.CI === 'true') {
  throw new Error(`CI=true but Chromium is not installed at ${chromiumPath}.`);
}

describe.skipIf(!available)('benchmark pages and throughput on the small demo', () => {
  let handle: TestDb;
  let server: { url: string; close: () => Promise<void> };
  let ctx: BenchContext;
  const logged: string[] = [];

  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    await runDemo(handle, {
      size: 'small',
      seed: 42,
      today: new Date().toISOString().slice(0, 10),
      secret: ServerSecret.fromString(SECRET),
    });
    server = await startTestServer(handle, SECRET);
    const { token } = await signIn(handle, 'admin');
    const capability = await handle.db
      .selectFrom('capabilities')
      .select('slug')
      .orderBy('slug')
      .executeTakeFirstOrThrow();
    const item = await handle.db
      .selectFrom('feedback_items')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const survey = await handle.db
      .selectFrom('surveys')
      .select('id')
      .where('state', '=', 'closed')
      .orderBy('period', 'desc')
      .executeTakeFirstOrThrow();
    ctx = {
      engine: 'sqlite',
      quick: true,
      databaseUrl: handle.url,
      baseUrl: server.url,
      token,
      params: {
        capability: capability.slug,
        feedbackId: item.id,
        surveyId: survey.id,
        quarter: '2026-Q3',
      },
      log: (message) => logged.push(message),
    };
  }, HANG_MS);

  afterAll(async () => {
    await server?.close();
    await handle?.close();
  });

  const wellFormed = (m: Measurement) => {
    expect(typeof m.name).toBe('string');
    expect(m.unit).toMatch(/^(KB|ms|requests|check|req\/s)$/);
    if (m.baseline) expect(m.baseline.value).toBeGreaterThan(0);
    if (m.goal) expect(typeof m.goal.met).toBe('boolean');
  };

  it(
    'measures every main page: first HTML compressed, page in all, requests, time on 3G, no JavaScript',
    async () => {
      const list = await benchPages(ctx);
      list.forEach(wellFormed);
      expect(list.every((m) => m.step === 'pages')).toBe(true);
      const measured = [
        'home',
        'capability page',
        'feedback board',
        'feedback item',
        'roadmap',
        'survey form',
        'survey results',
      ];
      for (const page of measured) {
        const figures = list.filter((m) => m.name.startsWith(`${page}: `));
        expect(figures.map((m) => m.name.slice(page.length + 2))).toEqual([
          'first HTML',
          'page and assets',
          'requests',
          'main content on 3G',
          'main content without JavaScript',
        ]);
        const [first, total, requests, visible, noJs] = figures as [
          Measurement,
          Measurement,
          Measurement,
          Measurement,
          Measurement,
        ];
        // paved compresses, so the first HTML is judged as it travels.
        expect(first.detail?.encoding).toBe('gzip');
        expect(first.value).toBeGreaterThan(0);
        expect(first.value).toBeLessThan(Number(first.detail?.htmlKB));
        expect(total.value).toBeGreaterThan(first.value);
        // The document and the stylesheet at least.
        expect(requests.value).toBeGreaterThanOrEqual(2);
        expect(visible.value).toBeGreaterThan(0);
        expect(visible.baseline?.name).toBe('static tiny page (/healthz) on 3G');
        expect(Number.isFinite(visible.ratio)).toBe(true);
        // Server-rendered pages with no scripts: the main content is there without JavaScript.
        expect(noJs.goal?.met).toBe(true);
        expect(total.detail?.note).toBeUndefined();
      }
      // The open survey asks the demo developer: the answer form itself was measured.
      expect(list.find((m) => m.name === 'survey form: first HTML')?.detail?.as).toBe('developer');
      // The quarterly report: measured once it exists, never a made-up number before.
      const report = list.filter((m) => m.name.startsWith('report: '));
      if (report.length === 1) {
        expect(report[0]!.name).toBe('report: not measured');
        expect(report[0]!.value).toBeNaN();
        expect(report[0]!.detail?.skipped).toBe('not built yet: /report/2026-Q3 answers 404');
      } else {
        expect(report).toHaveLength(5);
      }
      expect(logged.some((line) => line.startsWith('pages: baseline /healthz on 3G'))).toBe(true);
    },
    HANG_MS,
  );

  it(
    'loads the board, an item and a figures endpoint against the hello-world route',
    async () => {
      const list = await benchThroughput(ctx);
      list.forEach(wellFormed);
      expect(list.map((m) => m.name)).toEqual([
        'hello world (/healthz)',
        'feedback board',
        'feedback item',
        'delivery figures (API)',
      ]);
      const [hello, ...targets] = list as [Measurement, ...Measurement[]];
      expect(hello.value).toBeGreaterThan(0);
      for (const m of targets) {
        expect(m.value).toBeGreaterThan(0);
        // Held to the hello-world runs just before and after it.
        expect(m.baseline?.name).toBe('hello world (/healthz)');
        expect(m.detail?.baseline).toMatch(/just before and after/);
        expect(m.detail?.problem).toBeUndefined();
        expect(Number(m.detail?.['p99 (ms)'])).toBeGreaterThanOrEqual(
          Number(m.detail?.['p50 (ms)']),
        );
        expect(m.detail?.connections).toBe(20);
      }
      expect(targets.map((m) => Boolean(m.goal))).toEqual([true, true, false]);
    },
    HANG_MS,
  );
});
