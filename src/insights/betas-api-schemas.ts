// The betas API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import { ADOPTION_STATES, STAGES } from '../capabilities/model.ts';
import type { Figure, TopBox } from '../surveys/results.ts';
import type { BetaDetail, BetaSummary, ReviewSummary } from './betas.ts';
import {
  BETA_STATUSES,
  CRITERION_KINDS,
  type CriterionResult,
  REVIEW_OUTCOMES,
} from './betas-model.ts';

/** A day as YYYY-MM-DD that exists. */
const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-01-31')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'This is not a real date');

export const IdParam = z.object({
  id: z.string().max(100).openapi({ description: 'The beta program’s id' }),
});

export const BetaStatusSchema = z.enum(BETA_STATUSES);

// ---- Request bodies ----

const CriterionInputSchema = z
  .object({
    kind: z.enum(CRITERION_KINDS).openapi({
      description:
        'csat: top-2-box among beta teams; stay-rate: share still using it N weeks after joining; open-problems: no open problem older than the acknowledgement SLA',
    }),
    threshold: z.number().optional().openapi({
      description: 'csat: percent (70 unless given); stay-rate: a fraction, 2/3 unless given',
    }),
    minN: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'csat: the fewest answers that count (5 unless given)' }),
    afterWeeks: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'stay-rate: weeks after a team joined (6 unless given)' }),
  })
  .openapi('BetaCriterionInput');

export const NewBetaSchema = z
  .object({
    capability: z.string().min(1, 'Choose a capability').max(100).openapi({
      description: 'The slug of a capability in stage beta',
    }),
    startsOn: DaySchema.openapi({ description: 'Trials from this day on count as joining' }),
    reviewOn: DaySchema,
    targetTeams: z.number().int().optional().openapi({ description: '3 unless given' }),
    category: z.string().max(100).optional().openapi({
      description:
        'A decision category key (GET /decision-rights) whose decider reviews it; developer-experience unless given',
    }),
    notes: z.string().max(5000, 'Keep the notes under 5000 characters').optional(),
    criteria: z.array(CriterionInputSchema).max(3).optional().openapi({
      description: 'The success criteria; all three with their defaults when left out',
    }),
  })
  .openapi('NewBeta');

export const JoinSchema = z
  .object({
    team: z.string().max(200).optional().openapi({
      description: 'The team’s slug; your own team when left out',
    }),
  })
  .openapi('BetaJoin');

export const LeaveSchema = z
  .object({
    team: z.string().max(200).optional().openapi({
      description: 'The team’s slug; your own team when left out',
    }),
    reason: z.string().max(100).openapi({ description: 'A key from GET /adoption-reasons' }),
    reasonText: z.string().max(4000).optional(),
    alternative: z.string().max(500).openapi({ description: 'What the team uses instead' }),
  })
  .openapi('BetaLeave');

export const ReviewInputSchema = z
  .object({
    outcome: z.enum(REVIEW_OUTCOMES).openapi({
      description:
        'graduate: the capability becomes generally available; iterate: a new review date',
    }),
    rationale: z
      .string()
      .trim()
      .min(1, 'Say why: every decision records its rationale')
      .max(5000, 'Keep the rationale under 5000 characters'),
    nextReviewOn: DaySchema.optional().openapi({ description: 'Needed to iterate' }),
  })
  .openapi('BetaReviewInput');

// ---- Responses ----

const IntervalSchema = z.object({ low: z.number(), high: z.number() }).nullable();

export const CriterionResultSchema = z
  .object({
    kind: z.enum(CRITERION_KINDS),
    threshold: z.number().nullable(),
    minN: z.number().nullable(),
    afterWeeks: z.number().nullable(),
    verdict: z.enum(['met', 'not-met', 'not-yet']),
    explanation: z.string(),
    figures: z.object({
      status: z.string().optional(),
      value: z.number().nullable().optional(),
      n: z.number().nullable().optional(),
      interval: IntervalSchema.optional(),
      survey: z
        .object({ id: z.string(), title: z.string(), period: z.string() })
        .nullable()
        .optional(),
      eligible: z.number().optional(),
      stayed: z.number().optional(),
      waiting: z.number().optional(),
      slaDays: z.number().optional(),
      items: z
        .array(z.object({ id: z.string(), title: z.string(), createdAt: z.string() }))
        .optional(),
    }),
  })
  .openapi('BetaCriterionResult');

const ReviewSchema = z
  .object({
    id: z.string(),
    outcome: z.enum(REVIEW_OUTCOMES),
    rationale: z.string(),
    nextReviewOn: z.string().nullable(),
    decidedAt: z.string(),
    decider: z.string().nullable(),
    criteria: z.array(CriterionResultSchema),
  })
  .openapi('BetaReview');

export const BetaSummarySchema = z
  .object({
    id: z.string(),
    capability: z.object({ slug: z.string(), name: z.string(), stage: z.enum(STAGES) }),
    status: BetaStatusSchema,
    startsOn: z.string(),
    reviewOn: z.string(),
    category: z.string(),
    targetTeams: z.number(),
    teams: z.number().openapi({ description: 'Teams that joined' }),
    activeTeams: z.number().openapi({ description: 'Teams that joined and still use it' }),
    measuredAt: z.string(),
    criteria: z.array(CriterionResultSchema),
    criteriaSummary: z.string(),
    reviews: z.array(ReviewSchema),
  })
  .openapi('BetaSummary');

