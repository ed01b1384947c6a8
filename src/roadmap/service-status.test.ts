import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { listDecisions } from '../capabilities/store.ts';
import { setSetting } from '../core/settings.ts';
import { getEntry, listEntries, recordChangelogEntry } from './changelog.ts';
import { createItem } from './service.ts';
import { decideProposal, moveStatus, shipItem } from './service-status.ts';
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
import { breakingNoticeDays } from './settings.ts';
import { getItem, listEvents } from './store.ts';

const OPENED = new Date('2026-11-02T10:00:00.000Z');
const DURING = new Date(OPENED.getTime() + 3 * DAY);
const AFTER = new Date(OPENED.getTime() + 15 * DAY);

describeEngines('roadmap service: deciding proposals', (db) => {
  it('refuses a decision before the window closes, and anyone but the decider', async () => {
    const { people } = await seedRoadmap(db());
    const security = await propose(
      db().db,
      people.barbara,
      { category: 'security', driver: 'mandate' },
      OPENED,
    );
    const decide = (ctx: typeof people.leader, now: Date) =>
      decideProposal(db().db, ctx, security.id, {
        outcome: 'planned',
        rationale: 'Required by the audit.',
        now,
      });
    await expectRefused(db().db, () => decide(people.leader, DURING), {
      status: 409,
      message: expect.stringMatching(/^Comments are open until 2026-11-16/),
    });
    // Security is leadership's: the platform team and admins cannot decide it, even after the window.
    for (const ctx of [people.barbara, people.admin, people.ada]) {
      await expectRefused(db().db, () => decide(ctx, AFTER), {
        status: 403,
        message: expect.stringMatching(/made by leadership/),
      });
    }
    // A developer-experience proposal is the platform team's, not leadership's.
    const dx = await propose(db().db, people.barbara, {}, OPENED);
    await expectRefused(
      db().db,
      () =>
        decideProposal(db().db, people.leader, dx.id, {
          outcome: 'declined',
          rationale: 'No.',
          now: AFTER,
        }),
      { status: 403, message: expect.stringMatching(/made by the platform team/) },
    );
  });

  it('records the decider’s decision after the window: the log, the history, subscribers and a webhook', async () => {
    const { people } = await seedRoadmap(db());
    const { ada, alan, barbara, leader } = people;
    const a = await feedbackWithVoters(db().db, ada, [alan, barbara], 'Secrets are hard to rotate');
    const b = await feedbackWithVoters(db().db, alan, [ada], 'Vault sign-in is slow');
    const item = await propose(
      db().db,
      barbara,
      { category: 'security', driver: 'mandate', feedbackIds: [a, b], horizon: 'later' },
      OPENED,
    );
    await expectRefused(
      db().db,
      () =>
        decideProposal(db().db, leader, item.id, {
          outcome: 'planned',
          rationale: ' ',
          now: AFTER,
        }),
      { status: 400, errors: [expect.objectContaining({ path: 'rationale' })] },
    );
    const decided = await decideProposal(db().db, leader, item.id, {
      outcome: 'planned',
      rationale: 'The audit requires rotation by June; most comments supported it.',
      horizon: 'now',
      now: AFTER,
    });
    expect(decided).toMatchObject({
      status: 'planned',
      horizon: 'now',
      decidedBy: leader.actor.userId,
      decisionRationale: 'The audit requires rotation by June; most comments supported it.',
    });
    const decision = (await listDecisions(db().db, { limit: 50 })).items.find(
      (d) => d.subjectId === item.id,
    );
    expect(decision).toMatchObject({
      kind: 'roadmap.decided',
      category: 'security',
      deciderName: 'Test leader',
      subjectId: item.id,
    });
    expect((await listEvents(db().db, item.id))[0]).toMatchObject({
      kind: 'status',
      fromStatus: 'proposed',
      toStatus: 'planned',
    });
    // Ada, Alan and Barbara follow the linked feedback: one "decided" each; Barbara (who proposed) too.
    const counts = await notificationCounts(db().db);
    for (const person of [ada, alan, barbara]) {
      expect(counts[person.actor.userId]?.['roadmap.decided']).toBe(1);
    }
    expect(counts[leader.actor.userId]).toBeUndefined();
    expect(await queuedEvents(db().db)).toContain('roadmap.decided');
    // A second decision is a conflict, and writes nothing.
    await expectRefused(
      db().db,
      () =>
        decideProposal(db().db, leader, item.id, {
          outcome: 'declined',
          rationale: 'Changed my mind.',
          now: AFTER,
        }),
      { status: 409 },
    );
  });
});

