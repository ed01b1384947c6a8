// Monthly cohort retention (shared/METRICS.md): a team's cohort is the month
// of its first adoption; it is retained at month m when it is `adopted` at the
// end of month cohort + m. Counts come from SQL; the month arithmetic (which
// instants to look at) is done here on the fetched period bounds.

import { sql } from 'kysely';
import { chunk } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { addMonths, type Period } from '../core/period.ts';
import { rate } from '../core/stats.ts';
import type { Cohort } from './figures.ts';
import { stateBefore } from './figures-ledger.ts';

/** Retention is followed for at most this many months after the cohort month. */
export const COHORT_MONTHS = 12;

// A checkpoint table is a UNION ALL of one-row selects; this keeps each
// statement well under SQLite's 500-term compound limit.
const CHECKPOINTS_PER_QUERY = 100;

/** The first instant of `YYYY-MM`, as paved stores times. */
function monthStart(month: string): string {
  return `${month}-01T00:00:00.000Z`;
}

/** Each active team's first adoption before the period's end. */
function firstAdoptions(db: Db, capabilityId: string, period: Period) {
  return db
    .selectFrom('adoption_events as e')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .where('t.inactive_since', 'is', null)
    .where('e.capability_id', '=', capabilityId)
    .where('e.to_state', '=', 'adopted')
    .where('e.at', '<', period.end)
    .groupBy('e.team_id')
    .select((eb) => ['e.team_id', eb.fn.min('e.at').as('first_at')]);
}

// A literal (not a parameter) so PostgreSQL matches the grouped expression.
const cohortMonth = sql<string>`substr(f.first_at, 1, 7)`;

/**
 * The cohorts up to the period's end, oldest first. A cohort smaller than `k`
 * is returned hidden, without its size or figures. Month m is followed while
 * its end falls within the period (and m ≤ 12); a month not complete by `now`
 * is null.
 */
export async function cohortRetention(
  db: Db,
  capabilityId: string,
  period: Period,
  opts: { k: number; now: string },
): Promise<Cohort[]> {
  const sizes = await db
    .selectFrom(firstAdoptions(db, capabilityId, period).as('f'))
    .groupBy(cohortMonth)
    .select((eb) => [cohortMonth.as('month'), eb.fn.countAll().as('n')])
    .orderBy(cohortMonth)
    .execute();

  // The instants to look at: the end of month cohort + m, i.e. the start of cohort + m + 1.
  const wanted: { month: string; at: string }[] = [];
  const plans = sizes.map(({ month, n }) => {
    const size = Number(n);
    const checks: string[] = [];
    if (size >= opts.k) {
      for (let m = 1; m <= COHORT_MONTHS; m++) {
        const at = monthStart(addMonths(month, m + 1));
        if (at > period.end) break;
        checks.push(at);
        if (at <= opts.now) wanted.push({ month, at });
      }
    }
    return { month, size, checks };
  });

  const retained = new Map<string, number>();
  for (const part of chunk(wanted, CHECKPOINTS_PER_QUERY)) {
    for (const r of await retainedCounts(db, capabilityId, period, part)) {
      retained.set(`${r.month} ${r.at}`, Number(r.n));
    }
  }

  return plans.map(({ month, size, checks }) =>
    size < opts.k
      ? { month, size: null, hidden: true, retained: [] }
      : {
          month,
          size,
          hidden: false,
          retained: checks.map((at) =>
            at > opts.now ? null : rate(retained.get(`${month} ${at}`) ?? 0, size),
          ),
        },
  );
}

/** For each (cohort month, instant): how many of the cohort's teams are `adopted` just before it. */
async function retainedCounts(
  db: Db,
  capabilityId: string,
  period: Period,
  checkpoints: { month: string; at: string }[],
) {
  // cast(… as text) gives the parameters a type on PostgreSQL and is a no-op on SQLite.
  const table = sql.join(
    checkpoints.map(
      (c) => sql`select cast(${c.month} as text) as month, cast(${c.at} as text) as at`,
    ),
    sql` union all `,
  );
  return (
    db
      // A raw CTE body is not parenthesised by Kysely, so it is here.
      .with('cp', () => sql<{ month: string; at: string }>`(${table})`)
      .selectFrom(firstAdoptions(db, capabilityId, period).as('f'))
      .innerJoin('cp', (j) => j.on(cohortMonth, '=', sql.ref('cp.month')))
      .where(
        stateBefore(db, capabilityId, sql.ref<string>('f.team_id'), sql.ref<string>('cp.at')),
        '=',
        'adopted',
      )
      .groupBy(['cp.month', 'cp.at'])
      .select((eb) => ['cp.month', 'cp.at', eb.fn.countAll().as('n')])
      .execute()
  );
}
