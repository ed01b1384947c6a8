import { expect, it } from 'vitest';
import type { Team } from '../org/model.ts';
import type { Segment } from './model.ts';
import { cutSpace, rowsByCut } from './results-cuts.ts';

const team = (id: string, parentId: string | null): Team => ({
  id,
  ref: `group:${id}`,
  slug: id,
  name: id,
  type: null,
  description: null,
  parentId,
  inactiveSince: null,
});

// eng ─┬─ pay ── checkout
//      └─ web
const teams = [team('eng', null), team('pay', 'eng'), team('checkout', 'pay'), team('web', 'eng')];
const row = (teamId: string | null, n: number): Segment & { n: number } => ({
  teamId,
  tenureBand: null,
  levelBand: null,
  n,
});
const rows = [
  row('checkout', 1),
  row('pay', 2),
  row('web', 3),
  row('checkout', 4),
  row(null, 5),
  row('gone', 6),
];

it('gathers each cut’s rows in one pass: a row sits in every cut on its path, in order', () => {
  const space = cutSpace('team', rows, teams);
  const byCut = rowsByCut(space, rows);
  const ns = (key: string) => (byCut.get(key) ?? []).map((r) => r.n);
  expect(ns('all')).toEqual([1, 2, 3, 4, 5, 6]);
  expect(ns('team:eng')).toEqual([1, 2, 3, 4]);
  expect(ns('team:pay')).toEqual([1, 2, 4]);
  // Pay's own member (2) is also in "members not in a sub-team".
  expect(ns('rest:pay')).toEqual([2]);
  expect(ns('team:checkout')).toEqual([1, 4]);
  expect(ns('team:web')).toEqual([3]);
  // No team, or a team that is no longer there.
  expect(ns('team:unknown')).toEqual([5, 6]);
  // The same as asking, cut by cut, which rows have the cut on their path.
  for (const cut of space.cuts) {
    expect(ns(cut.key)).toEqual(
      rows.filter((r) => space.pathOf(r).includes(cut.key)).map((r) => r.n),
    );
  }
});

it('gives the same path for every row of a team, worked out once', () => {
  const space = cutSpace('team', rows, teams);
  const first = space.pathOf(row('checkout', 0));
  expect(first).toEqual(['all', 'team:eng', 'team:pay', 'team:checkout']);
  expect(space.pathOf({ teamId: 'checkout', tenureBand: 'over-2y', levelBand: 'L5' })).toBe(first);
  expect(space.pathOf(row('pay', 0))).toEqual(['all', 'team:eng', 'team:pay', 'rest:pay']);
});
