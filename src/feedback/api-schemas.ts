// The feedback API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import { renderMarkdown } from '../core/markdown.ts';
import type { ResponsivenessFigures } from './figures.ts';
import {
  authorLine,
  BODY_MAX,
  FEEDBACK_KINDS,
  FEEDBACK_SORTS,
  FEEDBACK_STATUSES,
  type FeedbackItem,
  type InternalNote,
  NOTE_MAX,
  POSTED_AS,
  type StatusChange,
  TITLE_MAX,
} from './model.ts';
import type { FeedbackDetail, FeedbackSummary } from './service.ts';

export const KindSchema = z.enum(FEEDBACK_KINDS);
export const StatusSchema = z.enum(FEEDBACK_STATUSES);

export const IdParam = z.object({
  id: z.string().min(1).max(100).openapi({ description: 'The feedback item’s id' }),
});

/** `a,b,c` or a repeated parameter, as a list of enum values. */
function listOf<T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z
    .string()
    .max(500)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { message: `Use ${what}: ${values.join(', ')}` })))
    .optional()
    .openapi({ description: `Comma-separated ${what}: ${values.join(', ')}` });
}

export const ListQuery = z.object({
  capability: z.string().max(100).optional().openapi({ description: 'A capability’s slug' }),
  team: z.string().max(200).optional().openapi({ description: 'A team’s slug' }),
  status: listOf(FEEDBACK_STATUSES, 'statuses'),
  kind: listOf(FEEDBACK_KINDS, 'kinds'),
  q: z.string().max(200).optional().openapi({ description: 'Words in the title or description' }),
  sort: z
    .enum(FEEDBACK_SORTS)
    .default('newest')
    .openapi({ description: 'votes, newest or oldest-unacknowledged' }),
});

