import { expect, it } from 'vitest';
import type { TestDb } from '../../test/engines.ts';
import { describeEngines } from '../../test/engines.ts';
import { get, seedPages } from './pages-testing.ts';
import { postFeedback, voteFor } from './service.ts';

/** Sets an item's creation and acknowledgement times, as if it had been posted then. */
async function backdate(
  handle: TestDb,
  id: string,
  createdAt: string,
  acknowledgedAt: string | null = null,
) {
  await handle.db
    .updateTable('feedback_items')
    .set({
      created_at: createdAt,
      acknowledged_at: acknowledgedAt,
      status: acknowledgedAt ? 'acknowledged' : 'new',
      status_changed_at: acknowledgedAt ?? createdAt,
    })
    .where('id', '=', id)
    .execute();
}

describeEngines('feedback board and queues', (handle) => {
  async function seeded() {
    const people = await seedPages(handle());
    const { ada, alan, barbara } = people;
    const db = handle().db;
    const slow = await postFeedback(db, ada.ctx, {
      kind: 'problem',
      title: 'Deploys wait for a runner',
      body: '',
      capability: 'deploy-pipeline',
      postedAs: 'name',
    });
    const idea = await postFeedback(db, alan.ctx, {
      kind: 'idea',
      title: 'Rotate secrets on a schedule',
      body: '',
      capability: 'secrets-vault',
      postedAs: 'name',
    });
    const praise = await postFeedback(db, alan.ctx, {
      kind: 'praise',
      title: 'The new docs search is great',
      body: '',
      postedAs: 'name',
    });
    await voteFor(db, alan.ctx, slow.id);
    await voteFor(db, barbara.ctx, slow.id);
    await voteFor(db, ada.ctx, idea.id);
    return { ...people, slow, idea, praise };
  }

  /** The item titles in the order the board's table lists them. */
  const titles = (html: string) =>
    [...html.matchAll(/<a href="\/feedback\/[^"]+">([^<]+)<\/a> <span class="muted">/g)].map(
      (m) => m[1],
    );

  it('lists every item by votes, with kind, capability, status, team, age and acknowledgement', async () => {
    const { ada } = await seeded();
    const page = await get(handle(), '/feedback', ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Feedback</h1>');
    expect(titles(page.html)).toEqual([
      'Deploys wait for a runner',
      'Rotate secrets on a schedule',
      'The new docs search is great',
    ]);
    expect(page.html).toContain('All feedback, most votes first');
    expect(page.html).toContain('<td class="num">2</td>');
    expect(page.html).toContain('Rotate secrets on a schedule</a> <span class="muted">Idea</span>');
    expect(page.html).toContain(' · you voted');
    expect(page.html).toContain('<td>Checkout</td>');
    expect(page.html).toContain('<td class="num">0</td>');
    expect(page.html).toContain('Due in 5 days');
    expect(page.html).toContain('<a class="button" href="/feedback/new">');
    // Developers get no triage queue link.
    expect(page.html).not.toContain('Triage queue');
  });

  it('filters by capability, status, kind, team and words, and sorts by links', async () => {
    const { ada } = await seeded();
    const by = async (query: string) =>
      titles((await get(handle(), `/feedback?${query}`, ada)).html);
    expect(await by('capability=secrets-vault')).toEqual(['Rotate secrets on a schedule']);
    expect(await by('kind=praise')).toEqual(['The new docs search is great']);
    expect(await by('team=payments')).toEqual(['Deploys wait for a runner']);
    expect(await by('status=shipped')).toEqual([]);
    expect(await by('q=RUNNER')).toEqual(['Deploys wait for a runner']);
    expect(await by('sort=newest')).toEqual([
      'The new docs search is great',
      'Rotate secrets on a schedule',
      'Deploys wait for a runner',
    ]);
    const sorted = await get(handle(), '/feedback?kind=idea&sort=newest', ada);
    expect(sorted.html).toContain(
      '<a href="/feedback?kind=idea&amp;sort=newest" aria-current="page"><strong>Newest</strong></a>',
    );
    expect(sorted.html).toContain('<a href="/feedback?kind=idea">Most votes</a>');
    const empty = await get(handle(), '/feedback?status=shipped', ada);
    expect(empty.html).toContain('No feedback matches these filters.');
  });

  it('refuses unknown filters with the error summary and keeps what was asked', async () => {
    const { ada } = await seeded();
    const page = await get(handle(), '/feedback?status=lost&capability=nope&period=2026-Q9', ada);
    expect(page.status).toBe(400);
    expect(page.html).toContain('<a href="#field-status">Choose a status from the list.</a>');
    expect(page.html).toContain('<a href="#field-period">Give a period as YYYY-Qn');
    const unknown = await get(handle(), '/feedback?capability=nope', ada);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('<a href="#field-capability">There is no capability');
  });

  it('shows the responsiveness figures of a period with their n, against a hand-computed table', async () => {
    const { ada, slow, idea, praise } = await seeded();
    // 2026-Q3, SLA 5 days: one acknowledged in 2 days, one in 10 (late), one never (overdue).
    await backdate(handle(), slow.id, '2026-08-01T00:00:00.000Z', '2026-08-03T00:00:00.000Z');
    await backdate(handle(), idea.id, '2026-08-10T00:00:00.000Z', '2026-08-20T00:00:00.000Z');
    await backdate(handle(), praise.id, '2026-09-01T00:00:00.000Z');
    const page = await get(handle(), '/feedback?period=2026-Q3', ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<dt>Acknowledged within 5 days</dt>');
    // Within the SLA: 1 of the 3 items whose 5 days have passed.
    expect(page.html).toContain('<span class="figure-value">33%</span> <span>1 of 3 items</span>');
    // Overdue when the quarter ended (1 Oct): only the item never acknowledged.
    expect(page.html).toMatch(/<span class="figure-value">1<\/span> <span>item<\/span>/);
    expect(page.html).toContain('on 2026-10-01');
    expect(page.html).toContain('<option value="2026-Q3" selected="">2026-Q3</option>');
    expect(page.html).toContain('How quickly feedback was acknowledged, by quarter');
    // The item page says the late one was late and the overdue one is overdue.
    const late = await get(handle(), `/feedback/${idea.id}`, ada);
    expect(late.html).toContain('later than the platform team promises an answer within 5 days');
    const board = await get(handle(), '/feedback', ada);
    expect(board.html).toContain('<span class="status">Late</span>');
    expect(board.html).toContain('<span class="status status-bad">Overdue</span>');
    expect(board.html).toContain('<span class="status status-good">In time</span>');
  });

  it('gives the platform team a triage queue of new items, oldest first, and everyone the overdue queue', async () => {
    const { ada, barbara, slow, idea, praise } = await seeded();
    await backdate(handle(), slow.id, '2026-08-01T00:00:00.000Z');
    await backdate(handle(), praise.id, '2026-07-01T00:00:00.000Z', '2026-07-02T00:00:00.000Z');
    const triage = await get(handle(), '/feedback/triage', barbara);
    expect(triage.status).toBe(200);
    expect(titles(triage.html)).toEqual([
      'Deploys wait for a runner',
      'Rotate secrets on a schedule',
    ]);
    expect((await get(handle(), '/feedback/triage', ada)).status).toBe(403);
    const board = await get(handle(), '/feedback', barbara);
    expect(board.html).toContain('Triage queue (2 new)');
    expect(board.html).toContain('Overdue (1)');
    const overdue = await get(handle(), '/feedback/overdue', ada);
    expect(overdue.status).toBe(200);
    expect(titles(overdue.html)).toEqual(['Deploys wait for a runner']);
    expect(overdue.html).not.toContain(idea.title);
  });
});
