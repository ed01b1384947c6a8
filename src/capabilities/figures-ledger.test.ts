import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { capabilityFigures } from './figures.ts';
import { addCapability, type Step, seedTeams, writeHistory } from './figures-testing.ts';
import {
  ADOPTION_STATES,
  type AdoptionState,
  type Obligation,
  replay,
  transitionProblem,
} from './model.ts';
import { ledgerStates } from './store.ts';

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const TEAMS = ['Red', 'Green', 'Blue'] as const;

/** The states a team may move to next (exceptions allowed, so `exempt` is legal for mandates). */
function legalNext(from: AdoptionState, obligation: Obligation): AdoptionState[] {
  return ADOPTION_STATES.filter(
    (to) =>
      transitionProblem({
        from,
        to,
        obligation,
        viaException: to === 'exempt' || from === 'exempt',
        reason: 'other',
        alternative: 'something else',
      }) === null,
  );
}

/** Turns random picks and gaps into a legal history; gaps of 0 give events at the same instant. */
function legalSteps(obligation: Obligation, moves: { pick: number; gap: number }[]): Step[] {
  let state: AdoptionState = 'none';
  let at = BASE;
  return moves.map(({ pick, gap }) => {
    const next = legalNext(state, obligation);
    state = next[pick % next.length]!;
    at += gap;
    return [state, new Date(at).toISOString()];
  });
}

const moves = fc.array(
  fc.record({
    pick: fc.nat(),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 72 * HOUR })),
  }),
  { maxLength: 8 },
);
const scenario = fc.record({
  obligation: fc.constantFrom<Obligation>('optional', 'mandatory'),
  histories: fc.tuple(moves, moves, moves),
  // Instants to look at: an event's own time (a boundary) or any time in the span.
  probes: fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 1, maxLength: 4 }),
});

describeEngines('adoption ledger derivation', (handle) => {
  it('derives each team’s state at T as the replay of its events before T, in the store and in the figures', async () => {
    const { db } = handle();
    const team = await seedTeams(db, Object.fromEntries(TEAMS.map((n) => [n, null])));
    const caps = {
      optional: await addCapability(db, 'optional-cap', 'optional'),
      mandatory: await addCapability(db, 'mandatory-cap', 'mandatory'),
    };
    const now = new Date('2030-01-01T00:00:00.000Z');

    await fc.assert(
      fc.asyncProperty(scenario, async ({ obligation, histories, probes }) => {
        const cap = caps[obligation];
        await db.deleteFrom('adoption_events').execute();
        const steps = histories.map((h) => legalSteps(obligation, h));
        for (const [i, name] of TEAMS.entries()) {
          await writeHistory(db, cap.id, team[name]!, steps[i]!);
        }
        const times = steps.flat().map(([, at]) => at);
        for (const [exact, n] of probes) {
          const at =
            exact && times.length > 0
              ? times[n % times.length]!
              : new Date(BASE + (n % (30 * 24 * HOUR))).toISOString();
          const expected = steps.map((s) =>
            replay(s.filter(([, t]) => t < at).map(([to]) => ({ to }))),
          );

          const derived = new Map(
            (await ledgerStates(db, { capabilityId: cap.id, at })).map((s) => [s.teamId, s.state]),
          );
          const actual = TEAMS.map((name) => derived.get(team[name]!) ?? 'none');
          expect(actual, `states before ${at}`).toEqual(expected);

          const period = { key: 'probe', start: new Date(BASE).toISOString(), end: at };
          const figures = await capabilityFigures(db, cap, period, { k: 3, now });
          const count = (states: AdoptionState[]) =>
            expected.filter((s) => states.includes(s)).length;
          const using = (figures.optInRate ?? figures.coverage)!;
          expect(using.numerator).toBe(
            count(obligation === 'optional' ? ['adopted', 'trial'] : ['adopted']),
          );
          expect(using.denominator).toBe(TEAMS.length);
          expect(figures.stayRate.numerator).toBe(count(['adopted']));
          expect(figures.stayRate.denominator).toBe(
            steps.filter((s) => s.some(([to, t]) => to === 'adopted' && t < at)).length,
          );
        }
      }),
      { numRuns: 40 },
    );
  });
});
