import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { freshDatabase } from '../../test/engines.ts';
import type { DbHandle } from '../core/db/index.ts';
import { runDemo } from '../demo/generator.ts';

// First HTML responses stay under 14 KB compressed (see test/page-weight.test.ts),
// measured on the small demo: a dozen notes and a year of office hours.
const BUDGET = 14 * 1024;

const PAGES = [
  '/research',
  '/research/notes',
  '/research/notes/new',
  '/research/notes/{note}',
  '/research/notes/{note}/edit',
  '/research/frictions/{friction}/feedback',
  '/office-hours',
  '/office-hours/new',
  '/office-hours/{session}',
];

describe('page weight of the research pages', () => {
  let handle: DbHandle;
  let cookie: Record<string, string>;
  const params: Record<string, string> = {};
  beforeAll(async () => {
    handle = await freshDatabase('sqlite');
    await runDemo(handle, { size: 'small', seed: 42, today: '2026-11-01' });
    ({ cookie } = await signIn(handle, 'admin'));
    // The note with the most friction points, and the busiest session.
    const friction = await handle.db
      .selectFrom('research_frictions')
      .select(['note_id', 'id'])
      .orderBy('severity', 'desc')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    params.note = friction.note_id;
    params.friction = friction.id;
    const topic = await handle.db
      .selectFrom('office_hours_topics')
      .select(['session_id', handle.db.fn.countAll<number>().as('n')])
      .groupBy('session_id')
      .orderBy('n', 'desc')
      .orderBy('session_id')
      .executeTakeFirstOrThrow();
    params.session = topic.session_id;
  }, 120_000);
  afterAll(async () => {
    await handle.close();
  });

  it.each(PAGES)('%s is under 14 KB compressed', async (template) => {
    const path = template.replace(/\{(\w+)\}/g, (_, k: string) => params[k]!);
    const res = await testApp(handle).request(path, { headers: cookie });
    expect(res.status).toBe(200);
    expect(gzipSync(await res.text()).length).toBeLessThan(BUDGET);
  });
});
