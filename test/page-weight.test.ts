import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/core/db/index.ts';
import { runDemo } from '../src/demo/generator.ts';
import { signIn, testApp } from './app.ts';
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
  '/exceptions',
  '/decisions',
  '/decision-rights',
  '/roadmap',
  '/changelog',
  '/account',
  '/admin/users',
  '/ingestion',
];

describe('page weight', () => {
  let handle: DbHandle;
  let cookie: Record<string, string>;
  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    await runDemo(handle, { size: 'small', seed: 42, today: '2026-11-01' });
    ({ cookie } = await signIn(handle, 'admin'));
  });
  afterAll(async () => {
    await handle.close();
  });

  it.each(PAGES)('%s is under 14 KB compressed', async (path) => {
    const res = await testApp(handle).request(path, { headers: path === '/login' ? {} : cookie });
    expect(res.status).toBe(200);
    const size = gzipSync(await res.text()).length;
    expect(size).toBeLessThan(BUDGET);
  });
});
