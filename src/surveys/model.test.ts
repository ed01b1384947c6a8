import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Cell,
  cellKey,
  coarsenCells,
  levelBand,
  nextPulseDay,
  type Segment,
  segmentFor,
  stateProblem,
  tenureBand,
  validateAnswers,
} from './model.ts';

const FORM = {
  capabilities: [{ id: 'c1', slug: 'deploy-pipeline', name: 'Deploy pipeline' }],
  questions: [
    { id: 'q1', position: 0, kind: 'rating' as const, prompt: 'Docs?', required: false },
    { id: 'q2', position: 1, kind: 'text' as const, prompt: 'Why?', required: true },
  ],
};
const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

describe('answer validation', () => {
  it('accepts a full response and any single part', () => {
    const full = {
      nps: 10,
      comment: 'Great',
      fix: 'Speed',
      cognitiveLoad: 2,
      hoursLost: '1-2' as const,
      capabilities: { 'deploy-pipeline': { csat: 5, effort: 7 } },
      custom: { q1: 4, q2: 'Because' },
    };
    expect(validateAnswers(full, FORM)).toEqual([]);
    expect(validateAnswers({ nps: 0, custom: { q2: 'x' } }, FORM)).toEqual([]);
  });

  it('names every field out of range', () => {
    const errors = validateAnswers(
      {
        nps: 11,
        cognitiveLoad: 0,
        hoursLost: 'lots' as never,
        capabilities: { 'deploy-pipeline': { csat: 6, effort: 0 } },
        custom: { q1: 2.5, q2: 'ok' },
      },
      FORM,
    );
    expect(paths(errors)).toEqual([
      'answers.nps',
      'answers.cognitiveLoad',
      'answers.hoursLost',
      'answers.capabilities.deploy-pipeline.csat',
      'answers.capabilities.deploy-pipeline.effort',
      'answers.custom.q1',
    ]);
  });

  it('refuses capabilities the team is not on and unknown questions', () => {
    const errors = validateAnswers(
      { capabilities: { 'secrets-manager': { csat: 4 } }, custom: { nope: 3, q2: 'x' } },
      FORM,
    );
    expect(paths(errors)).toEqual(['answers.capabilities.secrets-manager', 'answers.custom.nope']);
  });

  it('requires required custom questions and at least one answer', () => {
    expect(paths(validateAnswers({ nps: 5 }, FORM))).toEqual(['answers.custom.q2']);
    expect(paths(validateAnswers({ comment: '   ' }, { capabilities: [], questions: [] }))).toEqual(
      ['answers'],
    );
  });
});

describe('survey states', () => {
  it('moves draft → open → closed and never back', () => {
    expect(stateProblem('draft', 'open')).toBeNull();
    expect(stateProblem('open', 'closed')).toBeNull();
    expect(stateProblem('closed', 'open')).toMatch(/never reopens/);
    expect(stateProblem('closed', 'closed')).toMatch(/never reopens/);
    expect(stateProblem('draft', 'closed')).not.toBeNull();
    expect(stateProblem('open', 'open')).toMatch(/already open/);
  });
});

describe('segments', () => {
  it('bands tenure from the start date to the opening day', () => {
    const at = '2026-10-01T00:00:00.000Z';
    expect(tenureBand('2026-03-01', at)).toBe('under-1y');
    expect(tenureBand('2024-10-01', at)).toBe('1-3y');
    expect(tenureBand('2022-01-01', at)).toBe('3-5y');
    expect(tenureBand('2010-01-01', at)).toBe('5y-plus');
    expect(tenureBand(null, at)).toBeNull();
    expect(tenureBand('2027-01-01', at)).toBeNull();
    expect(levelBand('  Senior   engineer ')).toBe('Senior engineer');
    expect(levelBand(' ')).toBeNull();
  });

  it('gives the day a person may pulse again', () => {
    expect(nextPulseDay('2026-11-15', 30)).toBe('2026-12-15');
  });
});

