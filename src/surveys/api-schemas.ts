// The surveys API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import type { Team } from '../org/model.ts';
import {
  AUDIENCES,
  COMMENT_MAX,
  CUSTOM_KINDS,
  HOURS_BUCKETS,
  HOURS_KEYS,
  MAX_CUSTOM_QUESTIONS,
  PROMPT_MAX,
  QUESTIONS,
  SURVEY_STATES,
  type Survey,
  type SurveyForm,
  TITLE_MAX,
  TOUCHPOINTS,
} from './model.ts';
import { DIMENSIONS, type SurveyResults } from './results.ts';
import type { PulseResults } from './results-pulses.ts';

export const IdParam = z.object({ id: z.string().min(1).max(100) });

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-12')
  .openapi({ description: 'YYYY-MM-DD (UTC)' });

export const PeriodSchema = z
  .string()
  .regex(/^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/, 'Use a period like 2026-Q4 or 2026-11')
  .openapi({ description: 'YYYY-Qn or YYYY-MM, UTC', example: '2026-Q4' });

export const SurveyStateSchema = z.enum(SURVEY_STATES);
export const DimensionSchema = z.enum(DIMENSIONS).default('team');

const QuestionInput = z.object({
  kind: z.enum(CUSTOM_KINDS).openapi({ description: 'rating (1–5) or text' }),
  prompt: z.string().trim().min(1, 'Write the question').max(PROMPT_MAX),
  required: z.boolean().optional(),
});

export const NewSurveySchema = z
  .object({
    title: z.string().trim().min(1, 'Give the survey a title').max(TITLE_MAX),
    period: PeriodSchema,
    audience: z.enum(AUDIENCES).default('all'),
    teams: z
      .array(z.string().trim().min(1).max(200))
      .max(500)
      .optional()
      .openapi({ description: 'Team slugs when audience is teams; their sub-teams are included.' }),
    opensOn: IsoDate.nullable().optional(),
    closesOn: IsoDate.nullable().optional(),
    questions: z
      .array(QuestionInput)
      .max(MAX_CUSTOM_QUESTIONS)
      .optional()
      .openapi({ description: 'Custom questions: never compared across periods.' }),
  })
  .openapi('NewSurvey');

export const SurveyPatchSchema = NewSurveySchema.partial()
  .extend({ audience: z.enum(AUDIENCES).optional() })
  .openapi('SurveyPatch');

const QuestionSchema = z.object({
  id: z.string(),
  kind: z.enum(CUSTOM_KINDS),
  prompt: z.string(),
  required: z.boolean(),
  comparable: z.literal(false),
});

export const SurveySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    period: z.string(),
    state: SurveyStateSchema,
    audience: z.enum(AUDIENCES),
    teams: z.array(z.string()),
    opensOn: z.string().nullable(),
    closesOn: z.string().nullable(),
    k: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Smallest group shown, fixed at opening' }),
    kComment: z.number().int().nullable(),
    invited: z.number().int().nullable(),
    responded: z.number().int().nullable(),
    questions: z.array(QuestionSchema),
    openedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('Survey');

export type Slugs = Map<string, string>;

export const slugMap = (teams: Team[]): Slugs => new Map(teams.map((t) => [t.id, t.slug]));

export function presentSurvey(survey: Survey, slugs: Slugs) {
  return {
    id: survey.id,
    title: survey.title,
    period: survey.period,
    state: survey.state,
    audience: survey.audience,
    teams: survey.teamIds.map((id) => slugs.get(id) ?? id).sort(),
    opensOn: survey.opensOn,
    closesOn: survey.closesOn,
    k: survey.k,
    kComment: survey.kComment,
    invited: survey.invited,
    responded: survey.responded,
    questions: survey.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      prompt: q.prompt,
      required: q.required,
      comparable: false as const,
    })),
    openedAt: survey.openedAt,
    closedAt: survey.closedAt,
  };
}

export const SurveyDetailSchema = SurveySchema.extend({
  answered: z.boolean().openapi({ description: 'Whether you answered (never what)' }),
  invited: z.number().int().nullable(),
  youAreInvited: z.boolean(),
}).openapi('SurveyDetail');

const Scale = z.object({
  min: z.number().int(),
  max: z.number().int(),
  minLabel: z.string(),
  maxLabel: z.string(),
});

export const FormSchema = z
  .object({
    survey: SurveySchema,
    answered: z.boolean(),
    invited: z.boolean(),
    questions: z.object({
      nps: Scale.extend({ prompt: z.string() }),
      cognitiveLoad: Scale.extend({ prompt: z.string() }),
      hoursLost: z.object({
        prompt: z.string(),
        choices: z.array(z.object({ key: z.string(), label: z.string() })),
      }),
      comment: z.object({ prompt: z.string() }),
      fix: z.object({ prompt: z.string() }),
      capabilities: z.array(
        z.object({
          slug: z.string(),
          name: z.string(),
          csat: Scale.extend({ prompt: z.string() }),
          effort: Scale.extend({ prompt: z.string() }),
        }),
      ),
      custom: z.array(QuestionSchema.extend({ scale: Scale.nullable() })),
    }),
  })
  .openapi('SurveyForm');

