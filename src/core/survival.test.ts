import { describe, expect, it } from 'vitest';
import { kaplanMeier, shareReachedBy, survivalAt, survivalMedian } from './survival.ts';

// Eight hires; "+" marks people still waiting (censored) when last seen.
// Hand-computed table:
//  day  at risk  reached  censored  S(t)
//   2      8        1        0      7/8             = 0.875
//   3      7        2        0      0.875 · 5/7     = 0.625
//   5      5        0        1      0.625
//   6      4        1        0      0.625 · 3/4     = 0.46875
//   8      3        0        1      0.46875
//   9      2        1        0      0.46875 · 1/2   = 0.234375
//  12      1        0        1      0.234375
const hires = [
  { time: 2, reached: true },
  { time: 3, reached: true },
  { time: 3, reached: true },
  { time: 5, reached: false },
  { time: 6, reached: true },
  { time: 8, reached: false },
  { time: 9, reached: true },
  { time: 12, reached: false },
];

describe('Kaplan–Meier', () => {
  it('matches the hand-computed table, censored people kept at risk until they leave it', () => {
    const curve = kaplanMeier(hires);
    expect(curve.n).toBe(8);
    expect(curve.reached).toBe(5);
    expect(curve.lastTime).toBe(12);
    expect(curve.steps.map((s) => [s.time, s.atRisk, s.reached, s.censored])).toEqual([
      [2, 8, 1, 0],
      [3, 7, 2, 0],
      [5, 5, 0, 1],
      [6, 4, 1, 0],
      [8, 3, 0, 1],
      [9, 2, 1, 0],
      [12, 1, 0, 1],
    ]);
    const s = curve.steps.map((x) => x.survival);
    const expected = [0.875, 0.625, 0.625, 0.46875, 0.46875, 0.234375, 0.234375];
    s.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('gives the median as the first day half have reached it, and shares by a day', () => {
    const curve = kaplanMeier(hires);
    expect(survivalMedian(curve)).toBe(6);
    expect(shareReachedBy(curve, 2.5)).toBeCloseTo(0.125, 12);
    expect(shareReachedBy(curve, 3)).toBeCloseTo(0.375, 12);
    expect(shareReachedBy(curve, 7)).toBeCloseTo(0.53125, 12);
    expect(shareReachedBy(curve, 12)).toBeCloseTo(0.765625, 12);
    // Nobody was followed past day 12 and some had not reached it: unknown, not 0 or 100%.
    expect(shareReachedBy(curve, 14)).toBeNull();
    expect(survivalAt(curve, 1)).toBe(1);
  });

  it('dropping the censored would overstate the speed; counting them as never reaching would understate it', () => {
    const curve = kaplanMeier(hires);
    const reachedOnly = kaplanMeier(hires.filter((h) => h.reached));
    expect(survivalMedian(reachedOnly)).toBe(3);
    expect(survivalMedian(curve)).toBe(6);
  });

  it('counts a tie as reached before censored, and knows the curve past the end once everyone reached it', () => {
    const curve = kaplanMeier([
      { time: 4, reached: true },
      { time: 4, reached: false },
      { time: 7, reached: true },
    ]);
    expect(curve.steps.map((s) => [s.time, s.atRisk])).toEqual([
      [4, 3],
      [7, 1],
    ]);
    expect(curve.steps[0]!.survival).toBeCloseTo(2 / 3, 12);
    expect(curve.steps[1]!.survival).toBe(0);
    expect(survivalMedian(curve)).toBe(7);
    expect(shareReachedBy(curve, 30)).toBe(1);
  });

  it('has no median while fewer than half have reached it, and no data for nobody', () => {
    const waiting = kaplanMeier([
      { time: 10, reached: false },
      { time: 20, reached: false },
      { time: 5, reached: true },
    ]);
    expect(survivalMedian(waiting)).toBeNull();
    expect(shareReachedBy(waiting, 7)).toBeCloseTo(1 / 3, 12);
    const empty = kaplanMeier([]);
    expect(survivalMedian(empty)).toBeNull();
    expect(shareReachedBy(empty, 7)).toBeNull();
  });

  it('takes a milestone reached before the start date as day 0', () => {
    const curve = kaplanMeier([
      { time: -2, reached: true },
      { time: 3, reached: true },
    ]);
    expect(curve.steps[0]!.time).toBe(0);
    expect(survivalMedian(curve)).toBe(0);
  });
});
