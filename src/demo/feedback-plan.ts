// The demo's feedback history as a plan, before anything is written: items
// over two years, their votes, every status change with its note, merged
// duplicates and internal notes. Pure and seeded, so it can be tested.

import {
  DAY_MS,
  type FeedbackKind,
  type FeedbackStatus,
  type PostedAs,
} from '../feedback/model.ts';
import {
  DEVELOPER_ITEMS,
  DUPLICATE_TITLES,
  GENERIC,
  INTERNAL_NOTES,
  type ItemText,
  NOTES,
} from './feedback-texts.ts';
import type { DemoSize } from './model.ts';
import type { Random } from './random.ts';

/** An account that can post, vote and follow. */
export interface PlanAccount {
  userId: string;
  name: string;
  teamId: string | null;
  /** From when the person could post and vote (their start date). */
  since: number;
}

export interface PlanCapability {
  id: string;
  name: string;
}

export interface PlannedChange {
  from: FeedbackStatus;
  to: FeedbackStatus;
  at: number;
  note: string;
  /** For a merge: the index of the original. */
  into: number | null;
}

export interface PlannedItem {
  index: number;
  kind: FeedbackKind;
  title: string;
  body: string;
  /** Which of the kind's generic texts it uses (-1 for the demo developer's own). */
  text: number;
  capabilityId: string | null;
  capabilityName: string | null;
  teamId: string | null;
  /** Index into the accounts; kept for a hidden author too (their subscription). */
  author: number;
  postedAs: PostedAs;
  createdAt: number;
  changes: PlannedChange[];
  /** Voters (account indices) and when they voted; a merged duplicate's move to its original. */
  votes: Map<number, number>;
  /** Followers who unsubscribed. */
  unsubscribed: Set<number>;
  internalNotes: { body: string; at: number }[];
}

export interface FeedbackPlan {
  items: PlannedItem[];
  /** The first and last instants of the history. */
  start: number;
  end: number;
}

const ITEMS: Record<DemoSize, number> = { small: 320, large: 20_000 };
/** Mean votes per item before kind and popularity (large: ~200,000 votes in all). */
const MEAN_VOTES: Record<DemoSize, number> = { small: 4, large: 10 };
const HISTORY_DAYS = 730;
/** Share of the last month's items left unanswered past the SLA (a few at either size). */
const BACKLOG: Record<DemoSize, number> = { small: 0.2, large: 0.04 };
export const DEMO_SLA_DAYS = 5;

const KIND_WEIGHTS: [FeedbackKind, number][] = [
  ['problem', 45],
  ['idea', 30],
  ['question', 15],
  ['praise', 10],
];
const KIND_VOTES: Record<FeedbackKind, number> = {
  problem: 1.2,
  idea: 1.1,
  question: 0.4,
  praise: 0.5,
};

const fill = (text: string, cap: string, n: number) => {
  const filled = text.replaceAll('{cap}', cap).replaceAll('{n}', String(n));
  return filled.charAt(0).toUpperCase() + filled.slice(1);
};

/** A normally distributed number (Box–Muller). */
function normal(rng: Random): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Where in the history an item falls (0 oldest, 1 newest): more feedback as
 * more people use paved, with density rising linearly from 0.4 to 1.4.
 */
function position(rng: Random): number {
  return -0.4 + Math.sqrt(0.16 + 1.8 * rng.next());
}

/**
 * Days until the platform team first answers: within the SLA more often as
 * time goes on (about 30% at the start of the history, 92% at its end).
 */
function ackDelayDays(rng: Random, t: number): number {
  if (rng.chance(0.3 + 0.62 * t)) return 0.05 + 4.85 * rng.next() ** 2;
  return DEMO_SLA_DAYS + 0.2 + -Math.log(Math.max(rng.next(), 1e-9)) * (20 - 12 * t);
}

/**
 * Plans the feedback of the demo organisation. `developer` is the demo
 * developer's account index: they post a few items and vote on many, so
 * their home page and inbox tell a story.
 */
