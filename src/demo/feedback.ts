// The feedback part of the demo: accounts for the people who use paved, two
// years of feedback with votes, answers, merged duplicates and internal
// notes (a record of acknowledgement that improves), the roadmap, a proposal
// open for comment, the changelog, and the demo developer's inbox.

import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import { listCapabilities } from '../capabilities/store.ts';
import { batchSize, chunk } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { Database } from '../core/db/schema.ts';
import { getSetting } from '../core/settings.ts';
import { statusLabel } from '../feedback/model.ts';
import type { Person } from '../org/model.ts';
import { type FeedbackPlan, finalState, type PlanAccount, planFeedback } from './feedback-plan.ts';
import { type DemoRoadmap, writeRoadmap } from './feedback-roadmap.ts';
import type { DemoContext, DemoPart } from './generator.ts';
import { demoAccounts } from './model.ts';

/** Share of people who have signed in to paved, and so can post, vote and follow. */
const SIGNED_IN_SHARE = 0.75;

const iso = (ms: number) => new Date(ms).toISOString();

/** Random ids like newId's, cut from one buffer: a random read per id costs more than its insert. */
function idSource(): () => string {
  let buffer = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 12 > buffer.length) {
      buffer = randomBytes(12 * 4096);
      at = 0;
    }
    const id = buffer.subarray(at, at + 12).toString('base64url');
    at += 12;
    return id;
  };
}

/** Inserts rows in batches that stay under both engines' parameter limits. */
async function inBatches<R extends object>(
  rows: R[],
  insert: (part: R[]) => Promise<unknown>,
): Promise<void> {
  if (rows.length === 0) return;
  for (const part of chunk(rows, batchSize(Object.keys(rows[0]!).length))) await insert(part);
}

/** The demo accounts by role, and everyone who can post and vote (accounts linked to people). */
export interface DemoPeople {
  accounts: PlanAccount[];
  developer: number | null;
  platform: { id: string; name: string; email: string } | null;
  leader: { id: string; name: string; email: string } | null;
}

/**
 * Accounts for the people who use paved: most of the organisation has
 * signed in once (through single sign-on, so no password). Existing accounts
 * (the demo's own) are kept.
 */
async function ensureAccounts(ctx: DemoContext): Promise<DemoPeople> {
  const next = idSource();
  const people = ctx.produced.org.people
    .filter((p): p is Person & { email: string } => Boolean(p.email) && !p.inactiveSince)
    .sort((a, b) => a.ref.localeCompare(b.ref));
  const existing = new Map<string, { id: string; name: string }>();
  for (const part of chunk(
    people.map((p) => p.email.toLowerCase()),
    500,
  )) {
    const rows = await ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'name'])
      .where('email', 'in', part)
      .execute();
    for (const r of rows) existing.set(r.email, { id: r.id, name: r.name });
  }
  const fresh: Insertable<Database['users']>[] = [];
  const accounts: PlanAccount[] = [];
  const emailOf: string[] = [];
  for (const person of people) {
    const email = person.email.toLowerCase();
    const since = Date.parse(`${person.startDate ?? '2020-01-01'}T09:00:00.000Z`);
    const have = existing.get(email);
    // Every person draws, so who signed in does not depend on who had an account before.
    const signedIn = ctx.rng.chance(SIGNED_IN_SHARE);
    if (have) {
      accounts.push({ userId: have.id, name: have.name, teamId: person.teamId, since });
    } else if (signedIn) {
      const id = next();
      const at = iso(Math.max(since, Date.parse(`${ctx.today}T00:00:00.000Z`) - 800 * 86_400_000));
      fresh.push({
        id,
        email,
        name: person.name,
        role: 'developer',
        password_hash: null,
        disabled_at: null,
        created_at: at,
        updated_at: at,
      });
      accounts.push({ userId: id, name: person.name, teamId: person.teamId, since });
    } else continue;
    emailOf.push(email);
  }
  await inBatches(fresh, (p) => ctx.db.insertInto('users').values(p).execute());
  const demo = await getSetting(ctx.db, demoAccounts);
  const byRole = async (role: string) => {
    const email = demo.find((a) => a.role === role)?.email.toLowerCase();
    if (!email) return null;
    const row = await ctx.db
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('email', '=', email)
      .executeTakeFirst();
    return row ?? null;
  };
  const developerEmail = demo.find((a) => a.role === 'developer')?.email.toLowerCase();
  const developer = developerEmail ? emailOf.indexOf(developerEmail) : -1;
  return {
    accounts,
    developer: developer >= 0 ? developer : null,
    platform: await byRole('platform'),
    leader: await byRole('leader'),
  };
}