describeEngines('roadmap service: progress, declining and reopening', (db) => {
  it('moves planned work along with a note, and refuses illegal moves', async () => {
    const { people } = await seedRoadmap(db());
    const item = await createItem(db().db, people.barbara, { ...itemInput(), status: 'planned' });
    const started = await moveStatus(db().db, people.barbara, item.id, {
      to: 'in-progress',
      note: 'Work started this sprint.',
    });
    expect(started.status).toBe('in-progress');
    await expectRefused(
      db().db,
      () => moveStatus(db().db, people.barbara, item.id, { to: 'planned', note: '' }),
      { status: 400, errors: [expect.objectContaining({ path: 'note' })] },
    );
    await expectRefused(
      db().db,
      () => moveStatus(db().db, people.barbara, item.id, { to: 'proposed', note: 'Discuss.' }),
      { status: 400, errors: [expect.objectContaining({ path: 'status' })] },
    );
    await expectRefused(
      db().db,
      () => moveStatus(db().db, people.ada, item.id, { to: 'planned', note: 'Pause.' }),
      { status: 403 },
    );
  });

  it('lets only the decider decide against planned work, logging it; reopening gives a new window', async () => {
    const { people } = await seedRoadmap(db());
    const item = await createItem(db().db, people.barbara, {
      ...itemInput({ category: 'cost' }),
      status: 'proposed',
      now: OPENED,
    });
    await decideProposal(db().db, people.leader, item.id, {
      outcome: 'planned',
      rationale: 'Worth it.',
      now: AFTER,
    });
    await expectRefused(
      db().db,
      () => moveStatus(db().db, people.barbara, item.id, { to: 'declined', note: 'Too costly.' }),
      { status: 403 },
    );
    const declined = await moveStatus(db().db, people.leader, item.id, {
      to: 'declined',
      note: 'The licence doubled in price.',
    });
    expect(declined).toMatchObject({
      status: 'declined',
      decisionRationale: 'The licence doubled in price.',
    });
    expect((await listDecisions(db().db, { limit: 1 })).items[0]).toMatchObject({
      kind: 'roadmap.declined',
      category: 'cost',
    });
    const reopened = await moveStatus(db().db, people.barbara, item.id, {
      to: 'proposed',
      note: 'A cheaper option appeared; tell us what you think.',
      commentDays: 7,
      now: AFTER,
    });
    expect(reopened).toMatchObject({
      status: 'proposed',
      decidedAt: null,
      commentsCloseAt: new Date(AFTER.getTime() + 7 * DAY).toISOString(),
    });
  });
});

