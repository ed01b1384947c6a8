// Checks for tests of every output (service, API, CSV, CLI): given the cuts
// an output shows, with the count it shows for each, find any way a reader
// could learn a group smaller than the threshold.

/** One cut as an output shows it: its key, its parent's key, and its count when shown. */
export interface ShownCut {
  key: string;
  parent: string | null;
  /** `shown` with a count, `empty` (0), or withheld. */
  status: 'shown' | 'empty' | 'hidden';
  n?: number | null;
}

/**
 * Every disclosure problem in one output of one dimension, as sentences
 * (empty when there is none):
 * - a shown cut with 0 < n < threshold;
 * - a shown pair of nested cuts whose counts differ by 1…threshold − 1;
 * - a count a reader can work out (a parent from all its children, a child
 *   from its parent and its siblings, repeatedly) that is under the threshold,
 *   or differs from a nested known count by 1…threshold − 1.
 *
 * Outputs may leave cuts with no answers out; those count as 0. A child
 * cut's count is assumed to be part of its parent's (children add up to
 * their parent when every child is listed).
 */
export function disclosureProblems(cuts: readonly ShownCut[], threshold: number): string[] {
  const problems: string[] = [];
  const byKey = new Map(cuts.map((c) => [c.key, c]));
  const children = new Map<string, ShownCut[]>();
  for (const c of cuts) {
    if (c.parent !== null) children.set(c.parent, [...(children.get(c.parent) ?? []), c]);
  }
  const known = new Map<string, number>();
  for (const c of cuts) {
    if (c.status === 'shown' && typeof c.n === 'number') known.set(c.key, c.n);
    if (c.status === 'empty') known.set(c.key, 0);
  }
  for (const [key, n] of known) {
    if (n > 0 && n < threshold && byKey.get(key)?.status === 'shown') {
      problems.push(`${key} is shown with ${n} (< ${threshold})`);
    }
  }
  const directlyShown = new Map(known);
  // Work out what a reader can: only where every child of a parent is listed.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [parent, kids] of children) {
      const unknown = kids.filter((c) => !known.has(c.key));
      if (!known.has(parent) && unknown.length === 0 && byKey.has(parent)) {
        known.set(
          parent,
          kids.reduce((s, c) => s + known.get(c.key)!, 0),
        );
        changed = true;
      } else if (known.has(parent) && unknown.length === 1) {
        const rest = kids
          .filter((c) => c !== unknown[0])
          .reduce((s, c) => s + known.get(c.key)!, 0);
        known.set(unknown[0]!.key, known.get(parent)! - rest);
        changed = true;
      }
    }
  }
  const ancestorsOf = (key: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (
      let p = byKey.get(key)?.parent ?? null;
      p !== null && !seen.has(p);
      p = byKey.get(p)?.parent ?? null
    ) {
      seen.add(p);
      out.push(p);
    }
    return out;
  };
  for (const [key, n] of known) {
    if (!directlyShown.has(key) && n > 0 && n < threshold) {
      problems.push(`${key} can be worked out as ${n} (< ${threshold})`);
    }
    for (const a of ancestorsOf(key)) {
      const m = known.get(a);
      if (m === undefined) continue;
      const d = m - n;
      if (d >= 1 && d < threshold) problems.push(`${a} − ${key} = ${d} (< ${threshold})`);
    }
  }
  return problems;
}