/** The ids the written items got, by plan index. */
export type ItemIds = string[];

/** Writes the plan: items, status history, votes, subscriptions, internal notes. */
async function writePlan(
  db: Db,
  plan: FeedbackPlan,
  people: DemoPeople,
  progress: (message: string) => void,
): Promise<ItemIds> {
  const next = idSource();
  const ids = plan.items.map(() => next());
  const { accounts, platform } = people;
  const items: Insertable<Database['feedback_items']>[] = [];
  const changes: Insertable<Database['feedback_status_changes']>[] = [];
  const votes: Insertable<Database['feedback_votes']>[] = [];
  const subscriptions: Insertable<Database['feedback_subscriptions']>[] = [];
  const notes: Insertable<Database['feedback_internal_notes']>[] = [];
  // Who posted each duplicate, by the original it was merged into.
  const duplicateAuthors = new Map<number, { author: number; at: number }[]>();
  for (const dup of plan.items) {
    const into = dup.changes.find((c) => c.to === 'duplicate')?.into;
    if (into === undefined || into === null) continue;
    duplicateAuthors.set(into, [
      ...(duplicateAuthors.get(into) ?? []),
      { author: dup.author, at: dup.createdAt },
    ]);
  }
  for (const item of plan.items) {
    const id = ids[item.index]!;
    const state = finalState(item);
    const author = accounts[item.author]!;
    const merge = item.changes.find((c) => c.to === 'duplicate');
    items.push({
      id,
      kind: item.kind,
      title: item.title,
      body: item.body,
      capability_id: item.capabilityId,
      team_id: item.teamId,
      author_id: item.postedAs === 'name' ? author.userId : null,
      author_name: item.postedAs === 'name' ? author.name : null,
      posted_as: item.postedAs,
      status: state.status,
      duplicate_of: merge ? ids[merge.into!]! : null,
      acknowledged_at: item.changes[0] ? iso(item.changes[0].at) : null,
      status_changed_at: iso(state.at),
      created_at: iso(item.createdAt),
      updated_at: iso(Math.max(state.at, ...item.internalNotes.map((n) => n.at))),
    });
    for (const change of item.changes) {
      changes.push({
        id: next(),
        item_id: id,
        from_status: change.from,
        to_status: change.to,
        note: change.note,
        into_id: change.into === null ? null : ids[change.into]!,
        actor_id: platform?.id ?? null,
        actor_name: platform?.name ?? 'The platform team',
        at: iso(change.at),
      });
    }
    for (const [voter, at] of item.votes) {
      votes.push({ item_id: id, user_id: accounts[voter]!.userId, created_at: iso(at) });
    }
    // A merged duplicate's followers moved to the original with its votes.
    if (!merge) {
      const followers = new Map<number, number>([[item.author, item.createdAt]]);
      for (const [voter, at] of item.votes) if (!followers.has(voter)) followers.set(voter, at);
      for (const dup of duplicateAuthors.get(item.index) ?? []) {
        if (!followers.has(dup.author)) followers.set(dup.author, dup.at);
      }
      for (const [follower, at] of followers) {
        subscriptions.push({
          item_id: id,
          user_id: accounts[follower]!.userId,
          active: item.unsubscribed.has(follower) ? 0 : 1,
          updated_at: iso(at),
        });
      }
    }
    for (const note of item.internalNotes) {
      notes.push({
        id: next(),
        item_id: id,
        body: note.body,
        author_id: platform?.id ?? null,
        author_name: platform?.name ?? null,
        at: iso(note.at),
      });
    }
  }
  await inBatches(items, (p) => db.insertInto('feedback_items').values(p).execute());
  progress(`feedback: ${items.length} items`);
  await inBatches(changes, (p) => db.insertInto('feedback_status_changes').values(p).execute());
  await inBatches(votes, (p) => db.insertInto('feedback_votes').values(p).execute());
  progress(`feedback: ${votes.length} votes`);
  await inBatches(subscriptions, (p) =>
    db.insertInto('feedback_subscriptions').values(p).execute(),
  );
  await inBatches(notes, (p) => db.insertInto('feedback_internal_notes').values(p).execute());
  return ids;
}