export function presentForm(form: SurveyForm, slugs: Slugs) {
  const { nps, cognitiveLoad, csat, effort, customRating } = QUESTIONS;
  const scale = (q: { min: number; max: number; minLabel: string; maxLabel: string }) => ({
    min: q.min,
    max: q.max,
    minLabel: q.minLabel,
    maxLabel: q.maxLabel,
  });
  return {
    survey: presentSurvey(form.survey, slugs),
    answered: form.answered,
    invited: form.invited,
    questions: {
      nps: { prompt: nps.prompt, ...scale(nps) },
      cognitiveLoad: { prompt: cognitiveLoad.prompt, ...scale(cognitiveLoad) },
      hoursLost: {
        prompt: QUESTIONS.hoursLost.prompt,
        choices: HOURS_BUCKETS.map((b) => ({ key: b.key, label: b.label })),
      },
      comment: { prompt: QUESTIONS.comment.prompt },
      fix: { prompt: QUESTIONS.fix.prompt },
      capabilities: form.capabilities.map((c) => ({
        slug: c.slug,
        name: c.name,
        csat: { prompt: csat.prompt.replace('{capability}', c.name), ...scale(csat) },
        effort: { prompt: effort.prompt.replace('{capability}', c.name), ...scale(effort) },
      })),
      custom: form.questions.map((q) => ({
        id: q.id,
        kind: q.kind,
        prompt: q.prompt,
        required: q.required,
        comparable: false as const,
        scale: q.kind === 'rating' ? scale(customRating) : null,
      })),
    },
  };
}

const score = (min: number, max: number) => z.number().int().min(min).max(max);

export const ResponseSchema = z
  .object({
    answers: z
      .object({
        nps: score(0, 10).nullable().optional(),
        comment: z.string().max(COMMENT_MAX).nullable().optional(),
        fix: z.string().max(COMMENT_MAX).nullable().optional(),
        cognitiveLoad: score(1, 5).nullable().optional(),
        hoursLost: z.enum(HOURS_KEYS).nullable().optional(),
        capabilities: z
          .record(
            z.string().max(100),
            z.object({
              csat: score(1, 5).nullable().optional(),
              effort: score(1, 7).nullable().optional(),
            }),
          )
          .optional(),
        custom: z
          .record(z.string().max(100), z.union([z.number(), z.string().max(COMMENT_MAX)]))
          .optional()
          .openapi({ description: 'Custom questions by id: a 1–5 rating or text' }),
      })
      .strict(),
  })
  .openapi('SurveyResponse');

export const ProgressSchema = z
  .object({
    invited: z.number().int(),
    answered: z.number().int().nullable(),
    teams: z.array(
      z.object({ team: z.string(), invited: z.number().int(), notAnswered: z.number().int() }),
    ),
  })
  .openapi('SurveyProgress');

// ---- Results ----

const IntervalSchema = z.object({ low: z.number(), high: z.number() }).nullable();
const Status = z.enum(['shown', 'empty', 'hidden']).openapi({
  description: 'shown; empty (no answers); hidden to keep answers anonymous (no count given)',
});
/** A figure: its status, a note when it is not shown, and its numbers only when shown. */
const figure = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ status: Status, note: z.string().optional() }).extend(z.object(shape).partial().shape);
const TopBoxFigure = figure({
  value: z.number().nullable(),
  n: z.number().int(),
  count: z.number().int(),
  interval: IntervalSchema,
  mean: z.number().nullable(),
});
const NpsFigure = figure({
  score: z.number().nullable(),
  n: z.number().int(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  interval: IntervalSchema,
});
const HoursFigure = figure({
  n: z.number().int(),
  median: z.number().nullable(),
  trimmedMean: z.number().nullable(),
  totalHours: z.number(),
  fte: z.number(),
});

export const ResultsSchema = z
  .object({
    survey: SurveySchema,
    by: z.enum(DIMENSIONS),
    k: z.number().int(),
    kComment: z.number().int(),
    respondents: z.number().int(),
    invited: z.number().int(),
    change: z
      .object({
        previousSurvey: z.string(),
        previousPeriod: z.string(),
        previousNps: z.number().nullable(),
        previousN: z.number().int(),
        delta: z.number().nullable(),
        z: z.number().nullable(),
        significant: z.boolean(),
      })
      .nullable(),
    cuts: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        parent: z.string().nullable(),
        depth: z.number().int(),
        kind: z.enum(['all', 'team', 'rest', 'band', 'unknown']),
        status: Status,
        respondents: z.number().int().nullable(),
        responseRate: z
          .object({
            value: z.number().nullable(),
            responded: z.number().int(),
            invited: z.number().int(),
          })
          .nullable(),
        nps: NpsFigure,
        cognitiveLoad: TopBoxFigure,
        hoursLost: HoursFigure,
        capabilities: z.array(
          z.object({
            capability: z.string(),
            name: z.string(),
            csat: TopBoxFigure,
            effort: TopBoxFigure,
          }),
        ),
        custom: z.array(
          z.object({
            question: z.string(),
            prompt: z.string(),
            kind: z.enum(CUSTOM_KINDS),
            comparable: z.literal(false),
            rating: TopBoxFigure.nullable(),
          }),
        ),
        comments: figure({
          items: z.array(z.object({ question: z.string(), prompt: z.string(), body: z.string() })),
        }),
      }),
    ),
  })
  .openapi('SurveyResults');

