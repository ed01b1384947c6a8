// What the roadmap reads of the feedback area: the items a roadmap item or a
// changelog entry links, and their voters counted once per person. Reads
// only; the feedback area owns every write to its tables.

import { chunk } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';

/** A linked feedback item as the roadmap shows it. */
export interface LinkedFeedback {
  id: string;
  title: string;
  status: string;
  /** Votes on the item itself (after merges, on the item it was merged into). */
  votes: number;
  /** Set when the item was merged: the item that now carries its votes. */
  mergedInto: string | null;
}

// A merge chain is short; this bounds a damaged one.
const MAX_HOPS = 50;

/**
 * Each id with the item that now carries its votes and subscribers: itself,
 * or, for a merged duplicate, the end of its `duplicate_of` chain. Ids with no
 * feedback item are left out.
 */
export async function canonicalIds(db: Db, ids: string[]): Promise<Map<string, string>> {
  const parent = new Map<string, string | null>();
  let pending = [...new Set(ids)];
  for (let hop = 0; hop < MAX_HOPS && pending.length > 0; hop++) {
    const next: string[] = [];
    for (const part of chunk(pending, 1000)) {
      const rows = await db
        .selectFrom('feedback_items')
        .select(['id', 'duplicate_of'])
        .where('id', 'in', part)
        .execute();
      for (const r of rows) {
        parent.set(r.id, r.duplicate_of);
        if (r.duplicate_of && !parent.has(r.duplicate_of)) next.push(r.duplicate_of);
      }
    }
    pending = next;
  }
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (!parent.has(id)) continue;
    let at = id;
    const seen = new Set<string>();
    while (!seen.has(at)) {
      seen.add(at);
      const up = parent.get(at);
      if (!up || !parent.has(up)) break;
      at = up;
    }
    out.set(id, at);
  }
  return out;
}

/** The ids that are not feedback items (for a field message). */
export async function unknownFeedbackIds(db: Db, ids: string[]): Promise<string[]> {
  const known = await canonicalIds(db, ids);
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/** The feedback items with these ids, in the given order, with their vote counts. */
export async function linkedFeedback(db: Db, ids: string[]): Promise<LinkedFeedback[]> {
  if (ids.length === 0) return [];
  const canonical = await canonicalIds(db, ids);
  const all = [...new Set([...canonical.keys(), ...canonical.values()])];
  const rows = new Map<string, { title: string; status: string; duplicate_of: string | null }>();
  const votes = new Map<string, number>();
  for (const part of chunk(all, 1000)) {
    for (const r of await db
      .selectFrom('feedback_items')
      .select(['id', 'title', 'status', 'duplicate_of'])
      .where('id', 'in', part)
      .execute()) {
      rows.set(r.id, r);
    }
    for (const r of await db
      .selectFrom('feedback_votes')
      .select(['item_id', db.fn.countAll<number>().as('n')])
      .where('item_id', 'in', part)
      .groupBy('item_id')
      .execute()) {
      votes.set(r.item_id, Number(r.n));
    }
  }
  return ids
    .filter((id) => rows.has(id))
    .map((id) => {
      const row = rows.get(id)!;
      const target = canonical.get(id) ?? id;
      return {
        id,
        title: row.title,
        status: row.status,
        votes: votes.get(target) ?? 0,
        mergedInto: target === id ? null : target,
      };
    });
}

/**
 * The people who voted on any of these feedback items, each once: a person
 * who voted on two linked items counts once, and votes that moved with a
 * merge count on the item they moved to.
 */
export async function distinctVoters(db: Db, feedbackIds: string[]): Promise<number> {
  const canonical = [...new Set((await canonicalIds(db, feedbackIds)).values())];
  const people = new Set<string>();
  for (const part of chunk(canonical, 1000)) {
    const rows = await db
      .selectFrom('feedback_votes')
      .select('user_id')
      .distinct()
      .where('item_id', 'in', part)
      .execute();
    for (const r of rows) people.add(r.user_id);
  }
  return people.size;
}

/** `distinctVoters` for many roadmap items at once (list pages), by item id. */
export async function distinctVotersByItem(
  db: Db,
  links: Map<string, string[]>,
): Promise<Map<string, number>> {
  const canonical = await canonicalIds(db, [...links.values()].flat());
  const targets = [...new Set(canonical.values())];
  const votersOf = new Map<string, string[]>();
  for (const part of chunk(targets, 1000)) {
    const rows = await db
      .selectFrom('feedback_votes')
      .select(['item_id', 'user_id'])
      .where('item_id', 'in', part)
      .execute();
    for (const r of rows) votersOf.set(r.item_id, [...(votersOf.get(r.item_id) ?? []), r.user_id]);
  }
  const out = new Map<string, number>();
  for (const [itemId, feedbackIds] of links) {
    const people = new Set<string>();
    for (const id of feedbackIds) {
      const target = canonical.get(id);
      if (target) for (const user of votersOf.get(target) ?? []) people.add(user);
    }
    out.set(itemId, people.size);
  }
  return out;
}

/**
 * The feedback items whose subscribers hear about linked feedback: the linked
 * items and, for merged ones, the items they were merged into (subscribers
 * move with a merge). Each person is told once however many they follow.
 */
export async function subscriberTargets(db: Db, feedbackIds: string[]): Promise<string[]> {
  const canonical = await canonicalIds(db, feedbackIds);
  return [...new Set([...canonical.keys(), ...canonical.values()])];
}

/** How many people a notification about this feedback reaches (active subscribers, each once). */
export async function subscriberCount(
  db: Db,
  feedbackIds: string[],
  excludeUserId?: string,
): Promise<number> {
  const targets = await subscriberTargets(db, feedbackIds);
  const people = new Set<string>();
  for (const part of chunk(targets, 1000)) {
    const rows = await db
      .selectFrom('feedback_subscriptions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select('s.user_id')
      .distinct()
      .where('s.item_id', 'in', part)
      .where('s.active', '=', 1)
      .where('u.disabled_at', 'is', null)
      .execute();
    for (const r of rows) people.add(r.user_id);
  }
  if (excludeUserId) people.delete(excludeUserId);
  return people.size;
}