/**
 * The demo developer's inbox: every status change of what they follow in the
 * last half year and the changelog entries that answered it, read up to two
 * weeks ago and unread since. Written with the events' own times and marked
 * as not to be emailed (it is history).
 */
async function writeInbox(
  db: Db,
  plan: FeedbackPlan,
  ids: ItemIds,
  people: DemoPeople,
  roadmap: DemoRoadmap,
): Promise<void> {
  if (people.developer === null) return;
  const me = people.developer;
  const userId = people.accounts[me]!.userId;
  const from = plan.end - 180 * 86_400_000;
  const readBefore = plan.end - 14 * 86_400_000;
  const next = idSource();
  const rows: Insertable<Database['notifications']>[] = [];
  const add = (at: number, kind: string, title: string, body: string, link: string) => {
    rows.push({
      id: next(),
      user_id: userId,
      kind,
      title,
      body,
      link,
      created_at: iso(at),
      read_at: at < readBefore ? iso(at + 86_400_000) : null,
      email_status: 'skipped',
      email_attempts: 0,
      email_next_at: iso(at),
      email_claim: null,
      email_sent_at: iso(at),
      email_error: null,
    });
  };
  const follows = new Map<number, number>();
  for (const item of plan.items) {
    const since =
      item.author === me ? item.createdAt : item.votes.has(me) ? item.votes.get(me)! : null;
    if (since === null || item.unsubscribed.has(me)) continue;
    follows.set(item.index, since);
    for (const change of item.changes) {
      if (change.at < since || change.at < from || change.to === 'duplicate') continue;
      add(
        change.at,
        'feedback.status',
        `${item.title}: ${statusLabel(change.to).toLowerCase()}`,
        change.note,
        `/feedback/${encodeURIComponent(ids[item.index]!)}`,
      );
    }
  }
  const followed = new Set([...follows.keys()].map((i) => ids[i]!));
  for (const entry of roadmap.entries) {
    if (entry.at < from || !entry.feedbackIds.some((f) => followed.has(f))) continue;
    add(entry.at, 'changelog.entry', `You said, we did: ${entry.title}`, entry.summary, entry.link);
  }
  rows.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  await inBatches(rows, (p) => db.insertInto('notifications').values(p).execute());
}

export const feedbackPart: DemoPart = {
  name: 'feedback',
  async run(ctx) {
    const started = new Date().toISOString();
    const people = await ensureAccounts(ctx);
    if (people.accounts.length < 4) return;
    const capabilities = (ctx.produced.capabilities ?? (await listCapabilities(ctx.db))).filter(
      (c) => c.stage !== 'idea',
    );
    const plan = planFeedback(ctx.rng, {
      size: ctx.size,
      today: ctx.today,
      accounts: people.accounts,
      capabilities: capabilities.map((c) => ({ id: c.id, name: c.name })),
      developer: people.developer,
    });
    const ids = await writePlan(ctx.db, plan, people, ctx.progress);
    const roadmap = await writeRoadmap(ctx, plan, ids, people);
    // The services told subscribers as of now; the developer's inbox is written
    // below with each event's own time instead.
    await ctx.db
      .deleteFrom('notifications')
      .where('created_at', '>=', started)
      .where((eb) => eb.or([eb('kind', 'like', 'roadmap.%'), eb('kind', 'like', 'changelog.%')]))
      .execute();
    await writeInbox(ctx.db, plan, ids, people, roadmap);
  },
};
