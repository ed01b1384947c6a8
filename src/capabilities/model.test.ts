import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADOPTION_STATES,
  type AdoptionState,
  OBLIGATIONS,
  type Obligation,
  replay,
  transitionProblem,
} from './model.ts';

// The list, written out: `none → trial | adopted | opted-out`;
// `trial → adopted | left`; `adopted → left`; `opted-out → trial | adopted`;
// `left → trial | adopted`; for mandatory capabilities only,
// `none | trial | adopted → exempt` when an exception is approved and
// `exempt → none` when it ends; `opted-out` and `left` refused when mandatory.
// An exemption also ends when its mandate is lifted, by which time the
// capability is optional again, so `exempt → none` holds for both.
const CHOSEN: readonly (readonly [AdoptionState, AdoptionState])[] = [
  ['none', 'trial'],
  ['none', 'adopted'],
  ['none', 'opted-out'],
  ['trial', 'adopted'],
  ['trial', 'left'],
  ['adopted', 'left'],
  ['opted-out', 'trial'],
  ['opted-out', 'adopted'],
  ['left', 'trial'],
  ['left', 'adopted'],
];
const THROUGH_EXCEPTIONS: readonly (readonly [AdoptionState, AdoptionState])[] = [
  ['none', 'exempt'],
  ['trial', 'exempt'],
  ['adopted', 'exempt'],
];
const ENDING_EXEMPTION = ['exempt', 'none'] as const;

/** Whether the issue allows `from → to` for this obligation (and whether an exception drives it). */
function allowed(
  from: AdoptionState,
  to: AdoptionState,
  obligation: Obligation,
  viaException: boolean,
): boolean {
  const has = (list: typeof CHOSEN) => list.some(([f, t]) => f === from && t === to);
  if (obligation === 'mandatory' && (to === 'left' || to === 'opted-out')) return false;
  if (has(CHOSEN)) return true;
  if (!viaException) return false;
  if (from === ENDING_EXEMPTION[0] && to === ENDING_EXEMPTION[1]) return true;
  return obligation === 'mandatory' && has(THROUGH_EXCEPTIONS);
}

/** Where a team may go from `from` by its own choice, or by an exception for mandatory ones. */
function targets(from: AdoptionState, obligation: Obligation): AdoptionState[] {
  return ADOPTION_STATES.filter(
    (to) => allowed(from, to, obligation, false) || allowed(from, to, obligation, true),
  );
}

const withReason = { reason: 'too-slow', alternative: 'GitHub Actions' };

describe('transitionProblem', () => {
  const cases = OBLIGATIONS.flatMap((obligation) =>
    [false, true].flatMap((viaException) =>
      ADOPTION_STATES.flatMap((from) =>
        ADOPTION_STATES.map((to) => ({ from, to, obligation, viaException })),
      ),
    ),
  );

  it.each(cases)(
    '$from → $to ($obligation, via exception: $viaException) follows the issue’s list',
    ({ from, to, obligation, viaException }) => {
      const problem = transitionProblem({ from, to, obligation, viaException, ...withReason });
      if (allowed(from, to, obligation, viaException)) {
        expect(problem).toBeNull();
      } else {
        expect(problem).toEqual(expect.any(String));
      }
    },
  );

  it('refuses leaving or opting out of a mandatory capability and points to an exception', () => {
    for (const to of ['left', 'opted-out'] as const) {
      for (const from of ['none', 'trial', 'adopted'] as const) {
        expect(transitionProblem({ from, to, obligation: 'mandatory', ...withReason })).toMatch(
          /mandatory.*Request an exception instead, or challenge the policy\./,
        );
      }
    }
  });

  it('refuses becoming or ending exempt by hand and says how it happens instead', () => {
    expect(transitionProblem({ from: 'adopted', to: 'exempt', obligation: 'mandatory' })).toBe(
      'A team becomes exempt only when an exception is approved. Request an exception instead.',
    );
    expect(transitionProblem({ from: 'exempt', to: 'none', obligation: 'mandatory' })).toBe(
      'An exemption ends when its exception expires or is revoked.',
    );
    expect(
      transitionProblem({ from: 'none', to: 'exempt', obligation: 'optional', viaException: true }),
    ).toBe('Only mandatory capabilities have exceptions.');
  });

  it.each(
    OBLIGATIONS.flatMap((obligation) =>
      ADOPTION_STATES.flatMap((from) =>
        ADOPTION_STATES.filter(
          (to) =>
            !targets(from, obligation).includes(to) &&
            to !== 'exempt' &&
            from !== 'exempt' &&
            !(obligation === 'mandatory' && (to === 'left' || to === 'opted-out')),
        ).map((to) => ({ from, to, obligation })),
      ),
    ),
  )(
    '$from → $to ($obligation) is refused with the moves that are allowed instead',
    ({ from, to, obligation }) => {
      const problem = transitionProblem({ from, to, obligation, ...withReason }) ?? '';
      const listed = /it can move to: (.*)\.$/.exec(problem)?.[1];
      expect(listed, problem).toBeDefined();
      const names = listed!.split(', ').map((s) => s.replace(/ \(.*\)$/, ''));
      expect(names).toEqual(targets(from, obligation));
    },
  );

  it('says when an exemption is among the allowed moves that it comes from an exception', () => {
    expect(transitionProblem({ from: 'trial', to: 'none', obligation: 'mandatory' })).toBe(
      'A team in "trial" cannot move to "none". From "trial" it can move to: adopted, exempt (when an exception is approved).',
    );
  });

  it('needs a reason and the alternative for leaving or opting out', () => {
    for (const [from, to] of [
      ['adopted', 'left'],
      ['none', 'opted-out'],
    ] as const) {
      expect(transitionProblem({ from, to, obligation: 'optional' })).toBe(
        'Say why the team is leaving: choose a reason.',
      );
      expect(
        transitionProblem({ from, to, obligation: 'optional', reason: 'cost', alternative: '  ' }),
      ).toBe('Say what the team uses instead (the alternative).');
      expect(transitionProblem({ from, to, obligation: 'optional', ...withReason })).toBeNull();
    }
  });

  it('refuses moving to the state the team is in, saying where it can go', () => {
    expect(transitionProblem({ from: 'adopted', to: 'adopted', obligation: 'optional' })).toBe(
      'The team is already in "adopted". From "adopted" it can move to: left.',
    );
  });
});

