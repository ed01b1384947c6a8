// Signals: what actually happens (deploys, pull requests, incidents,
// unplanned work, onboarding milestones, capability usage), taken in as
// events. Pure types and rules here: the wire format of each event type,
// per-line validation, and how one event contributes to the aggregates.

import { z } from 'zod';

export const EVENT_TYPES = [
  'deploy',
  'pull_request',
  'incident',
  'unplanned_work',
  'milestone',
  'usage',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEPLOY_OUTCOMES = ['success', 'failure'] as const;
export type DeployOutcome = (typeof DEPLOY_OUTCOMES)[number];

export const MILESTONES = ['first_commit', 'first_pr', 'first_deploy', 'tenth_pr'] as const;
export type Milestone = (typeof MILESTONES)[number];

export const UNPLANNED_CAUSES = ['breaking-change', 'outage', 'forced-migration', 'other'] as const;
export type UnplannedCause = (typeof UNPLANNED_CAUSES)[number];

export const SOURCE_KINDS = ['token', 'account', 'github'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** One request may carry at most this many events … */
export const MAX_LINES = 10_000;
/** … and at most this many bytes. */
export const MAX_BYTES = 10 * 1024 * 1024;
/** The GitHub webhook's raw body limit (GitHub caps payloads at 25 MB). */
export const WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;
/** Rejected lines kept per batch for the status page. */
export const KEPT_REJECTIONS = 100;

/** Ingest token values start with this, so they are told apart from API tokens (`pvd_`). */
export const INGEST_TOKEN_PREFIX = 'pvi_';

/** Environments whose deploys count as production (compared case-insensitively). */
export const PRODUCTION_ENVIRONMENTS = ['production', 'prod'];

export function isProduction(environment: string): boolean {
  return PRODUCTION_ENVIRONMENTS.includes(environment.trim().toLowerCase());
}

// ---- The wire format (camelCase, refs by slug, email or entity ref) ----

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 time with a zone, normalised to UTC (`…Z`). */
const Time = z
  .string()
  .regex(ISO_TIME, 'must be an ISO 8601 time with a zone, such as 2026-11-03T14:05:00Z')
  .transform((text, ctx) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || !realCalendarTime(text)) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date and time' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** True when the date and clock parts exist (Date.parse rolls 30 February over into March). */
function realCalendarTime(text: string): boolean {
  const [y, mo, d, h, mi, sec] = [0, 5, 8, 11, 14, 17].map((at, i) =>
    i === 5 && text[16] !== ':' ? 0 : Number(text.slice(at, at + (i === 0 ? 4 : 2))),
  ) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h < 24 && mi < 60 && sec < 60;
}

const Ref = z.string().trim().min(1, 'is required').max(300);
const Slug = z.string().trim().min(1, 'is required').max(200);

const Common = {
  id: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
};

export const DeployInput = z.object({
  type: z.literal('deploy'),
  ...Common,
  team: Ref,
  service: z.string().trim().min(1, 'is required').max(200),
  environment: z.string().trim().min(1).max(100).default('production'),
  started: Time.optional(),
  finished: Time,
  outcome: z.enum(DEPLOY_OUTCOMES),
  commitTimes: z.array(Time).max(1000, 'may list at most 1000 changes').default([]),
  capability: Slug.optional(),
});

export const PullRequestInput = z.object({
  type: z.literal('pull_request'),
  ...Common,
  team: Ref,
  author: Ref.optional(),
  opened: Time,
  merged: Time.optional(),
});

export const IncidentInput = z.object({
  type: z.literal('incident'),
  ...Common,
  team: Ref,
  started: Time,
  resolved: Time.optional(),
  causedBy: z
    .union([
      z.strictObject({
        deploy: z.string().trim().min(1).max(200),
        /** The deploy's source, when it is not the incident's own. */
        source: z.string().trim().min(1).max(100).optional(),
      }),
      z.strictObject({ capability: Slug }),
    ])
    .optional(),
});

export const UnplannedWorkInput = z.object({
  type: z.literal('unplanned_work'),
  ...Common,
  team: Ref,
  capability: Slug,
  hours: z.number().positive('must be more than 0').max(10_000, 'must be at most 10000'),
  cause: z.enum(UNPLANNED_CAUSES),
  at: Time,
});

export const MilestoneInput = z.object({
  type: z.literal('milestone'),
  ...Common,
  person: Ref,
  milestone: z.enum(MILESTONES),
  at: Time,
});

export const UsageInput = z.object({
  type: z.literal('usage'),
  ...Common,
  team: Ref,
  capability: Slug,
  at: Time,
  count: z.number().int().min(1).max(1_000_000).default(1),
});

const schemas = {
  deploy: DeployInput,
  pull_request: PullRequestInput,
  incident: IncidentInput,
  unplanned_work: UnplannedWorkInput,
  milestone: MilestoneInput,
  usage: UsageInput,
} as const;

export type EventInput =
  | z.infer<typeof DeployInput>
  | z.infer<typeof PullRequestInput>
  | z.infer<typeof IncidentInput>
  | z.infer<typeof UnplannedWorkInput>
  | z.infer<typeof MilestoneInput>
  | z.infer<typeof UsageInput>;

/** What a sender writes (before defaults): the argument type of the ingest functions. */
export type EventWire =
  | z.input<typeof DeployInput>
  | z.input<typeof PullRequestInput>
  | z.input<typeof IncidentInput>
  | z.input<typeof UnplannedWorkInput>
  | z.input<typeof MilestoneInput>
  | z.input<typeof UsageInput>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Times after now plus this are refused: a clock or unit mistake, not a real event. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;
const EARLIEST = '2000-01-01T00:00:00.000Z';

/**
 * Validates one event on its own: type, id, fields, and the order of its
 * times. The reason names the field and says what is expected.
 */
export function parseEvent(value: unknown, now: Date = new Date()): Parsed<EventInput> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'an event must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return { ok: false, reason: `type: is required (${typeList()})` };
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `type: unknown type ${JSON.stringify(type)} (${typeList()})` };
  }
  const parsed = schemas[type as EventType].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(event)';
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return { ok: false, reason: `${path}: ${message}` };
  }
  const event = parsed.data as EventInput;
  const order = timeOrder(event, now);
  return order ? { ok: false, reason: order } : { ok: true, value: event };
}

