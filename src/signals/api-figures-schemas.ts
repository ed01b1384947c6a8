// The figures API's schemas (they validate queries and describe answers in the
// OpenAPI document) and presenters (which fields leave the server).

import { z } from '@hono/zod-openapi';
import { FREQUENCY_BANDS } from './delivery-bands.ts';
import type { Delivery, DeliveryFigures } from './figures-delivery.ts';
import { MAX_WINDOW_DAYS, MIN_WINDOW_DAYS } from './figures-delivery.ts';
import {
  MILESTONE_WORDS,
  ONBOARDING_MILESTONES,
  type OnboardingFigures,
  type OwnMilestones,
} from './figures-onboarding.ts';
import { UNPLANNED_CAUSES } from './model.ts';
import { VALUE_OUTCOMES } from './value-outcomes.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const OnboardingQuery = z.object({
  since: z
    .string()
    .regex(MONTH, 'Give a month as YYYY-MM, such as 2026-01.')
    .optional()
    .openapi({ description: 'First hire month (YYYY-MM); twelve months ago by default' }),
});

export const DeliveryQuery = z.object({
  team: z.string().max(200).optional().openapi({ description: 'A team’s slug: that team only' }),
  window: z.coerce
    .number({
      error: `Give the window as a number of days from ${MIN_WINDOW_DAYS} to ${MAX_WINDOW_DAYS}.`,
    })
    .int(`Give the window as a whole number of days from ${MIN_WINDOW_DAYS} to ${MAX_WINDOW_DAYS}.`)
    .min(MIN_WINDOW_DAYS, `The window is at least ${MIN_WINDOW_DAYS} days.`)
    .max(MAX_WINDOW_DAYS, `The window is at most ${MAX_WINDOW_DAYS} days.`)
    .default(90)
    .openapi({ description: 'Days before today (90 by default)' }),
});

export const UnplannedQuery = z.object({
  period: z
    .string()
    .max(10)
    .optional()
    .openapi({ description: 'A quarter, YYYY-Qn (UTC); the current quarter by default' }),
});

export const CapabilityParam = z.object({
  capability: z.string().min(1).max(200).openapi({ description: 'The capability’s slug' }),
});

export const OutcomePutSchema = z.object({
  outcome: z.enum(VALUE_OUTCOMES, {
    error: `Choose one of ${VALUE_OUTCOMES.join(', ')}.`,
  }),
});

const Percent = z
  .number()
  .nullable()
  .openapi({ description: 'Percent (0–100); null when there is no data' });

const ShareSchema = z
  .object({
    value: Percent,
    numerator: z.number().int(),
    denominator: z.number().int(),
  })
  .openapi('FigureShare');

const CohortSchema = z
  .object({
    from: z.string().openapi({ description: 'First hire month of the group (YYYY-MM)' }),
    to: z.string().openapi({ description: 'Last hire month of the group (YYYY-MM)' }),
    hidden: z
      .boolean()
      .openapi({ description: 'Fewer hires than the anonymity threshold: no figures' }),
    hires: z.number().int().nullable(),
    reached: z.number().int().nullable(),
    waiting: z.number().int().nullable().openapi({ description: 'Still on their way (censored)' }),
    medianDays: z
      .number()
      .nullable()
      .openapi({ description: 'Kaplan–Meier median; null while fewer than half reached it' }),
    reachedBy: z
      .array(z.object({ day: z.number().int(), percent: Percent }))
      .nullable()
      .openapi({
        description: 'Share that reached it by day 7, 14 and 30; null where not yet known',
      }),
  })
  .openapi('HireCohort');

export const OnboardingSchema = z
  .object({
    since: z.string(),
    asOf: z.string(),
    k: z.number().int().openapi({ description: 'Smaller hire groups are merged or hidden' }),
    milestones: z.array(
      z.object({
        milestone: z.enum(ONBOARDING_MILESTONES),
        label: z.string(),
        cohorts: z.array(CohortSchema),
        overall: CohortSchema.nullable(),
      }),
    ),
    you: z
      .object({
        startDate: z.string(),
        milestones: z.array(
          z.object({
            milestone: z.enum(ONBOARDING_MILESTONES),
            reachedAt: z.string().nullable(),
            days: z.number().nullable(),
          }),
        ),
      })
      .nullable()
      .openapi({ description: 'Your own milestones; only ever your own' }),
  })
  .openapi('OnboardingFigures');

const DeliveryCore = {
  frequency: z.object({
    band: z
      .enum(FREQUENCY_BANDS)
      .nullable()
      .openapi({ description: 'null: no deploy in the window' }),
    deploys: z.number().int(),
    perWeek: z.number(),
    medianDaysPerWeek: z.number().nullable(),
    medianDeploysPerWeek: z.number().nullable(),
    medianDeploysPerMonth: z.number().nullable(),
  }),
  leadTime: z.object({ medianHours: z.number().nullable(), changes: z.number().int() }),
  changeFailure: ShareSchema,
  recovery: z.object({
    medianHours: z.number().nullable(),
    resolved: z.number().int(),
    open: z.number().int().openapi({ description: 'Still open: counted, not averaged' }),
  }),
};

