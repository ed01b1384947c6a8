// Shared by the surveys service files: what the operations need, who acts,
// the keys of the server secret, and the audience of a survey.

import type { Db } from '../core/db/index.ts';
import { DomainError, NotFound } from '../core/errors.ts';
import type { Deps } from '../core/http/env.ts';
import { type Actor, can } from '../core/policy.ts';
import { descendantIds } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import { levelBand, type Segment, type Survey, tenureBand } from './model.ts';
import { getSurvey } from './store.ts';

/** What the survey operations need: the database, the server secret, mail and where paved lives. */
export type SurveyDeps = Pick<Deps, 'handle' | 'config' | 'log' | 'secret' | 'mailer'>;

/** Who acts, and from where (for the audit log). Background work passes null. */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

export const auditActor = (ctx: Ctx | null) =>
  ctx ? { userId: ctx.actor.userId, email: ctx.actor.email } : null;

// Keys of the server secret, one per purpose, so the sets cannot be joined without it.
export const INVITATION = 'survey-invitation';
/** Exported for the demo, which writes a quarter's answers in batches with the same hashes. */
export const PARTICIPATION = 'survey-participation';
export const PULSE_THROTTLE = 'pulse-throttle';

export const today = (now: Date) => now.toISOString().slice(0, 10);

export async function surveyOrThrow(db: Db, id: string): Promise<Survey> {
  const survey = await getSurvey(db, id);
  if (!survey) throw new NotFound('There is no such survey.');
  return survey;
}

/** A survey the actor may see: drafts only to those who manage surveys. */
export async function visibleSurvey(db: Db, actor: Actor | null, id: string): Promise<Survey> {
  const survey = await surveyOrThrow(db, id);
  if (survey.state === 'draft' && !can(actor, 'survey.manage')) {
    throw new NotFound('There is no such survey.');
  }
  return survey;
}

/** One person of the audience: who they are and the segment cell they belong to. */
export interface Invitee {
  personId: string;
  email: string | null;
  teamId: string | null;
  segment: Segment;
}

/** The people a survey asks (active people in the chosen teams and their sub-teams, or everyone). */
export async function audienceOf(db: Db, survey: Survey, at: string): Promise<Invitee[]> {
  let q = db
    .selectFrom('people')
    .select(['id', 'email', 'team_id', 'start_date', 'level'])
    .where('inactive_since', 'is', null);
  if (survey.audience === 'teams') {
    const teams = await listTeams(db, { includeInactive: true });
    const ids = [...new Set(survey.teamIds.flatMap((id) => descendantIds(teams, id)))];
    if (ids.length === 0) return [];
    q = q.where('team_id', 'in', ids);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    personId: r.id,
    email: r.email,
    teamId: r.team_id,
    segment: {
      teamId: r.team_id,
      tenureBand: tenureBand(r.start_date, at),
      levelBand: levelBand(r.level),
    },
  }));
}

export async function parentLookup(db: Db): Promise<(teamId: string) => string | null> {
  const teams = await listTeams(db, { includeInactive: true });
  const parent = new Map(teams.map((t) => [t.id, t.parentId]));
  return (id) => parent.get(id) ?? null;
}

export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** The person key a survey hashes: the person linked to the account. */
export function personOf(actor: Actor): string | null {
  return actor.personId;
}

/**
 * Runs the storage of an answer or a pulse; an unexpected failure is thrown
 * again without its cause, so no error log can carry an answer, a hash or who
 * sent it. Domain errors (refusals meant for the person) pass unchanged.
 */
export async function withheldDetails<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new Error(`${what} could not be stored; details are withheld to keep it anonymous.`);
  }
}
