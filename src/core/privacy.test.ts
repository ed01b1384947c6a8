import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CutNode, type CutVerdict, decideCuts } from './privacy.ts';

/** A tree from a compact form: [key, n-or-children]. Internal counts are the sum of their children. */
type Spec = [string, number | Spec[]];
function tree([key, body]: Spec): CutNode {
  if (typeof body === 'number') return { key, n: body };
  const children = body.map(tree);
  return { key, n: children.reduce((s, c) => s + c.n, 0), children };
}

const shown = (v: Map<string, CutVerdict>) =>
  [...v]
    .filter(([, x]) => x === 'shown')
    .map(([k]) => k)
    .sort();
const hidden = (v: Map<string, CutVerdict>) =>
  [...v]
    .filter(([, x]) => x === 'hidden')
    .map(([k]) => k)
    .sort();

describe('the cut engine, by hand', () => {
  it('hides a cut under k, and its next smallest sibling (complementary rule)', () => {
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 3],
          ['b', 6],
          ['c', 20],
        ],
      ]),
      5,
    );
    expect(hidden(v)).toEqual(['a', 'b']);
    expect(shown(v)).toEqual(['all', 'c']);
  });

  it('hides a cut whose parent minus it is 1…k−1 (remainder rule)', () => {
    // all = 32; a = 30 → 2 left over, so a is hidden; b (2) is under k; c is 0.
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 30],
          ['b', 2],
          ['c', 0],
        ],
      ]),
      5,
    );
    expect(v.get('a')).toBe('hidden');
    expect(v.get('b')).toBe('hidden');
    expect(v.get('c')).toBe('empty');
    expect(v.get('all')).toBe('shown');
  });

  it('checks the remainder against every enclosing cut, not only the parent', () => {
    // x (10) sits in p (10) in all (12): all − x = 2.
    const v = decideCuts(
      tree([
        'all',
        [
          ['p', [['x', 10]]],
          ['q', 2],
        ],
      ]),
      5,
    );
    expect(v.get('x')).toBe('hidden');
    expect(v.get('p')).toBe('hidden');
  });

  it('keeps hiding siblings until the hidden ones together reach k', () => {
    // 1 and 2 hidden (sum 3 < 5): the next smallest (6) is hidden too.
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 1],
          ['b', 2],
          ['c', 6],
          ['d', 40],
        ],
      ]),
      5,
    );
    expect(hidden(v)).toEqual(['a', 'b', 'c']);
  });

  it('does not let a hidden cut be rebuilt from its children', () => {
    // p is hidden by the remainder rule (all − p = 3); its children are big enough alone.
    const v = decideCuts(
      tree([
        'all',
        [
          [
            'p',
            [
              ['x', 10],
              ['y', 12],
            ],
          ],
          ['q', 3],
        ],
      ]),
      5,
    );
    expect(v.get('p')).toBe('hidden');
    expect(['x', 'y'].every((k) => v.get(k) === 'shown')).toBe(false);
  });

  it('shows everything when every cut is large and differences are large', () => {
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 10],
          ['b', 10],
          ['c', 10],
        ],
      ]),
      5,
    );
    expect(hidden(v)).toEqual([]);
  });

  it('hides everything when the whole is under k', () => {
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 2],
          ['b', 2],
        ],
      ]),
      5,
    );
    expect(shown(v)).toEqual([]);
  });

  it('starts from cuts already hidden for another reason', () => {
    const v = decideCuts(
      tree([
        'all',
        [
          ['a', 10],
          ['b', 10],
          ['c', 10],
        ],
      ]),
      5,
      new Set(['a']),
    );
    expect(hidden(v)).toEqual(['a', 'b']);
  });
});

// ---- Properties over random trees ----

const specArb: fc.Arbitrary<Spec> = fc.letrec<{ node: Spec }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constant('n'), fc.nat(25)),
    fc.tuple(fc.constant('n'), fc.array(tie('node'), { minLength: 1, maxLength: 5 })),
  ),
})).node as fc.Arbitrary<Spec>;

/** Gives every node a unique key. */
function keyed(spec: Spec, prefix = 'r'): CutNode {
  const node = tree(spec);
  const rename = (n: CutNode, key: string): CutNode => ({
    key,
    n: n.n,
    ...(n.children ? { children: n.children.map((c, i) => rename(c, `${key}.${i}`)) } : {}),
  });
  return rename(node, prefix);
}

