// What the API, the pages and the feeds show of roadmap items: each item with
// its linked feedback, distinct voters and comment counts, read in batches.

import { getCapabilityById, getCategory, listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { entryForItem } from './changelog.ts';
import {
  distinctVoters,
  distinctVotersByItem,
  type LinkedFeedback,
  linkedFeedback,
} from './linked.ts';
import {
  type ChangelogEntry,
  type RoadmapComment,
  type RoadmapEvent,
  type RoadmapItem,
  tally,
  windowState,
} from './model.ts';
import { commentCounts, linksOf, listComments, listEvents } from './store.ts';

/** An item as lists show it. */
export interface ItemSummary {
  item: RoadmapItem;
  capability: { slug: string; name: string } | null;
  feedbackIds: string[];
  /** People who voted on any linked feedback, each once. */
  voters: number;
  comments: number;
}

/** Summaries of many items, with a handful of queries whatever their number. */
export async function summarize(db: Db, items: RoadmapItem[]): Promise<ItemSummary[]> {
  const ids = items.map((i) => i.id);
  const links = await linksOf(db, ids);
  const voters = await distinctVotersByItem(db, links);
  const comments = await commentCounts(db, ids);
  const capabilities = new Map(
    items.some((i) => i.capabilityId)
      ? (await listCapabilities(db)).map((c) => [c.id, { slug: c.slug, name: c.name }])
      : [],
  );
  return items.map((item) => ({
    item,
    capability: item.capabilityId ? (capabilities.get(item.capabilityId) ?? null) : null,
    feedbackIds: links.get(item.id) ?? [],
    voters: voters.get(item.id) ?? 0,
    comments: comments.get(item.id) ?? 0,
  }));
}

/** Everything one item's page and `GET /roadmap/{id}` show. */
export interface ItemDetail extends ItemSummary {
  category: { key: string; label: string; deciderRole: string };
  feedback: LinkedFeedback[];
  commentList: RoadmapComment[];
  tally: { support: number; concern: number; people: number };
  history: RoadmapEvent[];
  window: 'open' | 'closed' | 'none';
  entry: ChangelogEntry | null;
}

export async function detailOf(db: Db, item: RoadmapItem, now = new Date()): Promise<ItemDetail> {
  const feedbackIds = (await linksOf(db, [item.id])).get(item.id) ?? [];
  const commentList = await listComments(db, item.id);
  const capability = item.capabilityId ? await getCapabilityById(db, item.capabilityId) : null;
  const category = await getCategory(db, item.category);
  return {
    item,
    capability: capability ? { slug: capability.slug, name: capability.name } : null,
    feedbackIds,
    voters: await distinctVoters(db, feedbackIds),
    comments: commentList.length,
    category: category ?? { key: item.category, label: item.category, deciderRole: 'leader' },
    feedback: await linkedFeedback(db, feedbackIds),
    commentList,
    tally: tally(commentList),
    history: await listEvents(db, item.id),
    window: windowState(item, now),
    entry: (await entryForItem(db, item.id)) ?? null,
  };
}
