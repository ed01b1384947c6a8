import { describe, expect, it } from 'vitest';
import {
  type BetaMeasurements,
  type BetaTeamLedger,
  betaTeams,
  type Criterion,
  type CsatMeasure,
  evaluateCriteria,
  type LedgerMove,
  normalizeCriteria,
  openProblemsAt,
  parseShare,
  reviewProblem,
  shareText,
  stayFigures,
  verdictSummary,
} from './betas-model.ts';

const SURVEY = { id: 's1', title: '2026-Q4 platform survey', period: '2026-Q4' };
const csat = (threshold = 70, minN = 5): Criterion => ({
  kind: 'csat',
  threshold,
  minN,
  afterWeeks: null,
});
const stay = (threshold = 2 / 3, afterWeeks = 6): Criterion => ({
  kind: 'stay-rate',
  threshold,
  minN: null,
  afterWeeks,
});
const problems: Criterion = {
  kind: 'open-problems',
  threshold: null,
  minN: null,
  afterWeeks: null,
};

const move = (
  teamId: string,
  to: LedgerMove['to'],
  at: string,
  from: LedgerMove['from'] = 'none',
): LedgerMove => ({ teamId, from, to, at, reason: null, reasonText: null, alternative: null });

function measurements(over: Partial<BetaMeasurements> = {}): BetaMeasurements {
  return {
    asOf: '2026-11-01T12:00:00.000Z',
    csat: { status: 'no-survey' },
    teams: [],
    openProblems: [],
    slaDays: 5,
    ...over,
  };
}

const shown = (value: number, n: number): CsatMeasure => ({
  status: 'shown',
  survey: SURVEY,
  value,
  n,
  interval: { low: value - 10, high: value + 10 },
});

describe('CSAT criterion at its boundaries', () => {
  const cases: Array<[string, CsatMeasure, Criterion, string]> = [
    ['no survey closed since the start', { status: 'no-survey' }, csat(), 'not-yet'],
    ['nobody in a beta team rated it', { status: 'empty', survey: SURVEY }, csat(), 'not-yet'],
    [
      'the beta cut is hidden by the anonymity rules',
      { status: 'hidden', survey: SURVEY },
      csat(),
      'not-yet',
    ],
    ['n one below min n (6 < 7)', shown(100, 6), csat(70, 7), 'not-yet'],
    [
      'n exactly min n, value exactly the threshold (5 of 7 ≥ 5/7)',
      shown((100 * 5) / 7, 7),
      csat((100 * 5) / 7, 7),
      'met',
    ],
    ['value exactly 70 with n 10', shown(70, 10), csat(70, 5), 'met'],
    ['value just under 70 (69.9)', shown(69.9, 10), csat(70, 5), 'not-met'],
    ['threshold 100 with every answer satisfied', shown(100, 5), csat(100, 5), 'met'],
  ];
  for (const [name, measure, criterion, verdict] of cases) {
    it(name, () => {
      const [result] = evaluateCriteria([criterion], measurements({ csat: measure }));
      expect(result!.verdict).toBe(verdict);
    });
  }

  it('never shows the count or figure of a hidden cut', () => {
    const [result] = evaluateCriteria(
      [csat()],
      measurements({ csat: { status: 'hidden', survey: SURVEY } }),
    );
    expect(result!.figures).toMatchObject({ kind: 'csat', status: 'hidden', n: null, value: null });
    expect(result!.explanation).not.toMatch(/\d+ answers/);
  });

  it('says the figure against the threshold', () => {
    const [result] = evaluateCriteria([csat(70, 5)], measurements({ csat: shown(62.5, 8) }));
    expect(result!.explanation).toBe(
      '62.5% of 8 answers from beta teams were satisfied (2026-Q4 platform survey); the criterion asks for 70%.',
    );
  });
});

