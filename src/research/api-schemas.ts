// The research API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import {
  type Friction,
  type FrictionLink,
  LONG_MAX,
  MAX_FRICTIONS,
  MAX_STEPS,
  MAX_TOPICS,
  MINUTES_MAX,
  type NamedRef,
  NOTE_KINDS,
  type NoteDetail,
  OUTCOMES,
  QUOTE_MAX,
  type Session,
  type SessionDetail,
  TEXT_MAX,
} from './model.ts';
import type { OfficeHoursFigures, SolvedShare } from './office-hours.ts';
import { notePath } from './service.ts';
import { sessionPath } from './service-office-hours.ts';
import type { NoteSummary } from './store.ts';
import type { RankedFriction, Synthesis } from './synthesis.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const Day = z.string().regex(DAY, 'Use a date like 2026-10-14');
const Slug = (what: string) =>
  z
    .string()
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: `A ${what}’s slug` });

export const IdParam = z.object({ id: z.string().max(100).openapi({ description: 'The id' }) });

/** `?persona=` : one persona tag. */
export const PERSONA_QUERY = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'Give one persona tag: lowercase letters, digits and dashes')
  .optional()
  .openapi({ description: 'Only notes carrying this persona tag' });

export const PeriodQuery = z.object({
  period: z.string().max(20).optional().openapi({
    description: 'A quarter (YYYY-Qn) or a month (YYYY-MM), UTC',
  }),
});

// ---- Request bodies ----

const FrictionInputSchema = z.object({
  id: z.string().max(100).nullable().optional().openapi({
    description: 'When replacing a note: an existing friction point of it, kept with its links',
  }),
  step: z.string().max(TEXT_MAX).openapi({ description: 'The step where it happened' }),
  capability: Slug('capability'),
  severity: z.number().int().openapi({ description: '1 annoying, 2 slowed down, 3 blocked' }),
  minutesLost: z.number().int().min(0).max(MINUTES_MAX).nullable().optional(),
  quote: z.string().max(QUOTE_MAX).nullable().optional().openapi({
    description: 'What the participant said (shown to research readers only)',
  }),
});

export const NoteInputSchema = z
  .object({
    kind: z.enum(NOTE_KINDS).openapi({ description: 'interview, shadowing or usability-test' }),
    heldOn: Day,
    team: Slug('team'),
    personas: z
      .array(z.string().max(40))
      .max(20)
      .default([])
      .openapi({ description: 'Persona tags ([a-z0-9-]), e.g. cli-first, junior' }),
    workflow: z.string().max(TEXT_MAX).openapi({ description: 'e.g. “deploy a service”' }),
    steps: z.array(z.string().max(TEXT_MAX)).max(MAX_STEPS),
    summary: z.string().max(LONG_MAX).nullable().optional(),
    frictions: z.array(FrictionInputSchema).max(MAX_FRICTIONS).default([]),
  })
  .openapi('ResearchNoteInput');

export const LinkInputSchema = z
  .object({
    feedbackId: z.string().max(500).optional().openapi({ description: 'A feedback item’s id' }),
    roadmapItemId: z.string().max(500).optional().openapi({ description: 'A roadmap item’s id' }),
  })
  .refine((b) => Boolean(b.feedbackId) !== Boolean(b.roadmapItemId), {
    path: ['feedbackId'],
    message: 'Give either feedbackId or roadmapItemId.',
  })
  .openapi('FrictionLinkInput');

export const FileFeedbackSchema = z
  .object({
    kind: z.enum(['problem', 'idea', 'question', 'praise']).default('problem'),
    title: z.string().max(200).optional().openapi({
      description: 'Left out: the friction’s workflow and step',
    }),
    body: z.string().max(20_000).optional().openapi({
      description: 'Left out: the friction’s facts (never its quote or team)',
    }),
  })
  .openapi('FrictionFeedbackInput');

const TopicInputSchema = z.object({
  team: Slug('team'),
  capability: Slug('capability'),
  problem: z.string().max(LONG_MAX),
  outcome: z.enum(OUTCOMES).openapi({ description: 'solved, feedback-filed or docs-gap' }),
  feedbackId: z.string().max(500).nullable().optional().openapi({
    description: 'For feedback-filed: the feedback item filed',
  }),
});

