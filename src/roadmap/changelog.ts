// The changelog ("you said, we did"): entries, the feedback each answers, and
// recordChangelogEntry, which every way of shipping calls (a roadmap item
// here, a feedback item from the feedback area).

import type { Selectable } from 'kysely';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type { ChangelogEntriesTable } from '../core/db/schema.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { getSetting } from '../core/settings.ts';
import { enqueueWebhookEvent, notifyFeedbackSubscribers } from '../notifications/outbox.ts';
import { linkedFeedback, subscriberTargets, unknownFeedbackIds } from './linked.ts';
import { type ChangelogEntry, dayAfter } from './model.ts';
import { breakingNoticeDays } from './settings.ts';

export const CHANGELOG_TITLE_MAX = 200;
export const CHANGELOG_BODY_MAX = 20_000;

function entryRow(row: Selectable<ChangelogEntriesTable>, feedbackIds: string[]): ChangelogEntry {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    roadmapItemId: row.roadmap_item_id,
    feedbackId: row.feedback_id,
    capabilityId: row.capability_id,
    breaking: Number(row.breaking) === 1,
    effectiveOn: row.effective_on,
    authorName: row.author_name,
    publishedAt: row.published_at,
    feedbackIds,
  };
}

/** The page of one changelog entry (notifications and feeds link here). */
export const changelogPath = (id: string) => `/changelog/${encodeURIComponent(id)}`;

export interface ChangelogInput {
  title: string;
  /** Markdown: what changed, in the words of the people it changes things for. */
  body: string;
  /** The roadmap item that shipped, if any (it gets one entry at most). */
  roadmapItemId?: string | null;
  /** The feedback item that shipped on its own, if any; it is listed too. */
  feedbackId?: string | null;
  /** The feedback this answers ("you said"); their subscribers are told. */
  feedbackIds?: string[];
  capabilityId?: string | null;
  /** A breaking change needs `effectiveOn`, at least the notice period away. */
  breaking?: boolean;
  effectiveOn?: string | null;
  /** Who published it (their name stays with the entry). */
  author: { userId: string | null; name: string | null };
  /**
   * Tell the subscribers of the listed feedback (default true). Pass false
   * when the caller already told them about the same change.
   */
  notify?: boolean;
  /** Left out of the notifications (usually the person shipping). */
  excludeUserId?: string;
  now?: Date;
}

/** Why a changelog entry cannot be published, field by field (empty when it can). */
export async function changelogProblems(
  db: Db,
  input: Pick<ChangelogInput, 'title' | 'body' | 'breaking' | 'effectiveOn' | 'feedbackIds'> & {
    now?: Date;
  },
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (!title) errors.push({ path: 'title', message: 'Enter a title: what shipped, in a line.' });
  else if (title.length > CHANGELOG_TITLE_MAX)
    errors.push({
      path: 'title',
      message: `Keep the title under ${CHANGELOG_TITLE_MAX} characters.`,
    });
  const body = input.body.trim();
  if (!body) errors.push({ path: 'body', message: 'Say what changed for the people who asked.' });
  else if (body.length > CHANGELOG_BODY_MAX)
    errors.push({ path: 'body', message: `Keep it under ${CHANGELOG_BODY_MAX} characters.` });
  if (input.breaking) {
    const notice = await getSetting(db, breakingNoticeDays);
    const earliest = dayAfter(input.now ?? new Date(), notice);
    if (!input.effectiveOn) {
      errors.push({
        path: 'effectiveOn',
        message: `A breaking change needs the day it takes effect: ${earliest} or later (${notice} days’ notice).`,
      });
    } else if (input.effectiveOn < earliest) {
      errors.push({
        path: 'effectiveOn',
        message: `A breaking change gives at least ${notice} days’ notice: choose ${earliest} or later.`,
      });
    }
  }
  const unknown = await unknownFeedbackIds(db, input.feedbackIds ?? []);
  if (unknown.length > 0) {
    errors.push({
      path: 'feedbackIds',
      message: `There is no feedback item ${unknown.map((id) => `"${id}"`).join(', ')}.`,
    });
  }
  return errors;
}

/**
 * Publishes a changelog entry in the caller's transaction: the entry, the
 * feedback it answers, one notification for each distinct subscriber of that
 * feedback (a person following three of the items hears once), and a
 * `changelog.published` webhook event. Refuses bad input with field errors
 * (`title`, `body`, `effectiveOn`, `feedbackIds`) before writing anything.
 * @example
 * await recordChangelogEntry(trx, {
 *   title: 'Deploys take half the time', body: 'Builds are cached now.',
 *   feedbackId: item.id, author: { userId: actor.userId, name: actor.name }, notify: false,
 * });
 */
