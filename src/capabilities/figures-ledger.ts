// The adoption counts behind the choice figures, aggregated in SQL. Portable
// on purpose: times are ISO text compared as strings, and a team's state at
// an instant is its latest event strictly before it (a period's end is
// exclusive), so both engines run the same statements.

import { type Expression, sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import type { ReasonCount } from './figures.ts';
import type { AdoptionState } from './model.ts';

const ONE = sql.lit(1);
const teamId = sql.ref<string>('t.id');

/**
 * A team's state for a capability just before `at` (a scalar subquery; NULL,
 * meaning `none`, when the team has no earlier event).
 */
export function stateBefore(
  db: Db,
  capabilityId: string,
  team: Expression<string>,
  at: string | Expression<string>,
) {
  return db
    .selectFrom('adoption_events as s')
    .select('s.to_state')
    .where('s.capability_id', '=', capabilityId)
    .where('s.team_id', '=', team)
    .where('s.at', '<', at)
    .orderBy('s.seq', 'desc')
    .limit(1);
}

/**
 * Teams offered the capability: those listed and every team below them, or
 * all teams when none is listed. UNION (not UNION ALL) ends the recursion
 * even if imported parents form a cycle.
 */
function withEligible(db: Db, capabilityId: string) {
  return db.withRecursive('listed(id)', (qc) =>
    qc
      .selectFrom('capability_eligible_teams')
      .select('team_id as id')
      .where('capability_id', '=', capabilityId)
      .union((eb) =>
        eb.selectFrom('teams as c').innerJoin('listed', 'listed.id', 'c.parent_id').select('c.id'),
      ),
  );
}

export interface EligibleCounts {
  /** Active eligible teams. */
  eligible: number;
  /** …of which in `adopted` or `trial` at the period's end. */
  chosen: number;
  /** …of which in `adopted` at the period's end. */
  adopted: number;
}

/** Active eligible teams and how many of them use the capability at the period's end. */
export async function eligibleCounts(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<EligibleCounts> {
  const row = await withEligible(db, capabilityId)
    .selectFrom('teams as t')
    .where('t.inactive_since', 'is', null)
    .where((eb) =>
      eb.or([
        eb.not(
          eb.exists(
            eb
              .selectFrom('capability_eligible_teams as x')
              .select('x.team_id')
              .where('x.capability_id', '=', capabilityId),
          ),
        ),
        eb('t.id', 'in', eb.selectFrom('listed').select('listed.id')),
      ]),
    )
    .select((eb) => {
      const atEnd = stateBefore(db, capabilityId, teamId, period.end);
      return [
        eb.fn.countAll().as('eligible'),
        eb.fn
          .count(
            eb
              .case()
              .when(atEnd, 'in', ['adopted', 'trial'] satisfies AdoptionState[])
              .then(ONE)
              .end(),
          )
          .as('chosen'),
        eb.fn
          .count(
            eb
              .case()
              .when(atEnd, '=', 'adopted' satisfies AdoptionState)
              .then(ONE)
              .end(),
          )
          .as('adopted'),
      ];
    })
    .executeTakeFirstOrThrow();
  return {
    eligible: Number(row.eligible),
    chosen: Number(row.chosen),
    adopted: Number(row.adopted),
  };
}

export interface StayChurnCounts {
  /** Active teams (eligible or not) with an event to `adopted` before the period's end. */
  everAdopted: number;
  /** Active teams in `adopted` at the period's end (all of them are in `everAdopted`). */
  adoptedAtEnd: number;
  /** Active teams in `adopted` at the period's start. */
  adoptedAtStart: number;
  /** Active teams adopted at the period's start with an `adopted → left` event inside it. */
  churned: number;
}

// A no-op on the event time: without it SQLite answers "has this team an
// event before…" by walking the (capability, at) index through every event of
// the capability, once per team (~0.4 s a capability for 1,000 teams), rather
// than the team's own few events by the (capability, team, seq) key (~3 ms).
const eventAt = sql<string>`coalesce(a.at, '')`;

/** The counts behind the stay rate and churn, over every active team. */
export async function stayChurnCounts(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<StayChurnCounts> {
  const events = () =>
    db
      .selectFrom('adoption_events as a')
      .select('a.id')
      .where('a.capability_id', '=', capabilityId)
      .where('a.team_id', '=', teamId);
  const row = await db
    .selectFrom('teams as t')
    .where('t.inactive_since', 'is', null)
    .select((eb) => [
      eb.fn
        .count(
          eb
            .case()
            .when(
              eb.exists(
                events().where('a.to_state', '=', 'adopted').where(eventAt, '<', period.end),
              ),
            )
            .then(ONE)
            .end(),
        )
        .as('everAdopted'),
      eb.fn
        .count(
          eb
            .case()
            .when(stateBefore(db, capabilityId, teamId, period.end), '=', 'adopted')
            .then(ONE)
            .end(),
        )
        .as('adoptedAtEnd'),
      eb.fn
        .count(
          eb
            .case()
            .when(stateBefore(db, capabilityId, teamId, period.start), '=', 'adopted')
            .then(ONE)
            .end(),
        )
        .as('adoptedAtStart'),
      eb.fn
        .count(
          eb
            .case()
            .when(
              // Churn counts the teams of the base (adopted at the start) that left,
              // so it stays a share of that base and never passes 100 %.
              eb.and([
                eb(stateBefore(db, capabilityId, teamId, period.start), '=', 'adopted'),
                eb.exists(
                  events()
                    .where('a.from_state', '=', 'adopted')
                    .where('a.to_state', '=', 'left')
                    .where(eventAt, '>=', period.start)
                    .where(eventAt, '<', period.end),
                ),
              ]),
            )
            .then(ONE)
            .end(),
        )
        .as('churned'),
    ])
    .executeTakeFirstOrThrow();
  return {
    everAdopted: Number(row.everAdopted),
    adoptedAtEnd: Number(row.adoptedAtEnd),
    adoptedAtStart: Number(row.adoptedAtStart),
    churned: Number(row.churned),
  };
}

/** The key and label that stand for an event without a reason. */
export const UNSPECIFIED_REASON = { key: 'unspecified', label: 'No reason given' } as const;

/**
 * Events to `left` or `opted-out` inside the period, by state and reason
 * (active teams only, like every other figure); most frequent first.
 */
export async function reasonCounts(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<ReasonCount[]> {
  const reason = sql<string>`coalesce(e.reason, ${sql.lit(UNSPECIFIED_REASON.key)})`;
  const label = sql<string>`coalesce(r.label, e.reason, ${sql.lit(UNSPECIFIED_REASON.label)})`;
  const rows = await db
    .selectFrom('adoption_events as e')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .leftJoin('adoption_reasons as r', 'r.key', 'e.reason')
    .where('t.inactive_since', 'is', null)
    .where('e.capability_id', '=', capabilityId)
    .where('e.to_state', 'in', ['left', 'opted-out'] satisfies AdoptionState[])
    .where('e.at', '>=', period.start)
    .where('e.at', '<', period.end)
    // Literals, not parameters, so PostgreSQL sees the grouped expressions as the selected ones.
    .groupBy(['e.to_state', reason, label])
    .select((eb) => [
      'e.to_state as state',
      reason.as('reason'),
      label.as('label'),
      eb.fn.countAll().as('n'),
    ])
    .execute();
  return rows
    .map((r) => ({
      state: r.state as ReasonCount['state'],
      reason: r.reason,
      label: r.label,
      count: Number(r.n),
    }))
    .sort(
      (a, b) =>
        a.state.localeCompare(b.state) || b.count - a.count || a.reason.localeCompare(b.reason),
    );
}