/** Replaces team ids in cut keys by slugs; figures pass as they are (hidden ones carry no numbers). */
export function presentResults(results: SurveyResults, slugs: Slugs, hiddenNote: string) {
  const keyOf = (key: string | null) =>
    key === null
      ? null
      : key.replace(
          /^(team|rest):(.+)$/,
          (_m, kind: string, id: string) =>
            `${kind}:${id === 'unknown' ? id : (slugs.get(id) ?? id)}`,
        );
  const note = <T extends { status: string }>(f: T) =>
    f.status === 'hidden'
      ? { ...f, note: hiddenNote }
      : f.status === 'empty'
        ? { ...f, note: 'No answers.' }
        : f;
  return {
    survey: presentSurvey(results.survey, slugs),
    by: results.by,
    k: results.k,
    kComment: results.kComment,
    respondents: results.respondents,
    invited: results.invited,
    change: results.change
      ? {
          previousSurvey: results.change.previousSurveyId,
          previousPeriod: results.change.previousPeriod,
          previousNps: results.change.previous.score,
          previousN: results.change.previous.n,
          delta: results.change.change.delta,
          z: results.change.change.z,
          significant: results.change.change.significant,
        }
      : null,
    cuts: results.cuts.map((c) => ({
      key: keyOf(c.key)!,
      label: c.label,
      parent: keyOf(c.parent),
      depth: c.depth,
      kind: c.kind,
      status: c.status,
      respondents: c.respondents,
      responseRate: c.responseRate
        ? {
            value: c.responseRate.value,
            responded: c.responseRate.numerator,
            invited: c.responseRate.denominator,
          }
        : null,
      nps: note(c.nps),
      cognitiveLoad: note(c.cognitiveLoad),
      hoursLost: note(c.hoursLost),
      capabilities: c.capabilities.map((x) => ({
        capability: x.slug,
        name: x.name,
        csat: note(x.csat),
        effort: note(x.effort),
      })),
      custom: c.custom.map((q) => ({
        question: q.questionId,
        prompt: q.prompt,
        kind: q.kind,
        comparable: false as const,
        rating: q.rating ? note(q.rating) : null,
      })),
      comments: note(c.comments),
    })),
  };
}

// ---- Pulses ----

export const PulseSchema = z
  .object({
    capability: z
      .string()
      .trim()
      .min(1, 'Give the capability’s slug, like deploy-pipeline')
      .max(100),
    rating: z.number().int('Choose a whole number from 1 to 5').min(1).max(5),
    comment: z.string().max(COMMENT_MAX).optional(),
    touchpoint: z.enum(TOUCHPOINTS).optional(),
  })
  .strict()
  .openapi('Pulse');

export const PulseAcceptedSchema = z
  .object({
    month: z.string(),
    nextOn: z.string().openapi({ description: 'When you can rate this capability again' }),
  })
  .openapi('PulseAccepted');

export const PulseStatusSchema = z
  .object({ capability: z.string(), nextOn: z.string().nullable(), silenced: z.boolean() })
  .openapi('PulseStatus');

export const PulseResultsSchema = z
  .object({
    capability: z.string(),
    name: z.string(),
    period: z.string(),
    months: z.array(z.string()),
    k: z.number().int(),
    kComment: z.number().int(),
    cuts: z.array(
      z.object({
        month: z.string().nullable(),
        touchpoint: z.string().nullable(),
        status: Status,
        rating: TopBoxFigure,
        comments: figure({ items: z.array(z.string()) }).nullable(),
      }),
    ),
  })
  .openapi('PulseResults');

export function presentPulseResults(results: PulseResults, hiddenNote: string) {
  const note = <T extends { status: string }>(f: T) =>
    f.status === 'hidden'
      ? { ...f, note: hiddenNote }
      : f.status === 'empty'
        ? { ...f, note: 'No pulses.' }
        : f;
  return {
    capability: results.capability.slug,
    name: results.capability.name,
    period: results.period,
    months: results.months,
    k: results.k,
    kComment: results.kComment,
    cuts: results.cuts.map((c) => ({
      month: c.month,
      touchpoint: c.touchpoint,
      status: c.status,
      rating: note(c.rating),
      comments: c.comments ? note(c.comments) : null,
    })),
  };
}