function typeList(): string {
  return `expected one of ${EVENT_TYPES.join(', ')}`;
}

/** The problem with an event's times, if any: out of range, or out of order. */
function timeOrder(event: EventInput, now: Date): string | null {
  const latest = new Date(now.getTime() + FUTURE_SLACK_MS).toISOString();
  const times: [string, string | undefined][] = [];
  switch (event.type) {
    case 'deploy':
      times.push(['started', event.started], ['finished', event.finished]);
      for (const [i, t] of event.commitTimes.entries()) times.push([`commitTimes.${i}`, t]);
      if (event.started && event.finished < event.started) return 'finished: is before started';
      break;
    case 'pull_request':
      times.push(['opened', event.opened], ['merged', event.merged]);
      if (event.merged && event.merged < event.opened) return 'merged: is before opened';
      break;
    case 'incident':
      times.push(['started', event.started], ['resolved', event.resolved]);
      if (event.resolved && event.resolved < event.started) return 'resolved: is before started';
      break;
    default:
      times.push(['at', event.at]);
  }
  for (const [path, t] of times) {
    if (t === undefined) continue;
    if (t < EARLIEST) return `${path}: is before the year 2000`;
    if (t > latest) return `${path}: is more than a day in the future`;
  }
  return null;
}

// ---- Resolved events: refs replaced by ids, as stored in signal_events.payload ----

