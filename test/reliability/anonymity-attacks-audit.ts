// The differencing attacker: given every count a reader has seen, each as
// the set of answer cells it counts (its definition, which a reader knows),
// work out every count that can be had by subtracting one known count from
// another that contains it, again and again, and report any group of 1 to
// k − 1 answers so found. Cells are bits of a bigint: a count's set is a mask.

/** One count a reader saw, or worked out. */
export interface Known {
  /** Where it was read, e.g. "matrix 2026-Q4 as of 2026-12-15". */
  label: string;
  /** The cells it counts. */
  mask: bigint;
  /** Answers counted. */
  n: number;
  /** Of them, satisfied (4 or 5 of 5); null when the output does not say. */
  top: number | null;
}

interface Entry extends Known {
  /** How it was worked out: the larger count and the one taken from it. */
  from?: [Entry, Entry];
}

export interface Audit {
  /** Every problem, as a sentence with the chain of outputs that gives it away. */
  problems: string[];
  /** Distinct sets known at the end (shown and worked out). */
  sets: number;
}

function explain(e: Entry, depth = 0): string {
  if (!e.from || depth > 4) return e.label;
  return `(${explain(e.from[0], depth + 1)}) − (${explain(e.from[1], depth + 1)})`;
}

/**
 * Subtracts known counts from the known counts that contain them until
 * nothing new comes out (or `maxSets` sets are known), and reports any set
 * with 1 to k − 1 answers, any negative or inconsistent count (two outputs
 * that count the same cells differently), and any top count outside 0…n.
 */
export function differencing(known: readonly Known[], k: number, maxSets = 50_000): Audit {
  const byMask = new Map<bigint, Entry>();
  const problems = new Set<string>();
  const add = (e: Entry): boolean => {
    if (e.mask === 0n) {
      if (e.n !== 0) problems.add(`${explain(e)} counts ${e.n} answers in no cell`);
      return false;
    }
    const before = byMask.get(e.mask);
    if (before) {
      if (before.n !== e.n || (before.top !== null && e.top !== null && before.top !== e.top))
        problems.add(
          `inconsistent: ${explain(before)} = ${before.n}/${before.top} but ${explain(e)} = ${e.n}/${e.top} over the same answers`,
        );
      return false;
    }
    byMask.set(e.mask, e);
    if (e.n < 0 || (e.top !== null && (e.top < 0 || e.top > e.n)))
      problems.add(`impossible: ${explain(e)} = ${e.n}/${e.top}`);
    else if (e.n > 0 && e.n < k)
      problems.add(`${e.n} answers (fewer than k = ${k}) from ${explain(e)}`);
    return true;
  };
  for (const k0 of known) add({ ...k0 });
  let frontier = [...byMask.values()];
  while (frontier.length > 0 && byMask.size < maxSets) {
    const next: Entry[] = [];
    const all = [...byMask.values()];
    for (const a of frontier) {
      for (const b of all) {
        if (a === b) continue;
        const both = a.mask & b.mask;
        const [small, large] = both === a.mask ? [a, b] : both === b.mask ? [b, a] : [null, null];
        if (!small || !large) continue;
        const derived: Entry = {
          label: '',
          mask: large.mask & ~small.mask,
          n: large.n - small.n,
          top: large.top === null || small.top === null ? null : large.top - small.top,
          from: [large, small],
        };
        if (add(derived)) next.push(derived);
        if (byMask.size >= maxSets) break;
      }
      if (byMask.size >= maxSets) break;
    }
    frontier = next;
  }
  return { problems: [...problems], sets: byMask.size };
}

/** Gives each cell name a bit, and builds masks from predicates over the cells. */
export class Cells<C> {
  private readonly bits: bigint[];
  constructor(readonly all: readonly C[]) {
    this.bits = all.map((_, i) => 1n << BigInt(i));
  }
  /** The mask of the cells for which `pick` holds. */
  mask(pick: (cell: C) => boolean): bigint {
    let m = 0n;
    for (const [i, c] of this.all.entries()) if (pick(c)) m |= this.bits[i]!;
    return m;
  }
}
