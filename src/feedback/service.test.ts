import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import {
  addInternalNote,
  changeStatus,
  getFeedback,
  listFeedback,
  mergeFeedback,
  subscribeTo,
  unsubscribeFrom,
  unsubscribeFromAll,
  voteFor,
  withdrawVote,
} from './service.ts';
import { expectRefused, notificationsOf, post, seedFeedback } from './service-testing.ts';
import { subscriberIds, voterIds } from './store.ts';

describeEngines('feedback service', (handle) => {
  it('posts an item by name, subscribes the author and audits it', async () => {
    const { db, people, teams } = await seedFeedback(handle());
    const item = await post(db, people.ada, {
      capability: 'feature-flags',
      title: '  Flags are slow  ',
    });
    expect(item).toMatchObject({
      title: 'Flags are slow',
      status: 'new',
      votes: 0,
      postedAs: 'name',
      author: { id: people.ada.actor.userId },
      team: { id: teams.payments, slug: 'payments' },
      capability: { slug: 'feature-flags' },
    });
    expect(await subscriberIds(db, item.id)).toEqual([people.ada.actor.userId]);
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'feedback.create')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(people.ada.actor.userId);
  });

  it('hides an author who posts as a developer in their team: not on the item, not in the audit log', async () => {
    const { db, people } = await seedFeedback(handle());
    const item = await post(db, people.ada, { postedAs: 'team' });
    expect(item.author).toBeNull();
    expect(item.team?.slug).toBe('payments');
    const row = await db
      .selectFrom('feedback_items')
      .selectAll()
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(row.author_id).toBeNull();
    expect(row.author_name).toBeNull();
    const audit = await db.selectFrom('audit_log').selectAll().execute();
    expect(audit.some((a) => a.action === 'feedback.create')).toBe(false);
    expect(JSON.stringify(audit)).not.toContain(item.id);
    // Kept only to send updates: they still hear about a status change.
    await changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: 'We see it.' });
    expect(await notificationsOf(db, people.ada.actor.userId)).toHaveLength(1);
    // Seen by a platform engineer, the item still names nobody.
    const seen = await getFeedback(db, people.barbara.actor, item.id);
    expect(JSON.stringify(seen)).not.toContain(people.ada.actor.name);
    expect(JSON.stringify(seen)).not.toContain(people.ada.actor.userId);
  });

  it('refuses an empty title, an unknown capability and a team that is not yours, writing nothing', async () => {
    const { db, people } = await seedFeedback(handle());
    await expectRefused(db, () => post(db, people.ada, { title: '   ' }), {
      status: 400,
      errors: [{ path: 'title' }],
    });
    await expectRefused(db, () => post(db, people.ada, { capability: 'no-such-thing' }), {
      errors: [{ path: 'capability', message: expect.stringContaining('no-such-thing') }],
    });
    await expectRefused(db, () => post(db, people.ada, { title: '', capability: 'nope' }), {
      errors: [{ path: 'title' }, { path: 'capability' }],
    });
    await expectRefused(db, () => post(db, people.nobody, { postedAs: 'team' }), {
      errors: [{ path: 'postedAs' }],
    });
  });

  it('counts one vote per person from the rows, withdrawable, and subscribes voters', async () => {
    const { db, people } = await seedFeedback(handle());
    const item = await post(db, people.ada);
    expect(await voteFor(db, people.alan, item.id)).toMatchObject({ votes: 1, changed: true });
    expect(await voteFor(db, people.alan, item.id)).toMatchObject({ votes: 1, changed: false });
    expect(await voteFor(db, people.barbara, item.id)).toMatchObject({ votes: 2 });
    expect(await subscriberIds(db, item.id)).toHaveLength(3);
    expect(await withdrawVote(db, people.alan, item.id)).toMatchObject({ votes: 1, changed: true });
    expect(await withdrawVote(db, people.alan, item.id)).toMatchObject({
      votes: 1,
      changed: false,
    });
    expect(await voterIds(db, item.id)).toEqual([people.barbara.actor.userId]);
    const page = await listFeedback(db, people.barbara.actor, { limit: 10 });
    expect(page.items[0]).toMatchObject({ votes: 1, voted: true });
  });

  it('moves along the status machine with public notes and refuses illegal jumps and missing notes', async () => {
    const { db, people } = await seedFeedback(handle());
    const item = await post(db, people.ada);
    await expectRefused(
      db,
      () => changeStatus(db, people.barbara, item.id, { status: 'shipped', note: 'Done' }),
      {
        status: 400,
        errors: [{ path: 'status' }],
      },
    );
    await expectRefused(
      db,
      () => changeStatus(db, people.barbara, item.id, { status: 'acknowledged', note: ' ' }),
      {
        errors: [{ path: 'note' }],
      },
    );
    await expectRefused(
      db,
      () => changeStatus(db, people.barbara, item.id, { status: 'duplicate', note: 'x' }),
      {
        errors: [{ path: 'status', message: expect.stringContaining('merging') }],
      },
    );
    await expectRefused(
      db,
      () => changeStatus(db, people.alan, item.id, { status: 'acknowledged', note: 'x' }),
      {
        status: 403,
      },
    );
    for (const status of ['acknowledged', 'planned', 'in-progress', 'shipped'] as const) {
      await changeStatus(db, people.barbara, item.id, { status, note: `Now ${status}.` });
    }
    const detail = await getFeedback(db, people.ada.actor, item.id);
    expect(detail.item.status).toBe('shipped');
    expect(detail.item.acknowledgedAt).toBe(detail.history[0]!.at);
    expect(detail.history.map((h) => [h.from, h.to, h.note])).toEqual([
      ['new', 'acknowledged', 'Now acknowledged.'],
      ['acknowledged', 'planned', 'Now planned.'],
      ['planned', 'in-progress', 'Now in-progress.'],
      ['in-progress', 'shipped', 'Now shipped.'],
    ]);
    // The author heard about every change; the triager did not notify herself.
    expect((await notificationsOf(db, people.ada.actor.userId)).map((n) => n.body)).toEqual([
      'Now acknowledged.',
      'Now planned.',
      'Now in-progress.',
      'Now shipped.',
    ]);
    expect(await notificationsOf(db, people.barbara.actor.userId)).toEqual([]);
    // Shipping lists the item in the changelog ("you said, we did"), telling nobody twice.
    const entries = await db.selectFrom('changelog_entries').selectAll().execute();
    expect(entries).toEqual([
      expect.objectContaining({ title: item.title, body: 'Now shipped.', feedback_id: item.id }),
    ]);
    expect(await notificationsOf(db, people.ada.actor.userId)).toHaveLength(4);
    await expectRefused(
      db,
      () => changeStatus(db, people.barbara, item.id, { status: 'planned', note: 'Again' }),
      {
        errors: [{ path: 'status', message: expect.stringContaining('final') }],
      },
    );
  });

  it('needs a reason to decline', async () => {
    const { db, people } = await seedFeedback(handle());
    const item = await post(db, people.ada);
    await expectRefused(
      db,
      () => changeStatus(db, people.barbara, item.id, { status: 'declined', note: '' }),
      {
        errors: [{ path: 'note', message: expect.stringContaining('why it is declined') }],
      },
    );
    await changeStatus(db, people.barbara, item.id, {
      status: 'declined',
      note: 'Out of scope for the platform.',
    });
    expect((await getFeedback(db, people.ada.actor, item.id)).item.status).toBe('declined');
  });

  it('merges a duplicate: votes move without double counting, subscribers follow, everyone told once', async () => {
    const { db, people } = await seedFeedback(handle());
    const original = await post(db, people.ada, { title: 'Slow deploys' });
    const duplicate = await post(db, people.alan, { title: 'Deploys take ages' });
    await voteFor(db, people.barbara, original.id);
    await voteFor(db, people.barbara, duplicate.id); // voted on both: counts once
    await voteFor(db, people.leader, duplicate.id);
    const { original: after, duplicate: merged } = await mergeFeedback(
      db,
      people.admin,
      duplicate.id,
      {
        into: original.id,
        note: 'Same problem; follow it there.',
      },
    );
    expect(after.votes).toBe(2);
    expect(merged).toMatchObject({ status: 'duplicate', duplicateOf: original.id, votes: 0 });
    expect(new Set(await subscriberIds(db, original.id))).toEqual(
      new Set([people.ada, people.alan, people.barbara, people.leader].map((p) => p.actor.userId)),
    );
    expect(await subscriberIds(db, duplicate.id)).toEqual([]);
    // Alan (author of the duplicate) is told once, with a link to the original.
    expect(await notificationsOf(db, people.alan.actor.userId)).toEqual([
      expect.objectContaining({ kind: 'feedback.merged', link: `/feedback/${original.id}` }),
    ]);
    // A later change on the original reaches Alan through his moved subscription.
    await changeStatus(db, people.barbara, original.id, { status: 'acknowledged', note: 'On it.' });
    expect(await notificationsOf(db, people.alan.actor.userId)).toHaveLength(2);
    await expectRefused(db, () => voteFor(db, people.alan, duplicate.id), { status: 409 });
  });

  it('refuses merging into itself, into a loop, an unknown item, or without a note', async () => {
    const { db, people } = await seedFeedback(handle());
    const a = await post(db, people.ada, { title: 'A' });
    const b = await post(db, people.ada, { title: 'B' });
    const c = await post(db, people.ada, { title: 'C' });
    await expectRefused(
      db,
      () => mergeFeedback(db, people.barbara, a.id, { into: a.id, note: 'x' }),
      {
        errors: [{ path: 'into', message: expect.stringContaining('itself') }],
      },
    );
    await expectRefused(
      db,
      () => mergeFeedback(db, people.barbara, a.id, { into: 'nope', note: 'x' }),
      {
        errors: [{ path: 'into' }],
      },
    );
    await expectRefused(
      db,
      () => mergeFeedback(db, people.barbara, a.id, { into: b.id, note: '' }),
      {
        errors: [{ path: 'note' }],
      },
    );
    await mergeFeedback(db, people.barbara, b.id, { into: a.id, note: 'B is A' });
    // C into B follows B's chain to A, the original.
    const { original } = await mergeFeedback(db, people.barbara, c.id, {
      into: b.id,
      note: 'C is B',
    });
    expect(original.id).toBe(a.id);
    const d = await post(db, people.ada, { title: 'D' });
    await mergeFeedback(db, people.barbara, d.id, { into: a.id, note: 'D is A' });
    const e = await post(db, people.ada, { title: 'E' });
    // A is an original; merging A into D (which leads back to A) would loop.
    await expectRefused(
      db,
      () => mergeFeedback(db, people.barbara, a.id, { into: d.id, note: 'loop' }),
      {
        errors: [{ path: 'into', message: expect.stringContaining('loop') }],
      },
    );
    await expectRefused(
      db,
      () => mergeFeedback(db, people.barbara, b.id, { into: e.id, note: 'again' }),
      {
        errors: [{ path: 'id' }],
      },
    );
  });

  it('unsubscribes from one item or from all; an unsubscribed voter is not subscribed again by voting', async () => {
    const { db, people } = await seedFeedback(handle());
    const one = await post(db, people.ada, { title: 'One' });
    const two = await post(db, people.ada, { title: 'Two' });
    await voteFor(db, people.alan, one.id);
    expect((await unsubscribeFrom(db, people.alan, one.id)).subscribed).toBe(false);
    await withdrawVote(db, people.alan, one.id);
    await voteFor(db, people.alan, one.id);
    expect(await subscriberIds(db, one.id)).toEqual([people.ada.actor.userId]);
    expect((await subscribeTo(db, people.alan, one.id)).subscribed).toBe(true);
    await voteFor(db, people.alan, two.id);
    expect(await unsubscribeFromAll(db, people.alan)).toBe(2);
    expect(await unsubscribeFromAll(db, people.ada)).toBe(2);
    const three = await post(db, people.barbara, { title: 'Three' });
    await voteFor(db, people.alan, three.id);
    expect(await subscriberIds(db, three.id)).toEqual([people.barbara.actor.userId]);
    await changeStatus(db, people.barbara, one.id, { status: 'acknowledged', note: 'Seen.' });
    expect(await notificationsOf(db, people.ada.actor.userId)).toEqual([]);
    expect(await notificationsOf(db, people.alan.actor.userId)).toEqual([]);
  });

  it('shows internal notes to the platform role only', async () => {
    const { db, people } = await seedFeedback(handle());
    const item = await post(db, people.ada);
    await addInternalNote(db, people.barbara, item.id, 'Ask the SRE team first.');
    await expectRefused(db, () => addInternalNote(db, people.ada, item.id, 'Sneaky'), {
      status: 403,
    });
    await expectRefused(db, () => addInternalNote(db, people.barbara, item.id, '  '), {
      errors: [{ path: 'body' }],
    });
    expect((await getFeedback(db, people.barbara.actor, item.id)).internalNotes).toEqual([
      expect.objectContaining({ body: 'Ask the SRE team first.' }),
    ]);
    expect((await getFeedback(db, people.ada.actor, item.id)).internalNotes).toBeNull();
    expect((await getFeedback(db, people.leader.actor, item.id)).internalNotes).toBeNull();
  });

  it('filters and sorts the board', async () => {
    const { db, people } = await seedFeedback(handle());
    const flags = await post(db, people.ada, {
      title: 'Flag rollouts',
      capability: 'feature-flags',
      kind: 'idea',
    });
    const secrets = await post(db, people.alan, {
      title: 'Vault login',
      capability: 'secrets-manager',
    });
    const praise = await post(db, people.barbara, { title: 'Templates are great', kind: 'praise' });
    // Posted a minute apart: within one millisecond the order would fall to the random ids.
    for (const [i, item] of [flags, secrets, praise].entries()) {
      await db
        .updateTable('feedback_items')
        .set({ created_at: `2026-11-02T10:0${i}:00.000Z` })
        .where('id', '=', item.id)
        .execute();
    }
    await voteFor(db, people.ada, secrets.id);
    await voteFor(db, people.barbara, secrets.id);
    await voteFor(db, people.leader, praise.id);
    await changeStatus(db, people.barbara, praise.id, { status: 'acknowledged', note: 'Thanks!' });
    const ids = async (input: Parameters<typeof listFeedback>[2]) =>
      (await listFeedback(db, people.ada.actor, input)).items.map((i) => i.id);
    expect(await ids({ limit: 10, sort: 'votes' })).toEqual([secrets.id, praise.id, flags.id]);
    expect(await ids({ limit: 10, sort: 'newest' })).toEqual([praise.id, secrets.id, flags.id]);
    expect(await ids({ limit: 10, sort: 'oldest-unacknowledged' })).toEqual([
      flags.id,
      secrets.id,
      praise.id,
    ]);
    expect(await ids({ limit: 10, capability: 'feature-flags' })).toEqual([flags.id]);
    expect(await ids({ limit: 10, kind: ['praise'] })).toEqual([praise.id]);
    expect(await ids({ limit: 10, status: ['acknowledged'] })).toEqual([praise.id]);
    expect(await ids({ limit: 10, team: 'checkout' })).toEqual([secrets.id]);
    expect(await ids({ limit: 10, q: 'VAULT' })).toEqual([secrets.id]);
    expect(await ids({ limit: 10, q: '100%' })).toEqual([]);
    const first = await listFeedback(db, people.ada.actor, { limit: 2, sort: 'votes' });
    const second = await listFeedback(db, people.ada.actor, {
      limit: 2,
      sort: 'votes',
      cursor: first.nextCursor!,
    });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual([
      secrets.id,
      praise.id,
      flags.id,
    ]);
    expect(second.nextCursor).toBeNull();
    await expect(
      listFeedback(db, people.ada.actor, { limit: 10, capability: 'nope' }),
    ).rejects.toMatchObject({
      errors: [{ path: 'capability' }],
    });
  });
});
