import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { listDecisions } from '../capabilities/store.ts';
import { setSetting } from '../core/settings.ts';
import { distinctVoters } from './linked.ts';
import { commentOn, createItem, editItem } from './service.ts';
import {
  DAY,
  expectRefused,
  feedbackWithVoters,
  itemInput,
  notificationCounts,
  propose,
  queuedEvents,
  seedRoadmap,
} from './service-testing.ts';
import { commentWindowDays } from './settings.ts';
import { getItem, linksOf, listComments, listEvents } from './store.ts';

describeEngines('roadmap service: adding items', (db) => {
  it('opens a proposal for the configured window and tells linked feedback’s subscribers once each', async () => {
    const { people } = await seedRoadmap(db());
    const { ada, alan, barbara, leader } = people;
    // Ada follows both linked items (author of one, voter on the other); Alan follows one.
    const slow = await feedbackWithVoters(db().db, ada, [alan], 'Deploys are slow');
    const flaky = await feedbackWithVoters(db().db, alan, [ada], 'Builds are flaky');
    await setSetting(db().db, commentWindowDays, 10);
    const now = new Date('2026-11-02T10:00:00.000Z');
    const item = await propose(db().db, barbara, { feedbackIds: [slow, flaky] }, now);
    expect(item).toMatchObject({
      status: 'proposed',
      commentsCloseAt: '2026-11-12T10:00:00.000Z',
      decidedAt: null,
    });
    expect((await linksOf(db().db, [item.id])).get(item.id)?.sort()).toEqual([slow, flaky].sort());
    const counts = await notificationCounts(db().db);
    expect(counts[ada.actor.userId]).toEqual({ 'roadmap.proposed': 1 });
    expect(counts[alan.actor.userId]).toEqual({ 'roadmap.proposed': 1 });
    expect(counts[leader.actor.userId]).toBeUndefined();
    expect(await queuedEvents(db().db)).toContain('proposal.opened');
    expect(await listEvents(db().db, item.id)).toMatchObject([
      { kind: 'created', fromStatus: null, toStatus: 'proposed' },
    ]);
    // A proposal is not a decision yet.
    expect((await listDecisions(db().db, { limit: 50 })).items.map((d) => d.kind)).not.toContain(
      'roadmap.decided',
    );
  });

  it('logs a decision when the category’s decider plans an item directly', async () => {
    const { people } = await seedRoadmap(db());
    const item = await createItem(db().db, people.barbara, {
      ...itemInput(),
      status: 'planned',
    });
    expect(item).toMatchObject({ status: 'planned', decidedBy: people.barbara.actor.userId });
    const [decision] = (await listDecisions(db().db, { limit: 1 })).items;
    expect(decision).toMatchObject({
      kind: 'roadmap.decided',
      category: 'developer-experience',
      deciderId: people.barbara.actor.userId,
      subjectType: 'roadmap-item',
      subjectId: item.id,
      rationale: 'Slow builds are the most voted problem this quarter.',
    });
  });

  it('refuses to plan a security item without leadership, and developers and leaders cannot add items', async () => {
    const { people } = await seedRoadmap(db());
    await expectRefused(
      db().db,
      () =>
        createItem(db().db, people.barbara, {
          ...itemInput({ category: 'security', driver: 'mandate' }),
          status: 'planned',
        }),
      { status: 403, message: expect.stringMatching(/Security decisions are made by leadership/) },
    );
    // Proposing it is allowed: leadership decides after the window.
    await propose(db().db, people.barbara, { category: 'security', driver: 'mandate' });
    for (const ctx of [people.ada, people.leader]) {
      await expectRefused(db().db, () => propose(db().db, ctx), { status: 403 });
    }
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const { people } = await seedRoadmap(db());
    const bad = (overrides: Parameters<typeof itemInput>[0], path: string) =>
      expectRefused(db().db, () => propose(db().db, people.barbara, overrides), {
        status: 400,
        errors: expect.arrayContaining([expect.objectContaining({ path })]),
      });
    await bad({ title: '   ' }, 'title');
    await bad({ title: 'x'.repeat(201) }, 'title');
    await bad({ rationale: '' }, 'rationale');
    await bad({ category: 'astrology' }, 'category');
    await bad({ capability: 'no-such-thing' }, 'capability');
    await bad({ feedbackIds: ['nope'] }, 'feedbackIds');
    await expectRefused(
      db().db,
      () =>
        createItem(db().db, people.barbara, { ...itemInput(), status: 'proposed', commentDays: 0 }),
      { status: 400, errors: [expect.objectContaining({ path: 'commentDays' })] },
    );
  });

  it('edits fields and links, notes a horizon move in the history, and keeps the status', async () => {
    const { people } = await seedRoadmap(db());
    const fb = await feedbackWithVoters(db().db, people.ada, []);
    const item = await propose(db().db, people.barbara);
    const edited = await editItem(db().db, people.barbara, item.id, {
      horizon: 'now',
      capability: 'feature-flags',
      feedbackIds: [fb],
    });
    expect(edited).toMatchObject({ horizon: 'now', status: 'proposed' });
    expect(edited.capabilityId).not.toBeNull();
    expect((await linksOf(db().db, [item.id])).get(item.id)).toEqual([fb]);
    expect((await listEvents(db().db, item.id))[0]).toMatchObject({
      kind: 'edited',
      note: 'Moved from Next to Now.',
    });
    await expectRefused(db().db, () => editItem(db().db, people.ada, item.id, { title: 'Mine' }), {
      status: 403,
    });
  });
});