interface Attempt {
  to: AdoptionState;
  viaException: boolean;
  reason: string | null;
  alternative: string | null;
}

describe('the adoption state machine (properties)', () => {
  const attempt: fc.Arbitrary<Attempt> = fc.record({
    to: fc.constantFrom(...ADOPTION_STATES),
    viaException: fc.boolean(),
    reason: fc.option(fc.constantFrom('too-slow', 'cost', 'other'), { nil: null }),
    alternative: fc.option(fc.constantFrom('GitHub Actions', '', ' '), { nil: null }),
  });
  const run = fc.record({
    obligation: fc.constantFrom(...OBLIGATIONS),
    attempts: fc.array(attempt, { maxLength: 40 }),
  });

  /** Applies each attempt the rules allow; returns the applied transitions. */
  function apply(obligation: Obligation, attempts: Attempt[]) {
    const applied: { from: AdoptionState; to: AdoptionState; viaException: boolean }[] = [];
    let state: AdoptionState = 'none';
    for (const a of attempts) {
      if (transitionProblem({ from: state, obligation, ...a }) !== null) continue;
      applied.push({ from: state, to: a.to, viaException: a.viaException });
      state = a.to;
    }
    return { applied, state };
  }

  it('never reaches a state or a transition outside the machine', () => {
    fc.assert(
      fc.property(run, ({ obligation, attempts }) => {
        const { applied, state } = apply(obligation, attempts);
        expect(ADOPTION_STATES).toContain(state);
        for (const t of applied) {
          expect(allowed(t.from, t.to, obligation, t.viaException), `${t.from} → ${t.to}`).toBe(
            true,
          );
        }
      }),
    );
  });

  it('never lets a mandatory capability reach left or opted-out', () => {
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => {
        const { applied } = apply('mandatory', attempts);
        expect(applied.map((t) => t.to)).not.toContain('left');
        expect(applied.map((t) => t.to)).not.toContain('opted-out');
      }),
    );
  });

  it('enters exempt only through an exception to a mandate, and leaves it only through its end', () => {
    fc.assert(
      fc.property(run, ({ obligation, attempts }) => {
        const { applied } = apply(obligation, attempts);
        for (const t of applied.filter((x) => x.to === 'exempt' || x.from === 'exempt')) {
          expect(t.viaException).toBe(true);
          if (t.to === 'exempt') expect(obligation).toBe('mandatory');
          else expect(t.to).toBe('none');
        }
      }),
    );
  });

  it('replays the applied events to the last applied state', () => {
    fc.assert(
      fc.property(run, ({ obligation, attempts }) => {
        const { applied, state } = apply(obligation, attempts);
        expect(replay(applied)).toBe(state);
        // Each event starts where the previous one ended.
        applied.forEach((t, i) => {
          expect(t.from).toBe(i === 0 ? 'none' : applied[i - 1]!.to);
        });
      }),
    );
  });

  it('replays no events to none', () => {
    expect(replay([])).toBe('none');
  });
});