const TopBoxSchema = z
  .object({
    status: z.enum(['shown', 'hidden', 'empty']).openapi({
      description: 'hidden: not shown to keep answers anonymous; empty: no answers',
    }),
    value: z.number().nullable().optional(),
    count: z.number().optional(),
    n: z.number().optional(),
    interval: IntervalSchema.optional(),
    mean: z.number().nullable().optional(),
  })
  .openapi('BetaTopBox');

export const BetaDetailSchema = BetaSummarySchema.extend({
  notes: z.string().nullable(),
  createdAt: z.string(),
  decider: z.object({ category: z.string(), label: z.string(), role: z.string().nullable() }),
  teamList: z.array(
    z.object({
      team: z.string(),
      teamName: z.string(),
      joinedAt: z.string(),
      state: z.enum(ADOPTION_STATES),
      since: z.string(),
    }),
  ),
  surveys: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      period: z.string(),
      closedAt: z.string().nullable(),
    }),
  ),
  comparison: z
    .object({
      survey: z.object({ id: z.string(), title: z.string(), period: z.string() }),
      k: z.number(),
      beta: TopBoxSchema,
      others: TopBoxSchema,
      unplaced: z.object({
        status: z.enum(['shown', 'hidden', 'empty']),
        n: z.number().nullable().openapi({ description: 'Only when at least k' }),
      }),
    })
    .nullable()
    .openapi({ description: 'Beta teams against everyone else in one closed survey' }),
  pulses: z.array(z.object({ month: z.string(), rating: TopBoxSchema })),
  feedback: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      kind: z.string(),
      status: z.string(),
      team: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  moves: z.array(
    z.object({
      team: z.string(),
      teamName: z.string(),
      from: z.enum(ADOPTION_STATES),
      to: z.enum(ADOPTION_STATES),
      at: z.string(),
      reason: z.string().nullable(),
      reasonText: z.string().nullable(),
      alternative: z.string().nullable(),
    }),
  ),
}).openapi('BetaDetail');

export const MembershipSchema = z
  .object({
    beta: z.string(),
    team: z.string(),
    state: z.enum(ADOPTION_STATES),
    reason: z.string().nullable(),
    at: z.string(),
  })
  .openapi('BetaMembership');

// ---- Presenters ----

function presentCriterion(c: CriterionResult) {
  return {
    kind: c.kind,
    threshold: c.threshold,
    minN: c.minN,
    afterWeeks: c.afterWeeks,
    verdict: c.verdict,
    explanation: c.explanation,
    figures: Object.fromEntries(Object.entries(c.figures).filter(([k]) => k !== 'kind')),
  };
}

function presentReview(r: ReviewSummary) {
  return { ...r, criteria: r.criteria.map(presentCriterion) };
}

export function presentSummary(s: BetaSummary) {
  return {
    id: s.id,
    capability: { slug: s.capability.slug, name: s.capability.name, stage: s.capability.stage },
    status: s.status,
    startsOn: s.startsOn,
    reviewOn: s.reviewOn,
    category: s.category,
    targetTeams: s.targetTeams,
    teams: s.teams,
    activeTeams: s.activeTeams,
    measuredAt: s.measuredAt,
    criteria: s.criteria.map(presentCriterion),
    criteriaSummary: s.criteriaSummary,
    reviews: s.reviews.map(presentReview),
  };
}

function presentFigure(f: Figure<TopBox>) {
  if (f.status !== 'shown') return { status: f.status };
  return {
    status: f.status,
    value: f.value,
    count: f.count,
    n: f.n,
    interval: f.interval,
    mean: f.mean,
  };
}

export function presentDetail(d: BetaDetail) {
  return {
    ...presentSummary(d),
    notes: d.notes,
    createdAt: d.createdAt,
    decider: d.decider,
    teamList: d.teamList.map((t) => ({
      team: t.team.slug,
      teamName: t.team.name,
      joinedAt: t.joinedAt,
      state: t.state,
      since: t.since,
    })),
    surveys: d.surveys,
    comparison: d.comparison
      ? {
          survey: {
            id: d.comparison.survey.id,
            title: d.comparison.survey.title,
            period: d.comparison.survey.period,
          },
          k: d.comparison.k,
          beta: presentFigure(d.comparison.beta),
          others: presentFigure(d.comparison.others),
          unplaced: d.comparison.unplaced,
        }
      : null,
    pulses: d.pulses.map((p) => ({ month: p.month, rating: presentFigure(p.rating) })),
    feedback: d.feedback.map((f) => ({
      id: f.id,
      title: f.title,
      kind: f.kind,
      status: f.status,
      team: f.team?.slug ?? null,
      createdAt: f.createdAt,
    })),
    moves: d.moves.map((m) => ({
      team: m.team.slug,
      teamName: m.team.name,
      from: m.from,
      to: m.to,
      at: m.at,
      reason: m.reason,
      reasonText: m.reasonText,
      alternative: m.alternative,
    })),
  };
}
