import { z } from 'zod';
import { defineSetting } from './settings.ts';

/**
 * `k`: a cut of survey or pulse results (or a cohort) is shown only with at
 * least this many answers. Never below 3 (shared/METRICS.md).
 */
export const anonymityK = defineSetting({
  key: 'privacy.k',
  label: 'Smallest group shown (k)',
  hint: 'Results for fewer people than this are hidden. At least 3; 5 is the default.',
  schema: z.number().int().min(3).max(100),
  defaultValue: 5,
});

/** `k_comment`: comments are shown only for cuts with at least this many answers. */
export const anonymityKComment = defineSetting({
  key: 'privacy.k_comment',
  label: 'Smallest group whose comments are shown',
  hint: 'Open comments show only for groups at least this large. 10 is the default.',
  schema: z.number().int().min(3).max(1000),
  defaultValue: 10,
});

/**
 * One cut of results in a dimension's tree, with its true count of answers.
 * Children should add up to their parent: where a parent has answers of its
 * own (a team's members not in a sub-team), give them as a child cut too.
 */
export interface CutNode {
  key: string;
  n: number;
  children?: CutNode[];
}

/** What may be shown of a cut: its figures, nothing (no answers), or that it is hidden. */
export type CutVerdict = 'shown' | 'empty' | 'hidden';

/**
 * Decides which cuts of one dimension may be shown under a threshold (`k`
 * for figures, `k_comment` for comments), following shared/METRICS.md:
 *
 * - a cut with fewer than `threshold` answers is hidden (none at all is "empty");
 * - remainder rule: a cut is hidden when any enclosing cut minus it is between
 *   1 and `threshold − 1`;
 * - complementary rule: when exactly one sibling is hidden, the next smallest is
 *   hidden too, and more until the hidden siblings together reach `threshold`;
 * - a hidden cut's children may not all be shown (they would add up to it).
 *
 * Hidden cuts still count in their parents' totals: counts are never changed,
 * only what is shown. `alsoHide` starts with cuts hidden for another reason.
 */
export function decideCuts(
  root: CutNode,
  threshold: number,
  alsoHide: ReadonlySet<string> = new Set(),
): Map<string, CutVerdict> {
  const verdict = new Map<string, CutVerdict>();
  const hide = (node: CutNode) => verdict.set(node.key, 'hidden');
  const isHidden = (node: CutNode) => verdict.get(node.key) === 'hidden';

  const walk = (node: CutNode, ancestors: number[]) => {
    if (node.n === 0) verdict.set(node.key, 'empty');
    else if (node.n < threshold || alsoHide.has(node.key)) hide(node);
    else if (ancestors.some((a) => a - node.n >= 1 && a - node.n <= threshold - 1)) hide(node);
    else verdict.set(node.key, 'shown');
    for (const child of node.children ?? []) walk(child, [...ancestors, node.n]);
  };
  walk(root, []);

  const parents: CutNode[] = [];
  const collect = (node: CutNode) => {
    if (node.children?.length) parents.push(node);
    for (const child of node.children ?? []) collect(child);
  };
  collect(root);

  for (let changed = true; changed; ) {
    changed = false;
    for (const parent of parents) {
      const kids = (parent.children ?? []).filter((c) => c.n > 0);
      const shownKids = () => kids.filter((c) => !isHidden(c)).sort((a, b) => a.n - b.n);
      const hiddenKids = () => kids.filter(isHidden);
      const needsMore = () => {
        const hidden = hiddenKids();
        const sum = hidden.reduce((s, c) => s + c.n, 0);
        if (hidden.length === 1) return true;
        if (sum > 0 && sum < threshold) return true;
        // A hidden parent must not be rebuilt from children that are all shown.
        const complete = kids.reduce((s, c) => s + c.n, 0) === parent.n;
        return hidden.length === 0 && isHidden(parent) && complete;
      };
      while (needsMore()) {
        const next = shownKids()[0];
        if (!next) break;
        hide(next);
        changed = true;
      }
    }
  }
  return verdict;
}
