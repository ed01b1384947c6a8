// GET /api/v1/report: the quarterly platform report as JSON, validated on the
// way out by the schema the OpenAPI document shows.

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { buildReport, latestCompletedQuarter } from './report.ts';
import { ReportSchema } from './report-schema.ts';

export const ReportQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, 'Give a quarter as YYYY-Qn, such as 2026-Q4: the report is quarterly.')
    .optional()
    .openapi({ description: 'A quarter, YYYY-Qn (UTC); the latest completed quarter by default' }),
});

/** The report routes under /api/v1. */
export function registerReportApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/report',
      tags: ['Insights'],
      middleware: [policy('insights.read')] as const,
      summary: 'The quarterly platform report',
      description:
        'Headline (NPS with its interval and change, response rate, time to first deploy, feedback acknowledged in time), what developers said (themes of the comments the survey results show, the most voted feedback), what the platform team did (changelog, roadmap changes with their rationale, decisions) and what is next. Every figure is its area’s own, through the same anonymity rules as the results pages. Definitions: shared/METRICS.md.',
      request: { query: ReportQuery },
      responses: { 200: json(ReportSchema, 'The report'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const period = c.req.valid('query').period ?? latestCompletedQuarter();
      return c.json(ReportSchema.parse(await buildReport(handle.db, { period })), 200);
    },
  );
}
