// The quarterly platform report as JSON: one zod schema that the API
// validates its answer with, OpenAPI documents, and the tests check against.
// Every figure in it is the output of its area's own function, unchanged.

import { z } from '@hono/zod-openapi';
import { NOTE_KINDS } from '../research/model.ts';
import { MatrixSchema } from './api-matrix.ts';
import { BetaSummarySchema } from './betas-api-schemas.ts';

const int = () => z.number().int();
const IntervalSchema = z.object({ low: z.number(), high: z.number() });

/** A share with its parts; value null when the denominator is zero ("no data"). */
const RateSchema = z.object({
  value: z.number().nullable(),
  numerator: int(),
  denominator: int(),
});

/** Withheld: no answers at all, or hidden by the anonymity rules (no count given). */
const WithheldSchema = z.object({ status: z.enum(['empty', 'hidden']) });

const NpsSchema = z.object({
  n: int(),
  promoters: int(),
  passives: int(),
  detractors: int(),
  score: z.number().nullable(),
  interval: IntervalSchema.nullable(),
});

const NpsFigureSchema = z.union([NpsSchema.extend({ status: z.literal('shown') }), WithheldSchema]);

const SurveyHeadlineSchema = z.object({
  id: z.string(),
  title: z.string(),
  period: z.string(),
  respondents: int(),
  invited: int(),
  k: int(),
  kComment: int(),
  nps: NpsFigureSchema,
  change: z
    .object({
      previousSurveyId: z.string(),
      previousPeriod: z.string(),
      previous: NpsSchema,
      change: z.object({
        delta: z.number().nullable(),
        z: z.number().nullable(),
        significant: z.boolean(),
      }),
    })
    .nullable(),
  /** Everyone's response rate; null when fewer than k were invited. */
  responseRate: RateSchema.nullable(),
});

const CohortSchema = z.object({
  from: z.string(),
  to: z.string(),
  hidden: z.boolean(),
  hires: int().nullable(),
  reached: int().nullable(),
  waiting: int().nullable(),
  medianDays: z.number().nullable(),
  reachedBy: z.array(z.object({ day: int(), percent: z.number().nullable() })).nullable(),
});

const FirstDeploySchema = z.object({
  since: z.string().openapi({ description: 'First hire month included, YYYY-MM' }),
  asOf: z.string(),
  k: int(),
  overall: CohortSchema.nullable(),
  cohorts: z.array(CohortSchema),
});

const ResponsivenessSchema = z.object({
  period: z.string(),
  slaDays: z.number(),
  evaluatedAt: z.string(),
  created: int(),
  timeToAcknowledge: z.object({
    n: int(),
    openBreaches: int(),
    medianDays: z.number().nullable(),
    p90Days: z.number().nullable(),
  }),
  withinSla: RateSchema,
  openOverdue: int(),
});

const CapabilityRefSchema = z.object({ slug: z.string(), name: z.string() });

const ThemesSchema = z.object({
  status: z.enum(['shown', 'hidden', 'empty', 'no-survey']).openapi({
    description:
      'shown: themes from the comments the results show; hidden: too few answers to show comments (no count given); empty: no comments; no-survey: no closed survey this quarter',
  }),
  comments: int().nullable(),
  capabilities: z.array(CapabilityRefSchema.extend({ count: int() })),
  terms: z.array(z.object({ term: z.string(), count: int() })),
});

const TopFeedbackSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  status: z.string(),
  votes: int(),
  capability: CapabilityRefSchema.nullable(),
  createdAt: z.string(),
});

const ChangelogSchema = z.object({
  id: z.string(),
  title: z.string(),
  publishedAt: z.string(),
  breaking: z.boolean(),
  effectiveOn: z.string().nullable(),
  capability: CapabilityRefSchema.nullable(),
  roadmapItemId: z.string().nullable(),
  /** The feedback it answers ("you said"), with votes on each. */
  feedback: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.string(),
      votes: int(),
      mergedInto: z.string().nullable(),
    }),
  ),
});

const RoadmapChangeSchema = z.object({
  id: z.string(),
  title: z.string(),
  change: z.enum(['added', 'decided', 'shipped']),
  at: z.string(),
  status: z.string(),
  horizon: z.string(),
  driver: z.string(),
  rationale: z.string(),
  decisionRationale: z.string().nullable(),
  capability: CapabilityRefSchema.nullable(),
});

const DecisionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  category: z.string(),
  summary: z.string(),
  rationale: z.string(),
  deciderName: z.string().nullable(),
  at: z.string(),
  capability: CapabilityRefSchema.nullable(),
});

const NextItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  horizon: z.enum(['now', 'next']),
  status: z.string(),
  driver: z.string(),
  rationale: z.string(),
  capability: CapabilityRefSchema.nullable(),
  /** People who voted on any linked feedback, each once. */
  voters: int(),
});

/** Solved on the spot: a share of topics with its Wilson interval. */
const SolvedSchema = z.object({
  value: z.number().nullable(),
  count: int(),
  n: int(),
  interval: IntervalSchema.nullable(),
});

/** Research and office hours in short: no quotes, no teams, no notes' text. */
const ResearchSchema = z.object({
  notes: z.object({ total: int(), byKind: z.record(z.enum(NOTE_KINDS), int()) }),
  topFrictions: z.array(
    z.object({
      workflow: z.string(),
      step: z.string(),
      capability: CapabilityRefSchema.nullable(),
      occurrences: int(),
      notes: int(),
      score: z.number(),
      meanSeverity: z.number(),
      minutesLost: z.number(),
      links: z.array(
        z.object({
          kind: z.enum(['feedback', 'roadmap']),
          id: z.string(),
          title: z.string(),
          status: z.string(),
        }),
      ),
    }),
  ),
  officeHours: z.object({
    sessions: int(),
    topics: int(),
    solved: SolvedSchema,
    feedbackFiled: int(),
    docsGaps: int(),
    topCapabilities: z.array(
      z.object({
        capability: CapabilityRefSchema,
        topics: int(),
        solved: SolvedSchema,
        docsGaps: int(),
      }),
    ),
  }),
});

export const ReportSchema = z
  .object({
    period: z.string().openapi({ example: '2026-Q4' }),
    start: z.string(),
    end: z.string(),
    /** complete once the quarter has ended; in-progress while it runs. */
    state: z.enum(['complete', 'in-progress', 'not-started']),
    generatedAt: z.string(),
    k: int(),
    kComment: int(),
    headline: z.object({
      survey: SurveyHeadlineSchema.nullable(),
      timeToFirstDeploy: FirstDeploySchema,
      feedback: ResponsivenessSchema,
    }),
    /** The mandate–choice matrix of the quarter; its rows are the capability table too. */
    matrix: MatrixSchema,
    developersSaid: z.object({
      themes: ThemesSchema,
      topFeedback: z.array(TopFeedbackSchema),
    }),
    whatWeDid: z.object({
      changelog: z.array(ChangelogSchema),
      roadmapChanges: z.array(RoadmapChangeSchema),
      decisions: z.object({ total: int(), items: z.array(DecisionSchema) }),
    }),
    /** Betas running or reviewed in the quarter, with the reviews decided in it. */
    betas: z.array(BetaSummarySchema),
    research: ResearchSchema,
    next: z.array(NextItemSchema),
  })
  .openapi('QuarterlyReport');

export type Report = z.infer<typeof ReportSchema>;
export type ReportCohort = z.infer<typeof CohortSchema>;
