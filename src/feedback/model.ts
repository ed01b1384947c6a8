// Feedback: items, votes, the status machine, merges and the acknowledgement
// SLA. Pure types and rules; no database here.

export const FEEDBACK_KINDS = ['problem', 'idea', 'question', 'praise'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export const FEEDBACK_STATUSES = [
  'new',
  'acknowledged',
  'planned',
  'in-progress',
  'shipped',
  'declined',
  'duplicate',
] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/** How the author appears: by name, or as "a developer in team X" (then nobody sees who). */
export const POSTED_AS = ['name', 'team'] as const;
export type PostedAs = (typeof POSTED_AS)[number];

export const FEEDBACK_SORTS = ['votes', 'newest', 'oldest-unacknowledged'] as const;
export type FeedbackSort = (typeof FEEDBACK_SORTS)[number];

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const NOTE_MAX = 5_000;

/**
 * The status changes a triager may make with a note (`duplicate` only by a
 * merge). Forward along new → acknowledged → planned → in-progress → shipped,
 * a step back when plans change, declined from anything not yet shipped, and
 * a declined item reconsidered. Shipped and duplicate are final.
 */
export const STATUS_MOVES: Record<FeedbackStatus, readonly FeedbackStatus[]> = {
  new: ['acknowledged', 'planned', 'declined'],
  acknowledged: ['planned', 'in-progress', 'declined'],
  planned: ['in-progress', 'acknowledged', 'declined'],
  'in-progress': ['shipped', 'planned', 'declined'],
  shipped: [],
  declined: ['acknowledged'],
  duplicate: [],
};

/** Statuses an item can still be merged from (a shipped or merged item stays as it is). */
export const MERGEABLE: readonly FeedbackStatus[] = [
  'new',
  'acknowledged',
  'planned',
  'in-progress',
  'declined',
];

/** Open means the platform still owes the item an answer or work. */
export const OPEN_STATUSES: readonly FeedbackStatus[] = [
  'new',
  'acknowledged',
  'planned',
  'in-progress',
];

const STATUS_WORDS: Record<FeedbackStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  planned: 'Planned',
  'in-progress': 'In progress',
  shipped: 'Shipped',
  declined: 'Declined',
  duplicate: 'Duplicate',
};

/** The status as people read it ("In progress"). */
export function statusLabel(status: FeedbackStatus): string {
  return STATUS_WORDS[status];
}

/**
 * Why a status change is not allowed, or null when it is. Every change needs
 * a public note; a decline's note is its reason.
 */
export function statusChangeProblem(
  from: FeedbackStatus,
  to: FeedbackStatus,
  note: string,
): { path: 'status' | 'note'; message: string } | null {
  // Forms send what they like; only the API's schema has checked the value already.
  if (!FEEDBACK_STATUSES.includes(to)) return { path: 'status', message: 'Choose a status.' };
  if (to === 'duplicate') {
    return {
      path: 'status',
      message: 'Mark a duplicate by merging it into the original item.',
    };
  }
  if (from === to) {
    return { path: 'status', message: `The item is already ${statusLabel(to).toLowerCase()}.` };
  }
  const allowed = STATUS_MOVES[from];
  if (!allowed.includes(to)) {
    return {
      path: 'status',
      message:
        allowed.length === 0
          ? `A ${statusLabel(from).toLowerCase()} item's status is final.`
          : `A ${statusLabel(from).toLowerCase()} item can move to ${allowed.map((s) => statusLabel(s).toLowerCase()).join(', ')}; not to ${statusLabel(to).toLowerCase()}.`,
    };
  }
  if (!note.trim()) {
    return {
      path: 'note',
      message:
        to === 'declined'
          ? 'Say why it is declined: the reason is required and every subscriber reads it.'
          : 'Add a public note: every status change tells subscribers what happened.',
    };
  }
  if (note.length > NOTE_MAX) {
    return { path: 'note', message: `Keep the note under ${NOTE_MAX} characters.` };
  }
  return null;
}

/** One item in a merge graph: where it points, if it was merged. */
export interface MergeNode {
  id: string;
  duplicateOf: string | null;
}

/**
 * The original an item ends at when following its merges, or null when the
 * chain loops (which paved never writes, but a merge must refuse to create).
 */