export const NewFeedbackSchema = z
  .object({
    kind: KindSchema,
    title: z
      .string()
      .trim()
      .min(1, 'Give it a title: say what it is about in a few words.')
      .max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters.`),
    body: z
      .string()
      .max(BODY_MAX, `Keep the description under ${BODY_MAX} characters.`)
      .default('')
      .openapi({ description: 'Markdown: links, lists, code. No HTML.' }),
    capability: z
      .string()
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: 'A capability’s slug; leave out for the platform as a whole' }),
    team: z
      .string()
      .max(200)
      .nullable()
      .optional()
      .openapi({ description: 'Your team’s slug (or a team within it); your own team by default' }),
    postedAs: z.enum(POSTED_AS).default('name').openapi({
      description:
        '`name` shows you as the author. `team` shows "a developer in <team>": nobody in paved can see it was you; you still get updates.',
    }),
  })
  .openapi('NewFeedback');

const note = (what: string) =>
  z.string().trim().min(1, what).max(NOTE_MAX, `Keep the note under ${NOTE_MAX} characters.`);

export const StatusChangeSchema = z
  .object({
    status: StatusSchema,
    note: note('Add a public note: every status change tells subscribers what happened.').openapi({
      description: 'Public; for `declined` it is the reason. Subscribers read it.',
    }),
  })
  .openapi('FeedbackStatusChange');

export const MergeSchema = z
  .object({
    into: z.string().trim().min(1, 'Give the id of the item to merge into.').max(100),
    note: note('Add a public note: subscribers are told where the conversation continues.'),
  })
  .openapi('FeedbackMerge');

export const NoteSchema = z
  .object({ body: note('Write the note first.') })
  .openapi('FeedbackInternalNoteInput');

const Ref = z.object({ slug: z.string(), name: z.string() });

export const FeedbackSchema = z
  .object({
    id: z.string(),
    kind: KindSchema,
    title: z.string(),
    body: z.string().openapi({ description: 'As written (Markdown)' }),
    bodyHtml: z.string().openapi({ description: 'Rendered, sanitised HTML, safe to embed' }),
    capability: Ref.nullable(),
    team: Ref.nullable(),
    postedAs: z.enum(POSTED_AS),
    author: z
      .string()
      .nullable()
      .openapi({ description: 'The author’s name; null when posted as a developer in the team' }),
    authorLine: z
      .string()
      .openapi({ description: '"Ada Lovelace (Payments)" or "a developer in Payments"' }),
    status: StatusSchema,
    duplicateOf: z.string().nullable(),
    votes: z.number().int(),
    voted: z.boolean(),
    ageDays: z.number().int(),
    slaDeadline: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedInTime: z
      .boolean()
      .nullable()
      .openapi({ description: 'null while new and within the SLA' }),
    statusChangedAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('Feedback');

export const StatusChangeOutSchema = z
  .object({
    from: StatusSchema,
    to: StatusSchema,
    note: z.string(),
    noteHtml: z.string(),
    into: z.string().nullable(),
    by: z.string().nullable(),
    at: z.string(),
  })
  .openapi('FeedbackStatusHistory');

export const InternalNoteSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    bodyHtml: z.string(),
    by: z.string().nullable(),
    at: z.string(),
  })
  .openapi('FeedbackInternalNote');

const Brief = z.object({
  id: z.string(),
  title: z.string(),
  status: StatusSchema,
  votes: z.number().int(),
});

export const FeedbackDetailSchema = FeedbackSchema.extend({
  history: z.array(StatusChangeOutSchema),
  duplicates: z.array(Brief).openapi({ description: 'Items merged into this one' }),
  mergedInto: Brief.nullable(),
  internalNotes: z
    .array(InternalNoteSchema)
    .nullable()
    .openapi({ description: 'Platform role only; null for everyone else' }),
  subscribed: z.boolean(),
}).openapi('FeedbackDetail');

export const VoteSchema = z
  .object({ votes: z.number().int(), voted: z.boolean() })
  .openapi('FeedbackVote');
export const SubscriptionSchema = z
  .object({ subscribed: z.boolean() })
  .openapi('FeedbackSubscription');

export const FiguresSchema = z
  .object({
    period: z.string(),
    slaDays: z.number().int(),
    evaluatedAt: z.string(),
    created: z.number().int(),
    timeToAcknowledge: z.object({
      n: z.number().int(),
      openBreaches: z.number().int(),
      medianDays: z.number().nullable(),
      p90Days: z.number().nullable(),
    }),
    withinSla: z.object({
      value: z
        .number()
        .nullable()
        .openapi({ description: 'Percent; null when no item’s SLA has ended' }),
      numerator: z.number().int(),
      denominator: z.number().int(),
    }),
    openOverdue: z.number().int(),
  })
  .openapi('FeedbackFigures');

const brief = (i: FeedbackItem) => ({ id: i.id, title: i.title, status: i.status, votes: i.votes });

export function presentFeedback(item: FeedbackSummary): z.infer<typeof FeedbackSchema> {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    body: item.body,
    bodyHtml: renderMarkdown(item.body),
    capability: item.capability ? { slug: item.capability.slug, name: item.capability.name } : null,
    team: item.team ? { slug: item.team.slug, name: item.team.name } : null,
    postedAs: item.postedAs,
    author: item.postedAs === 'name' ? (item.author?.name ?? null) : null,
    authorLine: authorLine(item),
    status: item.status,
    duplicateOf: item.duplicateOf,
    votes: item.votes,
    voted: item.voted,
    ageDays: item.ageDays,
    slaDeadline: item.slaDeadline,
    acknowledgedAt: item.acknowledgedAt,
    acknowledgedInTime: item.acknowledgedInTime,
    statusChangedAt: item.statusChangedAt,
    createdAt: item.createdAt,
  };
}

const presentChange = (h: StatusChange) => ({
  from: h.from,
  to: h.to,
  note: h.note,
  noteHtml: renderMarkdown(h.note),
  into: h.intoId,
  by: h.actorName,
  at: h.at,
});

const presentNote = (n: InternalNote) => ({
  id: n.id,
  body: n.body,
  bodyHtml: renderMarkdown(n.body),
  by: n.authorName,
  at: n.at,
});

export function presentDetail(d: FeedbackDetail): z.infer<typeof FeedbackDetailSchema> {
  return {
    ...presentFeedback(d.item),
    history: d.history.map(presentChange),
    duplicates: d.duplicates.map(brief),
    mergedInto: d.mergedInto ? brief(d.mergedInto) : null,
    internalNotes: d.internalNotes ? d.internalNotes.map(presentNote) : null,
    subscribed: d.viewer.subscribed,
  };
}

export function presentInternalNote(n: InternalNote) {
  return presentNote(n);
}

export function presentFigures(f: ResponsivenessFigures): z.infer<typeof FiguresSchema> {
  return f;
}
