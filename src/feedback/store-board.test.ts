// The board's query (listItems) against the query it replaced: the same
// items in the same order, with the same vote counts and the same pages, on a
// hand-made set of items and votes with ties, a merge and every filter.

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { FEEDBACK_SORTS, FEEDBACK_STATUSES, type FeedbackStatus } from './model.ts';
import { mergeFeedback } from './service.ts';
import { actingAs, seedFeedback } from './service-testing.ts';
import {
  addVote,
  getItems,
  type ItemFilter,
  insertItem,
  listItems,
  type NewItem,
  setStatus,
} from './store.ts';

/**
 * The board's query as it was: every matching item with its votes counted
 * by a correlated subquery, sorted whole, then cut at the offset.
 */
async function referenceOrder(
  db: Db,
  filter: Omit<ItemFilter, 'limit' | 'cursor'>,
): Promise<{ id: string; votes: number }[]> {
  const voteCount = sql<number>`(select count(*) from feedback_votes v where v.item_id = i.id)`;
  let q = db.selectFrom('feedback_items as i').select(['i.id', voteCount.as('votes')]);
  if (filter.capabilityId) q = q.where('i.capability_id', '=', filter.capabilityId);
  if (filter.teamId) q = q.where('i.team_id', '=', filter.teamId);
  if (filter.status?.length) q = q.where('i.status', 'in', filter.status);
  if (filter.kind?.length) q = q.where('i.kind', 'in', filter.kind);
  if (filter.authorId) {
    q = q.where('i.author_id', '=', filter.authorId).where('i.posted_as', '=', 'name');
  }
  if (filter.createdBefore) q = q.where('i.created_at', '<', filter.createdBefore);
  if (filter.q?.trim()) {
    for (const word of filter.q.trim().toLowerCase().split(/\s+/).slice(0, 8)) {
      const pattern = `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(i.title) like ${pattern} escape '\\'`,
          sql<boolean>`lower(i.body) like ${pattern} escape '\\'`,
        ]),
      );
    }
  }
  const sort = filter.sort ?? 'newest';
  if (sort === 'votes') {
    q = q.orderBy(voteCount, 'desc').orderBy('i.created_at', 'desc');
  } else if (sort === 'oldest-unacknowledged') {
    q = q.orderBy(sql`case when i.status = 'new' then 0 else 1 end`).orderBy('i.created_at', 'asc');
  } else {
    q = q.orderBy('i.created_at', 'desc');
  }
  const rows = await q.orderBy('i.id').execute();
  return rows.map((r) => ({ id: r.id, votes: Number(r.votes) }));
}

