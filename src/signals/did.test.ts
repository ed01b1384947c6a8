import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/bootstrap.ts';
import { type DidOptions, estimateEffect, monthIndex, monthKey, type UnitSeries } from './did.ts';

const series = (
  id: string,
  adoptedAt: number | null,
  values: Record<number, number>,
): UnitSeries => ({
  id,
  adoptedAt,
  values: new Map(Object.entries(values).map(([k, v]) => [Number(k), v])),
});

const base: DidOptions = { window: 2, minPre: 2, minTeams: 2, replicates: 0, seed: 't' };

// One cohort adopting in period 3, two periods each side (hand-worked):
//        p1  p2  p3  p4  p5   base  changes at offsets −2 −1 0 +1 +2
//  A(3)  10  12  11   8   9    11                       −1  1  0 −3 −2
//  B(3)  20  20   –  17  15    20                        0  0  –  −3 −5
//  C(–)   5   7   6   7   8     6                       −1  1  0  1  2
//  D(5)  30  30  31  32  20    30                        0  0  1  2  –   (adopted in p5: not a comparison there)
//  E(2)   –  40  41  42  43     –  (one period before adopting: left out)
// +1: adopting −3, comparison (1 + 2)/2 = 1.5 → −4.5; +2: −3.5 − 2 = −5.5; effect (−4.5 − 5.5)/2 = −5.
// Before/after (adopting teams only): A (8+9)/2 − 11 = −2.5, B (17+15)/2 − 20 = −4 → −3.25.
const oneCohort = [
  series('A', 3, { 1: 10, 2: 12, 3: 11, 4: 8, 5: 9 }),
  series('B', 3, { 1: 20, 2: 20, 4: 17, 5: 15 }),
  series('C', null, { 1: 5, 2: 7, 3: 6, 4: 7, 5: 8 }),
  series('D', 5, { 1: 30, 2: 30, 3: 31, 4: 32, 5: 20 }),
  series('E', 2, { 2: 40, 3: 41, 4: 42, 5: 43 }),
];

describe('estimateEffect: one cohort, hand-worked', () => {
  it('compares the change in adopting teams with the change in not-yet-adopted teams', () => {
    const r = estimateEffect(oneCohort, base);
    expect(r.method).toBe('difference-in-differences');
    expect(r.causal).toBe(true);
    expect(r.effect).toBeCloseTo(-5, 12);
    expect(r.adoptingTeams).toBe(2);
    expect(r.comparisonTeams).toBe(2);
    expect(r.tooFewBefore).toBe(1); // E
    expect(r.tooRecent).toBe(1); // D adopted in p5 with p3, p4 before and nothing after yet
    // Where the adopting teams started: A 11, B 20.
    expect(r.baseline).toBe(15.5);
    expect(r.cohorts).toEqual([{ period: 3, teams: 2, comparisonTeams: 2, effect: -5 }]);
  });

  it('draws the event study: flat before adoption (parallel trends), the effect after', () => {
    const r = estimateEffect(oneCohort, base);
    expect(r.eventStudy.map((p) => [p.offset, p.effect, p.teams])).toEqual([
      [-2, 0, 2],
      [-1, 0, 2],
      [0, -0.5, 1],
      [1, -4.5, 2],
      [2, -5.5, 2],
    ]);
  });

  it('falls back to the plain before/after change, not causal, with fewer than minTeams on a side', () => {
    const r = estimateEffect(oneCohort, { ...base, minTeams: 5 });
    expect(r.method).toBe('before-after');
    expect(r.causal).toBe(false);
    expect(r.effect).toBeCloseTo(-3.25, 12);
    expect(r.adoptingTeams).toBe(2);
    // Two adopting teams are too few to resample: no interval rather than their range.
    expect(estimateEffect(oneCohort, { ...base, minTeams: 5, replicates: 99 }).interval).toBeNull();
    // Adopting teams only: −0.5, 0.5, 0, −3, −3.5.
    expect(r.eventStudy.map((p) => p.effect)).toEqual([-0.5, 0.5, 0, -3, -3.5]);
  });

  it('needs two periods before adopting: with three required, nobody qualifies and there is no estimate', () => {
    const r = estimateEffect(oneCohort, { ...base, minPre: 3 });
    expect(r.effect).toBeNull();
    expect(r.causal).toBe(false);
    expect(r.tooFewBefore).toBe(4);
  });
});

