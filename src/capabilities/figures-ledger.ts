// The adoption counts behind the choice figures, aggregated in SQL. Portable
// on purpose: times are ISO text compared as strings, and a team's state at
// an instant is its latest event strictly before it (a period's end is
// exclusive), so both engines run the same statements.

import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import type { ReasonCount } from './figures.ts';
import type { AdoptionState } from './model.ts';

const ONE = sql.lit(1);

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

/** The capabilities to count: these ids, or every capability in the catalog. */
export type CapabilityIds = readonly string[] | 'all';

export interface EligibleCounts {
  /** Active eligible teams. */
  eligible: number;
  /** …of which in `adopted` or `trial` at the period's end. */
  chosen: number;
  /** …of which in `adopted` at the period's end. */
  adopted: number;
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

/** Both kinds of counts of one capability, from one pass over the events. */
export interface ChoiceCounts {
  eligible: EligibleCounts;
  stayChurn: StayChurnCounts;
}

const ZERO = sql.lit(0);
const countWhen = (when: Expression<SqlBool>) =>
  sql<number>`count(case when ${when} then ${ONE} end)`;
const FOUR = sql.lit(4);
/** A state as a code below 4: what the figures tell apart at an instant. */
const CODE = { other: 0, trial: 1, adopted: 2 } as const;

/**
 * The grouped pass over the events before the period's end (or start): one
 * row per active team and capability with such an event. Its state at an
 * instant is that of the event with the highest `seq` among those before it,
 * as in `stateBefore`, read in the same pass: `seq` is unique per team and
 * capability, so max(seq × 4 + code) belongs to that event and its remainder
 * by 4 is the event's state code (null: no event yet, `none`).
 *
 * The WITH list is RECURSIVE for the eligibility CTE added after this one:
 * kysely takes the keyword from the first CTE, and it covers the whole list.
 */
function withMarks(db: Db, period: Period, ids: readonly string[] | null) {
  // The later instant (ISO text, so no Math.max): a period ends after it
  // starts, but the state at its start must not depend on that.
  const horizon = [period.start, period.end].sort()[1]!;
  return db.withRecursive('marks', (qc) => {
    let q = qc
      .selectFrom('adoption_events as a')
      .innerJoin('teams as t', 't.id', 'a.team_id')
      .where('t.inactive_since', 'is', null)
      .where('a.at', '<', horizon);
    if (ids) q = q.where('a.capability_id', 'in', ids);
    return q.groupBy(['a.capability_id', 'a.team_id']).select((eb) => {
      const code = eb
        .case()
        .when('a.to_state', '=', 'adopted' satisfies AdoptionState)
        .then(sql.lit(CODE.adopted))
        .when('a.to_state', '=', 'trial' satisfies AdoptionState)
        .then(sql.lit(CODE.trial))
        .else(sql.lit(CODE.other))
        .end();
      const stateBefore = (at: string) =>
        sql<number | null>`${eb.fn.max(
          eb
            .case()
            .when('a.at', '<', at)
            .then(sql<number>`${eb.ref('a.seq')} * ${FOUR} + ${code}`)
            .end(),
        )} % ${FOUR}`;
      const any = (when: Expression<SqlBool>) =>
        eb.fn.max(eb.case().when(when).then(ONE).else(ZERO).end());
      return [
        'a.capability_id',
        'a.team_id',
        stateBefore(period.start).as('at_start'),
        stateBefore(period.end).as('at_end'),
        any(eb.and([eb('a.to_state', '=', 'adopted'), eb('a.at', '<', period.end)])).as(
          'ever_adopted',
        ),
        any(
          // Churn counts the teams of the base (adopted at the start) that left,
          // so it stays a share of that base and never passes 100 %.
          eb.and([
            eb('a.from_state', '=', 'adopted'),
            eb('a.to_state', '=', 'left'),
            eb('a.at', '>=', period.start),
            eb('a.at', '<', period.end),
          ]),
        ).as('left_inside'),
      ];
    });
  });
}

/**
 * Per capability: rows `over = 'active'` count every active team with events;
 * rows `over = 'listed'` exist for each capability with listed teams and count
 * its active eligible teams — those listed and every team below them. UNION
 * (not UNION ALL) ends the recursion even if imported parents form a cycle.
 */
function countsQuery(db: Db, period: Period, ids: readonly string[] | null) {
  return withMarks(db, period, ids)
    .withRecursive('listed(capability_id, id)', (qc) => {
      let q = qc
        .selectFrom('capability_eligible_teams as x')
        .select(['x.capability_id', 'x.team_id as id']);
      if (ids) q = q.where('x.capability_id', 'in', ids);
      return q.union((eb) =>
        eb
          .selectFrom('teams as c')
          .innerJoin('listed', 'listed.id', 'c.parent_id')
          .select(['listed.capability_id', 'c.id']),
      );
    })
    .selectFrom('marks as m')
    .groupBy('m.capability_id')
    .select((eb) => [
      sql.lit('active').as('over'),
      'm.capability_id',
      sql<number | null>`null`.as('eligible'),
      countWhen(eb('m.at_end', 'in', [CODE.adopted, CODE.trial])).as('chosen'),
      countWhen(eb('m.at_end', '=', CODE.adopted)).as('adopted'),
      countWhen(eb('m.ever_adopted', '=', 1)).as('ever_adopted'),
      countWhen(eb('m.at_start', '=', CODE.adopted)).as('adopted_at_start'),
      countWhen(eb.and([eb('m.at_start', '=', CODE.adopted), eb('m.left_inside', '=', 1)])).as(
        'churned',
      ),
    ])
    .unionAll((eb) =>
      eb
        .selectFrom('listed as l')
        .leftJoin('teams as t', (j) =>
          j.onRef('t.id', '=', 'l.id').on('t.inactive_since', 'is', null),
        )
        .leftJoin('marks as m', (j) =>
          j.onRef('m.capability_id', '=', 'l.capability_id').onRef('m.team_id', '=', 't.id'),
        )
        .groupBy('l.capability_id')
        .select((eb) => [
          sql.lit('listed').as('over'),
          'l.capability_id',
          eb.fn.count<number>('t.id').as('eligible'),
          countWhen(eb('m.at_end', 'in', [CODE.adopted, CODE.trial])).as('chosen'),
          countWhen(eb('m.at_end', '=', CODE.adopted)).as('adopted'),
          sql<number>`0`.as('ever_adopted'),
          sql<number>`0`.as('adopted_at_start'),
          sql<number>`0`.as('churned'),
        ]),
    );
}

/** The ids asked for, or every capability's. */
async function resolveIds(db: Db, ids: CapabilityIds): Promise<readonly string[]> {
  if (ids !== 'all') return ids;
  const rows = await db.selectFrom('capabilities').select('id').execute();
  return rows.map((r) => r.id);
}

/**
 * The eligibility and stay/churn counts of several capabilities (or all) for
 * one period, from one pass over the events: two statements (three for
 * `'all'`) however many capabilities. Eligible teams are those listed and
 * every team below them, or every active team when none is listed; only
 * active teams count.
 * @example const counts = await choiceCountsFor(db, parsePeriod('2026-Q3'), 'all')
 */
export async function choiceCountsFor(
  db: Db,
  period: Period,
  capabilityIds: CapabilityIds,
): Promise<Map<string, ChoiceCounts>> {
  const filter = capabilityIds === 'all' ? null : capabilityIds;
  if (filter?.length === 0) return new Map();
  const [ids, rows, active] = await Promise.all([
    resolveIds(db, capabilityIds),
    countsQuery(db, period, filter).execute(),
    db
      .selectFrom('teams')
      .where('inactive_since', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const overActive = new Map(
    rows.filter((r) => r.over === 'active').map((r) => [r.capability_id, r]),
  );
  const overListed = new Map(
    rows.filter((r) => r.over === 'listed').map((r) => [r.capability_id, r]),
  );
  return new Map(
    ids.map((id) => {
      const all = overActive.get(id);
      const listed = overListed.get(id);
      return [
        id,
        {
          eligible: {
            eligible: Number(listed ? listed.eligible : active.n),
            chosen: Number((listed ?? all)?.chosen ?? 0),
            adopted: Number((listed ?? all)?.adopted ?? 0),
          },
          stayChurn: {
            everAdopted: Number(all?.ever_adopted ?? 0),
            adoptedAtEnd: Number(all?.adopted ?? 0),
            adoptedAtStart: Number(all?.adopted_at_start ?? 0),
            churned: Number(all?.churned ?? 0),
          },
        },
      ];
    }),
  );
}

/** Active eligible teams and how many of them use the capability at the period's end. */
export async function eligibleCounts(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<EligibleCounts> {
  return (await choiceCountsFor(db, period, [capabilityId])).get(capabilityId)!.eligible;
}

/** The counts behind the stay rate and churn, over every active team. */
export async function stayChurnCounts(
  db: Db,
  capabilityId: string,
  period: Period,
): Promise<StayChurnCounts> {
  return (await choiceCountsFor(db, period, [capabilityId])).get(capabilityId)!.stayChurn;
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