function nodes(root: CutNode): Array<{ node: CutNode; ancestors: CutNode[] }> {
  const out: Array<{ node: CutNode; ancestors: CutNode[] }> = [];
  const walk = (node: CutNode, ancestors: CutNode[]) => {
    out.push({ node, ancestors });
    for (const c of node.children ?? []) walk(c, [...ancestors, node]);
  };
  walk(root, []);
  return out;
}

/**
 * What a reader can work out from the shown counts alone: a parent from all
 * its children, a child from its parent and all its siblings; repeated.
 */
function derivable(root: CutNode, verdicts: Map<string, CutVerdict>): Map<string, number> {
  const known = new Map<string, number>();
  for (const { node } of nodes(root)) {
    const v = verdicts.get(node.key);
    if (v === 'shown' || v === 'empty') known.set(node.key, node.n);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const { node } of nodes(root)) {
      const kids = node.children ?? [];
      if (kids.length === 0) continue;
      const unknown = kids.filter((c) => !known.has(c.key));
      if (!known.has(node.key) && unknown.length === 0) {
        known.set(
          node.key,
          kids.reduce((s, c) => s + known.get(c.key)!, 0),
        );
        changed = true;
      } else if (known.has(node.key) && unknown.length === 1) {
        const rest = kids
          .filter((c) => c !== unknown[0])
          .reduce((s, c) => s + known.get(c.key)!, 0);
        known.set(unknown[0]!.key, known.get(node.key)! - rest);
        changed = true;
      }
    }
  }
  return known;
}

describe('the cut engine, over random trees', () => {
  const params = { numRuns: 400 };

  it('never shows a cut with 0 < n < k, nor a nested pair differing by 1…k−1', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 3, max: 12 }), (spec, k) => {
        const root = keyed(spec);
        const v = decideCuts(root, k);
        for (const { node, ancestors } of nodes(root)) {
          expect(v.has(node.key)).toBe(true);
          if (v.get(node.key) !== 'shown') continue;
          expect(node.n).toBeGreaterThanOrEqual(k);
          for (const a of ancestors) {
            if (v.get(a.key) !== 'shown') continue;
            const d = a.n - node.n;
            expect(d === 0 || d >= k).toBe(true);
          }
        }
      }),
      params,
    );
  });

  it('never hides exactly one non-empty sibling while another could be hidden', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 3, max: 12 }), (spec, k) => {
        const root = keyed(spec);
        const v = decideCuts(root, k);
        for (const { node } of nodes(root)) {
          const kids = (node.children ?? []).filter((c) => c.n > 0);
          const hiddenKids = kids.filter((c) => v.get(c.key) === 'hidden');
          const shownKids = kids.filter((c) => v.get(c.key) === 'shown');
          const sum = hiddenKids.reduce((s, c) => s + c.n, 0);
          if (shownKids.length > 0) {
            expect(hiddenKids.length).not.toBe(1);
            expect(sum === 0 || sum >= k).toBe(true);
          }
        }
      }),
      params,
    );
  });

  it('lets no reader work out a hidden count under k, or a nested difference of 1…k−1, from what is shown', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 3, max: 12 }), (spec, k) => {
        const root = keyed(spec);
        const v = decideCuts(root, k);
        const known = derivable(root, v);
        for (const { node, ancestors } of nodes(root)) {
          const n = known.get(node.key);
          if (n === undefined) continue;
          expect(n === 0 || n >= k, `${node.key} = ${n} can be worked out`).toBe(true);
          for (const a of ancestors) {
            const m = known.get(a.key);
            if (m === undefined) continue;
            expect(m - n === 0 || m - n >= k).toBe(true);
          }
        }
      }),
      params,
    );
  });

  it('hides nothing below a larger threshold that a smaller one would show (comments are stricter)', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const root = keyed(spec);
        const figures = decideCuts(root, 5);
        const comments = decideCuts(root, 10, new Set(hidden(figures)));
        for (const key of hidden(figures)) expect(comments.get(key)).toBe('hidden');
        for (const { node } of nodes(root)) {
          if (comments.get(node.key) === 'shown') expect(node.n).toBeGreaterThanOrEqual(10);
        }
      }),
      params,
    );
  });
});