export const SessionInputSchema = z
  .object({
    heldOn: Day,
    hosts: z.string().max(TEXT_MAX).openapi({ description: 'Who hosted, as written' }),
    notes: z.string().max(LONG_MAX).nullable().optional(),
    topics: z.array(TopicInputSchema).max(MAX_TOPICS).default([]),
  })
  .openapi('OfficeHoursInput');

// ---- Responses ----

const Ref = z.object({ slug: z.string(), name: z.string() });
const ref = (r: NamedRef | null) => (r ? { slug: r.slug, name: r.name } : null);

const LinkSchema = z.object({
  kind: z.enum(['feedback', 'roadmap']),
  id: z.string(),
  title: z.string(),
  status: z.string(),
  link: z.string(),
});

const linkOf = (l: FrictionLink) => ({
  kind: l.kind,
  id: l.id,
  title: l.title,
  status: l.status,
  link: `/${l.kind}/${encodeURIComponent(l.id)}`,
});

export const FrictionSchema = z
  .object({
    id: z.string(),
    step: z.string(),
    capability: Ref.nullable(),
    severity: z.number().int(),
    minutesLost: z.number().int().nullable(),
    quote: z.string().nullable(),
    links: z.array(LinkSchema),
  })
  .openapi('ResearchFriction');

export const NoteSummarySchema = z
  .object({
    id: z.string(),
    kind: z.enum(NOTE_KINDS),
    heldOn: z.string(),
    team: Ref.nullable(),
    personas: z.array(z.string()),
    workflow: z.string(),
    frictions: z.number().int(),
    link: z.string(),
  })
  .openapi('ResearchNoteSummary');

