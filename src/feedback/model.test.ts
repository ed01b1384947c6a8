import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acknowledgedInTime,
  authorLine,
  FEEDBACK_STATUSES,
  type FeedbackStatus,
  mergeProblem,
  rootOf,
  STATUS_MOVES,
  statusChangeProblem,
} from './model.ts';

describe('status machine', () => {
  it('allows exactly the moves of the table, each with a note', () => {
    for (const from of FEEDBACK_STATUSES) {
      for (const to of FEEDBACK_STATUSES) {
        const allowed = STATUS_MOVES[from].includes(to);
        expect(statusChangeProblem(from, to, 'A note') === null, `${from} → ${to}`).toBe(allowed);
        if (allowed) expect(statusChangeProblem(from, to, '  ')?.path).toBe('note');
      }
    }
  });

  it('reaches shipped only through in-progress, and never leaves shipped or duplicate', () => {
    expect(statusChangeProblem('new', 'shipped', 'x')?.path).toBe('status');
    expect(statusChangeProblem('planned', 'shipped', 'x')?.path).toBe('status');
    expect(statusChangeProblem('in-progress', 'shipped', 'x')).toBeNull();
    expect(STATUS_MOVES.shipped).toEqual([]);
    expect(STATUS_MOVES.duplicate).toEqual([]);
    expect(statusChangeProblem('new', 'duplicate', 'x')?.message).toMatch(/merging/);
  });

  it('asks for the reason of a decline', () => {
    expect(statusChangeProblem('new', 'declined', '')?.message).toMatch(/why it is declined/);
  });

  it('keeps any random walk of allowed moves inside the machine (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FEEDBACK_STATUSES), { maxLength: 30 }), (targets) => {
        let status: FeedbackStatus = 'new';
        const path: FeedbackStatus[] = [status];
        for (const to of targets) {
          if (statusChangeProblem(status, to, 'note') === null) {
            status = to;
            path.push(to);
          }
        }
        // shipped only ever follows in-progress; duplicate never appears without a merge
        path.forEach((s, i) => {
          if (s === 'shipped') expect(path[i - 1]).toBe('in-progress');
          expect(s).not.toBe('duplicate');
        });
        if (path.includes('shipped')) expect(path.at(-1)).toBe('shipped');
      }),
    );
  });
});

describe('merges', () => {
  const nodes = (entries: [string, string | null][]) => new Map(entries);

  it('finds the original at the end of a chain, and null for a loop', () => {
    expect(
      rootOf(
        'c',
        nodes([
          ['c', 'b'],
          ['b', 'a'],
          ['a', null],
        ]),
      ),
    ).toBe('a');
    expect(
      rootOf(
        'a',
        nodes([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ),
    ).toBeNull();
  });

  it('refuses itself, loops and merged or shipped items', () => {
    const graph = nodes([
      ['a', null],
      ['b', 'a'],
      ['c', null],
    ]);
    expect(mergeProblem({ id: 'a', status: 'new' }, { id: 'a' }, graph, 'x')?.path).toBe('into');
    expect(mergeProblem({ id: 'a', status: 'new' }, { id: 'b' }, graph, 'x')?.message).toMatch(
      /loop/,
    );
    expect(mergeProblem({ id: 'b', status: 'duplicate' }, { id: 'c' }, graph, 'x')?.path).toBe(
      'id',
    );
    expect(mergeProblem({ id: 'c', status: 'shipped' }, { id: 'a' }, graph, 'x')?.path).toBe('id');
    expect(mergeProblem({ id: 'c', status: 'new' }, { id: 'b' }, graph, '')?.path).toBe('note');
    expect(mergeProblem({ id: 'c', status: 'new' }, { id: 'b' }, graph, 'x')).toBeNull();
  });

  it('never lets random merges make a cycle (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), {
          maxLength: 40,
        }),
        (pairs) => {
          const graph = new Map<string, string | null>(
            Array.from({ length: 8 }, (_, i) => [`i${i}`, null] as [string, string | null]),
          );
          for (const [f, t] of pairs) {
            const from = `i${f}`;
            const into = `i${t}`;
            const status = graph.get(from) === null ? 'new' : 'duplicate';
            if (mergeProblem({ id: from, status }, { id: into }, graph, 'note') !== null) continue;
            // The service merges into the end of the chain.
            graph.set(from, rootOf(into, graph));
          }
          for (const id of graph.keys()) {
            const root = rootOf(id, graph);
            expect(root).not.toBeNull();
            expect(graph.get(root!)).toBeNull();
          }
        },
      ),
    );
  });
});

describe('acknowledgement clock', () => {
  const created = '2026-11-01T00:00:00.000Z';
  it('is in time up to the last millisecond of the SLA, late after, unknown before', () => {
    expect(
      acknowledgedInTime(
        { createdAt: created, acknowledgedAt: '2026-11-06T00:00:00.000Z' },
        5,
        new Date(),
      ),
    ).toBe(true);
    expect(
      acknowledgedInTime(
        { createdAt: created, acknowledgedAt: '2026-11-06T00:00:00.001Z' },
        5,
        new Date(),
      ),
    ).toBe(false);
    expect(
      acknowledgedInTime(
        { createdAt: created, acknowledgedAt: null },
        5,
        new Date('2026-11-03T00:00:00Z'),
      ),
    ).toBeNull();
    expect(
      acknowledgedInTime(
        { createdAt: created, acknowledgedAt: null },
        5,
        new Date('2026-11-07T00:00:00Z'),
      ),
    ).toBe(false);
  });
});

describe('authorLine', () => {
  const team = { id: 't', slug: 'payments', name: 'Payments' };
  it('names the author, or only the team when posted as a developer in it', () => {
    expect(authorLine({ postedAs: 'name', author: { id: 'u', name: 'Ada' }, team })).toBe(
      'Ada (Payments)',
    );
    expect(authorLine({ postedAs: 'team', author: null, team })).toBe('a developer in Payments');
    expect(authorLine({ postedAs: 'team', author: { id: 'u', name: 'Ada' }, team })).toBe(
      'a developer in Payments',
    );
  });
});
