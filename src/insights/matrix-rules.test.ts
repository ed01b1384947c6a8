import { describe, expect, it } from 'vitest';
import {
  actionFor,
  classifyInterval,
  NO_DATA,
  NOT_PLACED,
  QUADRANTS,
  quadrantOf,
  rateExperience,
} from './matrix-rules.ts';

const opts = { k: 5, threshold: 60 };

describe('matrix placement rules', () => {
  it.each([
    // [low, high, threshold, status]
    [60, 90, 60, 'good'], // low end exactly on the threshold: good
    [59.999, 90, 60, 'unclear'], // just below: the interval reaches both sides
    [10, 59.999, 60, 'poor'], // high end just below: poor
    [10, 60, 60, 'unclear'], // high end exactly on the threshold: not below it
    [0, 100, 60, 'unclear'],
    [70, 80, 75, 'unclear'], // another threshold
    [75, 80, 75, 'good'],
  ] as const)('an interval %s to %s against %s is %s', (low, high, threshold, status) => {
    expect(classifyInterval({ low, high }, threshold)).toBe(status);
  });

  it.each([
    // Hand-computed Wilson 95% intervals (z = 1.96).
    // 18 of 20 satisfied: 90%, 69.90 to 97.21 → good
    [{ n: 20, top: 18 }, 60, 'good', 90, 69.8962, 97.2134],
    // 30 of 40: 75%, 59.81 to 85.81: the low end just misses 60 → unclear …
    [{ n: 40, top: 30 }, 60, 'unclear', 75, 59.8057, 85.813],
    // … and reaches 59 → good
    [{ n: 40, top: 30 }, 59, 'good', 75, 59.8057, 85.813],
    // 60 of 120: 50%, 41.19 to 58.81 → poor
    [{ n: 120, top: 60 }, 60, 'poor', 50, 41.1937, 58.8063],
    // 8 of 20: 40%, 21.88 to 61.34: the high end passes 60 → unclear
    [{ n: 20, top: 8 }, 60, 'unclear', 40, 21.8804, 61.3422],
    // 17 of 40: 42.5%, 28.51 to 57.81 → poor
    [{ n: 40, top: 17 }, 60, 'poor', 42.5, 28.5092, 57.8052],
  ] as const)('%o against %s is %s', (counts, threshold, status, csat, low, high) => {
    const e = rateExperience(counts, { k: 5, threshold });
    expect(e.status).toBe(status);
    expect(e.n).toBe(counts.n);
    expect(e.csat).toBeCloseTo(csat, 6);
    expect(e.low).toBeCloseTo(low, 3);
    expect(e.high).toBeCloseTo(high, 3);
  });

  it('shows nothing below k answers, and places from exactly k', () => {
    expect(rateExperience({ n: 4, top: 4 }, opts)).toEqual(NO_DATA);
    expect(rateExperience({ n: 4, top: 4 }, opts)).toEqual({
      status: 'no-data',
      n: null,
      csat: null,
      low: null,
      high: null,
    });
    // 5 of 5: 100%, 56.55 to 100: unclear at 60, good at 55.
    const five = rateExperience({ n: 5, top: 5 }, opts);
    expect(five).toMatchObject({ status: 'unclear', n: 5, csat: 100 });
    expect(five.low).toBeCloseTo(56.5509, 3);
    expect(five.high).toBe(100);
    expect(rateExperience({ n: 5, top: 5 }, { k: 5, threshold: 55 }).status).toBe('good');
    // 0 of 5: 0 to 43.45 → poor.
    expect(rateExperience({ n: 5, top: 0 }, opts)).toMatchObject({ status: 'poor', csat: 0 });
    // k = 7: six answers are not enough.
    expect(rateExperience({ n: 6, top: 6 }, { k: 7, threshold: 60 }).status).toBe('no-data');
    expect(rateExperience({ n: 7, top: 7 }, { k: 7, threshold: 60 }).status).toBe('good');
  });

  it('withheld counts are no data', () => {
    expect(rateExperience(null, opts)).toEqual(NO_DATA);
  });

  it.each([
    ['mandatory', 'good', 'invest'],
    ['mandatory', 'poor', 'fix-first'],
    ['optional', 'good', 'grow'],
    ['optional', 'poor', 'rethink'],
    ['mandatory', 'unclear', null],
    ['optional', 'no-data', null],
  ] as const)('%s and %s go to %s', (obligation, status, quadrant) => {
    expect(quadrantOf(obligation, status)).toBe(quadrant);
  });

  it('names the action of each quadrant, and says so honestly when there is none', () => {
    expect(actionFor('invest', 'good')).toMatch(/^Invest/);
    expect(actionFor('fix-first', 'poor')).toBe(
      'Minimise the pain, explain why it is required, and fix it first: developers have no way around it.',
    );
    expect(actionFor('grow', 'good')).toMatch(/^Product–market fit.*grow it/);
    expect(actionFor('rethink', 'poor')).toMatch(/^Rethink or retire/);
    expect(actionFor(null, 'unclear')).toBe(NOT_PLACED.unclear);
    expect(actionFor(null, 'unclear')).toMatch(/^Unclear: .*Needs more answers/);
    expect(actionFor(null, 'no-data')).toMatch(/^Needs more answers/);
    expect(Object.values(QUADRANTS).map((q) => [q.obligation, q.experience])).toEqual([
      ['mandatory', 'good'],
      ['mandatory', 'poor'],
      ['optional', 'good'],
      ['optional', 'poor'],
    ]);
  });
});
