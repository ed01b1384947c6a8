// Monthly hire cohorts with the merge rule of shared/METRICS.md ("Onboarding"):
// a month with fewer than k hires is merged into the next one, until the group
// has k; a last group that never reaches k is shown only as "fewer than k hires".

/** One group of hire months; `hidden` groups show no figure at all. */
export interface HireGroup<T> {
  /** First and last month of the group, YYYY-MM. */
  from: string;
  to: string;
  /** The months with hires in the group, oldest first. */
  months: string[];
  members: T[];
  hidden: boolean;
}

/**
 * Groups hires by month, oldest first, merging small months forward.
 * @example mergeHireCohorts([{ month: '2026-01', members: [a, b] }, { month: '2026-02', members: [c, d, e] }], 5)
 *   // one group 2026-01 to 2026-02 with five hires
 */
export function mergeHireCohorts<T>(
  byMonth: readonly { month: string; members: readonly T[] }[],
  k: number,
): HireGroup<T>[] {
  const months = [...byMonth]
    .filter((m) => m.members.length > 0)
    .sort((a, b) => a.month.localeCompare(b.month));
  const groups: HireGroup<T>[] = [];
  let open: HireGroup<T> | null = null;
  for (const { month, members } of months) {
    open ??= { from: month, to: month, months: [], members: [], hidden: true };
    open.to = month;
    open.months.push(month);
    open.members.push(...members);
    if (open.members.length >= k) {
      groups.push({ ...open, hidden: false });
      open = null;
    }
  }
  if (open) groups.push(open);
  return groups;
}

/** Hires by the month of their start date (YYYY-MM-DD or ISO time). */
export function byStartMonth<T extends { startDate: string }>(
  people: readonly T[],
): { month: string; members: T[] }[] {
  const map = new Map<string, T[]>();
  for (const p of people) {
    const month = p.startDate.slice(0, 7);
    const list = map.get(month);
    if (list) list.push(p);
    else map.set(month, [p]);
  }
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, members]) => ({ month, members }));
}
