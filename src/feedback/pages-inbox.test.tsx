import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { getPreferences } from '../notifications/inbox.ts';
import { get, post, seedPages } from './pages-testing.ts';
import { changeStatus, postFeedback, voteFor } from './service.ts';
import { viewerOf } from './store.ts';

describeEngines('inbox page', (handle) => {
  async function seeded() {
    const people = await seedPages(handle());
    const db = handle().db;
    const item = await postFeedback(db, people.ada.ctx, {
      kind: 'problem',
      title: 'Deploys wait for a runner',
      body: '',
      postedAs: 'name',
    });
    await voteFor(db, people.alan.ctx, item.id);
    await changeStatus(db, people.barbara.ctx, item.id, {
      status: 'acknowledged',
      note: 'We see it: runners are **short**.',
    });
    return { ...people, item };
  }

  it('lists what changed, unread first marked, and counts it in the header', async () => {
    const { alan } = await seeded();
    const page = await get(handle(), '/inbox', alan);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Your inbox</h1>');
    expect(page.html).toContain('Inbox (1 unread)');
    expect(page.html).toContain('<li class="unread">');
    expect(page.html).toContain('<span class="status">New</span>');
    expect(page.html).toContain('Deploys wait for a runner: acknowledged</a>');
    expect(page.html).toContain('runners are <strong>short</strong>.');
    expect(page.html).toContain('Unread (1)');
  });

  it('marks one or all notifications read', async () => {
    const { alan, item, barbara } = await seeded();
    await changeStatus(handle().db, barbara.ctx, item.id, { status: 'planned', note: 'Next.' });
    const id = (
      await handle()
        .db.selectFrom('notifications')
        .select('id')
        .where('user_id', '=', alan.user.id)
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
    ).id;
    const one = await post(handle(), '/inbox/read', { id }, alan);
    expect(one).toMatchObject({ status: 303, location: '/inbox?done=read' });
    expect((await get(handle(), '/inbox', alan)).html).toContain('Inbox (1 unread)');
    await post(handle(), '/inbox/read', { all: 'yes' }, alan);
    const page = await get(handle(), '/inbox?unread=1', alan);
    expect(page.html).toContain('>Inbox</a>');
    expect(page.html).toContain('Nothing unread.');
  });

  it('saves the email preference and refuses one that does not exist', async () => {
    const { alan } = await seeded();
    const page = await get(handle(), '/inbox', alan);
    expect(page.html).toMatch(/value="digest" checked=""/);
    const saved = await post(
      handle(),
      '/inbox/preferences',
      { emailMode: 'immediate', subscribeOnVote: 'yes' },
      alan,
    );
    expect(saved.status).toBe(303);
    expect(await getPreferences(handle().db, alan.user.id)).toEqual({
      emailMode: 'immediate',
      subscribeOnVote: true,
    });
    const wrong = await post(handle(), '/inbox/preferences', { emailMode: 'pigeon' }, alan);
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain(
      '<a href="#field-emailMode">Choose one of: digest, immediate, off.',
    );
    expect((await getPreferences(handle().db, alan.user.id)).emailMode).toBe('immediate');
  });

  it('stops following every item in one action, so later changes stay quiet', async () => {
    const { alan, barbara, item } = await seeded();
    const done = await post(handle(), '/inbox/unsubscribe-all', {}, alan);
    expect(done).toMatchObject({ status: 303, location: '/inbox?done=unsubscribed' });
    expect(await viewerOf(handle().db, item.id, alan.user.id)).toEqual({
      voted: true,
      subscribed: false,
    });
    await changeStatus(handle().db, barbara.ctx, item.id, { status: 'planned', note: 'Next.' });
    const page = await get(handle(), '/inbox?done=unsubscribed', alan);
    expect(page.html).toContain('You no longer follow any item');
    expect(page.html).not.toContain('Deploys wait for a runner: planned');
    expect((await getPreferences(handle().db, alan.user.id)).subscribeOnVote).toBe(false);
  });
});