// Two cohorts, weighted by their number of teams (hand-worked, window 2):
//  A1, A2 adopt in p3; B1 adopts in p4; N1, N2 never (flat, so every comparison change is 0).
//  A1: 5 5 | 3 3 → −2; A2: 7 7 | 3 3 → −4; cohort p3: −3 (2 teams).
//  B1: 10 10 10 | 19 19 → +9; cohort p4: +9 (1 team).
//  Weighted: (2·−3 + 1·9) / 3 = 1 (an unweighted mean of cohorts would say 3).
const twoCohorts = [
  series('A1', 3, { 1: 5, 2: 5, 4: 3, 5: 3 }),
  series('A2', 3, { 1: 7, 2: 7, 4: 3, 5: 3 }),
  series('B1', 4, { 1: 10, 2: 10, 3: 10, 5: 19, 6: 19 }),
  series('N1', null, { 1: 10, 2: 10, 3: 10, 4: 10, 5: 10, 6: 10 }),
  series('N2', null, { 1: 20, 2: 20, 3: 20, 4: 20, 5: 20, 6: 20 }),
];

describe('estimateEffect: cohorts weighted by team count', () => {
  it('weights each adoption cohort by how many teams it has', () => {
    const r = estimateEffect(twoCohorts, base);
    expect(r.cohorts.map((c) => [c.period, c.teams, c.effect])).toEqual([
      [3, 2, -3],
      [4, 1, 9],
    ]);
    expect(r.effect).toBeCloseTo(1, 12);
    // B1 compares for cohort p3 before it adopts; N1 and N2 throughout.
    expect(r.comparisonTeams).toBe(2);
    expect(r.cohorts[0]!.comparisonTeams).toBe(2);
  });

  it('gives a reproducible bootstrap interval over teams that holds the estimate', () => {
    const opts = { ...base, replicates: 499, seed: 'value/two' };
    const r = estimateEffect(twoCohorts, opts);
    expect(r.interval).not.toBeNull();
    expect(r.interval!.low).toBeLessThanOrEqual(r.effect!);
    expect(r.interval!.high).toBeGreaterThanOrEqual(r.effect!);
    // The team effects are −2, −4 and +9, so no replicate goes beyond them.
    expect(r.interval!.low).toBeGreaterThanOrEqual(-4);
    expect(r.interval!.high).toBeLessThanOrEqual(9);
    expect(estimateEffect(twoCohorts, opts).interval).toEqual(r.interval);
  });
});

/** Many teams with staggered adoption, a shared upward trend and noise; adopting shifts the outcome by `effect`. */
function simulate(teams: number, effect: number, trend: number, seed: string): UnitSeries[] {
  const random = seededRandom(seed);
  const normal = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  return Array.from({ length: teams }, (_, i) => {
    const level = 20 + 10 * random();
    // A third never adopt; the rest adopt between periods 6 and 20.
    const adoptedAt = i % 3 === 0 ? null : 6 + Math.floor(random() * 15);
    const values = new Map<number, number>();
    for (let t = 0; t < 24; t++) {
      const treated = adoptedAt !== null && t > adoptedAt;
      values.set(t, level + trend * t + (treated ? effect : 0) + normal());
    }
    return { id: `t${i}`, adoptedAt, values };
  });
}

describe('estimateEffect on simulated teams', () => {
  it('recovers a planted effect inside its interval despite a shared trend that biases before/after', () => {
    const units = simulate(40, -3, 0.5, 'sim');
    const opts: DidOptions = { window: 6, minPre: 2, minTeams: 5, replicates: 499, seed: 'sim' };
    const r = estimateEffect(units, opts);
    expect(r.causal).toBe(true);
    expect(r.interval!.low).toBeLessThan(-3);
    expect(r.interval!.high).toBeGreaterThan(-3);
    // The trend adds about 0.5 × 3.5 periods × … to a plain before/after: it is off by more than a unit.
    const naive = estimateEffect(units, { ...opts, minTeams: 1000, replicates: 0 });
    expect(naive.causal).toBe(false);
    expect(Math.abs(naive.effect! - -3)).toBeGreaterThan(1);
    // Parallel before adoption: the event study's periods before stay near 0.
    for (const p of r.eventStudy.filter((p) => p.offset < 0)) {
      expect(Math.abs(p.effect!)).toBeLessThan(1);
    }
  });
});

describe('month indexes', () => {
  it('round-trips YYYY-MM through whole months', () => {
    expect(monthIndex('2026-01') - monthIndex('2025-12')).toBe(1);
    expect(monthKey(monthIndex('2026-11'))).toBe('2026-11');
    expect(monthKey(monthIndex('2024-12') + 1)).toBe('2025-01');
  });
});
