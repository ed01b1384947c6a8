import { describe, expect, it } from 'vitest';
import { bootstrapInterval, resampleWeights, seededRandom, weightedMean } from './bootstrap.ts';

describe('seededRandom', () => {
  it('gives the same stream for the same seed and another for another seed, in [0, 1)', () => {
    const a = seededRandom('value/ci-runners');
    const b = seededRandom('value/ci-runners');
    const c = seededRandom('value/feature-flags');
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs.slice(0, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('resampleWeights', () => {
  it('draws n units with replacement', () => {
    const random = seededRandom('w');
    for (let i = 0; i < 20; i++) {
      const w = resampleWeights(7, random);
      expect(w).toHaveLength(7);
      expect(w.reduce((s, x) => s + x, 0)).toBe(7);
    }
  });
});

describe('weightedMean', () => {
  it('weights each value by how often its unit was drawn and skips missing values', () => {
    expect(weightedMean([1, 4, null, 10], [2, 1, 5, 0])).toBe(2);
    expect(weightedMean([null, 3], [1, 0])).toBeNull();
  });
});

describe('bootstrapInterval', () => {
  it('spans every possible replicate mean of two units: 0, 5 or 10', () => {
    const values = [0, 10];
    const interval = bootstrapInterval(2, (w) => weightedMean(values, w), {
      replicates: 999,
      seed: 'two',
    });
    expect(interval).toMatchObject({ low: 0, high: 10, level: 0.95, replicates: 999 });
  });

  it('is a point when every unit has the same value', () => {
    const interval = bootstrapInterval(5, (w) => weightedMean([3, 3, 3, 3, 3], w), {
      replicates: 200,
      seed: 'same',
    });
    expect(interval).toMatchObject({ low: 3, high: 3 });
  });

  it('is about ±1.96 standard errors wide for a mean, and the same on every run', () => {
    const random = seededRandom('data');
    // 100 values uniform on [0, 1): standard error of the mean ≈ 0.2887 / 10.
    const values = Array.from({ length: 100 }, () => random());
    const run = () =>
      bootstrapInterval(100, (w) => weightedMean(values, w), { replicates: 999, seed: 'mean' });
    const interval = run()!;
    const width = interval.high - interval.low;
    expect(width).toBeGreaterThan(2 * 1.96 * 0.02887 * 0.8);
    expect(width).toBeLessThan(2 * 1.96 * 0.02887 * 1.2);
    expect(run()).toEqual(interval);
  });

  it('gives no interval when most replicates cannot be estimated, or there are no units', () => {
    let calls = 0;
    const mostlyNull = bootstrapInterval(4, () => (++calls % 3 === 0 ? 1 : null), {
      replicates: 99,
      seed: 'x',
    });
    expect(mostlyNull).toBeNull();
    expect(bootstrapInterval(0, () => 1, { replicates: 10, seed: 'x' })).toBeNull();
  });
});
