import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { setDisabled } from '../identity/store.ts';
import { commentOn } from './service.ts';
import { decideProposal, moveStatus } from './service-status.ts';
import { actingAs, DAY, notificationCounts, propose, seedRoadmap } from './service-testing.ts';
import { announceClosedWindows } from './windows.ts';

const OPENED = new Date('2026-11-02T10:00:00.000Z');

describeEngines('roadmap: closed comment windows', (db) => {
  it('tells the category’s deciders once when a window closes, however often the job runs', async () => {
    const { people } = await seedRoadmap(db());
    const otherLeader = await actingAs(db(), 'leader');
    const gone = await actingAs(db(), 'leader');
    await setDisabled(db().db, gone.actor.userId, true);
    const item = await propose(
      db().db,
      people.barbara,
      { category: 'security', driver: 'mandate' },
      OPENED,
    );
    await commentOn(db().db, people.ada, item.id, {
      stance: 'concern',
      body: 'Slower sign-in?',
      now: new Date(OPENED.getTime() + DAY),
    });
    expect(await announceClosedWindows(db().db, new Date(OPENED.getTime() + 13 * DAY))).toBe(0);
    const after = new Date(OPENED.getTime() + 14 * DAY);
    const runs = await Promise.all([
      announceClosedWindows(db().db, after),
      announceClosedWindows(db().db, after),
    ]);
    expect(runs.sort()).toEqual([0, 1]);
    expect(await announceClosedWindows(db().db, after)).toBe(0);
    const counts = await notificationCounts(db().db);
    for (const leader of [people.leader, otherLeader]) {
      expect(counts[leader.actor.userId]?.['roadmap.window-closed']).toBe(1);
    }
    expect(counts[gone.actor.userId]).toBeUndefined();
    expect(counts[people.barbara.actor.userId]?.['roadmap.window-closed']).toBeUndefined();
  });

  it('announces a reopened proposal again when its new window closes', async () => {
    const { people } = await seedRoadmap(db());
    const item = await propose(db().db, people.barbara, {}, OPENED);
    const closed = new Date(OPENED.getTime() + 15 * DAY);
    expect(await announceClosedWindows(db().db, closed)).toBe(1);
    await decideProposal(db().db, people.barbara, item.id, {
      outcome: 'declined',
      rationale: 'Not now.',
      now: closed,
    });
    await moveStatus(db().db, people.barbara, item.id, {
      to: 'proposed',
      note: 'Again.',
      commentDays: 1,
      now: closed,
    });
    expect(await announceClosedWindows(db().db, new Date(closed.getTime() + 2 * DAY))).toBe(1);
  });
});