export type ResolvedEvent =
  | {
      type: 'deploy';
      id: string;
      teamId: string;
      service: string;
      environment: string;
      started: string | null;
      finished: string;
      outcome: DeployOutcome;
      commitTimes: string[];
      capabilityId: string | null;
    }
  | {
      type: 'pull_request';
      id: string;
      teamId: string;
      authorId: string | null;
      opened: string;
      merged: string | null;
    }
  | {
      type: 'incident';
      id: string;
      teamId: string;
      started: string;
      resolved: string | null;
      /** The causing deploy by its source id and client id, or the causing capability. */
      causeDeploy: { sourceId: string; clientId: string } | null;
      causeCapabilityId: string | null;
    }
  | {
      type: 'unplanned_work';
      id: string;
      teamId: string;
      capabilityId: string;
      hours: number;
      cause: UnplannedCause;
      at: string;
    }
  | { type: 'milestone'; id: string; personId: string; milestone: Milestone; at: string }
  | {
      type: 'usage';
      id: string;
      teamId: string;
      capabilityId: string;
      at: string;
      count: number;
    };

/** The time stored in signal_events.at: the one moment that places the event. */
export function eventTime(event: ResolvedEvent): string {
  switch (event.type) {
    case 'deploy':
      return event.finished;
    case 'pull_request':
      return event.merged ?? event.opened;
    case 'incident':
      return event.started;
    default:
      return event.at;
  }
}

export function teamOf(event: ResolvedEvent): string | null {
  return event.type === 'milestone' ? null : event.teamId;
}

/** UTC day (`YYYY-MM-DD`) of an ISO time. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** `YYYY-Qn` of an ISO time, in UTC. */
export function quarterKey(iso: string): string {
  const month = Number(iso.slice(5, 7));
  return `${iso.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** Whole seconds from `from` to `to`. */
export function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/** Positive lead times in seconds of the changes a deploy carried (METRICS.md drops the rest). */
export function leadTimes(finished: string, commitTimes: readonly string[]): number[] {
  return commitTimes.map((t) => secondsBetween(t, finished)).filter((s) => s > 0);
}

/**
 * What an incident resend may change: `resolved` and the cause. Team and start
 * are fixed by the first event with that id. Returns the merged incident, the
 * same object when nothing changed, or a reason to reject.
 */
export function mergeIncident(
  stored: Extract<ResolvedEvent, { type: 'incident' }>,
  update: Extract<ResolvedEvent, { type: 'incident' }>,
): Parsed<Extract<ResolvedEvent, { type: 'incident' }>> {
  if (update.teamId !== stored.teamId)
    return { ok: false, reason: `team: incident ${stored.id} was recorded for another team` };
  if (update.started !== stored.started)
    return {
      ok: false,
      reason: `started: incident ${stored.id} was recorded as started at ${stored.started}`,
    };
  const merged = {
    ...stored,
    resolved: update.resolved ?? stored.resolved,
    causeDeploy: update.causeDeploy ?? (update.causeCapabilityId ? null : stored.causeDeploy),
    causeCapabilityId:
      update.causeCapabilityId ?? (update.causeDeploy ? null : stored.causeCapabilityId),
  };
  const same = JSON.stringify(merged) === JSON.stringify(stored);
  return { ok: true, value: same ? stored : merged };
}

/** Counts an ingest answers with, per request. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

export interface Source {
  id: string;
  name: string;
  kind: SourceKind;
  description: string;
  userId: string | null;
  createdAt: string;
}

export interface IngestToken {
  id: string;
  sourceId: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedOn: string | null;
  revokedAt: string | null;
}

export interface IngestBatch {
  id: string;
  sourceId: string;
  sourceName: string;
  via: string;
  receivedAt: string;
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedLines: { line: number; reason: string }[];
}

/** A source name: lower-case letters, digits and dashes, like `jenkins-prod`. */
export const SourceName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'Use lower-case letters, digits and dashes, such as jenkins-prod',
  );
