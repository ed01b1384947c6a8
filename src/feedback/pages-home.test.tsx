import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { get, seedPages } from './pages-testing.ts';
import { changeStatus, postFeedback, voteFor } from './service.ts';

describeEngines('feedback on the home and capability pages', (handle) => {
  it('shows a developer their items and votes, marking what changed since they read their inbox', async () => {
    const { ada, alan, barbara } = await seedPages(handle());
    const db = handle().db;
    const empty = await get(handle(), '/', alan);
    expect(empty.html).toContain('<h2 id="your-feedback">Your feedback and votes</h2>');
    expect(empty.html).toContain('You have not posted or voted for feedback yet.');
    const mine = await postFeedback(db, alan.ctx, {
      kind: 'idea',
      title: 'Preview environments per branch',
      body: '',
      postedAs: 'name',
    });
    const theirs = await postFeedback(db, ada.ctx, {
      kind: 'problem',
      title: 'Deploys wait for a runner',
      body: '',
      postedAs: 'name',
    });
    await postFeedback(db, ada.ctx, {
      kind: 'praise',
      title: 'Not Alan’s',
      body: '',
      postedAs: 'name',
    });
    await voteFor(db, alan.ctx, theirs.id);
    await changeStatus(db, barbara.ctx, theirs.id, { status: 'acknowledged', note: 'Seen.' });
    const page = await get(handle(), '/', alan);
    expect(page.html).toContain('1 changed since you last read your inbox.');
    expect(page.html).toContain(`<strong>Changed: </strong><a href="/feedback/${theirs.id}">`);
    expect(page.html).toContain('You voted for it; 1 vote;');
    expect(page.html).toContain(
      `<a href="/feedback/${mine.id}">Preview environments per branch</a>`,
    );
    expect(page.html).toContain('You posted it; 0 votes;');
    expect(page.html).not.toContain('Not Alan’s');
    expect(page.html).not.toContain('Feedback waiting for you');
  });

  it('shows the platform team what waits for it', async () => {
    const { ada, barbara } = await seedPages(handle());
    const item = await postFeedback(handle().db, ada.ctx, {
      kind: 'problem',
      title: 'Old item',
      body: '',
      postedAs: 'name',
    });
    await handle()
      .db.updateTable('feedback_items')
      .set({ created_at: '2026-01-05T00:00:00.000Z' })
      .where('id', '=', item.id)
      .execute();
    const page = await get(handle(), '/', barbara);
    expect(page.html).toContain('<h2 id="feedback-action">Feedback waiting for you</h2>');
    expect(page.html).toContain('<a href="/feedback/overdue">1 overdue item</a>');
    expect(page.html).toContain('<a href="/feedback/triage">1 new in the triage queue</a>');
  });

  it('links a capability to its feedback, or invites the first', async () => {
    const { ada } = await seedPages(handle());
    const none = await get(handle(), '/capabilities/deploy-pipeline', ada);
    expect(none.html).toContain('No feedback on this capability yet.');
    expect(none.html).toContain('href="/feedback/new?capability=deploy-pipeline"');
    await postFeedback(handle().db, ada.ctx, {
      kind: 'problem',
      title: 'Slow',
      body: '',
      capability: 'deploy-pipeline',
      postedAs: 'name',
    });
    const one = await get(handle(), '/capabilities/deploy-pipeline', ada);
    expect(one.html).toContain(
      '<a href="/feedback?capability=deploy-pipeline">1 item of feedback on Deploy pipeline</a>, 1 still open.',
    );
  });
});
