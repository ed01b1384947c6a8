// What the platform team did in a quarter and what comes next, read from the
// areas' own stores: the changelog ("you said, we did"), roadmap changes with
// their rationale, the decision log, the most voted feedback, and the
// roadmap's now and next columns. Each part is a handful of queries whatever
// the size of the organisation.

import type { Capability, Decision } from '../capabilities/model.ts';
import { listDecisions } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { encodeCursor, type Page } from '../core/db/paging.ts';
import type { Period } from '../core/period.ts';
import { getItems } from '../feedback/store.ts';
import { listEntries } from '../roadmap/changelog.ts';
import { linkedFeedback } from '../roadmap/linked.ts';
import { type ChangelogEntry, ROADMAP_STATUSES, type RoadmapItem } from '../roadmap/model.ts';
import { itemsIn } from '../roadmap/store.ts';
import { summarize } from '../roadmap/views.ts';
import type { Report } from './report-schema.ts';

type Refs = Map<string, { slug: string; name: string }>;

/** Capability id → its slug and name, for every part that names one. */
export function capabilityRefs(capabilities: readonly Capability[]): Refs {
  return new Map(capabilities.map((c) => [c.id, { slug: c.slug, name: c.name }]));
}

const refOf = (refs: Refs, id: string | null) => (id ? (refs.get(id) ?? null) : null);
const inPeriod = (iso: string | null, period: Period) =>
  iso !== null && iso >= period.start && iso < period.end;

/** How many of the quarter's decisions the report lists (the total is always given). */
export const DECISIONS_LISTED = 50;
/** How many of the quarter's most voted feedback items the report lists. */
export const TOP_FEEDBACK = 5;

const PAGE = 200;

/**
 * Every row of a newest-first list keyed by (time, id) that falls in the
 * period, read page by page from the period's end until the rows are older.
 */
async function newestFirstIn<T>(
  period: Period,
  fetch: (cursor: string) => Promise<Page<T>>,
  timeOf: (row: T) => string,
): Promise<T[]> {
  const out: T[] = [];
  // A cursor at the period's end with the smallest id: the rows strictly before it.
  let cursor: string | null = encodeCursor([period.end, '']);
  while (cursor) {
    const page: Page<T> = await fetch(cursor);
    for (const row of page.items) {
      if (timeOf(row) < period.start) return out;
      out.push(row);
    }
    cursor = page.nextCursor;
  }
  return out;
}

/** The changelog entries published in the quarter, each with the feedback it answers. */
export async function changelogIn(
  db: Db,
  period: Period,
  refs: Refs,
): Promise<Report['whatWeDid']['changelog']> {
  const entries = await newestFirstIn<ChangelogEntry>(
    period,
    (cursor) => listEntries(db, { limit: PAGE, cursor }),
    (e) => e.publishedAt,
  );
  const feedback = new Map(
    (await linkedFeedback(db, [...new Set(entries.flatMap((e) => e.feedbackIds))])).map((f) => [
      f.id,
      f,
    ]),
  );
  return entries.map((e) => ({
    id: e.id,
    title: e.title,
    publishedAt: e.publishedAt,
    breaking: e.breaking,
    effectiveOn: e.effectiveOn,
    capability: refOf(refs, e.capabilityId),
    roadmapItemId: e.roadmapItemId,
    feedback: e.feedbackIds.flatMap((id) => {
      const f = feedback.get(id);
      return f
        ? [{ id: f.id, title: f.title, status: f.status, votes: f.votes, mergedInto: f.mergedInto }]
        : [];
    }),
  }));
}

/** The latest thing that happened to a roadmap item within the quarter, if anything did. */
function changeIn(
  item: RoadmapItem,
  period: Period,
): { change: 'added' | 'decided' | 'shipped'; at: string } | null {
  if (inPeriod(item.shippedAt, period)) return { change: 'shipped', at: item.shippedAt! };
  if (inPeriod(item.decidedAt, period)) return { change: 'decided', at: item.decidedAt! };
  if (inPeriod(item.createdAt, period)) return { change: 'added', at: item.createdAt };
  return null;
}

