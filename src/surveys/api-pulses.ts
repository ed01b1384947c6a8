import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import {
  PeriodSchema,
  PulseAcceptedSchema,
  PulseResultsSchema,
  PulseSchema,
  PulseStatusSchema,
  presentPulseResults,
} from './api-schemas.ts';
import { actorOf } from './api-support.ts';
import { HIDDEN_TEXT } from './results.ts';
import { pulseResults } from './results-pulses.ts';
import { pulseStatus, silencePulses, submitPulse } from './service.ts';

const TAGS = ['Pulses'];
const CapabilitySlug = z.string().trim().min(1, 'Give the capability’s slug').max(100);

/** Pulses: one rating right after using a capability; throttled per person and capability. */
export function registerPulsesApi(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  api.openapi(
    createRoute({
      method: 'post',
      path: '/pulses',
      tags: TAGS,
      middleware: [policy('pulse.submit')] as const,
      summary: 'Rate a capability right after using it (1–5, optional comment)',
      description:
        'Stored with the capability, touchpoint, rating, comment and month only. One pulse per person and capability per cooldown (30 days by default); a second is 409 saying when you can rate again.',
      request: { body: { ...json(PulseSchema, 'The pulse'), required: true } },
      responses: {
        201: json(PulseAcceptedSchema, 'Thanks: stored anonymously'),
        ...problemResponses(400, 401, 409),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(await submitPulse(deps, actorOf(c), input), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/pulses/status',
      tags: TAGS,
      middleware: [policy('pulse.submit')] as const,
      summary: 'Whether you can rate a capability now, and whether you silenced pulse prompts',
      request: { query: z.object({ capability: CapabilitySlug }) },
      responses: {
        200: json(PulseStatusSchema, 'Your pulse status'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { capability } = c.req.valid('query');
      const status = await pulseStatus(deps, actorOf(c), capability);
      return c.json({ capability, ...status }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/pulses/silence',
      tags: TAGS,
      middleware: [policy('pulse.submit')] as const,
      summary: 'Silence pulse prompts for good (or allow them again)',
      request: {
        body: {
          ...json(z.object({ silenced: z.boolean() }).strict(), 'Your choice'),
          required: true,
        },
      },
      responses: {
        200: json(z.object({ silenced: z.boolean() }), 'Saved'),
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { silenced } = c.req.valid('json');
      await silencePulses(db, actorOf(c), silenced);
      return c.json({ silenced }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/pulses/results',
      tags: TAGS,
      middleware: [policy('pulse.results')] as const,
      summary: 'Pulse results for a capability: completed months only, at least k pulses per cut',
      request: { query: z.object({ capability: CapabilitySlug, period: PeriodSchema }) },
      responses: { 200: json(PulseResultsSchema, 'Pulse results'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const { capability, period } = c.req.valid('query');
      const results = await pulseResults(db, {
        capability,
        period,
        k: await getSetting(db, anonymityK),
        kComment: await getSetting(db, anonymityKComment),
      });
      return c.json(presentPulseResults(results, HIDDEN_TEXT), 200);
    },
  );
}