describeEngines('roadmap service: comments on proposals', (db) => {
  it('takes comments from anyone signed in while the window is open, and none after', async () => {
    const { people } = await seedRoadmap(db());
    const opened = new Date('2026-11-02T10:00:00.000Z');
    const item = await propose(db().db, people.barbara, {}, opened);
    const during = new Date(opened.getTime() + 13 * DAY);
    await commentOn(db().db, people.ada, item.id, { stance: 'support', body: '', now: during });
    await commentOn(db().db, people.leader, item.id, {
      stance: 'concern',
      body: 'Caches can hide a broken lockfile.',
      now: new Date(during.getTime() + 60_000),
    });
    expect((await listComments(db().db, item.id)).map((c) => [c.authorName, c.stance])).toEqual([
      ['Test developer', 'support'],
      ['Test leader', 'concern'],
    ]);
    const after = new Date(opened.getTime() + 14 * DAY);
    await expectRefused(
      db().db,
      () => commentOn(db().db, people.alan, item.id, { stance: 'support', body: '', now: after }),
      { status: 409, message: expect.stringMatching(/^Comments closed on 2026-11-16/) },
    );
  });

  it('needs words for a concern or a comment, and refuses comments on items that are not proposals', async () => {
    const { people } = await seedRoadmap(db());
    const item = await propose(db().db, people.barbara);
    for (const stance of ['concern', 'comment'] as const) {
      await expectRefused(
        db().db,
        () => commentOn(db().db, people.ada, item.id, { stance, body: '  ' }),
        { status: 400, errors: [expect.objectContaining({ path: 'body' })] },
      );
    }
    const planned = await createItem(db().db, people.barbara, {
      ...itemInput(),
      status: 'planned',
    });
    await expectRefused(
      db().db,
      () => commentOn(db().db, people.ada, planned.id, { stance: 'support', body: '' }),
      { status: 409 },
    );
    await expectRefused(
      db().db,
      () => commentOn(db().db, people.ada, 'no-such-item', { stance: 'support', body: '' }),
      { status: 404 },
    );
  });
});

describeEngines('roadmap service: distinct voters', (db) => {
  it('counts a person who voted on two linked items once, and follows merges', async () => {
    const { people } = await seedRoadmap(db());
    const { ada, alan, barbara, leader, admin } = people;
    // Voters: A = {alan, leader}, B = {alan, admin}, C = {leader} → alan, leader, admin.
    const a = await feedbackWithVoters(db().db, ada, [alan, leader], 'A');
    const b = await feedbackWithVoters(db().db, ada, [alan, admin], 'B');
    const c = await feedbackWithVoters(db().db, ada, [leader], 'C');
    expect(await distinctVoters(db().db, [a, b, c])).toBe(3);
    expect(await distinctVoters(db().db, [a])).toBe(2);
    expect(await distinctVoters(db().db, [])).toBe(0);
    // C merged into B: its votes move to B, and linking C still counts them.
    const { mergeFeedback } = await import('../feedback/service.ts');
    await mergeFeedback(db().db, barbara, c, { into: b, note: 'Same problem.' });
    expect(await distinctVoters(db().db, [c])).toBe(3);
    expect(await distinctVoters(db().db, [a, c])).toBe(3);
    const item = await getItem(
      db().db,
      (await propose(db().db, barbara, { feedbackIds: [a, b] })).id,
    );
    expect(item?.status).toBe('proposed');
  });
});
