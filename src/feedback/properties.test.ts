import fc from 'fast-check';
import { expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput } from '../core/errors.ts';
import { createToken } from '../identity/store.ts';
import { rootOf } from './model.ts';
import {
  type Ctx,
  changeStatus,
  mergeFeedback,
  subscribeTo,
  unsubscribeFrom,
  voteFor,
  withdrawVote,
} from './service.ts';
import { actingAs, post, seedFeedback } from './service-testing.ts';
import { subscriberIds, voterIds } from './store.ts';

type Op =
  | { op: 'vote' | 'unvote' | 'subscribe' | 'unsubscribe'; user: number; item: number }
  | { op: 'merge'; item: number; into: number }
  | { op: 'ack'; item: number };

const ITEMS = 5;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constantFrom('vote', 'unvote', 'subscribe', 'unsubscribe'),
    user: fc.integer({ min: 0, max: 4 }),
    item: fc.integer({ min: 0, max: ITEMS - 1 }),
  }) as fc.Arbitrary<Op>,
  fc.record({
    op: fc.constant('merge'),
    item: fc.integer({ min: 0, max: ITEMS - 1 }),
    into: fc.integer({ min: 0, max: ITEMS - 1 }),
  }) as fc.Arbitrary<Op>,
  fc.record({
    op: fc.constant('ack'),
    item: fc.integer({ min: 0, max: ITEMS - 1 }),
  }) as fc.Arbitrary<Op>,
);

async function graphOf(db: Db) {
  const rows = await db
    .selectFrom('feedback_items')
    .select(['id', 'duplicate_of', 'status'])
    .execute();
  return rows;
}

describeEngines('feedback lifecycle and merge properties', (handle) => {
  it('never counts a voter twice, never loses a subscriber, never makes a cycle (property)', async () => {
    const { db, people } = await seedFeedback(handle());
    const users: Ctx[] = [people.ada, people.alan, people.leader, people.nobody, people.admin];
    const triager = people.barbara;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), async (ops) => {
        const items = [];
        for (let i = 0; i < ITEMS; i++)
          items.push((await post(db, users[i % users.length]!, { title: `Item ${i}` })).id);
        for (const o of ops) {
          const id = items[o.item]!;
          try {
            if (o.op === 'vote') await voteFor(db, users[o.user]!, id);
            else if (o.op === 'unvote') await withdrawVote(db, users[o.user]!, id);
            else if (o.op === 'subscribe') await subscribeTo(db, users[o.user]!, id);
            else if (o.op === 'unsubscribe') await unsubscribeFrom(db, users[o.user]!, id);
            else if (o.op === 'ack')
              await changeStatus(db, triager, id, { status: 'acknowledged', note: 'Seen.' });
            else if (o.op === 'merge') {
              const into = items[o.into]!;
              const votersBefore = new Set([
                ...(await voterIds(db, id)),
                ...(await voterIds(db, into)),
              ]);
              const subsBefore = new Set([
                ...(await subscriberIds(db, id)),
                ...(await subscriberIds(db, into)),
              ]);
              const { original } = await mergeFeedback(db, triager, id, { into, note: 'Same.' });
              const votersAfter = await voterIds(db, original.id);
              // The original's votes are the union: anyone who voted on both counts once.
              if (original.id === into) {
                expect(new Set(votersAfter)).toEqual(votersBefore);
                expect(original.votes).toBe(votersBefore.size);
              } else {
                for (const v of votersBefore) expect(votersAfter).toContain(v);
              }
              const subsAfter = new Set(await subscriberIds(db, original.id));
              for (const s of subsBefore) expect(subsAfter.has(s), 'lost subscriber').toBe(true);
              expect(await voterIds(db, id)).toEqual([]);
              expect(await subscriberIds(db, id)).toEqual([]);
            }
          } catch (error) {
            // Refusals are part of the game (merging into itself, voting on a duplicate …).
            if (!(error instanceof InvalidInput) && !(error instanceof Conflict)) throw error;
          }
        }
        const graph = await graphOf(db);
        const nodes = new Map(graph.map((r) => [r.id, r.duplicate_of]));
        for (const r of graph) {
          const root = rootOf(r.id, nodes);
          expect(root, 'cycle').not.toBeNull();
          expect(graph.find((g) => g.id === root)!.status).not.toBe('duplicate');
          expect(r.status === 'duplicate').toBe(r.duplicate_of !== null);
        }
        // Every count shown is the number of distinct voters on the item.
        const counts = await db
          .selectFrom('feedback_votes')
          .select([
            'item_id',
            db.fn.countAll<number>().as('n'),
            db.fn.count<number>('user_id').distinct().as('d'),
          ])
          .groupBy('item_id')
          .execute();
        for (const c of counts) expect(Number(c.n)).toBe(Number(c.d));
      }),
      { numRuns: 12 },
    );
  });

  it('counts exactly the distinct voters when many vote at once, some twice', async () => {
    const s = await seedFeedback(handle());
    const item = await post(s.db, s.people.ada, { title: 'Everyone wants this' });
    const app = testApp(handle());
    const voters = [];
    for (let i = 0; i < 20; i++) voters.push(await actingAs(handle(), 'developer'));
    const tokens = await Promise.all(
      voters.map(
        async (v) =>
          (await createToken(s.db, { userId: v.actor.userId, name: 'race', expiresAt: null }))
            .value,
      ),
    );
    // Every voter sends three votes at once; a third of them withdraw once, racing too.
    const requests = tokens.flatMap((token) => {
      const headers = { Authorization: `Bearer ${token}` };
      const votes = [0, 1, 2].map(() =>
        app.request(`/api/v1/feedback/${item.id}/vote`, { method: 'PUT', headers }),
      );
      return votes;
    });
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect((await voterIds(s.db, item.id)).length).toBe(20);
    const withdrawals = await Promise.all(
      tokens.slice(0, 7).flatMap((token) =>
        [0, 1].map(() =>
          app.request(`/api/v1/feedback/${item.id}/vote`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${token}` },
          }),
        ),
      ),
    );
    expect(withdrawals.every((r) => r.status === 200)).toBe(true);
    const shown = await app.request(`/api/v1/feedback/${item.id}`, {
      headers: { Authorization: `Bearer ${tokens[10]}` },
    });
    expect(((await shown.json()) as { votes: number }).votes).toBe(13);
    expect((await voterIds(s.db, item.id)).length).toBe(13);
  });

  it('lets one of two racing status changes win; the other is refused and writes nothing', async () => {
    const s = await seedFeedback(handle());
    const item = await post(s.db, s.people.ada);
    const results = await Promise.allSettled([
      changeStatus(s.db, s.people.barbara, item.id, { status: 'acknowledged', note: 'First.' }),
      changeStatus(s.db, s.people.admin, item.id, { status: 'acknowledged', note: 'Second.' }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    const history = await s.db.selectFrom('feedback_status_changes').selectAll().execute();
    expect(history).toHaveLength(1);
  });
});
