import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { get, post, seedPages } from './pages-testing.ts';
import { changeStatus, postFeedback } from './service.ts';

describeEngines('give feedback page', (handle) => {
  it('offers the kinds, the capability asked for and says exactly what posting as a team member hides', async () => {
    const { ada } = await seedPages(handle());
    const page = await get(handle(), '/feedback/new?capability=deploy-pipeline', ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Give feedback</h1>');
    for (const kind of ['Problem', 'Idea', 'Question', 'Praise']) expect(page.html).toContain(kind);
    expect(page.html).toContain(
      '<option value="deploy-pipeline" selected="">Deploy pipeline</option>',
    );
    expect(page.html).toContain('By name: Ada Lovelace (Payments)');
    expect(page.html).toContain('As “a developer in Payments”');
    expect(page.html).toContain(
      'Nobody sees that you wrote it — not other developers, not the platform team, not admins — on any page, in the API, in exports, webhooks or the audit log.',
    );
    expect(page.html).toContain('Markdown works for links, lists and `code`');
  });

  it('refuses an item without kind or title with the error summary, keeps the input and writes nothing', async () => {
    const { ada } = await seedPages(handle());
    const res = await post(
      handle(),
      '/feedback',
      {
        title: '   ',
        body: 'Builds wait **20 minutes**.',
        capability: 'deploy-pipeline',
        postedAs: 'team',
      },
      ada,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    expect(res.html).toContain('<a href="#field-kind">Choose a kind');
    expect(res.html).toContain('<a href="#field-title">Give it a title');
    expect(res.html).toContain('id="field-kind"');
    expect(res.html).toContain('Builds wait **20 minutes**.</textarea>');
    expect(res.html).toContain('<option value="deploy-pipeline" selected="">');
    expect(res.html).toMatch(/value="team" checked=""/);
    expect(await countRows(handle().db, 'feedback_items')).toBe(0);
  });

  it('names an unknown capability beside its field', async () => {
    const { ada } = await seedPages(handle());
    const res = await post(
      handle(),
      '/feedback',
      { kind: 'idea', title: 'Faster builds', capability: 'no-such-thing', postedAs: 'name' },
      ada,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain(
      '<a href="#field-capability">There is no capability &quot;no-such-thing&quot;',
    );
    expect(res.html).toContain('value="Faster builds"');
    expect(await countRows(handle().db, 'feedback_items')).toBe(0);
  });

  it('posts by name and opens the item with the author, the Markdown rendered and a thank-you', async () => {
    const { ada, alan } = await seedPages(handle());
    const res = await post(
      handle(),
      '/feedback',
      {
        kind: 'problem',
        title: 'Deploys wait for a runner',
        body: 'It takes **20 minutes**:\n\n- at 9:00\n- at 14:00',
        capability: 'deploy-pipeline',
        postedAs: 'name',
      },
      ada,
    );
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/feedback\/[^/?]+\?done=posted$/);
    const page = await get(handle(), res.location!, ada);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Deploys wait for a runner</h1>');
    expect(page.html).toContain('Thank you: your feedback is posted.');
    expect(page.html).toContain('Ada Lovelace (Payments)');
    expect(page.html).toContain('<strong>20 minutes</strong>');
    expect(page.html).toContain('<li>at 9:00</li>');
    const other = await get(handle(), res.location!.split('?')[0]!, alan);
    expect(other.html).toContain('Ada Lovelace (Payments)');
  });

  it('never shows who posted as “a developer in team X”, to anyone, on any page', async () => {
    const { ada, alan, barbara, admin } = await seedPages(handle());
    const res = await post(
      handle(),
      '/feedback',
      {
        kind: 'problem',
        title: 'On-call pages for flaky checks',
        body: 'Every night.',
        postedAs: 'team',
      },
      ada,
    );
    expect(res.status).toBe(303);
    const path = res.location!.split('?')[0]!;
    const id = path.split('/').pop()!;
    await changeStatus(handle().db, barbara.ctx, id, { status: 'acknowledged', note: 'Looking.' });
    for (const viewer of [ada, alan, barbara, admin]) {
      for (const page of [
        path,
        '/feedback',
        '/feedback?sort=newest',
        '/feedback/overdue',
        '/feedback/triage',
        '/inbox',
        '/',
      ]) {
        const res = await get(handle(), page, viewer);
        if (res.status === 403) continue; // the triage queue is for the platform team
        const html = res.html;
        expect(html, `${page} as ${viewer.user.name}`).not.toContain('Ada Lovelace (');
        if (viewer !== ada)
          expect(html, `${page} as ${viewer.user.name}`).not.toContain('Ada Lovelace');
      }
    }
    const item = await get(handle(), path, barbara);
    expect(item.html).toContain('a developer in Payments');
    const audit = await handle()
      .db.selectFrom('audit_log')
      .select(['actor_id', 'action'])
      .where('action', 'like', 'feedback.%')
      .execute();
    expect(audit).toEqual([{ actor_id: barbara.user.id, action: 'feedback.status' }]);
    // The author still hears about it: the subscription is the only link kept.
    const inbox = await get(handle(), '/inbox', ada);
    expect(inbox.html).toContain('On-call pages for flaky checks: acknowledged');
  });

  it('renders Markdown that tries script, handlers or javascript: links inert', async () => {
    const { ada } = await seedPages(handle());
    const item = await postFeedback(handle().db, ada.ctx, {
      kind: 'idea',
      title: '<script>alert("title")</script>',
      body: '<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n<a href="javascript:alert(4)" onclick="alert(5)">x</a>',
      postedAs: 'name',
    });
    const page = await get(handle(), `/feedback/${item.id}`, ada);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert');
    expect(page.html).not.toMatch(/href="javascript:/i);
    expect(page.html).not.toContain('<img');
    expect(page.html).not.toMatch(/<a [^>]*onclick/i);
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