export function planFeedback(
  rng: Random,
  opts: {
    size: DemoSize;
    today: string;
    accounts: readonly PlanAccount[];
    capabilities: readonly PlanCapability[];
    developer: number | null;
  },
): FeedbackPlan {
  const { accounts, capabilities } = opts;
  const end = Date.parse(`${opts.today}T00:00:00.000Z`);
  const start = end - HISTORY_DAYS * DAY_MS;
  const count = ITEMS[opts.size];
  const times = Array.from({ length: count }, () => {
    const day = Math.floor(position(rng) * HISTORY_DAYS);
    // Working hours, 8:00 to 18:00 UTC.
    return start + day * DAY_MS + (8 + rng.next() * 10) * 3_600_000;
  })
    .filter((t) => t < end)
    .sort((a, b) => a - b);
  const items: PlannedItem[] = [];
  for (const [index, createdAt] of times.entries()) {
    const kind = rng.weighted(KIND_WEIGHTS);
    const capability = rng.chance(0.85) && capabilities.length > 0 ? rng.pick(capabilities) : null;
    const textIndex = rng.int(0, GENERIC[kind].length - 1);
    const text: ItemText = GENERIC[kind][textIndex]!;
    const n = rng.int(3, 40);
    const author = someoneBy(rng, accounts, createdAt);
    items.push({
      index,
      kind,
      title: fill(text.title, capability?.name ?? 'the platform', n),
      body: fill(text.body, capability?.name ?? 'the platform', n),
      text: textIndex,
      capabilityId: capability?.id ?? null,
      capabilityName: capability?.name ?? null,
      teamId: accounts[author]!.teamId,
      author,
      postedAs: rng.chance(0.15) ? 'team' : 'name',
      createdAt,
      changes: [],
      votes: new Map(),
      unsubscribed: new Set(),
      internalNotes: [],
    });
  }
  if (opts.developer !== null) giveDeveloperItems(items, opts, end);
  const originals: PlannedItem[] = [];
  for (const item of items) {
    const t = (item.createdAt - start) / (end - start);
    planVotes(rng, item, accounts, MEAN_VOTES[opts.size], end);
    let ackAt = item.createdAt + ackDelayDays(rng, t) * DAY_MS;
    // A small backlog nobody has answered yet: the overdue queue is never a promise kept by luck.
    const age = (end - item.createdAt) / DAY_MS;
    if (age > DEMO_SLA_DAYS + 1 && age < 30 && rng.chance(BACKLOG[opts.size])) ackAt = end;
    if (ackAt >= end) {
      originals.push(item);
      continue;
    }
    const original =
      item.index > 20 && item.author !== opts.developer && rng.chance(0.07)
        ? sameSubject(rng, originals, item)
        : null;
    if (original) {
      item.title = rng.pick(DUPLICATE_TITLES).replace('{title}', lowerFirst(original.title));
      item.changes.push({
        from: 'new',
        to: 'duplicate',
        at: ackAt,
        note: rng.pick(NOTES.duplicate),
        into: original.index,
      });
      // Votes move to the original; a person who voted on both counts once.
      for (const [voter, at] of item.votes) {
        const earlier = original.votes.get(voter);
        original.votes.set(voter, earlier === undefined ? at : Math.min(at, earlier));
      }
      item.votes.clear();
      continue;
    }
    originals.push(item);
    planLifecycle(rng, item, ackAt, end);
    if (rng.chance(0.12)) {
      for (let i = rng.int(1, 2); i > 0; i--) {
        const at = ackAt + rng.next() * 3 * DAY_MS;
        if (at < end) {
          item.internalNotes.push({
            body: rng.pick(INTERNAL_NOTES).replace('{n}', String(rng.int(100, 999))),
            at,
          });
        }
      }
    }
  }
  if (opts.developer !== null) developerVotes(rng, items, opts.developer, end);
  for (const item of items) {
    for (const voter of item.votes.keys()) {
      if (voter !== item.author && rng.chance(0.04)) item.unsubscribed.add(voter);
    }
  }
  return { items, start, end };
}

