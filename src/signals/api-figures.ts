import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { capabilityOrThrow } from '../capabilities/service.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput, NotFound, Unauthorized } from '../core/errors.ts';
import { json, problemResponses } from '../core/http/api.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { addMonths, parsePeriod, quarterOf } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { getTeamBySlug } from '../org/store.ts';
import {
  CapabilityParam,
  DeliveryQuery,
  DeliverySchema,
  OnboardingQuery,
  OnboardingSchema,
  OutcomePutSchema,
  presentDelivery,
  presentOnboarding,
  UnplannedQuery,
  UnplannedSchema,
  ValueSchema,
} from './api-figures-schemas.ts';
import { deliveryFigures } from './figures-delivery.ts';
import { onboardingFigures, ownMilestones } from './figures-onboarding.ts';
import { unplannedWorkFigures } from './figures-unplanned.ts';
import { valueFigures } from './figures-value.ts';
import { chooseValueOutcome } from './service-value.ts';

const TAGS = ['Figures'];

/** Today's date (UTC): delivery windows end here, exclusive. */
export const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);

/** The first hire month shown by default: twelve months back, this month included. */
export const defaultSince = (now = new Date()) => addMonths(now.toISOString().slice(0, 7), -11);

/** A team slug from a query filter, as its id; an unknown team is a 404. */
export async function teamIdForFilter(db: Db, slug: string): Promise<string> {
  const team = await getTeamBySlug(db, slug);
  if (!team) throw new NotFound(`There is no team "${slug}".`);
  return team.id;
}

/** `YYYY-Qn` only: unplanned work is kept per quarter. */
export function quarterParam(text: string | undefined, path = 'period') {
  if (!text) return quarterOf(new Date());
  const period = parsePeriod(text, path);
  if (!period.key.includes('Q')) {
    throw InvalidInput.field(
      path,
      'Give a quarter as YYYY-Qn, such as 2026-Q4: unplanned work is kept per quarter.',
    );
  }
  return period;
}

function actorOf(c: Context<AppEnv>) {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return actor;
}

/** The figures API: onboarding, delivery, unplanned work and the value of a capability. */
export function registerFiguresApi(api: OpenAPIHono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/figures/onboarding',
      tags: TAGS,
      middleware: [policy('figures.read')] as const,
      summary:
        'Time to first deploy, first pull request and tenth merged pull request per monthly hire cohort',
      description:
        'Kaplan–Meier medians and the share reached by day 7, 14 and 30; hires still on their way are censored, never dropped. Hire groups smaller than the anonymity threshold are merged into the next month, or hidden when there is none. `you` holds your own milestones only. Definitions: shared/METRICS.md.',
      request: { query: OnboardingQuery },
      responses: { 200: json(OnboardingSchema, 'The figures'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const actor = actorOf(c);
      const since = c.req.valid('query').since ?? defaultSince();
      const k = await getSetting(db, anonymityK);
      const figures = await onboardingFigures(db, { since, k });
      const you = actor.personId ? await ownMilestones(db, actor.personId) : null;
      return c.json(presentOnboarding(figures, you), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/figures/delivery',
      tags: TAGS,
      middleware: [policy('figures.read')] as const,
      summary:
        'Deployment frequency band, lead time, change failure rate and recovery time, per team and overall',
      description:
        'Over the `window` whole days before today. Open incidents are counted, not averaged. Definitions: shared/METRICS.md.',
      request: { query: DeliveryQuery },
      responses: { 200: json(DeliverySchema, 'The figures'), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { team, window } = c.req.valid('query');
      const teamId = team ? await teamIdForFilter(db, team) : undefined;
      const figures = await deliveryFigures(db, { days: window, end: todayUtc(), teamId });
      return c.json(presentDelivery(figures), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/figures/unplanned-work',
      tags: TAGS,
      middleware: [policy('figures.read')] as const,
      summary:
        'Hours of unplanned work caused by the platform in a quarter, by team, cause and capability',
      request: { query: UnplannedQuery },
      responses: { 200: json(UnplannedSchema, 'The figures'), ...problemResponses(400, 401) },
    }),
    async (c) => {
      const period = quarterParam(c.req.valid('query').period);
      return c.json(await unplannedWorkFigures(db, period), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/figures/value/{capability}',
      tags: TAGS,
      middleware: [policy('figures.read')] as const,
      summary: 'The time a capability saves (or costs), as hours per week with its interval',
      description:
        'Difference in differences on the outcome chosen for the capability, with teams that had not adopted yet as the comparison group and a bootstrap interval over teams; with fewer than 5 teams on either side, the plain before/after change marked `causal: false`. The event study shows the months around adoption. Definitions: shared/METRICS.md.',
      request: { params: CapabilityParam },
      responses: { 200: json(ValueSchema, 'The figures'), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const capability = await capabilityOrThrow(db, c.req.valid('param').capability);
      return c.json(await valueFigures(db, capability), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/figures/value/{capability}/outcome',
      tags: TAGS,
      middleware: [policy('value.outcome')] as const,
      summary: 'Fix the outcome a capability’s value is measured by',
      description:
        'Choose it before teams adopt, so it is not picked after seeing the results; the figures show who chose it and when.',
      request: {
        params: CapabilityParam,
        body: { ...json(OutcomePutSchema, 'The outcome'), required: true },
      },
      responses: {
        200: json(ValueSchema, 'The figures with that outcome'),
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const slug = c.req.valid('param').capability;
      const capability = await chooseValueOutcome(
        db,
        { actor: actorOf(c), ip: c.get('clientIp') },
        slug,
        c.req.valid('json').outcome,
      );
      return c.json(await valueFigures(db, capability), 200);
    },
  );
}
