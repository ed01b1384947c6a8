// Office-hours figures: per capability, how many topics teams brought, the
// share solved on the spot (with its Wilson interval), feedback filed and
// docs gaps. A pure tally over topics, and its loader for a period.

import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import { type Interval, wilson } from '../core/stats.ts';
import { type NamedRef, type Outcome, periodDays } from './model.ts';

/** One topic as the figures count it. */
export interface TopicFact {
  capability: NamedRef | null;
  outcome: Outcome;
}

/** Solved on the spot: a share of topics with its 95% Wilson interval (percentages). */
export interface SolvedShare {
  /** Percentage, or null when there were no topics ("no data", never 0). */
  value: number | null;
  count: number;
  n: number;
  interval: Interval | null;
}

export interface OutcomeTally {
  topics: number;
  solved: SolvedShare;
  feedbackFiled: number;
  docsGaps: number;
}

export interface CapabilityTally extends OutcomeTally {
  /** Null for topics about the platform as a whole. */
  capability: NamedRef | null;
}

export interface OfficeHoursFigures {
  period: Period;
  sessions: number;
  /** Sessions in which nobody brought a topic. */
  quietSessions: number;
  all: OutcomeTally;
  /** Most topics first; topics without a capability last. */
  byCapability: CapabilityTally[];
}

/** Solved on the spot out of n topics. */
export function solvedShare(count: number, n: number): SolvedShare {
  return { value: n === 0 ? null : (100 * count) / n, count, n, interval: wilson(count, n) };
}

function tally(topics: readonly TopicFact[]): OutcomeTally {
  let solved = 0;
  let feedbackFiled = 0;
  let docsGaps = 0;
  for (const t of topics) {
    if (t.outcome === 'solved') solved++;
    else if (t.outcome === 'feedback-filed') feedbackFiled++;
    else docsGaps++;
  }
  return {
    topics: topics.length,
    solved: solvedShare(solved, topics.length),
    feedbackFiled,
    docsGaps,
  };
}

/**
 * Counts topics overall and per capability. Capabilities are ordered by
 * topics (most first), then name; topics about no capability come last.
 */
export function tallyTopics(topics: readonly TopicFact[]): {
  all: OutcomeTally;
  byCapability: CapabilityTally[];
} {
  const groups = new Map<string, { capability: NamedRef | null; topics: TopicFact[] }>();
  for (const t of topics) {
    const key = t.capability?.id ?? '';
    const group = groups.get(key) ?? { capability: t.capability, topics: [] };
    group.topics.push(t);
    groups.set(key, group);
  }
  const byCapability = [...groups.values()]
    .map((g) => ({ capability: g.capability, ...tally(g.topics) }))
    .sort(
      (a, b) =>
        Number(a.capability === null) - Number(b.capability === null) ||
        b.topics - a.topics ||
        (a.capability?.name ?? '').localeCompare(b.capability?.name ?? ''),
    );
  return { all: tally(topics), byCapability };
}

/** The office-hours figures of sessions held in a period. */
export async function officeHoursFigures(db: Db, period: Period): Promise<OfficeHoursFigures> {
  const [from, to] = periodDays(period);
  const sessions = await db
    .selectFrom('office_hours_sessions as s')
    .leftJoin('office_hours_topics as t', 't.session_id', 's.id')
    .select((eb) => ['s.id', eb.fn.count<number>('t.id').as('topics')])
    .where('s.held_on', '>=', from)
    .where('s.held_on', '<', to)
    .groupBy('s.id')
    .execute();
  const rows = await db
    .selectFrom('office_hours_topics as t')
    .innerJoin('office_hours_sessions as s', 's.id', 't.session_id')
    .leftJoin('capabilities as c', 'c.id', 't.capability_id')
    .select(['t.outcome', 'c.id as capId', 'c.slug as capSlug', 'c.name as capName'])
    .where('s.held_on', '>=', from)
    .where('s.held_on', '<', to)
    .execute();
  const facts: TopicFact[] = rows.map((r) => ({
    outcome: r.outcome as Outcome,
    capability: r.capId ? { id: r.capId, slug: r.capSlug!, name: r.capName! } : null,
  }));
  return {
    period,
    sessions: sessions.length,
    quietSessions: sessions.filter((s) => Number(s.topics) === 0).length,
    ...tallyTopics(facts),
  };
}