/** Roadmap items added, decided or shipped in the quarter, with their rationale; newest first. */
export async function roadmapChangesIn(
  db: Db,
  period: Period,
  refs: Refs,
): Promise<Report['whatWeDid']['roadmapChanges']> {
  const items = await itemsIn(db, [...ROADMAP_STATUSES]);
  return items
    .flatMap((item) => {
      const change = changeIn(item, period);
      return change ? [{ item, ...change }] : [];
    })
    .sort((a, b) => (a.at === b.at ? (a.item.id < b.item.id ? 1 : -1) : a.at < b.at ? 1 : -1))
    .map(({ item, change, at }) => ({
      id: item.id,
      title: item.title,
      change,
      at,
      status: item.status,
      horizon: item.horizon,
      driver: item.driver,
      rationale: item.rationale,
      decisionRationale: item.decisionRationale,
      capability: refOf(refs, item.capabilityId),
    }));
}

/** The decision log of the quarter: how many, and the newest few with their rationale. */
export async function decisionsIn(
  db: Db,
  period: Period,
  refs: Refs,
): Promise<Report['whatWeDid']['decisions']> {
  const decisions = await newestFirstIn<Decision>(
    period,
    (cursor) => listDecisions(db, { limit: PAGE, cursor }),
    (d) => d.at,
  );
  return {
    total: decisions.length,
    items: decisions.slice(0, DECISIONS_LISTED).map((d) => ({
      id: d.id,
      kind: d.kind,
      category: d.category,
      summary: d.summary,
      rationale: d.rationale,
      deciderName: d.deciderName,
      at: d.at,
      capability: refOf(refs, d.capabilityId),
    })),
  };
}

/**
 * The quarter's most voted feedback: items posted in it (merged duplicates
 * left out, their votes already moved), most votes first. The ranking query
 * picks the ids; the votes shown are the feedback store's own count.
 */
export async function topFeedbackIn(
  db: Db,
  period: Period,
): Promise<Report['developersSaid']['topFeedback']> {
  const ranked = await db
    .selectFrom('feedback_items as i')
    .innerJoin('feedback_votes as v', 'v.item_id', 'i.id')
    .select(['i.id', 'i.created_at', db.fn.countAll<number>().as('votes')])
    .where('i.created_at', '>=', period.start)
    .where('i.created_at', '<', period.end)
    .where('i.status', '!=', 'duplicate')
    .groupBy(['i.id', 'i.created_at'])
    .orderBy('votes', 'desc')
    .orderBy('i.created_at')
    .orderBy('i.id')
    .limit(TOP_FEEDBACK)
    .execute();
  const items = new Map(
    (
      await getItems(
        db,
        ranked.map((r) => r.id),
      )
    ).map((i) => [i.id, i]),
  );
  return ranked.flatMap((r) => {
    const item = items.get(r.id);
    if (!item) return [];
    return [
      {
        id: item.id,
        title: item.title,
        kind: item.kind,
        status: item.status,
        votes: item.votes,
        capability: item.capability
          ? { slug: item.capability.slug, name: item.capability.name }
          : null,
        createdAt: item.createdAt,
      },
    ];
  });
}

/** The roadmap's now and next columns (still open), now first, most voters first. */
export async function whatIsNext(db: Db, refs: Refs): Promise<Report['next']> {
  const open = (await itemsIn(db, ['proposed', 'planned', 'in-progress'])).filter(
    (i) => i.horizon === 'now' || i.horizon === 'next',
  );
  const summaries = await summarize(db, open);
  return summaries
    .sort(
      (a, b) =>
        (a.item.horizon === b.item.horizon ? 0 : a.item.horizon === 'now' ? -1 : 1) ||
        b.voters - a.voters ||
        (a.item.title < b.item.title ? -1 : a.item.title > b.item.title ? 1 : 0),
    )
    .map((s) => ({
      id: s.item.id,
      title: s.item.title,
      horizon: s.item.horizon as 'now' | 'next',
      status: s.item.status,
      driver: s.item.driver,
      rationale: s.item.rationale,
      capability: refOf(refs, s.item.capabilityId),
      voters: s.voters,
    }));
}