export const DeliverySchema = z
  .object({
    window: z.object({ start: z.string(), end: z.string(), days: z.number().int() }),
    overall: z.object(DeliveryCore),
    bands: z.record(z.string(), z.number().int()),
    teams: z.array(
      z.object({ team: z.object({ slug: z.string(), name: z.string() }), ...DeliveryCore }),
    ),
  })
  .openapi('DeliveryFigures');

const Hours = z.object({ hours: z.number(), reports: z.number().int() });

export const UnplannedSchema = z
  .object({
    quarter: z.string(),
    total: Hours,
    byCause: z.array(Hours.extend({ cause: z.enum(UNPLANNED_CAUSES) })),
    byTeam: z.array(
      Hours.extend({
        team: z.object({ slug: z.string(), name: z.string() }),
        causes: z.record(z.string(), z.number()),
      }),
    ),
    byCapability: z.array(
      Hours.extend({
        capability: z.object({ slug: z.string(), name: z.string() }),
        causes: z.record(z.string(), z.number()),
      }),
    ),
    trend: z.array(Hours.extend({ quarter: z.string() })),
  })
  .openapi('UnplannedWorkFigures');

export const ValueSchema = z
  .object({
    capability: z.object({ slug: z.string(), name: z.string() }),
    outcome: z
      .object({
        outcome: z.enum(VALUE_OUTCOMES),
        label: z.string(),
        measure: z.string(),
        unit: z.enum(['minutes', 'hours']),
        per: z.enum(['deploy', 'developer']),
        period: z.enum(['month', 'quarter']),
        weekly: z.string().openapi({ description: 'What the weekly hours are hours of' }),
        chosenAt: z.string(),
        chosenBy: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'null until the platform team chooses the outcome' }),
    window: z.number().int().openapi({ description: 'Periods compared before and after adoption' }),
    periodUnit: z.enum(['month', 'quarter']),
    estimate: z
      .object({
        method: z.enum(['difference-in-differences', 'before-after']),
        causal: z
          .boolean()
          .openapi({ description: 'false: a plain before/after change, not causal' }),
        effect: z
          .number()
          .nullable()
          .openapi({ description: 'In the outcome’s unit; negative is faster' }),
        interval: z
          .object({
            low: z.number(),
            high: z.number(),
            level: z.number(),
            replicates: z.number().int(),
          })
          .nullable(),
        adoptingTeams: z.number().int(),
        comparisonTeams: z.number().int(),
        baseline: z
          .number()
          .nullable()
          .openapi({ description: 'Adopting teams’ mean outcome before adoption, in its unit' }),
        tooFewBefore: z.number().int(),
        tooRecent: z.number().int(),
      })
      .nullable(),
    perWeek: z
      .object({
        hours: z.number().nullable().openapi({ description: 'Negative: hours saved a week' }),
        low: z.number().nullable(),
        high: z.number().nullable(),
        volume: z.number().openapi({
          description: 'Deploys a week, or developers (hours lost), in the teams using it now',
        }),
        teams: z.number().int(),
      })
      .nullable(),
    cohorts: z.array(
      z.object({
        period: z
          .string()
          .openapi({ description: 'Adoption month (YYYY-MM) or quarter (YYYY-Qn)' }),
        teams: z.number().int(),
        comparisonTeams: z.number().int(),
        effect: z.number().nullable(),
      }),
    ),
    eventStudy: z.array(
      z.object({
        offset: z.number().int(),
        effect: z.number().nullable(),
        teams: z.number().int(),
      }),
    ),
  })
  .openapi('ValueFigures');

// ---- Presenters ----

export function presentOnboarding(f: OnboardingFigures, you: OwnMilestones | null) {
  return {
    since: f.since,
    asOf: f.asOf,
    k: f.k,
    milestones: f.milestones.map((m) => ({ ...m, label: MILESTONE_WORDS[m.milestone] })),
    you,
  };
}

function presentDeliveryCore(d: Delivery) {
  const { band, deploys, perWeek, medianDaysPerWeek, medianDeploysPerWeek, medianDeploysPerMonth } =
    d.frequency;
  return {
    frequency: {
      band,
      deploys,
      perWeek,
      medianDaysPerWeek,
      medianDeploysPerWeek,
      medianDeploysPerMonth,
    },
    leadTime: d.leadTime,
    changeFailure: d.changeFailure,
    recovery: d.recovery,
  };
}

export function presentDelivery(f: DeliveryFigures) {
  return {
    window: f.window,
    overall: presentDeliveryCore(f.overall),
    bands: f.bands,
    teams: f.teams.map((t) => ({
      team: { slug: t.team.slug, name: t.team.name },
      ...presentDeliveryCore(t),
    })),
  };
}
