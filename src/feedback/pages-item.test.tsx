import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { get, post, seedPages } from './pages-testing.ts';
import { addInternalNote, changeStatus, postFeedback, voteFor } from './service.ts';
import { getItem } from './store.ts';

describeEngines('feedback item page', (handle) => {
  async function seeded() {
    const people = await seedPages(handle());
    const item = await postFeedback(handle().db, people.ada.ctx, {
      kind: 'problem',
      title: 'Deploys wait for a runner',
      body: 'Twenty minutes at peak.',
      capability: 'deploy-pipeline',
      postedAs: 'name',
    });
    return { ...people, item, path: `/feedback/${item.id}` };
  }

  it('shows a developer the item, the vote and follow buttons, and nothing of triage', async () => {
    const { alan, barbara, item, path } = await seeded();
    await addInternalNote(handle().db, barbara.ctx, item.id, 'Ticket PLAT-42, secret context.');
    const page = await get(handle(), path, alan);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Deploys wait for a runner</h1>');
    expect(page.html).toContain('<a href="/capabilities/deploy-pipeline">Deploy pipeline</a>');
    expect(page.html).toContain('Vote for this</button>');
    expect(page.html).toContain('Follow this item</button>');
    expect(page.html).toContain(`<a href="/feeds/feedback/${item.id}.atom">its Atom feed</a>`);
    expect(page.html).toContain('Nothing yet: the platform team has not answered.');
    expect(page.html).not.toContain('For the platform team');
    expect(page.html).not.toContain('Internal notes');
    expect(page.html).not.toContain('PLAT-42');
    expect(page.html).not.toContain(`action="/feedback/${item.id}/status"`);
    const triage = await get(handle(), path, barbara);
    expect(triage.html).toContain('<h2 id="triage">For the platform team</h2>');
    expect(triage.html).toContain('Ticket PLAT-42, secret context.');
  });

  it('counts a vote once, withdraws it, and follows and unfollows', async () => {
    const { alan, item, path } = await seeded();
    const voted = await post(handle(), `${path}/vote`, {}, alan);
    expect(voted).toMatchObject({ status: 303, location: `${path}?done=voted` });
    await post(handle(), `${path}/vote`, {}, alan);
    expect((await getItem(handle().db, item.id))!.votes).toBe(1);
    const page = await get(handle(), `${path}?done=voted`, alan);
    expect(page.html).toContain('Your vote counts.');
    expect(page.html).toContain('<dd>1, yours included</dd>');
    expect(page.html).toContain('You follow it: status changes reach your inbox.');
    expect(page.html).toContain('Withdraw your vote</button>');
    await post(handle(), `${path}/unvote`, {}, alan);
    expect((await getItem(handle().db, item.id))!.votes).toBe(0);
    const unfollowed = await post(handle(), `${path}/unsubscribe`, {}, alan);
    expect(unfollowed.location).toBe(`${path}?done=unfollowed`);
    expect((await get(handle(), path, alan)).html).toContain('Follow this item</button>');
    await post(handle(), `${path}/subscribe`, {}, alan);
    expect((await get(handle(), path, alan)).html).toContain('Stop following</button>');
  });

  it('asks for a status when the form has none or one paved does not know, and changes nothing', async () => {
    const { barbara, item, path } = await seeded();
    const forms: Record<string, string>[] = [
      { note: 'Seen.' },
      { status: 'on-fire', note: 'Seen.' },
    ];
    for (const form of forms) {
      const res = await post(handle(), `${path}/status`, form, barbara);
      expect(res.status).toBe(400);
      expect(res.html).toContain('<a href="#field-status">Choose a status');
    }
    expect((await getItem(handle().db, item.id))!.status).toBe('new');
  });

  it('changes the status only with a public note, keeps the input, and tells the followers', async () => {
    const { ada, barbara, path } = await seeded();
    const missing = await post(
      handle(),
      `${path}/status`,
      { status: 'acknowledged', note: ' ' },
      barbara,
    );
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('<a href="#field-note">Add a public note');
    expect(missing.html).toContain('<option value="acknowledged" selected="">');
    expect((await get(handle(), path, barbara)).html).toContain('<span class="status">New</span>');
    const jump = await post(
      handle(),
      `${path}/status`,
      { status: 'shipped', note: 'Done' },
      barbara,
    );
    expect(jump.status).toBe(400);
    expect(jump.html).toContain('<a href="#field-status">A new item can move to');
    const ok = await post(
      handle(),
      `${path}/status`,
      { status: 'acknowledged', note: 'We see it: runners are **short** at 9:00.' },
      barbara,
    );
    expect(ok).toMatchObject({ status: 303, location: `${path}?done=status` });
    const page = await get(handle(), path, ada);
    expect(page.html).toContain('<span class="status">Acknowledged</span>');
    expect(page.html).toContain('runners are <strong>short</strong> at 9:00.');
    expect(page.html).toContain('Barbara Liskov');
    expect(page.html).toContain(', in time');
    const inbox = await get(handle(), '/inbox', ada);
    expect(inbox.html).toContain('Deploys wait for a runner: acknowledged');
    expect(inbox.html).toContain('Inbox (1 unread)');
  });

  it('asks to confirm a decline, which needs its reason', async () => {
    const { alan, barbara, item, path } = await seeded();
    const link = await get(handle(), `${path}/decline`, barbara);
    expect(link.status).toBe(200);
    expect(link.html).toContain('<h1>Decline this feedback?</h1>');
    expect((await get(handle(), path, barbara)).html).toContain(`href="${path}/decline"`);
    expect((await get(handle(), `${path}/decline`, alan)).status).toBe(403);
    const confirm = await post(
      handle(),
      `${path}/status`,
      { status: 'declined', note: '' },
      barbara,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Decline this feedback?</h1>');
    expect(confirm.html).toContain('name="confirmed" value="yes"');
    expect((await getItem(handle().db, item.id))!.status).toBe('new');
    const noReason = await post(
      handle(),
      `${path}/status`,
      { status: 'declined', confirmed: 'yes', note: '' },
      barbara,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('<h1>Decline this feedback?</h1>');
    expect(noReason.html).toContain('<a href="#field-note">Say why it is declined');
    const done = await post(
      handle(),
      `${path}/status`,
      { status: 'declined', confirmed: 'yes', note: 'Runners are sized for the budget we have.' },
      barbara,
    );
    expect(done.status).toBe(303);
    expect((await getItem(handle().db, item.id))!.status).toBe('declined');
  });

  it('merges only after a confirmation, refusing unknown items and itself, and moves the votes', async () => {
    const { ada, alan, barbara, item, path } = await seeded();
    const original = await postFeedback(handle().db, alan.ctx, {
      kind: 'problem',
      title: 'CI runners are too few',
      body: '',
      postedAs: 'name',
    });
    await voteFor(handle().db, alan.ctx, item.id);
    const unknown = await post(handle(), `${path}/merge`, { into: '/feedback/nope' }, barbara);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain(
      '<a href="#field-into">There is no feedback item at that address',
    );
    expect(unknown.html).toContain('value="/feedback/nope"');
    const self = await post(handle(), `${path}/merge`, { into: path }, barbara);
    expect(self.status).toBe(400);
    expect(self.html).toContain('An item cannot be merged into itself.');
    const confirm = await post(
      handle(),
      `${path}/merge`,
      { into: `http://localhost/feedback/${original.id}` },
      barbara,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>Merge into the original?</h1>');
    expect(confirm.html).toContain('CI runners are too few');
    expect((await getItem(handle().db, item.id))!.status).toBe('new');
    const noNote = await post(
      handle(),
      `${path}/merge`,
      { into: original.id, confirmed: 'yes', note: '' },
      barbara,
    );
    expect(noNote.status).toBe(400);
    expect(noNote.html).toContain('<a href="#field-note">Add a public note');
    const merged = await post(
      handle(),
      `${path}/merge`,
      { into: original.id, confirmed: 'yes', note: 'Same runners, same fix.' },
      barbara,
    );
    expect(merged).toMatchObject({ status: 303, location: `/feedback/${original.id}?done=merged` });
    expect((await getItem(handle().db, original.id))!.votes).toBe(1);
    const duplicate = await get(handle(), path, ada);
    expect(duplicate.html).toContain('<span class="status status-quiet">Duplicate</span>');
    expect(duplicate.html).toContain(`Merged into <a href="/feedback/${original.id}">`);
    expect(duplicate.html).not.toContain('Vote for this</button>');
    const vote = await post(handle(), `${path}/vote`, {}, ada);
    expect(vote.status).toBe(409);
    expect(vote.html).toContain('<a href="#field-vote">');
  });

  it('links a shipped item to its changelog entry', async () => {
    const { alan, barbara, item, path } = await seeded();
    for (const [status, note] of [
      ['acknowledged', 'Seen.'],
      ['planned', 'Next month.'],
      ['in-progress', 'Started.'],
      ['shipped', 'Runners scale up at 8:45 now.'],
    ] as const) {
      await changeStatus(handle().db, barbara.ctx, item.id, { status, note });
    }
    const page = await get(handle(), path, alan);
    expect(page.html).toContain('<h2 id="we-did">You said, we did</h2>');
    expect(page.html).toMatch(/<a href="\/changelog\/[^"]+">Deploys wait for a runner<\/a>/);
  });

  it('refuses triage to developers and answers unknown items with 404', async () => {
    const { alan, path } = await seeded();
    const refused = await post(
      handle(),
      `${path}/status`,
      { status: 'acknowledged', note: 'x' },
      alan,
    );
    expect(refused.status).toBe(403);
    const note = await post(handle(), `${path}/notes`, { body: 'x' }, alan);
    expect(note.status).toBe(403);
    expect((await get(handle(), '/feedback/no-such-item', alan)).status).toBe(404);
  });

  it('adds an internal note for the platform team, refusing an empty one', async () => {
    const { barbara, path } = await seeded();
    const empty = await post(handle(), `${path}/notes`, { body: '' }, barbara);
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<a href="#field-body">Write the note first.');
    const ok = await post(handle(), `${path}/notes`, { body: 'Ask Dennis.' }, barbara);
    expect(ok.location).toBe(`${path}?done=noted#internal-notes`);
    expect((await get(handle(), path, barbara)).html).toContain('Ask Dennis.');
  });
});