describeEngines('roadmap service: shipping and the changelog', (db) => {
  it('ships with a changelog entry that lists the linked feedback and tells each subscriber once', async () => {
    const { people } = await seedRoadmap(db());
    const { ada, alan, barbara, leader, admin } = people;
    // Alan follows all three linked items, Ada two, the leader one.
    const a = await feedbackWithVoters(db().db, ada, [alan], 'A');
    const b = await feedbackWithVoters(db().db, alan, [ada, leader], 'B');
    const c = await feedbackWithVoters(db().db, admin, [alan], 'C');
    const item = await createItem(db().db, barbara, {
      ...itemInput({ feedbackIds: [a, b, c], capability: 'feature-flags' }),
      status: 'planned',
    });
    const before = await notificationCounts(db().db);
    const shipped = await shipItem(db().db, barbara, item.id, {
      body: 'Builds reuse the dependency cache: **half the time**.',
    });
    expect(shipped.item).toMatchObject({ status: 'shipped' });
    expect(shipped.item.shippedAt).not.toBeNull();
    expect(shipped.entry).toMatchObject({
      title: 'Cache builds between pipeline runs',
      roadmapItemId: item.id,
      capabilityId: item.capabilityId,
      breaking: false,
      effectiveOn: null,
    });
    expect(shipped.entry.feedbackIds.sort()).toEqual([a, b, c].sort());
    expect(shipped.notified).toBe(4);
    const after = await notificationCounts(db().db);
    for (const person of [ada, alan, leader, admin]) {
      expect(after[person.actor.userId]?.['changelog.entry']).toBe(1);
    }
    expect(before[barbara.actor.userId]?.['changelog.entry']).toBeUndefined();
    expect(await queuedEvents(db().db)).toContain('changelog.published');
    // Shipped is final.
    await expectRefused(db().db, () => shipItem(db().db, barbara, item.id, { body: 'Again.' }), {
      status: 400,
      errors: [expect.objectContaining({ path: 'status' })],
    });
    await expectRefused(
      db().db,
      () => moveStatus(db().db, barbara, item.id, { to: 'planned', note: 'Oops.' }),
      { status: 400 },
    );
  });

  it('flags a breaking change with the day it takes effect, at least the notice period away', async () => {
    const { people } = await seedRoadmap(db());
    await setSetting(db().db, breakingNoticeDays, 30);
    const item = await createItem(db().db, people.barbara, { ...itemInput(), status: 'planned' });
    const now = new Date('2026-11-02T10:00:00.000Z');
    const ship = (effectiveOn: string | null) =>
      shipItem(db().db, people.barbara, item.id, {
        title: 'Old pipeline syntax removed',
        body: 'Move to the v2 syntax.',
        breaking: true,
        effectiveOn,
        now,
      });
    await expectRefused(db().db, () => ship(null), {
      status: 400,
      errors: [expect.objectContaining({ path: 'effectiveOn' })],
    });
    await expectRefused(db().db, () => ship('2026-11-30'), {
      status: 400,
      errors: [
        expect.objectContaining({
          path: 'effectiveOn',
          message: expect.stringMatching(/2026-12-02/),
        }),
      ],
    });
    const { entry } = await ship('2026-12-02');
    expect(entry).toMatchObject({ breaking: true, effectiveOn: '2026-12-02' });
    expect((await getItem(db().db, item.id))?.status).toBe('shipped');
  });

  it('records an entry for feedback shipped on its own, without telling anyone twice', async () => {
    const { people } = await seedRoadmap(db());
    const fb = await feedbackWithVoters(db().db, people.ada, [people.alan]);
    const { entry, notified } = await db()
      .db.transaction()
      .execute((trx) =>
        recordChangelogEntry(trx, {
          title: 'Deploys take half the time',
          body: 'Builds are cached now.',
          feedbackId: fb,
          author: { userId: people.barbara.actor.userId, name: 'Barbara' },
          notify: false,
        }),
      );
    expect(notified).toBe(0);
    expect(await notificationCounts(db().db)).toEqual({});
    expect(await getEntry(db().db, entry.id)).toMatchObject({
      feedbackId: fb,
      feedbackIds: [fb],
      authorName: 'Barbara',
    });
    const told = await db()
      .db.transaction()
      .execute((trx) =>
        recordChangelogEntry(trx, {
          title: 'Second',
          body: 'More.',
          feedbackIds: [fb],
          author: { userId: null, name: null },
        }),
      );
    expect(told.notified).toBe(2);
    expect((await listEntries(db().db, { limit: 10 })).items.map((e) => e.title)).toEqual([
      'Second',
      'Deploys take half the time',
    ]);
    await expect(
      db()
        .db.transaction()
        .execute((trx) =>
          recordChangelogEntry(trx, {
            title: '',
            body: '',
            feedbackIds: ['nope'],
            author: { userId: null, name: null },
          }),
        ),
    ).rejects.toMatchObject({
      status: 400,
      errors: [
        expect.objectContaining({ path: 'title' }),
        expect.objectContaining({ path: 'body' }),
        expect.objectContaining({ path: 'feedbackIds' }),
      ],
    });
  });
});
