// The roadmap: items with their reasons, proposals open for comment, and the
// changelog ("you said, we did"). Pure types and rules; no database here.

export const HORIZONS = ['now', 'next', 'later'] as const;
export type Horizon = (typeof HORIZONS)[number];

export const DRIVERS = [
  'developer-request',
  'business-priority',
  'mandate',
  'platform-health',
] as const;
export type Driver = (typeof DRIVERS)[number];

export const ROADMAP_STATUSES = [
  'proposed',
  'planned',
  'in-progress',
  'shipped',
  'declined',
] as const;
export type RoadmapStatus = (typeof ROADMAP_STATUSES)[number];

/** What a person says about a proposal: for it, worried about it, or just a remark. */
export const STANCES = ['support', 'concern', 'comment'] as const;
export type Stance = (typeof STANCES)[number];

/** What the decider may make of a proposal once its window has closed. */
export const PROPOSAL_OUTCOMES = ['planned', 'declined'] as const;
export type ProposalOutcome = (typeof PROPOSAL_OUTCOMES)[number];

/**
 * The status machine, with who moves each step:
 *
 * | from        | to          | who                          | what it is                         |
 * |-------------|-------------|------------------------------|------------------------------------|
 * | (new)       | proposed    | platform team                | opens a comment window             |
 * | (new)       | planned, in-progress | the category's decider | a decision, logged             |
 * | proposed    | planned     | the category's decider       | the decision, after the window     |
 * | proposed    | declined    | the category's decider       | the decision, after the window     |
 * | planned     | in-progress | platform team                | progress                           |
 * | in-progress | planned     | platform team                | progress (paused)                  |
 * | planned, in-progress | shipped | platform team          | a changelog entry, everyone told   |
 * | planned, in-progress | declined | the category's decider | a decision, logged                |
 * | planned, declined | proposed | platform team             | reopened for comment, a new window |
 *
 * `shipped` is final. Every move out of `proposed`, and every move to
 * `declined`, is a decision: it needs the decider named by the decision-rights
 * table and a rationale, and goes to the decision log.
 */
const TRANSITIONS: Record<RoadmapStatus, readonly RoadmapStatus[]> = {
  proposed: ['planned', 'declined'],
  planned: ['in-progress', 'shipped', 'declined', 'proposed'],
  'in-progress': ['planned', 'shipped', 'declined'],
  shipped: [],
  declined: ['proposed'],
};

/** Statuses an item may be created in. */
export const INITIAL_STATUSES = ['proposed', 'planned', 'in-progress'] as const;
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

/** True when moving `from` → `to` (or creating in `to`, when `from` is null) is a decision. */
export function isDecision(from: RoadmapStatus | null, to: RoadmapStatus): boolean {
  if (from === null) return to !== 'proposed';
  return from === 'proposed' || to === 'declined';
}

/** Why a status change is refused, saying what is allowed instead; null when it is allowed. */
export function statusProblem(from: RoadmapStatus, to: RoadmapStatus): string | null {
  if (from === to) return `The item is already ${STATUS_LABELS[to].toLowerCase()}.`;
  const allowed = TRANSITIONS[from];
  if (allowed.includes(to)) return null;
  if (allowed.length === 0) return 'A shipped item is final; add a new item for what comes next.';
  return `An item that is ${STATUS_LABELS[from].toLowerCase()} can move to: ${allowed
    .map((s) => STATUS_LABELS[s].toLowerCase())
    .join(', ')}.`;
}

/** The statuses reachable from `from`. */
export function nextStatuses(from: RoadmapStatus): readonly RoadmapStatus[] {
  return TRANSITIONS[from];
}

export const STATUS_LABELS: Record<RoadmapStatus, string> = {
  proposed: 'Open for comment',
  planned: 'Planned',
  'in-progress': 'In progress',
  shipped: 'Shipped',
  declined: 'Decided against',
};

export const HORIZON_LABELS: Record<Horizon, string> = {
  now: 'Now',
  next: 'Next',
  later: 'Later',
};

export const DRIVER_LABELS: Record<Driver, string> = {
  'developer-request': 'Developer request',
  'business-priority': 'Business priority',
  mandate: 'Mandate',
  'platform-health': 'Platform health',
};

/**
 * The roadmap page's two sides: what developers asked for, and what the
 * business (priorities, mandates) and the platform's own health require.
 */
export function sideOf(driver: Driver): 'developers' | 'business' {
  return driver === 'developer-request' ? 'developers' : 'business';
}

export interface RoadmapItem {
  id: string;
  title: string;
  /** Markdown, rendered safely. */
  description: string;
  horizon: Horizon;
  status: RoadmapStatus;
  driver: Driver;
  /** Why it is on the roadmap (required). */
  rationale: string;
  /** A decision category key; its decider decides the item. */
  category: string;
  capabilityId: string | null;
  /** End of the comment window (proposals); kept after the decision. */
  commentsCloseAt: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionRationale: string | null;
  shippedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RoadmapComment {
  id: string;
  itemId: string;
  authorId: string | null;
  authorName: string;
  stance: Stance;
  body: string;
  createdAt: string;
}

/** One step of an item's history (its feed's entries). */
export interface RoadmapEvent {
  id: string;
  itemId: string;
  kind: 'created' | 'status' | 'edited';
  fromStatus: RoadmapStatus | null;
  toStatus: RoadmapStatus;
  note: string;
  actorName: string | null;
  at: string;
}

export interface ChangelogEntry {
  id: string;
  title: string;
  /** Markdown: what changed. */
  body: string;
  roadmapItemId: string | null;
  /** Set when a feedback item shipped on its own, without a roadmap item. */
  feedbackId: string | null;
  capabilityId: string | null;
  breaking: boolean;
  /** For breaking changes: the day the change takes effect (YYYY-MM-DD). */
  effectiveOn: string | null;
  authorName: string | null;
  publishedAt: string;
  /** The feedback it answers ("you said"). */
  feedbackIds: string[];
}

/** Where a proposal's window stands at `now`. */
export function windowState(
  item: Pick<RoadmapItem, 'status' | 'commentsCloseAt'>,
  now: Date,
): 'open' | 'closed' | 'none' {
  if (item.status !== 'proposed' || !item.commentsCloseAt) return 'none';
  return now.getTime() < Date.parse(item.commentsCloseAt) ? 'open' : 'closed';
}

/** The end of a comment window of `days` days opening at `now`. */
export function windowEnd(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

/** `now + days` as `YYYY-MM-DD` (UTC). */
export function dayAfter(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Support and concern counted by person: each person's latest stance that is not a plain comment. */
export function tally(
  comments: readonly Pick<RoadmapComment, 'authorId' | 'stance' | 'createdAt' | 'id'>[],
): {
  support: number;
  concern: number;
  people: number;
} {
  const latest = new Map<string, Stance>();
  const ordered = [...comments].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const people = new Set<string>();
  for (const c of ordered) {
    const who = c.authorId ?? `comment:${c.id}`;
    people.add(who);
    if (c.stance !== 'comment') latest.set(who, c.stance);
  }
  let support = 0;
  let concern = 0;
  for (const stance of latest.values()) {
    if (stance === 'support') support++;
    else concern++;
  }
  return { support, concern, people: people.size };
}