describe('stay rate after N weeks', () => {
  const asOf = '2026-11-01T12:00:00.000Z';
  // Six weeks before asOf is 2026-09-20T12:00.
  const ledger = (moves: LedgerMove[]): BetaTeamLedger[] =>
    betaTeams(moves, { startsOn: '2026-08-01' }, asOf);

  it('counts a team that joined exactly six weeks ago, and waits for one a minute younger', () => {
    const teams = ledger([
      move('a', 'trial', '2026-09-20T12:00:00.000Z'),
      move('b', 'trial', '2026-09-20T12:01:00.000Z'),
    ]);
    expect(stayFigures(teams, 6, asOf)).toEqual({ eligible: 1, stayed: 1, waiting: 1 });
  });

  it('reads each team’s state six weeks after it joined, not now', () => {
    const teams = ledger([
      // Left after 5 weeks: did not stay, even though it came back later.
      move('a', 'trial', '2026-08-03T09:00:00.000Z'),
      move('a', 'left', '2026-09-07T09:00:00.000Z', 'trial'),
      move('a', 'trial', '2026-10-20T09:00:00.000Z', 'left'),
      // Adopted after 4 weeks, left after 8: stayed at six weeks.
      move('b', 'trial', '2026-08-03T09:00:00.000Z'),
      move('b', 'adopted', '2026-08-31T09:00:00.000Z', 'trial'),
      move('b', 'left', '2026-09-28T09:00:00.000Z', 'adopted'),
      // Left exactly at six weeks: the move counts at that instant.
      move('c', 'trial', '2026-08-03T09:00:00.000Z'),
      move('c', 'left', '2026-09-14T09:00:00.000Z', 'trial'),
    ]);
    expect(stayFigures(teams, 6, asOf)).toEqual({ eligible: 3, stayed: 1, waiting: 0 });
  });

  const verdict = (stayed: number, eligible: number, threshold: number) => {
    const moves: LedgerMove[] = [];
    for (let i = 0; i < eligible; i++) {
      moves.push(move(`t${i}`, 'trial', '2026-08-03T09:00:00.000Z'));
      if (i >= stayed) moves.push(move(`t${i}`, 'left', '2026-08-10T09:00:00.000Z', 'trial'));
    }
    return evaluateCriteria([stay(threshold)], measurements({ teams: ledger(moves) }))[0]!;
  };

  it('2 of 3 meets 2/3, also when the threshold comes back from a float4 column', () => {
    expect(verdict(2, 3, 2 / 3).verdict).toBe('met');
    expect(verdict(2, 3, Math.fround(2 / 3)).verdict).toBe('met');
    expect(verdict(2, 3, 0.6666667).verdict).toBe('met');
  });

  it('1 of 2 does not meet 2/3; 3 of 4 does', () => {
    expect(verdict(1, 2, 2 / 3).verdict).toBe('not-met');
    expect(verdict(3, 4, 2 / 3).verdict).toBe('met');
  });

  it('is not yet measurable with no team old enough, and says so', () => {
    const young = ledger([move('a', 'trial', '2026-10-25T09:00:00.000Z')]);
    const [result] = evaluateCriteria([stay()], measurements({ teams: young }));
    expect(result).toMatchObject({
      verdict: 'not-yet',
      explanation: 'Not measurable yet: no team joined at least 6 weeks ago.',
      figures: { eligible: 0, stayed: 0, waiting: 1, value: null },
    });
    const [none] = evaluateCriteria([stay()], measurements());
    expect(none!.explanation).toBe('Not measurable yet: no team has joined.');
  });
});

describe('the beta’s teams from the ledger', () => {
  it('takes trials on or after the start day, not before, nor after a graduation', () => {
    const teams = betaTeams(
      [
        move('early', 'trial', '2026-07-31T23:59:59.999Z'),
        move('first', 'trial', '2026-08-01T00:00:00.000Z'),
        move('adopter', 'adopted', '2026-08-02T09:00:00.000Z'),
        move('back', 'opted-out', '2026-06-01T09:00:00.000Z'),
        move('back', 'trial', '2026-08-05T09:00:00.000Z', 'opted-out'),
        move('late', 'trial', '2026-10-01T09:00:00.000Z'),
      ],
      { startsOn: '2026-08-01', until: '2026-10-01T09:00:00.000Z' },
      '2026-11-01T00:00:00.000Z',
    );
    expect(teams.map((t) => t.teamId)).toEqual(['first', 'back']);
    expect(teams[1]).toMatchObject({ joinedAt: '2026-08-05T09:00:00.000Z', state: 'trial' });
  });

  it('gives each team’s state as of the moment asked, ignoring later moves', () => {
    const teams = betaTeams(
      [
        move('a', 'trial', '2026-08-03T09:00:00.000Z'),
        move('a', 'adopted', '2026-09-03T09:00:00.000Z', 'trial'),
        move('a', 'left', '2026-12-03T09:00:00.000Z', 'adopted'),
      ],
      { startsOn: '2026-08-01' },
      '2026-11-01T00:00:00.000Z',
    );
    expect(teams).toEqual([
      expect.objectContaining({ state: 'adopted', since: '2026-09-03T09:00:00.000Z' }),
    ]);
    expect(teams[0]!.moves).toHaveLength(2);
  });
});