/** Every page of the board for a filter, following the cursor. */
async function allPages(db: Db, filter: Omit<ItemFilter, 'cursor'>) {
  const pages: { ids: string[]; votes: number[]; next: string | null }[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n++) {
    const page = await listItems(db, { ...filter, cursor });
    pages.push({
      ids: page.items.map((i) => i.id),
      votes: page.items.map((i) => i.votes),
      next: page.nextCursor,
    });
    // Each item as the item query reads it: the board changes nothing of it.
    expect(page.items).toEqual(
      await orderedItems(
        db,
        page.items.map((i) => i.id),
      ),
    );
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}

async function orderedItems(db: Db, ids: string[]) {
  const byId = new Map((await getItems(db, ids)).map((i) => [i.id, i]));
  return ids.map((id) => byId.get(id));
}

/**
 * Fourteen items over four days, several created at the same instant, with
 * vote counts that tie (3, 3, 3 and 2, 2 and many zeros), different
 * statuses, kinds, capabilities, teams and authors; then one item with three
 * votes merged into one with three, two voters in common.
 */
async function seedBoard(handle: TestDb) {
  const { db, teams, people } = await seedFeedback(handle);
  const extra = [
    await actingAs(handle, 'developer', 'grace.hopper@example.test'),
    await actingAs(handle, 'developer', 'edsger.dijkstra@example.test'),
  ];
  const voters = [
    people.ada,
    people.alan,
    people.barbara,
    people.leader,
    people.admin,
    people.nobody,
    ...extra,
  ].map((p) => p.actor.userId);
  const flags = (await getCapabilityBySlug(db, 'feature-flags'))!.id;
  const secrets = (await getCapabilityBySlug(db, 'secrets-manager'))!.id;
  const ada = people.ada.actor;
  const base: NewItem = {
    kind: 'problem',
    title: '',
    body: '',
    capabilityId: null,
    teamId: teams.payments,
    postedAs: 'name',
    authorId: ada.userId,
    authorName: ada.name,
  };
  const specs: {
    key: string;
    at: string;
    votes: number;
    status?: FeedbackStatus;
    item?: Partial<NewItem>;
  }[] = [
    { key: 'a', at: '2026-11-01T09:00:00.000Z', votes: 3, item: { capabilityId: flags } },
    { key: 'b', at: '2026-11-01T09:00:00.000Z', votes: 3, item: { kind: 'idea' } },
    { key: 'c', at: '2026-11-01T09:00:00.000Z', votes: 0 },
    { key: 'd', at: '2026-11-02T10:30:00.000Z', votes: 3, status: 'acknowledged' },
    {
      key: 'e',
      at: '2026-11-02T10:30:00.000Z',
      votes: 2,
      item: { title: 'Flaky RUNNERS_100% busy', capabilityId: secrets },
    },
    { key: 'f', at: '2026-11-02T10:30:00.000Z', votes: 0, status: 'planned' },
    {
      key: 'g',
      at: '2026-11-03T08:00:00.000Z',
      votes: 2,
      item: { postedAs: 'team', authorId: null, authorName: null, teamId: teams.checkout },
    },
    { key: 'h', at: '2026-11-03T08:00:00.000Z', votes: 5, status: 'shipped' },
    { key: 'i', at: '2026-11-03T08:00:00.000Z', votes: 0, item: { kind: 'praise' } },
    { key: 'j', at: '2026-11-03T12:00:00.000Z', votes: 1, status: 'declined' },
    {
      key: 'k',
      at: '2026-11-04T07:00:00.000Z',
      votes: 0,
      item: { body: 'the runners are busy', teamId: teams.checkout },
    },
    { key: 'l', at: '2026-11-04T07:00:00.000Z', votes: 8, status: 'in-progress' },
    // m (3 votes) absorbs n (3 votes, two voters in common): 4 votes on m, none on n.
    { key: 'm', at: '2026-11-04T07:00:00.000Z', votes: 3, item: { capabilityId: flags } },
    { key: 'n', at: '2026-11-04T08:00:00.000Z', votes: 2, item: { capabilityId: flags } },
  ];
  const ids: Record<string, string> = {};
  for (const [n, spec] of specs.entries()) {
    const id = await insertItem(db, {
      ...base,
      title: `Item ${spec.key}`,
      ...spec.item,
      at: spec.at,
    });
    ids[spec.key] = id;
    // Voters rotate, so overlaps differ from item to item.
    for (let v = 0; v < spec.votes; v++) {
      await addVote(db, id, voters[(n + v) % voters.length]!, spec.at);
    }
    if (spec.status) {
      await setStatus(db, id, { from: 'new', to: spec.status, at: spec.at });
    }
  }
  // m's voters are 4, 5 and 6 (its index 12 and on, mod 8), n's 5 and 6, and 7 added here:
  // merged, m has the four distinct voters 4 to 7.
  await addVote(db, ids.n!, voters[7]!, '2026-11-04T08:00:00.000Z');
  await mergeFeedback(db, people.barbara, ids.n!, { into: ids.m!, note: 'The same problem.' });
  return { db, ids, teams, flags, people };
}

describeEngines('feedback board query', (handle) => {
  it('sorts by votes, ties by newest then id, and counts a merged duplicate’s votes on its original', async () => {
    const { db, ids } = await seedBoard(handle());
    const page = await listItems(db, {
      status: FEEDBACK_STATUSES.filter((s) => s !== 'duplicate'),
      sort: 'votes',
      limit: 100,
    });
    const keyOf = new Map(Object.entries(ids).map(([k, id]) => [id, k]));
    const listed = page.items.map((i) => [keyOf.get(i.id), i.votes] as const);
    // Ties at the same instant fall to the id order, which the engine's collation decides.
    const byId = (...keys: string[]) =>
      [...keys].sort((x, y) => (ids[x]! < ids[y]! ? -1 : 1)).map((k) => k);
    expect(listed.map(([k]) => k).slice(0, 4)).toEqual(['l', 'h', 'm', 'd']);
    expect(listed.slice(0, 4).map(([, v]) => v)).toEqual([8, 5, 4, 3]);
    expect(new Set(listed.slice(4, 6).map(([k]) => k))).toEqual(new Set(byId('a', 'b')));
    expect(listed.slice(4, 6).map(([, v]) => v)).toEqual([3, 3]);
    expect(listed.slice(6, 8)).toEqual([
      ['g', 2],
      ['e', 2],
    ]);
    expect(listed[8]).toEqual(['j', 1]);
    expect(listed.slice(9).map(([, v]) => v)).toEqual([0, 0, 0, 0]);
    expect(listed.map(([k]) => k)).not.toContain('n');
    expect(page.nextCursor).toBeNull();
    // The duplicate itself keeps no votes.
    const dup = await listItems(db, { status: ['duplicate'], sort: 'votes', limit: 10 });
    expect(dup.items.map((i) => [keyOf.get(i.id), i.votes])).toEqual([['n', 0]]);
  });

  it('gives the same items, votes and pages as the query it replaced, for every sort, filter and page size', async () => {
    const { db, teams, flags, people } = await seedBoard(handle());
    const filters: Omit<ItemFilter, 'limit' | 'cursor' | 'sort'>[] = [
      {},
      { status: FEEDBACK_STATUSES.filter((s) => s !== 'duplicate') },
      { status: ['new'] },
      { status: ['duplicate'] },
      { kind: ['idea', 'praise'] },
      { capabilityId: flags },
      { teamId: teams.checkout },
      { teamId: teams.payments, status: ['new', 'acknowledged'] },
      { q: 'runners' },
      { q: '100%' },
      { q: 'no such words' },
      { authorId: people.ada.actor.userId },
      { status: ['new'], createdBefore: '2026-11-03T08:00:00.000Z' },
    ];
    for (const sort of FEEDBACK_SORTS) {
      for (const f of filters) {
        const expected = await referenceOrder(db, { ...f, sort });
        for (const limit of [1, 3, 4, 100]) {
          const pages = await allPages(db, { ...f, sort, limit });
          const label = JSON.stringify({ sort, f, limit });
          expect(
            pages.flatMap((p) => p.ids),
            label,
          ).toEqual(expected.map((r) => r.id));
          expect(
            pages.flatMap((p) => p.votes),
            label,
          ).toEqual(expected.map((r) => r.votes));
          // Full pages but the last; a cursor only when more follow.
          expect(pages.length, label).toBe(Math.max(1, Math.ceil(expected.length / limit)));
          for (const [n, p] of pages.entries()) {
            const last = n === pages.length - 1;
            if (!last) expect(p.ids.length, label).toBe(limit);
            expect(p.next === null, label).toBe(last);
          }
        }
      }
    }
  });

  it('starts a later page at its offset, whatever the votes did in between', async () => {
    const { db, people } = await seedBoard(handle());
    const filter = { sort: 'votes' as const, limit: 4 };
    const first = await listItems(db, filter);
    const reference = await referenceOrder(db, { sort: 'votes' });
    expect(first.items.map((i) => i.id)).toEqual(reference.slice(0, 4).map((r) => r.id));
    // A new vote lifts an item with none into the lead pack; the second page is positions 5–8 now.
    const lifted = reference.at(-1)!.id;
    for (const p of [people.ada, people.alan, people.barbara, people.leader]) {
      await addVote(db, lifted, p.actor.userId);
    }
    const second = await listItems(db, { ...filter, cursor: first.nextCursor! });
    const now = await referenceOrder(db, { sort: 'votes' });
    expect(second.items.map((i) => [i.id, i.votes])).toEqual(
      now.slice(4, 8).map((r) => [r.id, r.votes]),
    );
  });
});
