// The capabilities API's schemas and presenters: only these fields leave the server.

import { z } from '@hono/zod-openapi';
import type { Team } from '../org/model.ts';
import {
  ADOPTION_STATES,
  type AdoptionEvent,
  type AdoptionState,
  type Capability,
  DECIDER_ROLES,
  type Decision,
  type DecisionCategory,
  EXCEPTION_KINDS,
  EXCEPTION_OUTCOMES,
  EXCEPTION_STATUSES,
  type ExceptionRequest,
  type Mandate,
  OBLIGATIONS,
  STAGES,
} from './model.ts';
import type { TeamAdoption } from './service.ts';

// ---- Field schemas ----

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export const SlugSchema = z
  .string()
  .max(100)
  .regex(SLUG, 'Use lowercase letters, digits and hyphens, like deploy-pipeline');

export const TeamSlugSchema = z
  .string()
  .trim()
  .min(1, 'Give a team’s slug, like payments')
  .max(200)
  .openapi({ description: 'A team’s slug' });

/** YYYY-MM-DD, a real day. */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2027-01-31')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'This is not a real date')
  .openapi({ description: 'YYYY-MM-DD' });

const HttpUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const url = new URL(s);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Give an http:// or https:// address');

const text = (what: string, max = 2000) =>
  z.string().trim().min(1, `Enter ${what}`).max(max, `Keep ${what} under ${max} characters`);

export const StageSchema = z.enum(STAGES);
export const ObligationSchema = z.enum(OBLIGATIONS);
export const AdoptionStateSchema = z.enum(ADOPTION_STATES);
export const DeciderRoleSchema = z.enum(DECIDER_ROLES);
export const ExceptionStatusSchema = z.enum(EXCEPTION_STATUSES);

export const SlugParam = z.object({
  slug: z.string().max(100).openapi({ description: 'The capability’s slug' }),
});

// ---- Request bodies ----

export const MandateInputSchema = z
  .object({
    category: z
      .string()
      .max(100)
      .openapi({ description: 'A decision category key, e.g. security (GET /decision-rights)' }),
    reason: text('the reason, in plain words'),
    mitigation: text('what the platform does to limit the pain'),
    reviewOn: IsoDateSchema,
  })
  .openapi('MandateInput');

export const MandatePutSchema = MandateInputSchema.extend({
  rationale: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .openapi({ description: 'Why; the reason is used when it is left out' }),
}).openapi('MandatePut');

export const NewCapabilitySchema = z
  .object({
    slug: SlugSchema,
    name: text('a name', 200),
    summary: text('a one-line summary', 1000),
    ownerTeam: TeamSlugSchema.nullable().optional(),
    docsUrl: HttpUrlSchema.nullable().optional(),
    stage: StageSchema,
    obligation: ObligationSchema,
    eligibleTeams: z
      .array(TeamSlugSchema)
      .max(5000)
      .optional()
      .openapi({ description: 'Team slugs; empty or left out means every team' }),
    mandate: MandateInputSchema.optional().openapi({
      description: 'Required when obligation is mandatory',
    }),
  })
  .refine((b) => !(b.mandate && b.obligation === 'optional'), {
    path: ['obligation'],
    message: 'A capability with a mandate is mandatory: set obligation to mandatory.',
  })
  .openapi('NewCapability');

export const CapabilityPatchSchema = z
  .strictObject({
    name: text('a name', 200).optional(),
    summary: text('a one-line summary', 1000).optional(),
    ownerTeam: TeamSlugSchema.nullable().optional(),
    docsUrl: HttpUrlSchema.nullable().optional(),
    eligibleTeams: z.array(TeamSlugSchema).max(5000).optional(),
    stage: StageSchema.optional(),
    rationale: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .openapi({ description: 'Required when the stage changes' }),
  })
  .openapi('CapabilityPatch');

export const RationaleSchema = z
  .object({ rationale: z.string().trim().max(2000).optional() })
  .openapi('Rationale');

export const AdoptionChangeSchema = z
  .object({
    team: TeamSlugSchema,
    to: AdoptionStateSchema.openapi({
      description: 'trial, adopted, left or opted-out (exempt comes only from an exception)',
    }),
    reason: z
      .string()
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: 'Needed for left and opted-out: a key from GET /adoption-reasons' }),
    reasonText: z.string().trim().max(2000).nullable().optional(),
    alternative: z
      .string()
      .trim()
      .max(500)
      .nullable()
      .optional()
      .openapi({ description: 'Needed for left and opted-out: what the team uses instead' }),
  })
  .openapi('AdoptionChange');

