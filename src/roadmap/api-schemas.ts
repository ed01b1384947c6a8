// The roadmap API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import { getCapabilityById } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { changelogPath } from './changelog.ts';
import { linkedFeedback } from './linked.ts';
import {
  type ChangelogEntry,
  DRIVERS,
  HORIZONS,
  INITIAL_STATUSES,
  PROPOSAL_OUTCOMES,
  ROADMAP_STATUSES,
  STANCES,
} from './model.ts';
import { COMMENT_MAX, itemPath, TEXT_MAX, TITLE_MAX } from './service.ts';
import type { ItemDetail, ItemSummary } from './views.ts';

const text = (what: string, max: number) =>
  z.string().trim().min(1, `Enter ${what}`).max(max, `Keep ${what} under ${max} characters`);

export const HorizonSchema = z.enum(HORIZONS).openapi({ description: 'now, next or later' });
export const DriverSchema = z.enum(DRIVERS);
export const StatusSchema = z.enum(ROADMAP_STATUSES);

/** A day as YYYY-MM-DD that exists. */
const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-01-31')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'This is not a real date');

const FeedbackIds = z
  .array(z.string().min(1).max(100))
  .max(500)
  .openapi({ description: 'Ids of the feedback items this answers' });

export const IdParam = z.object({
  id: z.string().max(100).openapi({ description: 'The item’s id' }),
});

// ---- Request bodies ----

const itemFields = {
  title: text('a title', TITLE_MAX),
  description: z
    .string()
    .max(TEXT_MAX)
    .default('')
    .openapi({ description: 'Markdown: links, lists and code; no HTML' }),
  horizon: HorizonSchema,
  driver: DriverSchema,
  rationale: text('the rationale: why this is on the roadmap', TEXT_MAX),
  category: z.string().max(100).openapi({
    description: 'A decision category key (GET /decision-rights); its decider decides',
  }),
  capability: z
    .string()
    .max(100)
    .nullable()
    .optional()
    .openapi({ description: 'A capability’s slug' }),
  feedbackIds: FeedbackIds.default([]),
};

export const NewItemSchema = z
  .object({
    ...itemFields,
    status: z.enum(INITIAL_STATUSES).default('proposed').openapi({
      description:
        'proposed opens it for comment; planned or in-progress is a decision, for the category’s decider only',
    }),
    commentDays: z
      .number()
      .int()
      .min(1)
      .max(90)
      .optional()
      .openapi({ description: 'How long a proposal stays open; the setting when left out' }),
  })
  .openapi('NewRoadmapItem');

export const ItemPatchSchema = z
  .object({
    title: itemFields.title.optional(),
    description: z.string().max(TEXT_MAX).optional(),
    horizon: HorizonSchema.optional(),
    driver: DriverSchema.optional(),
    rationale: itemFields.rationale.optional(),
    category: itemFields.category.optional(),
    capability: itemFields.capability,
    feedbackIds: FeedbackIds.optional(),
  })
  .openapi('RoadmapItemPatch');

export const NewCommentSchema = z
  .object({
    stance: z.enum(STANCES).openapi({ description: 'support, concern or comment' }),
    body: z
      .string()
      .max(COMMENT_MAX, `Keep your comment under ${COMMENT_MAX} characters`)
      .default('')
      .openapi({ description: 'Required for a concern or a comment; support may stand alone' }),
  })
  .openapi('NewRoadmapComment');

export const DecisionInputSchema = z
  .object({
    outcome: z.enum(PROPOSAL_OUTCOMES),
    rationale: text('the rationale', TEXT_MAX),
    horizon: HorizonSchema.optional().openapi({ description: 'Move it when planning it' }),
  })
  .openapi('RoadmapDecisionInput');

export const ChangelogInputSchema = z
  .object({
    title: z.string().trim().max(TITLE_MAX).optional().openapi({
      description: 'The entry’s title; the item’s title when left out',
    }),
    body: text('what changed', TEXT_MAX),
    breaking: z.boolean().default(false),
    effectiveOn: DaySchema.nullable().optional().openapi({
      description:
        'For a breaking change: the day it takes effect, at least the notice period away',
    }),
  })
  .openapi('ChangelogInput');

export const StatusInputSchema = z
  .object({
    status: z.enum(['planned', 'in-progress', 'declined', 'proposed', 'shipped']),
    note: z.string().trim().max(TEXT_MAX).default('').openapi({
      description: 'What changed (a decline’s reason); not used when shipping',
    }),
    commentDays: z.number().int().min(1).max(90).optional().openapi({
      description: 'Reopening for comment: the window; the setting when left out',
    }),
    changelog: ChangelogInputSchema.optional().openapi({
      description: 'Required when shipping: the changelog entry',
    }),
  })
  .refine((b) => b.status !== 'shipped' || b.changelog, {
    path: ['changelog'],
    message: 'Shipping publishes a changelog entry: give changelog.body.',
  })
  .openapi('RoadmapStatusInput');