export async function recordChangelogEntry(
  trx: Db,
  input: ChangelogInput,
): Promise<{ entry: ChangelogEntry; notified: number }> {
  const feedbackIds = [
    ...new Set([...(input.feedbackId ? [input.feedbackId] : []), ...(input.feedbackIds ?? [])]),
  ];
  const errors = await changelogProblems(trx, { ...input, feedbackIds });
  if (errors.length > 0) throw new InvalidInput(errors[0]!.message, errors);
  const row = {
    id: newId(),
    title: input.title.trim(),
    body: input.body.trim(),
    roadmap_item_id: input.roadmapItemId ?? null,
    feedback_id: input.feedbackId ?? null,
    capability_id: input.capabilityId ?? null,
    breaking: input.breaking ? 1 : 0,
    effective_on: input.breaking ? (input.effectiveOn ?? null) : null,
    author_id: input.author.userId,
    author_name: input.author.name,
    published_at: input.now?.toISOString() ?? nowIso(),
  };
  await trx.insertInto('changelog_entries').values(row).execute();
  if (feedbackIds.length > 0) {
    await trx
      .insertInto('changelog_feedback')
      .values(feedbackIds.map((feedback_id) => ({ entry_id: row.id, feedback_id })))
      .execute();
  }
  const entry = entryRow(row, feedbackIds);
  const link = changelogPath(entry.id);
  const notice = entry.breaking
    ? ` This is a breaking change; it takes effect on ${entry.effectiveOn}.`
    : '';
  const notified =
    input.notify === false || feedbackIds.length === 0
      ? 0
      : await notifyFeedbackSubscribers(
          trx,
          await subscriberTargets(trx, feedbackIds),
          {
            kind: 'changelog.entry',
            title: `You said, we did: ${entry.title}`,
            body: `${excerpt(entry.body, 400)}${notice}`,
            link,
          },
          { excludeUserId: input.excludeUserId },
        );
  const answered = await linkedFeedback(trx, feedbackIds);
  await enqueueWebhookEvent(trx, 'changelog.published', {
    id: entry.id,
    title: entry.title,
    summary: excerpt(entry.body, 280),
    link,
    breaking: entry.breaking,
    effectiveOn: entry.effectiveOn,
    roadmapItemId: entry.roadmapItemId,
    feedback: answered.map((f) => ({ id: f.id, title: f.title })),
    publishedAt: entry.publishedAt,
  });
  return { entry, notified };
}

/** The first `max` characters of a text on one line, cut at a word. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

async function feedbackOf(db: Db, entryIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (entryIds.length === 0) return map;
  const rows = await db
    .selectFrom('changelog_feedback')
    .select(['entry_id', 'feedback_id'])
    .where('entry_id', 'in', entryIds)
    .orderBy('feedback_id')
    .execute();
  for (const r of rows) map.set(r.entry_id, [...(map.get(r.entry_id) ?? []), r.feedback_id]);
  return map;
}

export async function getEntry(db: Db, id: string): Promise<ChangelogEntry | undefined> {
  const row = await db
    .selectFrom('changelog_entries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return entryRow(row, (await feedbackOf(db, [id])).get(id) ?? []);
}

/** The entry a roadmap item shipped with, if it has shipped. */
export async function entryForItem(db: Db, itemId: string): Promise<ChangelogEntry | undefined> {
  const row = await db
    .selectFrom('changelog_entries')
    .select('id')
    .where('roadmap_item_id', '=', itemId)
    .executeTakeFirst();
  return row ? getEntry(db, row.id) : undefined;
}

/** The changelog, newest first, paged. */
export async function listEntries(
  db: Db,
  filter: { limit: number; cursor?: string; breaking?: boolean },
): Promise<Page<ChangelogEntry>> {
  let q = db
    .selectFrom('changelog_entries')
    .selectAll()
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.breaking !== undefined) q = q.where('breaking', '=', filter.breaking ? 1 : 0);
  if (filter.cursor) q = q.where(olderThan('published_at', 'id', filter.cursor));
  const rows = await q.execute();
  const links = await feedbackOf(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    filter.limit,
    (r) => [r.published_at, r.id],
    (r) => entryRow(r, links.get(r.id) ?? []),
  );
}
