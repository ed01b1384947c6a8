import { describe, expect, it } from 'vitest';
import { compareCsat, placeTeam, type RatingUnit } from './betas-compare.ts';

// Engineering › Payments › Checkout, Engineering › Platform, and Search at the top.
const parentOf = new Map<string, string | null>([
  ['engineering', null],
  ['payments', 'engineering'],
  ['checkout', 'payments'],
  ['platform', 'engineering'],
  ['search', null],
]);
const beta = new Set(['checkout']);
const unit = (teamId: string | null, ...values: number[]): RatingUnit => ({ teamId, values });
/** Published when it has at least k answers of its own. */
const bySize = (units: RatingUnit[], k: number) => (teamId: string | null) =>
  (units.find((u) => u.teamId === teamId)?.values.length ?? 0) >= k;

describe('placing an answer by its segment team', () => {
  it('puts a beta team in the beta cut, teams above it nowhere, and the rest with everyone else', () => {
    expect(placeTeam('checkout', beta, parentOf)).toBe('beta');
    expect(placeTeam('payments', beta, parentOf)).toBe('unplaced');
    expect(placeTeam('engineering', beta, parentOf)).toBe('unplaced');
    expect(placeTeam('platform', beta, parentOf)).toBe('others');
    expect(placeTeam('search', beta, parentOf)).toBe('others');
    expect(placeTeam(null, beta, parentOf)).toBe('unplaced');
    expect(placeTeam('gone', beta, parentOf)).toBe('unplaced');
  });
});

describe('the two cuts', () => {
  it('computes top-2-box for each cut from its own answers', () => {
    const units = [
      unit('checkout', 5, 4, 4, 2, 1),
      unit('platform', 5, 5, 5, 4, 3, 3),
      unit('search', 1, 2, 3, 4, 5),
    ];
    const cuts = compareCsat({
      units,
      betaTeamIds: beta,
      parentOf,
      exposed: bySize(units, 5),
      k: 5,
    });
    expect(cuts.beta).toMatchObject({ status: 'shown', count: 3, n: 5, value: 60, mean: 16 / 5 });
    expect(cuts.others).toMatchObject({ status: 'shown', count: 6, n: 11 });
    expect(cuts.unplaced).toEqual({ status: 'empty', n: null });
  });

  it('hides the beta cut at k − 1 answers, and everyone else’s with it', () => {
    const units = [unit('checkout', 5, 4, 4, 2), unit('platform', 5, 5, 5, 4, 3, 3, 1, 1)];
    const cuts = compareCsat({ units, betaTeamIds: beta, parentOf, exposed: () => true, k: 5 });
    expect(cuts.beta).toEqual({ status: 'hidden' });
    expect(cuts.others).toEqual({ status: 'hidden' });
  });

  it('shows both at exactly k answers each', () => {
    const units = [unit('checkout', 5, 4, 4, 2, 1), unit('platform', 5, 5, 5, 4, 3)];
    const cuts = compareCsat({ units, betaTeamIds: beta, parentOf, exposed: () => true, k: 5 });
    expect([cuts.beta.status, cuts.others.status]).toEqual(['shown', 'shown']);
  });

  it('hides a cut whose small teams would be left over after subtracting published ones', () => {
    // Beta: Checkout (6, publishable) + Search (2, never published): 8 − 6 = 2.
    const units = [
      unit('checkout', 5, 5, 4, 4, 3, 2),
      unit('search', 5, 1),
      unit('platform', 4, 4, 4, 2, 2, 1, 1, 1, 1),
    ];
    const cuts = compareCsat({
      units,
      betaTeamIds: new Set(['checkout', 'search']),
      parentOf,
      exposed: bySize(units, 5),
      k: 5,
    });
    expect(cuts.beta).toEqual({ status: 'hidden' });
    expect(cuts.others).toEqual({ status: 'hidden' });
  });

  it('shows the unplaced count only from k, hiding the next smallest cut below that', () => {
    const placed = [
      unit('checkout', 5, 5, 4, 4, 3, 2, 1),
      unit('platform', 5, 4, 3, 3, 2, 1, 1, 1),
    ];
    const few = [...placed, unit('payments', 1, 2)];
    const hidden = compareCsat({
      units: few,
      betaTeamIds: beta,
      parentOf,
      exposed: bySize(few, 5),
      k: 5,
    });
    expect(hidden.unplaced).toEqual({ status: 'hidden', n: null });
    expect(hidden.beta).toEqual({ status: 'hidden' });
    expect(hidden.others.status).toBe('shown');
    const many = [...placed, unit('engineering', 1, 2, 3, 4, 5)];
    const shown = compareCsat({
      units: many,
      betaTeamIds: beta,
      parentOf,
      exposed: bySize(many, 5),
      k: 5,
    });
    expect(shown.unplaced).toEqual({ status: 'shown', n: 5 });
    expect([shown.beta.status, shown.others.status]).toEqual(['shown', 'shown']);
  });
});
