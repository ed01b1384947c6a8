// GET /api/v1/matrix: the mandate–choice matrix of a quarter as JSON, its
// schema (which also documents it in the OpenAPI document) and presenter.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { OBLIGATIONS, STAGES } from '../capabilities/model.ts';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { type Matrix, matrixFor, matrixPeriod, QUADRANT_KEYS } from './matrix.ts';

export const MatrixQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, 'Give a quarter as YYYY-Qn, such as 2026-Q4.')
    .optional()
    .openapi({ description: 'A quarter, YYYY-Qn (UTC); the current quarter by default' }),
});

const Percent = z.number().nullable().openapi({ description: 'Percent (0–100); null: not shown' });

const RateSchema = z
  .object({
    value: z
      .number()
      .nullable()
      .openapi({ description: 'Percent; null when the denominator is 0' }),
    numerator: z.number().int(),
    denominator: z.number().int(),
  })
  .openapi('MatrixRate');

const RowSchema = z
  .object({
    capability: z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      stage: z.enum(STAGES),
      obligation: z.enum(OBLIGATIONS),
    }),
    experience: z.object({
      status: z.enum(['good', 'poor', 'unclear', 'no-data']).openapi({
        description:
          'good: the interval’s low end reaches the threshold; poor: its high end is below it; unclear: neither; no-data: too few answers to show',
      }),
      n: z.number().int().nullable().openapi({
        description: 'Answers pooled; null when too few to show (never a count below k)',
      }),
      csat: Percent.openapi({ description: 'Top-2-box: answers of 4 or 5 of 5, percent' }),
      low: Percent.openapi({ description: 'Wilson 95% interval, low end' }),
      high: Percent.openapi({ description: 'Wilson 95% interval, high end' }),
    }),
    quadrant: z
      .enum(QUADRANT_KEYS)
      .nullable()
      .openapi({ description: 'null when the experience is unclear or has too few answers' }),
    action: z.string().openapi({ description: 'What the quadrant calls for, in a sentence' }),
    adoption: z.object({
      kind: z.enum(['opt-in', 'coverage']).openapi({
        description:
          'opt-in (optional): adopted or trial / eligible teams; coverage (mandatory): adopted / eligible teams',
      }),
      rate: RateSchema,
    }),
    stayRate: RateSchema.openapi({
      description: 'Teams still adopted at the quarter’s end / teams that adopted up to then',
    }),
    exceptions: z.object({
      open: z.number().int().openapi({ description: 'Pending or escalated requests' }),
      approved: z.number().int(),
    }),
    unplanned: z.object({
      hours: z.number().openapi({ description: 'Unplanned work teams reported in the quarter' }),
      reports: z.number().int(),
    }),
    value: z
      .object({
        outcome: z.string().openapi({ description: 'The outcome it is measured by' }),
        hoursPerWeek: z
          .number()
          .nullable()
          .openapi({ description: 'Negative: hours saved a week; null: not enough data yet' }),
        low: z.number().nullable(),
        high: z.number().nullable(),
        causal: z
          .boolean()
          .openapi({ description: 'false: a plain before/after change, not causal' }),
      })
      .nullable()
      .openapi({ description: 'null until an outcome is fixed for the capability' }),
  })
  .openapi('MatrixRow');

export const MatrixSchema = z
  .object({
    period: z.string(),
    pooled: z
      .array(z.string())
      .openapi({ description: 'The quarters whose survey answers and pulses are pooled' }),
    pulseMonths: z
      .array(z.string())
      .openapi({ description: 'The completed months whose pulses count (never the current one)' }),
    threshold: z.number().int().openapi({ description: 'Top-2-box percent between good and poor' }),
    k: z.number().int().openapi({ description: 'The fewest answers shown' }),
    rows: z.array(RowSchema),
    notPlaced: z
      .array(
        z.object({ id: z.string(), slug: z.string(), name: z.string(), stage: z.enum(STAGES) }),
      )
      .openapi({ description: 'Ideas and retired capabilities: not on offer, so not placed' }),
  })
  .openapi('Matrix');

/** Which fields leave the server. */
export function presentMatrix(m: Matrix): z.infer<typeof MatrixSchema> {
  return {
    period: m.period,
    pooled: m.pooled,
    pulseMonths: m.pulseMonths,
    threshold: m.threshold,
    k: m.k,
    rows: m.rows.map((r) => ({
      capability: r.capability,
      experience: r.experience,
      quadrant: r.quadrant,
      action: r.action,
      adoption: r.adoption,
      stayRate: r.stayRate,
      exceptions: r.exceptions,
      unplanned: r.unplanned,
      value: r.value,
    })),
    notPlaced: m.notPlaced,
  };
}

/** The matrix routes under /api/v1. */
export function registerMatrixApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/matrix',
      tags: ['Insights'],
      middleware: [policy('insights.read')] as const,
      summary: 'The mandate–choice matrix: every capability by obligation × experience',
      description:
        'Experience pools the CSAT answers of the closed surveys of the quarter and the one before with the pulses of their completed months, as top-2-box with a Wilson 95% interval against the threshold (the `insights.matrix_threshold` setting). Below k answers, or where showing the pool would reveal a smaller group’s answers, nothing about them is shown. Beside each: opt-in or coverage, stay rate, exceptions, unplanned work and the value estimate. Definitions: shared/METRICS.md.',
      request: { query: MatrixQuery },
      responses: { 200: json(MatrixSchema, 'The matrix'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const period = matrixPeriod(c.req.valid('query').period);
      return c.json(presentMatrix(await matrixFor(handle.db, { period: period.key })), 200);
    },
  );
}