/** An account that existed at `at` (people who joined later cannot have posted). */
function someoneBy(rng: Random, accounts: readonly PlanAccount[], at: number): number {
  for (let tries = 0; tries < 20; tries++) {
    const i = rng.int(0, accounts.length - 1);
    if (accounts[i]!.since <= at) return i;
  }
  return rng.int(0, accounts.length - 1);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** An earlier item about the same capability and of the same kind, to merge into. */
function sameSubject(rng: Random, originals: PlannedItem[], item: PlannedItem): PlannedItem | null {
  const candidates = originals
    .slice(-200)
    .filter((o) => o.capabilityId === item.capabilityId && o.kind === item.kind);
  return candidates.length > 0 ? rng.pick(candidates) : null;
}

function planVotes(
  rng: Random,
  item: PlannedItem,
  accounts: readonly PlanAccount[],
  mean: number,
  end: number,
) {
  const popularity = Math.exp(0.9 * normal(rng)) / 1.5;
  const wanted = Math.round(mean * KIND_VOTES[item.kind] * popularity);
  const count = Math.min(wanted, Math.floor((accounts.length - 1) / 2));
  const window = Math.max(0, Math.min(90 * DAY_MS, end - item.createdAt));
  // Bounded: people who joined too late to vote are drawn and skipped.
  for (let tries = 0; item.votes.size < count && tries < count * 20; tries++) {
    const voter = rng.int(0, accounts.length - 1);
    if (voter === item.author || item.votes.has(voter)) continue;
    const at = item.createdAt + rng.next() ** 2 * window;
    if (accounts[voter]!.since > at) continue;
    item.votes.set(voter, at);
  }
}

/** Acknowledged, then along the status machine while time allows; some declined. */
function planLifecycle(rng: Random, item: PlannedItem, ackAt: number, end: number) {
  const steps: { to: FeedbackStatus; after: [number, number] }[] = [];
  if (item.kind === 'problem' || item.kind === 'idea') {
    if (rng.chance(0.15)) steps.push({ to: 'declined', after: [2, 20] });
    else if (rng.chance(0.6)) {
      steps.push({ to: 'planned', after: [3, 30] });
      if (rng.chance(0.85)) steps.push({ to: 'in-progress', after: [7, 60] });
      if (steps.length === 2 && rng.chance(0.85)) steps.push({ to: 'shipped', after: [14, 90] });
    }
  } else if (item.kind === 'question' && rng.chance(0.1)) {
    steps.push({ to: 'planned', after: [3, 20] });
  }
  item.changes.push({
    from: 'new',
    to: 'acknowledged',
    at: ackAt,
    note: rng.pick(NOTES.acknowledged),
    into: null,
  });
  let from: FeedbackStatus = 'acknowledged';
  let at = ackAt;
  for (const step of steps) {
    at += (step.after[0] + rng.next() * (step.after[1] - step.after[0])) * DAY_MS;
    if (at >= end) break;
    item.changes.push({
      from,
      to: step.to,
      at,
      note: rng.pick(NOTES[step.to as Exclude<FeedbackStatus, 'new'>]),
      into: null,
    });
    from = step.to;
  }
}

/** The demo developer's own posts: the last in the list posted as a team member. */
function giveDeveloperItems(
  items: PlannedItem[],
  opts: {
    developer: number | null;
    accounts: readonly PlanAccount[];
    capabilities: readonly PlanCapability[];
  },
  end: number,
) {
  const developer = opts.developer!;
  const daysAgo = [300, 150, 60, 12];
  for (const [i, text] of DEVELOPER_ITEMS.entries()) {
    const target = end - (daysAgo[i] ?? 30) * DAY_MS;
    const item = items.find((it) => it.createdAt >= target && it.author !== developer);
    if (!item) continue;
    item.author = developer;
    item.teamId = opts.accounts[developer]!.teamId;
    const capability = opts.capabilities.find((c) => c.name === text.capability);
    item.capabilityId = capability?.id ?? null;
    item.capabilityName = capability?.name ?? null;
    item.text = -1;
    item.kind = text.kind;
    item.title = text.title;
    item.body = text.body;
    item.postedAs = i === DEVELOPER_ITEMS.length - 1 ? 'team' : 'name';
  }
}

/** The demo developer votes for popular items of the last half year. */
function developerVotes(rng: Random, items: PlannedItem[], developer: number, end: number) {
  const recent = items.filter(
    (i) =>
      i.createdAt > end - 200 * DAY_MS &&
      i.author !== developer &&
      !i.changes.some((c) => c.to === 'duplicate'),
  );
  const chosen = [...recent].sort((a, b) => b.votes.size - a.votes.size).slice(0, 40);
  for (const item of chosen) {
    if (!rng.chance(0.5) || item.votes.has(developer)) continue;
    item.votes.set(
      developer,
      item.createdAt + rng.next() * Math.min(30 * DAY_MS, end - item.createdAt),
    );
  }
}

/** The status an item ends in, and when it got there. */
export function finalState(item: PlannedItem): { status: FeedbackStatus; at: number } {
  const last = item.changes.at(-1);
  return last ? { status: last.to, at: last.at } : { status: 'new', at: item.createdAt };
}