// Random team forests with cells of people in them.
const orgArb = fc
  .record({
    parents: fc.array(fc.option(fc.nat(20), { nil: null }), { minLength: 1, maxLength: 12 }),
    cells: fc.array(
      fc.record({
        team: fc.option(fc.nat(11), { nil: null, freq: 8 }),
        tenure: fc.option(fc.constantFrom('under-1y', '1-3y', '5y-plus'), { nil: null }),
        level: fc.option(fc.constantFrom('Junior', 'Senior', 'Staff'), { nil: null }),
        n: fc.integer({ min: 1, max: 9 }),
      }),
      { maxLength: 40 },
    ),
    k: fc.integer({ min: 3, max: 8 }),
  })
  .map(({ parents, cells, k }) => {
    const teams = parents.map((_, i) => `t${i}`);
    // A parent always has a smaller index, so there are no cycles.
    const parent = new Map(
      teams.map((t, i) => [t, parents[i] !== null && parents[i]! < i ? `t${parents[i]}` : null]),
    );
    const merged = new Map<string, Cell>();
    for (const c of cells) {
      const seg: Segment = {
        teamId: c.team !== null && c.team < teams.length ? `t${c.team}` : null,
        tenureBand: c.tenure,
        levelBand: c.level,
      };
      const key = cellKey(seg);
      merged.set(key, { ...seg, n: (merged.get(key)?.n ?? 0) + c.n });
    }
    return { parentOf: (id: string) => parent.get(id) ?? null, cells: [...merged.values()], k };
  });

describe('coarsening cells', () => {
  it('coarsens an organisation of 1,000 teams (6,000 cells) in one go, every cell reaching k', () => {
    // Eight sub-teams under each team; three tenure and two level bands each,
    // one to three people per cell. Done a move at a time, this took minutes.
    const parentOf = (id: string) => {
      const i = Number(id.slice(1));
      return i === 0 ? null : `t${Math.floor((i - 1) / 8)}`;
    };
    const cells = [];
    for (let t = 0; t < 1000; t++) {
      for (const tenureBand of ['<1y', '1-3y', '3y+']) {
        for (const levelBand of ['Engineer', 'Senior']) {
          cells.push({ teamId: `t${t}`, tenureBand, levelBand, n: 1 + ((t * 7) % 3) });
        }
      }
    }
    const where = coarsenCells(cells, 5, parentOf);
    const totals = new Map<string, number>();
    for (const c of cells) {
      const to = cellKey(where.get(cellKey(c))!);
      totals.set(to, (totals.get(to) ?? 0) + c.n);
    }
    expect([...totals.values()].reduce((a, b) => a + b, 0)).toBe(
      cells.reduce((a, c) => a + c.n, 0),
    );
    expect(Math.min(...totals.values())).toBeGreaterThanOrEqual(5);
  });

  it('leaves every cell with at least k people (unless everyone is under k), and keeps every person', () => {
    fc.assert(
      fc.property(orgArb, ({ parentOf, cells, k }) => {
        const where = coarsenCells(cells, k, parentOf);
        const totals = new Map<string, number>();
        for (const c of cells) {
          const to = where.get(cellKey(c))!;
          totals.set(cellKey(to), (totals.get(cellKey(to)) ?? 0) + c.n);
        }
        const everyone = cells.reduce((s, c) => s + c.n, 0);
        expect([...totals.values()].reduce((s, n) => s + n, 0)).toBe(everyone);
        if (everyone >= k) for (const n of totals.values()) expect(n).toBeGreaterThanOrEqual(k);
        else
          expect([...totals.keys()]).toEqual(
            everyone === 0 ? [] : [cellKey({ teamId: null, tenureBand: null, levelBand: null })],
          );
      }),
      { numRuns: 300 },
    );
  });

  it('only ever coarsens: a cell keeps its team or moves to an ancestor, and loses segments, never gains them', () => {
    fc.assert(
      fc.property(orgArb, ({ parentOf, cells, k }) => {
        const where = coarsenCells(cells, k, parentOf);
        for (const c of cells) {
          const to = where.get(cellKey(c))!;
          if (to.levelBand !== null) expect(to.levelBand).toBe(c.levelBand);
          if (to.tenureBand !== null) expect(to.tenureBand).toBe(c.tenureBand);
          const ancestors: Array<string | null> = [];
          for (let t: string | null = c.teamId; t !== null; t = parentOf(t)) ancestors.push(t);
          ancestors.push(null);
          expect(ancestors).toContain(to.teamId);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('places a person whose cell is unknown in an existing coarser cell', () => {
    const parentOf = (t: string) => (t === 'child' ? 'root' : null);
    const cells: Cell[] = [
      { teamId: 'root', tenureBand: null, levelBand: null, n: 6 },
      { teamId: 'child', tenureBand: '1-3y', levelBand: 'Senior', n: 6 },
    ];
    const where = coarsenCells(cells, 5, parentOf);
    expect(
      segmentFor({ teamId: 'child', tenureBand: '1-3y', levelBand: 'Staff' }, where, parentOf),
    ).toEqual({
      teamId: 'root',
      tenureBand: null,
      levelBand: null,
    });
    expect(
      segmentFor({ teamId: 'child', tenureBand: '1-3y', levelBand: 'Senior' }, where, parentOf),
    ).toEqual(cells[1] && { teamId: 'child', tenureBand: '1-3y', levelBand: 'Senior' });
  });
});