// ---- Responses ----

export const ItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    horizon: HorizonSchema,
    status: StatusSchema,
    driver: DriverSchema,
    rationale: z.string(),
    category: z.string(),
    capability: z.string().nullable().openapi({ description: 'The capability’s slug' }),
    commentsCloseAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionRationale: z.string().nullable(),
    shippedAt: z.string().nullable(),
    feedbackIds: z.array(z.string()),
    voters: z.number().int().openapi({
      description: 'People who voted on any linked feedback item, each counted once',
    }),
    comments: z.number().int(),
    link: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RoadmapItem');

export const CommentSchema = z
  .object({
    id: z.string(),
    author: z.string(),
    stance: z.enum(STANCES),
    body: z.string(),
    createdAt: z.string(),
  })
  .openapi('RoadmapComment');

export const ItemDetailSchema = ItemSchema.extend({
  description: z.string(),
  decider: z.object({ category: z.string(), label: z.string(), role: z.string() }),
  window: z.enum(['open', 'closed', 'none']).openapi({
    description: 'For proposals: whether comments are still taken',
  }),
  feedback: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.string(),
      votes: z.number().int(),
      mergedInto: z.string().nullable(),
    }),
  ),
  support: z.number().int().openapi({ description: 'People whose latest stance is support' }),
  concern: z.number().int().openapi({ description: 'People whose latest stance is concern' }),
  commentList: z.array(CommentSchema),
  history: z.array(
    z.object({
      kind: z.string(),
      from: StatusSchema.nullable(),
      to: StatusSchema,
      note: z.string(),
      by: z.string().nullable(),
      at: z.string(),
    }),
  ),
  changelogEntry: z.string().nullable().openapi({ description: 'The entry it shipped with' }),
}).openapi('RoadmapItemDetail');

export const ChangelogEntrySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string().openapi({ description: 'Markdown' }),
    roadmapItem: z.string().nullable(),
    capability: z.string().nullable(),
    breaking: z.boolean(),
    effectiveOn: z.string().nullable(),
    feedback: z.array(z.object({ id: z.string(), title: z.string() })),
    publishedBy: z.string().nullable(),
    publishedAt: z.string(),
    link: z.string(),
  })
  .openapi('ChangelogEntry');

// ---- Presenters ----

export function presentItem(s: ItemSummary): z.infer<typeof ItemSchema> {
  const { item } = s;
  return {
    id: item.id,
    title: item.title,
    horizon: item.horizon,
    status: item.status,
    driver: item.driver,
    rationale: item.rationale,
    category: item.category,
    capability: s.capability?.slug ?? null,
    commentsCloseAt: item.commentsCloseAt,
    decidedAt: item.decidedAt,
    decisionRationale: item.decisionRationale,
    shippedAt: item.shippedAt,
    feedbackIds: s.feedbackIds,
    voters: s.voters,
    comments: s.comments,
    link: itemPath(item.id),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function presentDetail(d: ItemDetail): z.infer<typeof ItemDetailSchema> {
  return {
    ...presentItem(d),
    description: d.item.description,
    decider: { category: d.category.key, label: d.category.label, role: d.category.deciderRole },
    window: d.window,
    feedback: d.feedback,
    support: d.tally.support,
    concern: d.tally.concern,
    commentList: d.commentList.map(presentComment),
    history: d.history.map((e) => ({
      kind: e.kind,
      from: e.fromStatus,
      to: e.toStatus,
      note: e.note,
      by: e.actorName,
      at: e.at,
    })),
    changelogEntry: d.entry?.id ?? null,
  };
}

export function presentComment(c: {
  id: string;
  authorName: string;
  stance: (typeof STANCES)[number];
  body: string;
  createdAt: string;
}): z.infer<typeof CommentSchema> {
  return { id: c.id, author: c.authorName, stance: c.stance, body: c.body, createdAt: c.createdAt };
}

export async function presentEntry(
  db: Db,
  entry: ChangelogEntry,
): Promise<z.infer<typeof ChangelogEntrySchema>> {
  const capability = entry.capabilityId ? await getCapabilityById(db, entry.capabilityId) : null;
  return {
    id: entry.id,
    title: entry.title,
    body: entry.body,
    roadmapItem: entry.roadmapItemId,
    capability: capability?.slug ?? null,
    breaking: entry.breaking,
    effectiveOn: entry.effectiveOn,
    feedback: (await linkedFeedback(db, entry.feedbackIds)).map((f) => ({
      id: f.id,
      title: f.title,
    })),
    publishedBy: entry.authorName,
    publishedAt: entry.publishedAt,
    link: changelogPath(entry.id),
  };
}
