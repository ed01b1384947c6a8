import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import type { DbHandle } from '../core/db/index.ts';
import { get } from './pages-testing.ts';

/** Audit rows written directly, with the times a test needs. */
async function entries(
  handle: DbHandle,
  rows: { at: string; action: string; email?: string; details?: object }[],
) {
  await handle.db
    .insertInto('audit_log')
    .values(
      rows.map((r, i) => ({
        id: `e${String(i).padStart(3, '0')}`,
        at: r.at,
        actor_id: r.email ? `id-${r.email}` : null,
        actor_email: r.email ?? null,
        action: r.action,
        target_type: 'user',
        target_id: `t${i}`,
        ip: '192.0.2.7',
        details: JSON.stringify(r.details ?? {}),
      })),
    )
    .execute();
}

/** The actions in the page's table, top to bottom. */
const actions = (html: string) =>
  [...html.matchAll(/<td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]);

describeEngines('audit log page', (handle) => {
  async function page(query = '') {
    const admin = await signIn(handle(), 'admin');
    return get(handle(), `/admin/audit${query}`, admin.cookie);
  }

  it('lists changes newest first with who, what, when and from where', async () => {
    await entries(handle(), [
      {
        at: '2026-03-01T10:00:00.000Z',
        action: 'user.create',
        email: 'ada@example.test',
        details: { role: 'admin' },
      },
      { at: '2026-03-02T11:30:00.000Z', action: 'feedback.create' },
    ]);
    const { status, html } = await page();
    expect(status).toBe(200);
    expect(actions(html)).toEqual(['feedback.create', 'user.create']);
    expect(html).toContain('<time datetime="2026-03-02T11:30:00.000Z"');
    expect(html).toContain('11:30');
    expect(html).toContain('<span class="muted">not attributed</span>');
    expect(html).toContain('ada@example.test');
    expect(html).toContain('192.0.2.7');
    expect(html).toContain('role: admin');
  });

  it('filters by action prefix, person and dates (the until day included)', async () => {
    await entries(handle(), [
      { at: '2026-03-01T10:00:00.000Z', action: 'user.create', email: 'ada@example.test' },
      { at: '2026-03-02T23:59:00.000Z', action: 'user.role', email: 'bob@example.test' },
      { at: '2026-03-03T00:00:00.000Z', action: 'token.create', email: 'ada@example.test' },
    ]);
    expect(actions((await page('?action=user.')).html)).toEqual(['user.role', 'user.create']);
    expect(actions((await page('?actor=ADA%40example.test')).html)).toEqual([
      'token.create',
      'user.create',
    ]);
    expect(actions((await page('?since=2026-03-02&until=2026-03-02')).html)).toEqual(['user.role']);
    const none = await page('?action=survey.');
    expect(none.html).toContain('No change matches these filters');
  });

  it('answers bad dates with an error summary, not an error page', async () => {
    for (const [query, message] of [
      ['?since=2026-02-30', 'From date must be a real date'],
      ['?until=yesterday', 'To date must be a real date'],
      ['?since=2026-03-05&until=2026-03-01', 'To date must be on or after the from date'],
      ['?cursor=garbage', 'This page link is not valid'],
    ]) {
      const { status, html } = await page(query);
      expect(status, query).toBe(400);
      expect(html).toContain('There is a problem');
      expect(html).toContain(message);
    }
    const kept = await page('?since=2026-02-30&action=user.');
    expect(kept.html).toContain('value="2026-02-30"');
    expect(kept.html).toContain('value="user."');
  });

  it('pages to older entries, keeping the filters', async () => {
    await entries(
      handle(),
      Array.from({ length: 55 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        action: i % 2 ? 'user.role' : 'user.create',
      })),
    );
    const first = await page('?action=user.');
    expect(actions(first.html)).toHaveLength(50);
    const href = /href="(\/admin\/audit\?[^"]+)">Older entries/.exec(first.html)![1]!;
    expect(href).toContain('action=user.');
    const second = await page(href.replace('/admin/audit', '').replace(/&amp;/g, '&'));
    expect(actions(second.html)).toHaveLength(5);
    expect(second.html).not.toContain('Older entries');
  });
});
