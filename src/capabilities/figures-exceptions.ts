// Exception figures of a capability: requests per status, and how long
// deciding them took (shared/METRICS.md, "Responsiveness").

import { sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import { median, quantile } from '../core/stats.ts';
import { EXCEPTION_STATUSES } from './model.ts';

const DAY_MS = 86_400_000;

export interface ExceptionFigures {
  /** Every status, 0 when none; all requests of the capability, by their current status. */
  byStatus: Record<string, number>;
  /** Days from request to decision, for requests decided in the period. */
  decisionDays: { median: number | null; p90: number | null; n: number };
}

/**
 * Requests per status, all time, of each capability asked for (every status
 * present, 0 when none): one statement however many capabilities.
 */
export async function exceptionCountsFor(
  db: Db,
  capabilityIds: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(
    capabilityIds.map((id) => [id, Object.fromEntries(EXCEPTION_STATUSES.map((s) => [s, 0]))]),
  );
  if (capabilityIds.length === 0) return out;
  const counts = await db
    .selectFrom('exceptions')
    .where('capability_id', 'in', capabilityIds)
    .groupBy(['capability_id', 'status'])
    .select((eb) => ['capability_id', 'status', eb.fn.countAll().as('n')])
    .execute();
  for (const r of counts) out.get(r.capability_id)![r.status] = Number(r.n);
  return out;
}

/** Counts per status (all time) and decision times (requests decided in the period). */
export async function exceptionFigures(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<ExceptionFigures> {
  const byStatus = (await exceptionCountsFor(db, [capabilityId])).get(capabilityId)!;

  // When a request was decided. Ending an approved exception (expiry,
  // revocation) rewrites `decided_at`, so the decision log's latest
  // `exception.decided` entry is preferred; `decided_at` stands in for
  // requests without one.
  const decidedAt = sql<string | null>`coalesce(
    (select max(d.at) from decisions d
      where d.subject_type = ${sql.lit('exception')} and d.subject_id = x.id
        and d.kind = ${sql.lit('exception.decided')}),
    x.decided_at)`;
  const rows = await db
    .selectFrom(
      db
        .selectFrom('exceptions as x')
        .where('x.capability_id', '=', capabilityId)
        .select(['x.created_at', decidedAt.as('decided_at')])
        .as('q'),
    )
    .where('q.decided_at', '>=', period.start)
    .where('q.decided_at', '<', period.end)
    .select(['q.created_at', 'q.decided_at'])
    .execute();
  const days = rows.map(
    (r) => (Date.parse(r.decided_at as string) - Date.parse(r.created_at)) / DAY_MS,
  );
  return {
    byStatus,
    decisionDays: {
      median: round1(median(days)),
      p90: round1(quantile(days, 0.9)),
      n: days.length,
    },
  };
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
