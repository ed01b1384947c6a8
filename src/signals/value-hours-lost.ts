// Hours lost per week, from closed surveys, as a value outcome: each team's
// 10% trimmed mean of its answers per survey period, read through the surveys
// area's results (so a team shows only where its cut may be shown: at least k
// answers, and the remainder and complementary rules). Self-reported, so an
// upper bound beside the measured outcomes (shared/METRICS.md).

import type { Db } from '../core/db/index.ts';
import { parsePeriod } from '../core/period.ts';
import { surveyResults } from '../surveys/results.ts';
import { surveysIn } from '../surveys/store.ts';

/** `YYYY-Qn` or an ISO time as a whole number of quarters. */
export function quarterIndex(iso: string): number {
  const q = /^(\d{4})-Q([1-4])$/.exec(iso);
  if (q) return Number(q[1]) * 4 + Number(q[2]) - 1;
  return Number(iso.slice(0, 4)) * 4 + Math.floor((Number(iso.slice(5, 7)) - 1) / 3);
}

/** `YYYY-Qn` of a quarter index. */
export function quarterKey(index: number): string {
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/**
 * Hours lost per developer and week, per team id and quarter index, from
 * every closed survey; two surveys in one quarter are averaged.
 */
export async function hoursLostByTeam(db: Db): Promise<Map<string, Map<number, number>>> {
  const sums = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const survey of await surveysIn(db, ['closed'])) {
    const quarter = quarterIndex(parsePeriod(survey.period).start);
    const results = await surveyResults(db, survey.id, 'team');
    // A team's own people only: a team with sub-teams counts through its
    // "members not in a sub-team" cut, so no answer counts for two teams.
    const parents = new Set(results.cuts.filter((c) => c.kind === 'team').map((c) => c.parent));
    for (const cut of results.cuts) {
      const own = (cut.kind === 'team' && !parents.has(cut.key)) || cut.kind === 'rest';
      if (!own || cut.hoursLost.status !== 'shown') continue;
      const value = cut.hoursLost.trimmedMean;
      if (value === null) continue;
      const teamId = cut.key.slice(cut.key.indexOf(':') + 1);
      const byQuarter = sums.get(teamId) ?? new Map<number, { sum: number; n: number }>();
      const cell = byQuarter.get(quarter) ?? { sum: 0, n: 0 };
      cell.sum += value;
      cell.n += 1;
      byQuarter.set(quarter, cell);
      sums.set(teamId, byQuarter);
    }
  }
  const out = new Map<string, Map<number, number>>();
  for (const [teamId, byQuarter] of sums) {
    out.set(teamId, new Map([...byQuarter].map(([q, c]) => [q, c.sum / c.n])));
  }
  return out;
}