export const NewExceptionSchema = z
  .object({
    capability: SlugSchema.openapi({ description: 'The mandatory capability’s slug' }),
    team: TeamSlugSchema,
    kind: z.enum(EXCEPTION_KINDS).default('exception'),
    justification: text('why the team needs this', 5000),
    evidence: z.string().trim().max(5000).default('').openapi({ description: 'Links, figures' }),
  })
  .openapi('NewException');

export const ExceptionDecisionSchema = z
  .object({
    outcome: z.enum(EXCEPTION_OUTCOMES),
    rationale: text('the rationale', 5000),
    expiresOn: IsoDateSchema.nullable()
      .optional()
      .openapi({ description: 'Required to approve an exception: the day it ends' }),
  })
  .openapi('ExceptionDecision');

export const RevokeSchema = z.object({ rationale: text('why', 5000) }).openapi('ExceptionRevoke');

export const CategorySchema = z
  .object({
    key: z
      .string()
      .max(100)
      .regex(SLUG, 'Use lowercase letters, digits and hyphens, like developer-experience'),
    label: text('a label', 200),
    deciderRole: DeciderRoleSchema,
  })
  .openapi('DecisionCategory');

export const DecisionRightsPutSchema = z
  .object({ categories: z.array(CategorySchema).min(1, 'Give at least one category').max(100) })
  .openapi('DecisionRightsPut');

// ---- Answers ----

export const CapabilitySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    summary: z.string(),
    ownerTeam: z.string().nullable().openapi({ description: 'Slug of the owning team' }),
    docsUrl: z.string().nullable(),
    stage: StageSchema,
    obligation: ObligationSchema,
    eligibleTeams: z
      .array(z.string())
      .openapi({ description: 'Team slugs (with their sub-teams); empty means every team' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Capability');

export const MandateSchema = z
  .object({
    category: z.string().openapi({ description: 'Who required it: a decision category' }),
    categoryLabel: z.string(),
    deciderRole: DeciderRoleSchema.openapi({
      description: 'The role that decides this category, and rules on exceptions to it',
    }),
    reason: z.string().openapi({ description: 'Why this is required' }),
    mitigation: z.string().openapi({ description: 'What the platform does to limit the pain' }),
    reviewOn: z.string(),
    recordedAt: z.string(),
  })
  .openapi('Mandate');

const countsOf = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object(
    Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<T[number], z.ZodNumber>,
  );

export const CapabilityDetailSchema = CapabilitySchema.extend({
  mandate: MandateSchema.nullable(),
  adoption: countsOf(ADOPTION_STATES).openapi({
    description: 'Teams in each state (eligible teams without a choice are none)',
  }),
  exceptions: countsOf(EXCEPTION_STATUSES).openapi({ description: 'Requests by status' }),
}).openapi('CapabilityDetail');

export const AdoptionEventSchema = z
  .object({
    id: z.string(),
    capability: z.string(),
    team: z.string().nullable(),
    from: AdoptionStateSchema,
    to: AdoptionStateSchema,
    reason: z.string().nullable(),
    reasonText: z.string().nullable(),
    alternative: z.string().nullable(),
    actor: z.string().nullable().openapi({ description: 'Name of who recorded it' }),
    onBehalf: z.boolean().openapi({ description: 'Recorded by someone outside the team' }),
    exception: z.string().nullable().openapi({ description: 'The exception that drove it' }),
    at: z.string(),
  })
  .openapi('AdoptionEvent');

export const TeamAdoptionSchema = z
  .object({
    team: z.string(),
    teamName: z.string(),
    eligible: z.boolean(),
    state: AdoptionStateSchema,
    since: z.string().nullable(),
    reason: z.string().nullable(),
    reasonText: z.string().nullable(),
    alternative: z.string().nullable(),
  })
  .openapi('TeamAdoption');

export const ExceptionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(EXCEPTION_KINDS),
    capability: z.string().nullable(),
    team: z.string().nullable(),
    category: z.string(),
    deciderRole: DeciderRoleSchema.nullable().openapi({
      description: 'Who decides it now (leader once escalated)',
    }),
    justification: z.string(),
    evidence: z.string(),
    status: ExceptionStatusSchema,
    decidedAt: z.string().nullable(),
    rationale: z.string().nullable(),
    expiresOn: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Exception');

export const DecisionSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    category: z.string(),
    decider: z.string().nullable().openapi({ description: 'Name of who decided' }),
    rationale: z.string(),
    capability: z.string().nullable(),
    subject: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    summary: z.string(),
    at: z.string(),
  })
  .openapi('Decision');

export const ReasonSchema = z
  .object({ key: z.string(), label: z.string() })
  .openapi('AdoptionReason');

const RateSchema = z
  .object({
    value: z.number().nullable().openapi({ description: 'Percent; null when there is no data' }),
    numerator: z.number(),
    denominator: z.number(),
  })
  .openapi('Rate');

