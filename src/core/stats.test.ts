import { describe, expect, it } from 'vitest';
import {
  hoursLost,
  mean,
  nps,
  npsChange,
  npsFromCounts,
  topBox,
  trimmedMean,
  wilson,
} from './stats.ts';

// Expected values worked by hand from shared/METRICS.md's formulas (adjusted
// Wald: n' = n + 3, p' = (P + 0.75)/n', d' = (D + 0.75)/n'), to 2 decimals.
describe('NPS with the adjusted-Wald interval', () => {
  const cases: Array<{
    name: string;
    counts: [number, number, number];
    score: number | null;
    low: number | null;
    high: number | null;
  }> = [
    { name: 'no answers', counts: [0, 0, 0], score: null, low: null, high: null },
    // METRICS.md's worked check: "NPS +30; adjusted interval about −6 to +58".
    {
      name: 'the worked check (20: 10 P, 4 D)',
      counts: [10, 6, 4],
      score: 30,
      low: -5.72,
      high: 57.9,
    },
    // n' = 8, p' = d' = 0.09375, Var' = 0.1875 → ±1.96·√(0.1875/8) = ±30.01
    { name: 'all passives', counts: [0, 5, 0], score: 0, low: -30.01, high: 30.01 },
    // p' = 5.75/8, d' = 0.75/8 → NPS' = 0.625, Var' = 0.8125 − 0.390625; upper clipped to 100
    { name: 'all promoters', counts: [5, 0, 0], score: 100, low: 17.49, high: 100 },
    { name: 'all detractors', counts: [0, 0, 5], score: -100, low: -100, high: -17.49 },
    // n' = 4, p' = 0.4375, d' = 0.1875 → 0.25 ± 1.96·0.375
    { name: 'one promoter', counts: [1, 0, 0], score: 100, low: -48.5, high: 98.5 },
    { name: 'one detractor', counts: [0, 0, 1], score: -100, low: -98.5, high: 48.5 },
    { name: 'one passive', counts: [0, 1, 0], score: 0, low: -60.01, high: 60.01 },
    { name: 'a hundred answers', counts: [50, 30, 20], score: 30, low: 14.05, high: 44.2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = npsFromCounts(...c.counts);
      expect(result.n).toBe(c.counts[0] + c.counts[1] + c.counts[2]);
      if (c.score === null) {
        expect(result.score).toBeNull();
        expect(result.interval).toBeNull();
        return;
      }
      expect(result.score).toBeCloseTo(c.score, 6);
      expect(result.interval!.low).toBeCloseTo(c.low!, 1);
      expect(result.interval!.high).toBeCloseTo(c.high!, 1);
    });
  }

  it('classes 0–6 as detractors, 7–8 as passives and 9–10 as promoters', () => {
    expect(nps([0, 6, 7, 8, 9, 10])).toMatchObject({
      promoters: 2,
      passives: 2,
      detractors: 2,
      score: 0,
    });
  });
});

describe('change in NPS between periods', () => {
  const cases: Array<{
    name: string;
    now: [number, number, number];
    before: [number, number, number];
    delta: number | null;
    z: number | null;
    significant: boolean;
  }> = [
    // +30 against −25 with 20 answers each: z = 2.03
    {
      name: 'a large change on small samples',
      now: [10, 6, 4],
      before: [5, 5, 10],
      delta: 55,
      z: 2.03,
      significant: true,
    },
    {
      name: 'a small change on larger samples',
      now: [50, 30, 20],
      before: [45, 30, 25],
      delta: 10,
      z: 0.88,
      significant: false,
    },
    {
      name: 'a clear change',
      now: [60, 25, 15],
      before: [40, 30, 30],
      delta: 35,
      z: 3.1,
      significant: true,
    },
    {
      name: 'no previous answers',
      now: [10, 6, 4],
      before: [0, 0, 0],
      delta: null,
      z: null,
      significant: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const change = npsChange(npsFromCounts(...c.now), npsFromCounts(...c.before));
      expect(change.significant).toBe(c.significant);
      if (c.delta === null) {
        expect(change).toEqual({ delta: null, z: null, significant: false });
        return;
      }
      expect(change.delta).toBeCloseTo(c.delta, 6);
      expect(change.z).toBeCloseTo(c.z!, 1);
    });
  }
});

describe('Wilson interval', () => {
  const cases: Array<[number, number, number, number]> = [
    [0, 1, 0, 79.35],
    [1, 1, 20.65, 100],
    [8, 10, 49.02, 94.33],
    [0, 10, 0, 27.75],
    [10, 10, 72.25, 100],
    [45, 50, 78.64, 95.65],
    [1, 3, 6.15, 79.23],
  ];
  for (const [successes, n, low, high] of cases) {
    it(`${successes} of ${n}`, () => {
      const interval = wilson(successes, n)!;
      expect(interval.low).toBeCloseTo(low, 1);
      expect(interval.high).toBeCloseTo(high, 1);
    });
  }
  it('is null without answers', () => expect(wilson(0, 0)).toBeNull());
});

describe('top-box shares', () => {
  it('counts CSAT 4–5 of 5 as satisfied (3 is not)', () => {
    expect(topBox([1, 2, 3, 4, 5], 4)).toMatchObject({ value: 40, count: 2, n: 5 });
  });
  it('counts effort 5–7 of 7', () => {
    expect(topBox([4, 5, 6, 7], 5)).toMatchObject({ value: 75, count: 3, n: 4 });
  });
  it('is null, not 0, without answers', () => {
    expect(topBox([], 4)).toEqual({ value: null, count: 0, n: 0, interval: null });
  });
});

describe('trimmed mean and hours lost', () => {
  const cases: Array<[string, number[], number | null]> = [
    ['no answers', [], null],
    ['one answer', [6], 6],
    // Under 10 answers nothing is trimmed at 10%.
    ['nine answers', [0, 0, 0.5, 1.5, 1.5, 3, 3, 6, 10], 25.5 / 9],
    // Ten answers: the lowest (0) and highest (10) go; (0.5+1.5·2+3·3+6·2)/8 = 24.5/8
    ['ten answers', [0, 0.5, 1.5, 1.5, 3, 3, 3, 6, 6, 10], 24.5 / 8],
    // Twenty: two from each end.
    [
      'twenty answers',
      [...Array(10).fill(1.5), ...Array(8).fill(3), 10, 10],
      (8 * 1.5 + 8 * 3) / 16,
    ],
  ];
  for (const [name, values, expected] of cases) {
    it(name, () => {
      const result = trimmedMean(values, 0.1);
      if (expected === null) expect(result).toBeNull();
      else expect(result).toBeCloseTo(expected, 9);
    });
  }

  it('summarises hours lost: median, trimmed mean and FTE (Σ hours / 40)', () => {
    const result = hoursLost([0, 0.5, 1.5, 1.5, 3, 3, 3, 6, 6, 10]);
    expect(result).toMatchObject({ n: 10, median: 3, totalHours: 34.5 });
    expect(result.trimmedMean).toBeCloseTo(24.5 / 8, 9);
    expect(result.fte).toBeCloseTo(34.5 / 40, 9);
    expect(hoursLost([])).toEqual({ n: 0, median: null, trimmedMean: null, totalHours: 0, fte: 0 });
  });

  it('means are null without data', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2])).toBe(1.5);
  });
});
