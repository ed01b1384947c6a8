import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { parsePeriod } from '../core/period.ts';
import { capabilityFigures } from './figures.ts';
import { addCapability, seedTeams, writeHistory } from './figures-testing.ts';

// Every expected figure below is worked out by hand from the histories
// written in the test; the comment beside it says how.

const Q2 = parsePeriod('2026-Q2'); // [2026-04-01, 2026-07-01)
const NOW = new Date('2026-11-01T00:00:00.000Z');

const TREE = {
  Engineering: null,
  Payments: 'Engineering',
  Checkout: 'Payments',
  Platform: 'Engineering',
  Search: 'Engineering',
  Mobile: 'Engineering',
  Legacy: 'Engineering',
};

describeEngines('capability figures', (handle) => {
  it('computes opt-in, stay rate, churn and reasons of an optional capability', async () => {
    const { db } = handle();
    const team = await seedTeams(db, TREE, ['Legacy']);
    const deploy = await addCapability(db, 'deploy', 'optional');
    // Left in the period and came back: adopted at the start and at the end.
    await writeHistory(db, deploy.id, team.Payments!, [
      ['adopted', '2026-01-10T09:00:00.000Z'],
      ['left', '2026-05-03T10:00:00.000Z', 'too-slow'],
      ['adopted', '2026-06-10T10:00:00.000Z'],
    ]);
    // Left before the period: neither churn in it nor a reason in it.
    await writeHistory(db, deploy.id, team.Checkout!, [
      ['adopted', '2026-02-05T09:00:00.000Z'],
      ['left', '2026-03-15T09:00:00.000Z', 'hard-to-use'],
    ]);
    await writeHistory(db, deploy.id, team.Platform!, [['trial', '2026-04-20T09:00:00.000Z']]);
    await writeHistory(db, deploy.id, team.Search!, [['opted-out', '2026-05-01T09:00:00.000Z']]);
    // Left at the period's (exclusive) end: still adopted within the period.
    await writeHistory(db, deploy.id, team.Mobile!, [
      ['adopted', '2026-03-20T09:00:00.000Z'],
      ['left', '2026-07-01T00:00:00.000Z', 'unreliable'],
    ]);
    // Inactive: counts nowhere, not even its reason for leaving.
    await writeHistory(db, deploy.id, team.Legacy!, [
      ['adopted', '2026-01-05T09:00:00.000Z'],
      ['left', '2026-05-10T09:00:00.000Z', 'cost'],
    ]);

    const figures = await capabilityFigures(db, deploy, Q2, { k: 3, now: NOW });

    expect(figures.period).toEqual(Q2);
    // Active teams, all eligible: Engineering, Payments, Checkout, Platform, Search, Mobile.
    expect(figures.eligibleTeams).toBe(6);
    // Adopted or trial at 2026-07-01: Payments, Platform (trial), Mobile → 3 / 6 = 50 %.
    expect(figures.optInRate).toEqual({ value: 50, numerator: 3, denominator: 6 });
    expect(figures.coverage).toBeNull();
    // Ever adopted before the end: Payments, Checkout, Mobile (3); still adopted: Payments, Mobile (2).
    expect(figures.stayRate).toEqual({ value: (100 * 2) / 3, numerator: 2, denominator: 3 });
    // Adopted at 2026-04-01: Payments, Mobile (Checkout had left) → 2; adopted → left
    // inside the period: Payments only → 1 / 2 = 50 %.
    expect(figures.churn).toEqual({ value: 50, numerator: 1, denominator: 2 });
    // Inside the period: Payments left (too-slow), Search opted out without a reason.
    // Checkout's (March) and Mobile's (at the end) fall outside; Legacy is inactive.
    expect(figures.reasons).toEqual([
      { state: 'left', reason: 'too-slow', label: 'Too slow', count: 1 },
      { state: 'opted-out', reason: 'unspecified', label: 'No reason given', count: 1 },
    ]);
    // First adoptions: Payments 2026-01, Checkout 2026-02, Mobile 2026-03 — one team
    // each, below k = 3, so every cohort is hidden.
    expect(figures.cohorts).toEqual([
      { month: '2026-01', size: null, hidden: true, retained: [] },
      { month: '2026-02', size: null, hidden: true, retained: [] },
      { month: '2026-03', size: null, hidden: true, retained: [] },
    ]);
    expect(figures.exceptions).toEqual({
      byStatus: {
        pending: 0,
        approved: 0,
        denied: 0,
        escalated: 0,
        expired: 0,
        revoked: 0,
        withdrawn: 0,
      },
      decisionDays: { median: null, p90: null, n: 0 },
    });
  });

  it('shows coverage for a mandatory capability and opt-in for an optional one, among teams under a listed team', async () => {
    const { db } = handle();
    const team = await seedTeams(db, TREE, ['Legacy']);
    const secrets = await addCapability(db, 'secrets', 'mandatory', [team.Payments!]);
    const cache = await addCapability(db, 'cache', 'optional', [team.Payments!]);
    for (const capability of [secrets, cache]) {
      await writeHistory(db, capability.id, team.Payments!, [
        ['adopted', '2026-02-01T09:00:00.000Z'],
      ]);
      await writeHistory(db, capability.id, team.Checkout!, [
        ['trial', '2026-03-01T09:00:00.000Z'],
      ]);
      // Not eligible (a sibling of Payments), yet it uses it: counts in the stay rate only.
      await writeHistory(db, capability.id, team.Platform!, [
        ['adopted', '2026-02-15T09:00:00.000Z'],
      ]);
    }

    const mandatory = await capabilityFigures(db, secrets, Q2, { k: 3, now: NOW });
    const optional = await capabilityFigures(db, cache, Q2, { k: 3, now: NOW });

    // Eligible: Payments (listed) and Checkout (below it); not Engineering above, not Platform beside.
    expect(mandatory.eligibleTeams).toBe(2);
    expect(optional.eligibleTeams).toBe(2);
    // Coverage counts adopted only: Payments → 1 / 2 = 50 %; no opt-in for a mandate.
    expect(mandatory.coverage).toEqual({ value: 50, numerator: 1, denominator: 2 });
    expect(mandatory.optInRate).toBeNull();
    // Opt-in counts adopted or trial: Payments, Checkout → 2 / 2 = 100 %; no coverage.
    expect(optional.optInRate).toEqual({ value: 100, numerator: 2, denominator: 2 });
    expect(optional.coverage).toBeNull();
    for (const figures of [mandatory, optional]) {
      // Ever adopted: Payments, Platform (eligible or not); both still adopted → 2 / 2.
      expect(figures.stayRate).toEqual({ value: 100, numerator: 2, denominator: 2 });
      // Adopted at the start: Payments, Platform; nobody left → 0 / 2 = 0 % (a real zero).
      expect(figures.churn).toEqual({ value: 0, numerator: 0, denominator: 2 });
    }
  });

  it('gives null, never 0, when a denominator is zero', async () => {
    const { db } = handle();
    const team = await seedTeams(db, TREE, ['Legacy']);
    // Offered only to an inactive team, and nobody ever adopted it.
    const lonely = await addCapability(db, 'lonely', 'optional', [team.Legacy!]);
    const dormant = await addCapability(db, 'dormant', 'mandatory', [team.Legacy!]);

    const optional = await capabilityFigures(db, lonely, Q2, { k: 3, now: NOW });
    const mandatory = await capabilityFigures(db, dormant, Q2, { k: 3, now: NOW });

    const empty = { value: null, numerator: 0, denominator: 0 };
    expect(optional.eligibleTeams).toBe(0);
    expect(optional.optInRate).toEqual(empty);
    expect(mandatory.coverage).toEqual(empty);
    expect(optional.stayRate).toEqual(empty);
    expect(optional.churn).toEqual(empty);
    expect(optional.cohorts).toEqual([]);
    expect(optional.reasons).toEqual([]);
  });

  it('counts churn among teams adopted at the start, not a team that joins and leaves inside the period', async () => {
    const { db } = handle();
    const team = await seedTeams(db, TREE);
    const docs = await addCapability(db, 'docs', 'optional');
    await writeHistory(db, docs.id, team.Payments!, [
      ['adopted', '2026-03-01T00:00:00.000Z'],
      ['left', '2026-04-01T00:00:00.000Z', 'team-change'],
    ]);
    await writeHistory(db, docs.id, team.Search!, [
      ['adopted', '2026-01-01T00:00:00.000Z'],
      ['left', '2026-03-31T23:59:59.999Z', 'other'],
    ]);
    await writeHistory(db, docs.id, team.Mobile!, [
      ['trial', '2026-04-02T00:00:00.000Z'],
      ['adopted', '2026-04-03T00:00:00.000Z'],
      ['left', '2026-05-01T00:00:00.000Z', 'other'],
    ]);
    await writeHistory(db, docs.id, team.Platform!, [['adopted', '2026-02-01T00:00:00.000Z']]);
    // A trial that ends is not churn (trial → left).
    await writeHistory(db, docs.id, team.Checkout!, [
      ['trial', '2026-02-01T00:00:00.000Z'],
      ['left', '2026-04-10T00:00:00.000Z', 'other'],
    ]);

    const figures = await capabilityFigures(db, docs, Q2, { k: 3, now: NOW });

    // Adopted just before 2026-04-01: Payments (its leaving is at the start, so inside
    // the period) and Platform; Search left a millisecond earlier → 2.
    // Of those, adopted → left in [start, end): Payments → 1 / 2 = 50 %
    // (Mobile joined and left inside the period: not in the base, so not churn).
    expect(figures.churn).toEqual({ value: 50, numerator: 1, denominator: 2 });
    // Ever adopted: Payments, Search, Mobile, Platform (4); adopted at the end: Platform (1).
    expect(figures.stayRate).toEqual({ value: 25, numerator: 1, denominator: 4 });
    // Left in the period: Payments (team-change), Mobile and Checkout (other).
    expect(figures.reasons).toEqual([
      { state: 'left', reason: 'other', label: 'Something else', count: 2 },
      { state: 'left', reason: 'team-change', label: 'Our team or product changed', count: 1 },
    ]);
  });
});