describe('open problems older than the SLA', () => {
  const asOf = '2026-11-10T12:00:00.000Z';
  const item = (id: string, createdAt: string, changes: { to: string; at: string }[] = []) => ({
    id,
    title: id,
    createdAt,
    changes,
  });

  it('counts open items older than the SLA at that moment, by their status then', () => {
    const open = openProblemsAt(
      [
        // Exactly five days old: not yet older than the SLA.
        item('fresh', '2026-11-05T12:00:00.000Z'),
        item('old-new', '2026-11-05T11:59:59.999Z'),
        item('planned', '2026-10-01T09:00:00.000Z', [
          { to: 'planned', at: '2026-10-02T09:00:00.000Z' },
        ]),
        item('shipped', '2026-10-01T09:00:00.000Z', [
          { to: 'shipped', at: '2026-10-20T09:00:00.000Z' },
        ]),
        // Declined only after the moment asked about: still open then.
        item('declined-later', '2026-10-01T09:00:00.000Z', [
          { to: 'declined', at: '2026-11-20T09:00:00.000Z' },
        ]),
        item('merged', '2026-10-01T09:00:00.000Z', [
          { to: 'duplicate', at: '2026-10-03T09:00:00.000Z' },
        ]),
      ],
      5,
      asOf,
    );
    expect(open.map((i) => i.id)).toEqual(['old-new', 'planned', 'declined-later']);
  });

  it('meets the criterion with none, and names how many otherwise', () => {
    expect(evaluateCriteria([problems], measurements())[0]).toMatchObject({
      verdict: 'met',
      explanation: 'No open problem on it is older than 5 days.',
    });
    const two = [
      { id: 'a', title: 'Slow', createdAt: '2026-10-01T09:00:00.000Z' },
      { id: 'b', title: 'Flaky', createdAt: '2026-10-02T09:00:00.000Z' },
    ];
    expect(evaluateCriteria([problems], measurements({ openProblems: two }))[0]).toMatchObject({
      verdict: 'not-met',
      explanation: '2 open problems are older than 5 days.',
      figures: { kind: 'open-problems', items: two },
    });
  });
});

describe('criteria input', () => {
  it('fills defaults: CSAT 70 with 5 answers, stay 2/3 after 6 weeks', () => {
    const { criteria, errors } = normalizeCriteria([
      { kind: 'csat' },
      { kind: 'stay-rate' },
      { kind: 'open-problems', threshold: 3 },
    ]);
    expect(errors).toEqual([]);
    expect(criteria).toEqual([
      { kind: 'csat', threshold: 70, minN: 5, afterWeeks: null },
      { kind: 'stay-rate', threshold: 2 / 3, minN: null, afterWeeks: 6 },
      { kind: 'open-problems', threshold: null, minN: null, afterWeeks: null },
    ]);
  });

  it('names the field of each bad value, and a kind chosen twice', () => {
    const { errors } = normalizeCriteria([
      { kind: 'csat', threshold: 0, minN: 0 },
      { kind: 'stay-rate', threshold: 1.5, afterWeeks: 0 },
      { kind: 'csat' },
    ]);
    expect(errors.map((e) => e.path)).toEqual([
      'criteria.0.threshold',
      'criteria.0.minN',
      'criteria.1.threshold',
      'criteria.1.afterWeeks',
      'criteria.2.kind',
    ]);
  });

  it('reads and writes shares as people do', () => {
    expect(parseShare('2/3')).toBeCloseTo(2 / 3);
    expect(parseShare('75%')).toBe(0.75);
    expect(parseShare('0.8')).toBe(0.8);
    expect(parseShare('most')).toBeNull();
    expect(parseShare('1/0')).toBeNull();
    expect(shareText(2 / 3)).toBe('2/3');
    expect(shareText(Math.fround(2 / 3))).toBe('2/3');
    expect(shareText(0.75)).toBe('3/4');
    expect(shareText(0.72)).toBe('72%');
    expect(shareText(1)).toBe('all');
  });

  it('summarises verdicts', () => {
    expect(verdictSummary([])).toBe('No criteria');
    expect(
      verdictSummary([{ verdict: 'met' }, { verdict: 'not-yet' }, { verdict: 'not-met' }]),
    ).toBe('1 of 3 met, 1 not met, 1 not yet measurable');
  });

  it('needs a rationale, and a later review date to iterate', () => {
    const today = '2026-11-01';
    expect(reviewProblem({ outcome: 'graduate', rationale: ' ', today })?.path).toBe('rationale');
    expect(reviewProblem({ outcome: 'iterate', rationale: 'More teams', today })?.path).toBe(
      'nextReviewOn',
    );
    expect(
      reviewProblem({ outcome: 'iterate', rationale: 'x', nextReviewOn: today, today })?.message,
    ).toBe('The next review must be after today.');
    expect(
      reviewProblem({ outcome: 'iterate', rationale: 'x', nextReviewOn: '2026-11-02', today }),
    ).toBeNull();
    expect(reviewProblem({ outcome: 'graduate', rationale: 'Loved it', today })).toBeNull();
  });
});
