// Pulse results per capability: completed months only (the current month is
// never shown, so nobody sees one pulse arrive), each month and touchpoint a
// cut decided by core/privacy.ts: k for ratings, k_comment for comments.

import { getCapabilityBySlug } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { addMonths, monthOf, parsePeriod } from '../core/period.ts';
import { type CutNode, type CutVerdict, decideCuts } from '../core/privacy.ts';
import { mean, topBox } from '../core/stats.ts';
import { TOUCHPOINTS } from './model.ts';
import type { Figure, TopBox } from './results.ts';
import { pulseRows } from './store.ts';

export interface PulseCut {
  key: string;
  /** `YYYY-MM`, or null for the whole period. */
  month: string | null;
  /** A touchpoint, `unknown` when none was given, or null for the whole month. */
  touchpoint: string | null;
  status: CutVerdict;
  rating: Figure<TopBox>;
  /** Comments per month and for the period; null for touchpoint cuts. */
  comments: Figure<{ items: string[] }> | null;
}

export interface PulseResults {
  capability: { id: string; slug: string; name: string };
  period: string;
  /** The completed months of the period that are reported. */
  months: string[];
  k: number;
  kComment: number;
  /** The whole period first, then each month, each followed by its touchpoints. */
  cuts: PulseCut[];
}

function figure<T>(verdict: CutVerdict | undefined, value: () => T): Figure<T> {
  if (verdict === 'shown') return { status: 'shown', ...value() };
  return { status: verdict === 'empty' || verdict === undefined ? 'empty' : 'hidden' };
}

/**
 * The whole period: a single month is that month; several are shown only when
 * the months not shown add up to none or to at least the threshold, so the
 * period minus the months shown (in this or any other answer, or earlier while
 * the period was under way) never is a smaller group.
 */
function periodVerdict(
  root: CutNode,
  months: ReadonlyMap<string, CutVerdict>,
  threshold: number,
): CutVerdict {
  const kids = root.children ?? [];
  if (root.n === 0) return 'empty';
  if (kids.length === 1) return months.get(kids[0]!.key) ?? 'hidden';
  if (root.n < threshold) return 'hidden';
  const unseen = kids
    .filter((m) => m.n > 0 && months.get(m.key) !== 'shown')
    .reduce((sum, m) => sum + m.n, 0);
  return unseen === 0 || unseen >= threshold ? 'shown' : 'hidden';
}

/** Pulse results for a capability over a period (`YYYY-Qn` or `YYYY-MM`), completed months only. */
export async function pulseResults(
  db: Db,
  input: { capability: string; period: string; k: number; kComment: number; now?: Date },
): Promise<PulseResults> {
  const capability = await getCapabilityBySlug(db, input.capability);
  if (!capability) {
    throw InvalidInput.field('capability', `There is no capability "${input.capability}".`);
  }
  const period = parsePeriod(input.period);
  const current = monthOf((input.now ?? new Date()).toISOString());
  const months: string[] = [];
  for (let m = monthOf(period.start); m < monthOf(period.end) && m < current; m = addMonths(m, 1)) {
    months.push(m);
  }
  const rows =
    months.length === 0
      ? []
      : await pulseRows(db, capability.id, months[0]!, months[months.length - 1]!);
  const touchOf = (t: string | null) =>
    t && (TOUCHPOINTS as readonly string[]).includes(t) ? t : 'unknown';
  const keyOf = (month: string | null, touchpoint: string | null) =>
    month === null ? 'all' : touchpoint === null ? month : `${month}/${touchpoint}`;
  const inCut = (month: string | null, touchpoint: string | null) =>
    rows.filter(
      (r) =>
        (month === null || r.month === month) &&
        (touchpoint === null || touchOf(r.touchpoint) === touchpoint),
    );
  const root: CutNode = {
    key: 'all',
    n: rows.length,
    children: months.map((month) => ({
      key: month,
      n: inCut(month, null).length,
      children: [...TOUCHPOINTS, 'unknown'].map((t) => ({
        key: keyOf(month, t),
        n: inCut(month, t).length,
      })),
    })),
  };
  // Each month is decided on its own, never against the period asked for, so a
  // month reads the same in every period that holds it and no two answers subtract.
  const verdicts = new Map<string, CutVerdict>();
  const commentVerdicts = new Map<string, CutVerdict>();
  for (const month of root.children ?? []) {
    const own = decideCuts(month, input.k);
    for (const [key, v] of own) verdicts.set(key, v);
    const hidden = new Set([...own].filter(([, v]) => v === 'hidden').map(([key]) => key));
    for (const [key, v] of decideCuts(month, input.kComment, hidden)) commentVerdicts.set(key, v);
  }
  verdicts.set('all', periodVerdict(root, verdicts, input.k));
  commentVerdicts.set(
    'all',
    verdicts.get('all') === 'shown'
      ? periodVerdict(root, commentVerdicts, input.kComment)
      : verdicts.get('all')!,
  );
  const cut = (month: string | null, touchpoint: string | null): PulseCut => {
    const key = keyOf(month, touchpoint);
    const mine = inCut(month, touchpoint);
    const ratings = mine.map((r) => r.rating);
    return {
      key,
      month,
      touchpoint,
      status: verdicts.get(key) ?? 'empty',
      rating: figure(verdicts.get(key), () => ({ ...topBox(ratings, 4), mean: mean(ratings) })),
      // Comments only for whole months (and the period), never per touchpoint.
      comments:
        touchpoint === null
          ? figure(commentVerdicts.get(key), () => ({
              items: mine
                .flatMap((r) => (r.comment ? [r.comment] : []))
                .sort((a, b) => a.localeCompare(b)),
            }))
          : null,
    };
  };
  const cuts: PulseCut[] = [cut(null, null)];
  for (const month of months) {
    cuts.push(cut(month, null));
    for (const t of [...TOUCHPOINTS, 'unknown']) {
      const c = cut(month, t);
      if (c.status !== 'empty') cuts.push(c);
    }
  }
  return {
    capability: { id: capability.id, slug: capability.slug, name: capability.name },
    period: period.key,
    months,
    k: input.k,
    kComment: input.kComment,
    cuts,
  };
}