export const NoteSchema = NoteSummarySchema.omit({ frictions: true })
  .extend({
    steps: z.array(z.string()),
    summary: z.string().nullable(),
    frictions: z.array(FrictionSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ResearchNote');

export function presentFriction(f: Friction): z.infer<typeof FrictionSchema> {
  return {
    id: f.id,
    step: f.step,
    capability: ref(f.capability),
    severity: f.severity,
    minutesLost: f.minutesLost,
    quote: f.quote,
    links: f.links.map(linkOf),
  };
}

export function presentNoteSummary(n: NoteSummary): z.infer<typeof NoteSummarySchema> {
  return {
    id: n.id,
    kind: n.kind,
    heldOn: n.heldOn,
    team: ref(n.team),
    personas: n.personas,
    workflow: n.workflow,
    frictions: n.frictions,
    link: notePath(n.id),
  };
}

export function presentNote(n: NoteDetail): z.infer<typeof NoteSchema> {
  return {
    id: n.id,
    kind: n.kind,
    heldOn: n.heldOn,
    team: ref(n.team),
    personas: n.personas,
    workflow: n.workflow,
    steps: n.steps,
    summary: n.summary,
    frictions: n.frictions.map(presentFriction),
    link: notePath(n.id),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  };
}

const RankedSchema = z.object({
  workflow: z.string(),
  step: z.string(),
  capability: Ref.nullable(),
  occurrences: z.number().int(),
  notes: z.number().int(),
  score: z.number().int().openapi({ description: 'Σ severity over its occurrences' }),
  meanSeverity: z.number(),
  minutesLost: z.number().int(),
  minutesReported: z.number().int().openapi({ description: 'Occurrences that gave minutes lost' }),
  noteIds: z.array(z.string()),
  links: z.array(LinkSchema),
});

const GroupTotals = {
  score: z.number().int(),
  occurrences: z.number().int(),
  notes: z.number().int(),
  minutesLost: z.number().int(),
  frictions: z.array(RankedSchema),
};

export const SynthesisSchema = z
  .object({
    persona: z.string().nullable(),
    period: z.string().nullable(),
    notes: z.number().int(),
    occurrences: z.number().int(),
    ranked: z.array(RankedSchema),
    byWorkflow: z.array(z.object({ workflow: z.string(), ...GroupTotals })),
    byCapability: z.array(z.object({ capability: Ref.nullable(), ...GroupTotals })),
    personas: z.array(z.object({ tag: z.string(), notes: z.number().int() })),
  })
  .openapi('ResearchSynthesis');

function presentRanked(r: RankedFriction): z.infer<typeof RankedSchema> {
  return {
    workflow: r.workflow,
    step: r.step,
    capability: ref(r.capability),
    occurrences: r.occurrences,
    notes: r.notes,
    score: r.score,
    meanSeverity: r.meanSeverity,
    minutesLost: r.minutesLost,
    minutesReported: r.minutesReported,
    noteIds: r.noteIds,
    links: r.links.map(linkOf),
  };
}

export function presentSynthesis(
  s: Synthesis,
  period: string | null,
): z.infer<typeof SynthesisSchema> {
  const totals = (g: Synthesis['byWorkflow'][number] | Synthesis['byCapability'][number]) => ({
    score: g.score,
    occurrences: g.occurrences,
    notes: g.notes,
    minutesLost: g.minutesLost,
    frictions: g.frictions.map(presentRanked),
  });
  return {
    persona: s.persona,
    period,
    notes: s.notes,
    occurrences: s.occurrences,
    ranked: s.ranked.map(presentRanked),
    byWorkflow: s.byWorkflow.map((g) => ({ workflow: g.workflow, ...totals(g) })),
    byCapability: s.byCapability.map((g) => ({ capability: ref(g.capability), ...totals(g) })),
    personas: s.personas,
  };
}

export const SessionSummarySchema = z
  .object({
    id: z.string(),
    heldOn: z.string(),
    hosts: z.string(),
    notes: z.string().nullable(),
    topics: z.number().int(),
    link: z.string(),
  })
  .openapi('OfficeHoursSessionSummary');

export const SessionSchema = SessionSummarySchema.omit({ topics: true })
  .extend({
    topics: z.array(
      z.object({
        team: Ref.nullable(),
        capability: Ref.nullable(),
        problem: z.string(),
        outcome: z.enum(OUTCOMES),
        feedback: z
          .object({ id: z.string(), title: z.string(), status: z.string(), link: z.string() })
          .nullable(),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('OfficeHoursSession');

export function presentSessionSummary(s: Session): z.infer<typeof SessionSummarySchema> {
  return {
    id: s.id,
    heldOn: s.heldOn,
    hosts: s.hosts,
    notes: s.notes,
    topics: s.topicCount,
    link: sessionPath(s.id),
  };
}

export function presentSession(s: SessionDetail): z.infer<typeof SessionSchema> {
  return {
    id: s.id,
    heldOn: s.heldOn,
    hosts: s.hosts,
    notes: s.notes,
    link: sessionPath(s.id),
    topics: s.topics.map((t) => ({
      team: ref(t.team),
      capability: ref(t.capability),
      problem: t.problem,
      outcome: t.outcome,
      feedback: t.feedback
        ? { ...t.feedback, link: `/feedback/${encodeURIComponent(t.feedback.id)}` }
        : null,
    })),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

const ShareSchema = z
  .object({
    value: z
      .number()
      .nullable()
      .openapi({ description: 'Percent; null when there were no topics' }),
    count: z.number().int(),
    n: z.number().int(),
    interval: z
      .object({ low: z.number(), high: z.number() })
      .nullable()
      .openapi({ description: '95% Wilson interval, percent' }),
  })
  .openapi('SolvedShare');

const TallyFields = {
  topics: z.number().int(),
  solved: ShareSchema,
  feedbackFiled: z.number().int(),
  docsGaps: z.number().int(),
};

export const FiguresSchema = z
  .object({
    period: z.object({ key: z.string(), start: z.string(), end: z.string() }),
    sessions: z.number().int(),
    quietSessions: z.number().int(),
    all: z.object(TallyFields),
    byCapability: z.array(z.object({ capability: Ref.nullable(), ...TallyFields })),
  })
  .openapi('OfficeHoursFigures');

const share = (s: SolvedShare) => ({ ...s });

export function presentFigures(f: OfficeHoursFigures): z.infer<typeof FiguresSchema> {
  const tally = (t: OfficeHoursFigures['all']) => ({
    topics: t.topics,
    solved: share(t.solved),
    feedbackFiled: t.feedbackFiled,
    docsGaps: t.docsGaps,
  });
  return {
    period: f.period,
    sessions: f.sessions,
    quietSessions: f.quietSessions,
    all: tally(f.all),
    byCapability: f.byCapability.map((c) => ({ capability: ref(c.capability), ...tally(c) })),
  };
}