export function rootOf(id: string, nodes: ReadonlyMap<string, string | null>): string | null {
  const seen = new Set<string>();
  let current = id;
  while (true) {
    if (seen.has(current)) return null;
    seen.add(current);
    const next = nodes.get(current) ?? null;
    if (next === null) return current;
    current = next;
  }
}

/**
 * Why merging `from` into `into` is not allowed, or null: not into itself,
 * not into a chain that leads back to it, not from a merged or shipped item.
 */
export function mergeProblem(
  from: { id: string; status: FeedbackStatus },
  into: { id: string },
  nodes: ReadonlyMap<string, string | null>,
  note: string,
): { path: 'into' | 'note' | 'id'; message: string } | null {
  if (from.id === into.id) {
    return { path: 'into', message: 'An item cannot be merged into itself.' };
  }
  if (!MERGEABLE.includes(from.status)) {
    return {
      path: 'id',
      message:
        from.status === 'duplicate'
          ? 'This item was already merged into another one.'
          : 'A shipped item stays as it is; it cannot be merged.',
    };
  }
  const root = rootOf(into.id, nodes);
  if (root === null || root === from.id) {
    return {
      path: 'into',
      message:
        'That item was merged into this one (directly or through others); merging would loop.',
    };
  }
  if (!note.trim()) {
    return {
      path: 'note',
      message: 'Add a public note: subscribers are told where the conversation continues.',
    };
  }
  if (note.length > NOTE_MAX) {
    return { path: 'note', message: `Keep the note under ${NOTE_MAX} characters.` };
  }
  return null;
}

/**
 * The votes of the original after a merge: the union of both sets of voters,
 * so a person who voted on both counts once.
 */
export function mergedVoters(original: Iterable<string>, duplicate: Iterable<string>): Set<string> {
  return new Set([...original, ...duplicate]);
}

export const DAY_MS = 86_400_000;

/** Whole days between two instants (floored), for "3 days old". */
export function ageInDays(createdAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / DAY_MS));
}

/**
 * Whether an item was acknowledged within the SLA: true or false once it is
 * known, null while it is new and its SLA has not yet ended.
 */
export function acknowledgedInTime(
  item: { createdAt: string; acknowledgedAt: string | null },
  slaDays: number,
  now: Date,
): boolean | null {
  const deadline = Date.parse(item.createdAt) + slaDays * DAY_MS;
  if (item.acknowledgedAt) return Date.parse(item.acknowledgedAt) <= deadline;
  return now.getTime() > deadline ? false : null;
}

/** When an item's acknowledgement SLA ends (ISO). */
export function slaDeadline(createdAt: string, slaDays: number): string {
  return new Date(Date.parse(createdAt) + slaDays * DAY_MS).toISOString();
}

/** A capability or team as an item shows it. */
export interface NamedRef {
  id: string;
  slug: string;
  name: string;
}

/** An item as every interface shows it; the author is absent when hidden. */
export interface FeedbackItem {
  id: string;
  kind: FeedbackKind;
  title: string;
  body: string;
  capability: NamedRef | null;
  team: NamedRef | null;
  postedAs: PostedAs;
  /** Null when posted as "a developer in team X"; no id once the author was forgotten. */
  author: { id: string | null; name: string } | null;
  status: FeedbackStatus;
  duplicateOf: string | null;
  votes: number;
  acknowledgedAt: string | null;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** How the author reads on a page, in a feed or in the CLI. */
export function authorLine(item: Pick<FeedbackItem, 'author' | 'team' | 'postedAs'>): string {
  if (item.postedAs === 'team' || !item.author) {
    return item.team ? `a developer in ${item.team.name}` : 'a developer';
  }
  // A forgotten author's name already says the team: "a former member of Payments".
  if (!item.author.id) return item.author.name;
  return item.team ? `${item.author.name} (${item.team.name})` : item.author.name;
}

export interface StatusChange {
  id: string;
  itemId: string;
  from: FeedbackStatus;
  to: FeedbackStatus;
  note: string;
  intoId: string | null;
  actorName: string | null;
  at: string;
}

export interface InternalNote {
  id: string;
  itemId: string;
  body: string;
  authorName: string | null;
  at: string;
}

/** What one person sees of their own relation to an item. */
export interface Viewer {
  voted: boolean;
  subscribed: boolean;
}
