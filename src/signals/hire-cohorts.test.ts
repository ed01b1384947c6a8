import { describe, expect, it } from 'vitest';
import { byStartMonth, mergeHireCohorts } from './hire-cohorts.ts';

const hires = (month: string, n: number) => ({
  month,
  members: Array.from({ length: n }, (_, i) => `${month}#${i + 1}`),
});

describe('mergeHireCohorts', () => {
  it('keeps months with k hires or more as they are', () => {
    const groups = mergeHireCohorts([hires('2026-01', 5), hires('2026-02', 7)], 5);
    expect(groups.map((g) => [g.from, g.to, g.members.length, g.hidden])).toEqual([
      ['2026-01', '2026-01', 5, false],
      ['2026-02', '2026-02', 7, false],
    ]);
  });

  it('merges a small month into the next ones until the group has k hires', () => {
    // Hand-worked: Jan 2 → +Feb 1 = 3 → +Apr 4 = 7 (closed: Jan–Apr); May 6 alone; Jun 1 + Jul 2 = 3 left over.
    const groups = mergeHireCohorts(
      [
        hires('2026-01', 2),
        hires('2026-02', 1),
        hires('2026-03', 0),
        hires('2026-04', 4),
        hires('2026-05', 6),
        hires('2026-06', 1),
        hires('2026-07', 2),
      ],
      5,
    );
    expect(groups.map((g) => [g.from, g.to, g.months, g.members.length, g.hidden])).toEqual([
      ['2026-01', '2026-04', ['2026-01', '2026-02', '2026-04'], 7, false],
      ['2026-05', '2026-05', ['2026-05'], 6, false],
      // No later month to merge into: shown as "fewer than k hires".
      ['2026-06', '2026-07', ['2026-06', '2026-07'], 3, true],
    ]);
  });

  it('follows k: with k = 3 the same months split finer', () => {
    const groups = mergeHireCohorts(
      [hires('2026-01', 2), hires('2026-02', 1), hires('2026-03', 3)],
      3,
    );
    expect(groups.map((g) => [g.from, g.to, g.hidden])).toEqual([
      ['2026-01', '2026-02', false],
      ['2026-03', '2026-03', false],
    ]);
  });

  it('sorts months and has no group for no hires', () => {
    expect(mergeHireCohorts([], 5)).toEqual([]);
    const groups = mergeHireCohorts([hires('2026-03', 5), hires('2026-01', 5)], 5);
    expect(groups.map((g) => g.from)).toEqual(['2026-01', '2026-03']);
  });
});

describe('byStartMonth', () => {
  it('groups people by the month of their start date, oldest first', () => {
    const people = [
      { id: 'a', startDate: '2026-02-14' },
      { id: 'b', startDate: '2026-01-31' },
      { id: 'c', startDate: '2026-02-01' },
    ];
    expect(byStartMonth(people).map((m) => [m.month, m.members.map((p) => p.id)])).toEqual([
      ['2026-01', ['b']],
      ['2026-02', ['a', 'c']],
    ]);
  });
});
