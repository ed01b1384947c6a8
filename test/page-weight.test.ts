import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/core/config.ts';
import type { DbHandle } from '../src/core/db/index.ts';
import { sessionCookieName } from '../src/core/http/auth.ts';
import { getSetting } from '../src/core/settings.ts';
import { runDemo } from '../src/demo/generator.ts';
import { demoAccounts } from '../src/demo/model.ts';
import { createSession, getUserByEmail } from '../src/identity/store.ts';
import { signIn, testApp, testSecret } from './app.ts';
import { freshDatabase } from './engines.ts';

// First HTML responses stay under 14 KB compressed (one round trip of TCP
// slow start), so pages open fast over a slow VPN. Measured on the small demo.
const BUDGET = 14 * 1024;

const PAGES = [
  '/',
  '/login',
  '/teams',
  '/teams/platform',
  '/capabilities',
  '/capabilities/deploy-pipeline',
  '/capabilities/service-templates',
  // Every team's choice about a capability, a page of teams at a time.
  '/capabilities/deploy-pipeline/teams',
  '/exceptions',
  '/decisions',
  '/decision-rights',
  '/roadmap',
  '/changelog',
  '/feedback',
  '/feedback?sort=newest&status=new',
  '/feedback/new',
  '/feedback/triage',
  '/feedback/overdue',
  // The most voted item of the demo: the longest history and the most followers.
  '/feedback/{mostVoted}',
  '/inbox',
  '/admin/webhooks',
  '/account',
  '/admin/users',
  '/ingestion',
  '/figures',
  '/figures/onboarding',
  '/figures/delivery',
  '/figures/unplanned-work',
  '/figures/value/ci-runners',
];

describe('page weight', () => {
  let handle: DbHandle;
  let cookie: Record<string, string>;
  let mostVoted = '';
  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    await runDemo(handle, { size: 'small', seed: 42, today: '2026-11-01' });
    ({ cookie } = await signIn(handle, 'admin'));
    const top = await handle.db
      .selectFrom('feedback_votes')
      .select(['item_id', handle.db.fn.countAll<number>().as('n')])
      .groupBy('item_id')
      .orderBy('n', 'desc')
      .orderBy('item_id')
      .executeTakeFirstOrThrow();
    mostVoted = top.item_id;
  });
  afterAll(async () => {
    await handle.close();
  });

  it.each(PAGES)('%s is under 14 KB compressed', async (template) => {
    const path = template.replace('{mostVoted}', mostVoted);
    const res = await testApp(handle).request(path, { headers: path === '/login' ? {} : cookie });
    expect(res.status).toBe(200);
    const size = gzipSync(await res.text()).length;
    expect(size).toBeLessThan(BUDGET);
  });
});

// The survey pages, on the same small demo written with the test app's secret, so
// the open survey asks the demo's developer (who has not answered it).
const SURVEY_PAGES: { path: string; as: 'admin' | 'developer' }[] = [
  { path: '/surveys', as: 'admin' },
  { path: '/surveys/new', as: 'admin' },
  { path: '/surveys/{openSurvey}', as: 'developer' },
  { path: '/surveys/{openSurvey}/close', as: 'admin' },
  { path: '/surveys/{closedSurvey}/results', as: 'admin' },
  { path: '/surveys/{closedSurvey}/results?by=tenure', as: 'admin' },
  { path: '/surveys/{closedSurvey}/results?by=level', as: 'admin' },
  // One capability by team, for the page of groups shown.
  { path: '/surveys/{closedSurvey}/results?capability=deploy-pipeline', as: 'admin' },
  { path: '/pulse/deploy-pipeline?touchpoint=deploy', as: 'developer' },
  { path: '/pulses?capability=deploy-pipeline&period=2026-Q3', as: 'admin' },
];

describe('page weight of the survey pages', () => {
  let handle: DbHandle;
  const cookies: Record<string, Record<string, string>> = {};
  const params: Record<string, string> = {};
  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    await runDemo(handle, { size: 'small', seed: 42, today: '2026-11-01', secret: testSecret });
    cookies.admin = (await signIn(handle, 'admin')).cookie;
    const developer = (await getSetting(handle.db, demoAccounts)).find(
      (a) => a.role === 'developer',
    );
    const user = await getUserByEmail(handle.db, developer!.email);
    const session = await createSession(handle.db, user!.id, { maxDays: 1 });
    cookies.developer = {
      Cookie: `${sessionCookieName(loadConfig({}).baseUrl).name}=${session.cookieValue}`,
    };
    const surveys = await handle.db
      .selectFrom('surveys')
      .select(['id', 'state'])
      .orderBy('period', 'desc')
      .execute();
    params.openSurvey = surveys.find((s) => s.state === 'open')!.id;
    params.closedSurvey = surveys.find((s) => s.state === 'closed')!.id;
  });
  afterAll(async () => {
    await handle.close();
  });

  it.each(SURVEY_PAGES)('$path is under 14 KB compressed', async ({ path, as }) => {
    const url = path.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? key);
    const res = await testApp(handle).request(url, { headers: cookies[as] });
    expect(res.status).toBe(200);
    const html = await res.text();
    if (path === '/surveys/{openSurvey}') expect(html).toContain('name="nps"');
    expect(gzipSync(html).length).toBeLessThan(BUDGET);
  });
});
