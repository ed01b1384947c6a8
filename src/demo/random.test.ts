import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

const draws = (seed: number, label: string) => {
  const rng = createRandom(seed, label);
  return Array.from({ length: 5 }, () => rng.next());
};

describe('Random', () => {
  it('repeats its stream for the same seed and label, and differs for another label', () => {
    expect(draws(42, 'org')).toEqual(draws(42, 'org'));
    expect(draws(42, 'org')).not.toEqual(draws(42, 'surveys'));
    expect(draws(42, 'org')).not.toEqual(draws(43, 'org'));
  });

  it('keeps int within its bounds and reaches both ends', () => {
    const rng = createRandom(1);
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(3, 6)));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 4, 5, 6]);
  });

  it('picks by weight and never picks a zero weight', () => {
    const rng = createRandom(2);
    const picks = Array.from({ length: 4000 }, () =>
      rng.weighted([
        ['a', 3],
        ['b', 1],
        ['never', 0],
      ]),
    );
    const a = picks.filter((p) => p === 'a').length;
    expect(picks).not.toContain('never');
    expect(a / picks.length).toBeGreaterThan(0.7);
    expect(a / picks.length).toBeLessThan(0.8);
  });

  it('centres normal on its mean with roughly its spread', () => {
    const rng = createRandom(3);
    const xs = Array.from({ length: 5000 }, () => rng.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(sd).toBeGreaterThan(1.8);
    expect(sd).toBeLessThan(2.2);
  });

  it('shuffles into a permutation without touching the input', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = createRandom(4).shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort((a, b) => a - b)).toEqual(input);
    expect(out).not.toEqual(input);
  });

  it('chance(0) never and chance(1) always', () => {
    const rng = createRandom(5);
    const tries = Array.from({ length: 100 }, () => [rng.chance(0), rng.chance(1)]);
    expect(tries.every(([never, always]) => !never && always)).toBe(true);
  });
});