export const FiguresSchema = z
  .object({
    period: z.object({ key: z.string(), start: z.string(), end: z.string() }),
    eligibleTeams: z.number().int(),
    optInRate: RateSchema.nullable(),
    coverage: RateSchema.nullable(),
    stayRate: RateSchema,
    churn: RateSchema,
    cohorts: z.array(
      z.object({
        month: z.string(),
        size: z.number().int().nullable(),
        hidden: z.boolean(),
        retained: z.array(RateSchema.nullable()),
      }),
    ),
    reasons: z.array(
      z.object({
        state: z.enum(['left', 'opted-out']),
        reason: z.string(),
        label: z.string(),
        count: z.number().int(),
      }),
    ),
    exceptions: z.object({
      byStatus: z.record(z.string(), z.number()),
      decisionDays: z.object({
        median: z.number().nullable(),
        p90: z.number().nullable(),
        n: z.number().int(),
      }),
    }),
  })
  .openapi('CapabilityFigures');

// ---- Presenters ----

/** Team slugs by id, for presenters. */
export type Slugs = Map<string, string>;

export function presentCapability(capability: Capability, slugs: Slugs) {
  return {
    id: capability.id,
    slug: capability.slug,
    name: capability.name,
    summary: capability.summary,
    ownerTeam: capability.ownerTeamId ? (slugs.get(capability.ownerTeamId) ?? null) : null,
    docsUrl: capability.docsUrl,
    stage: capability.stage,
    obligation: capability.obligation,
    eligibleTeams: capability.eligibleTeamIds
      .map((id) => slugs.get(id))
      .filter((s): s is string => s !== undefined)
      .sort(),
    createdAt: capability.createdAt,
    updatedAt: capability.updatedAt,
  };
}

export function presentMandate(mandate: Mandate, category: DecisionCategory | undefined) {
  return {
    category: mandate.category,
    categoryLabel: category?.label ?? mandate.category,
    deciderRole: category?.deciderRole ?? 'leader',
    reason: mandate.reason,
    mitigation: mandate.mitigation,
    reviewOn: mandate.reviewOn,
    recordedAt: mandate.recordedAt,
  };
}

export function presentEvent(
  event: AdoptionEvent,
  capabilitySlug: string,
  slugs: Slugs,
  actorName: string | null,
) {
  return {
    id: event.id,
    capability: capabilitySlug,
    team: slugs.get(event.teamId) ?? null,
    from: event.from,
    to: event.to,
    reason: event.reason,
    reasonText: event.reasonText,
    alternative: event.alternative,
    actor: actorName,
    onBehalf: event.onBehalf,
    exception: event.exceptionId,
    at: event.at,
  };
}

export function presentTeamAdoption(row: TeamAdoption) {
  return {
    team: row.team.slug,
    teamName: row.team.name,
    eligible: row.eligible,
    state: row.ledger.state,
    since: row.ledger.since,
    reason: row.ledger.reason,
    reasonText: row.ledger.reasonText,
    alternative: row.ledger.alternative,
  };
}

export function adoptionCounts(rows: TeamAdoption[]): Record<AdoptionState, number> {
  const counts = Object.fromEntries(ADOPTION_STATES.map((s) => [s, 0])) as Record<
    AdoptionState,
    number
  >;
  for (const row of rows) counts[row.ledger.state]++;
  return counts;
}

export function exceptionCountsOf(byStatus: Record<string, number>) {
  return Object.fromEntries(EXCEPTION_STATUSES.map((s) => [s, byStatus[s] ?? 0])) as Record<
    (typeof EXCEPTION_STATUSES)[number],
    number
  >;
}

export function presentException(
  exception: ExceptionRequest,
  capabilitySlug: string | null,
  slugs: Slugs,
  deciderRole: 'leader' | 'platform' | null,
) {
  return {
    id: exception.id,
    kind: exception.kind,
    capability: capabilitySlug,
    team: slugs.get(exception.teamId) ?? null,
    category: exception.category,
    deciderRole,
    justification: exception.justification,
    evidence: exception.evidence,
    status: exception.status,
    decidedAt: exception.decidedAt,
    rationale: exception.rationale,
    expiresOn: exception.expiresOn,
    createdAt: exception.createdAt,
  };
}

export function presentDecision(decision: Decision, capabilitySlug: string | null) {
  return {
    id: decision.id,
    kind: decision.kind,
    category: decision.category,
    decider: decision.deciderName,
    rationale: decision.rationale,
    capability: capabilitySlug,
    subject: decision.subjectType ? { type: decision.subjectType, id: decision.subjectId } : null,
    summary: decision.summary,
    at: decision.at,
  };
}

/** Team slugs by id, for every team (inactive ones too: history keeps their names). */
export function slugMap(teams: Team[]): Slugs {
  return new Map(teams.map((t) => [t.id, t.slug]));
}
