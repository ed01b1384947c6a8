// Invitations and reminders by email, and how many have not answered per
// team (teams with at least k invitees; never who, never when).

import { recordAudit } from '../core/audit.ts';
import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict } from '../core/errors.ts';
import { authorize } from '../core/policy.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import type { Survey } from './model.ts';
import {
  audienceOf,
  auditActor,
  type Ctx,
  formatDay,
  INVITATION,
  PARTICIPATION,
  type SurveyDeps,
  surveyOrThrow,
} from './service-support.ts';
import { claimReminder, hashSet, teamCounts } from './store.ts';

/** The link to a survey's answer form. */
export function surveyLink(deps: Pick<SurveyDeps, 'config'>, id: string): string {
  return `${deps.config.baseUrl}/surveys/${encodeURIComponent(id)}`;
}

/** The invitation or reminder email for one survey. */
export function surveyMail(
  deps: Pick<SurveyDeps, 'config'>,
  survey: Survey,
  kind: 'invitation' | 'reminder',
): { subject: string; text: string } {
  const closes = survey.closesOn ? ` It closes on ${formatDay(survey.closesOn)}.` : '';
  const subject =
    kind === 'invitation'
      ? `${survey.title}: tell the platform team how it is going`
      : `Reminder: ${survey.title}`;
  const text = [
    kind === 'invitation'
      ? `The platform team asks how the platform works for you: ${survey.title}.`
      : `You have not answered ${survey.title} yet.`,
    `It takes about 4 minutes.${closes}`,
    '',
    `Answer here: ${surveyLink(deps, survey.id)}`,
    '',
    'Your answers are anonymous: paved stores them without your name, and nobody — the platform team and admins included — can link them to you. Results show only for groups of at least ' +
      `${survey.k ?? 5} people, and comments only for groups of at least ${survey.kComment ?? 10}.`,
  ].join('\n');
  return { subject, text };
}

export async function sendToAll(
  deps: SurveyDeps,
  survey: Survey,
  people: Array<{ email: string | null }>,
  kind: 'invitation' | 'reminder',
): Promise<number> {
  if (!deps.mailer) return 0;
  const { subject, text } = surveyMail(deps, survey, kind);
  let sent = 0;
  for (const person of people) {
    if (!person.email) continue;
    try {
      await deps.mailer.send({ to: person.email, subject, text });
      sent++;
    } catch (error) {
      // One bad address must not stop the rest; the address is not logged.
      deps.log.warn({ err: error, survey: survey.id, kind }, 'survey email failed');
    }
  }
  return sent;
}

/** Answers still missing per team, for teams with at least k invitees. Never names or times. */
export interface SurveyProgress {
  invited: number;
  /** Respondents so far, when at least k were invited. */
  answered: number | null;
  teams: Array<{ teamId: string; invited: number; notAnswered: number }>;
}

export async function audienceStatus(deps: Pick<SurveyDeps, 'secret'>, survey: Survey, db: Db) {
  const invitations = await hashSet(db, 'survey_invitations', survey.id);
  const participation = await hashSet(db, 'survey_participation', survey.id);
  const people = await audienceOf(db, survey, survey.openedAt ?? nowIso());
  return people
    .filter((p) => invitations.has(deps.secret.hmac(INVITATION, survey.id, p.personId)))
    .map((p) => ({
      ...p,
      answered: participation.has(deps.secret.hmac(PARTICIPATION, survey.id, p.personId)),
    }));
}

/**
 * How many have not answered, per team with at least k invitees (the
 * platform team chases answers without ever seeing who or when).
 */
export async function surveyProgress(
  deps: SurveyDeps,
  ctx: Ctx,
  id: string,
): Promise<SurveyProgress> {
  authorize(ctx.actor, 'survey.manage');
  const db = deps.handle.db;
  const survey = await surveyOrThrow(db, id);
  const k = survey.k ?? (await getSetting(db, anonymityK));
  const counts = await teamCounts(db, id);
  if (survey.state !== 'open') {
    return {
      invited: survey.invited ?? 0,
      answered: survey.state === 'closed' && (survey.invited ?? 0) >= k ? survey.responded : null,
      teams: counts
        .filter((c) => c.invited >= k && c.responded !== null)
        .map((c) => ({
          teamId: c.teamId,
          invited: c.invited,
          notAnswered: c.invited - (c.responded ?? 0),
        })),
    };
  }
  const status = await audienceStatus(deps, survey, db);
  const notAnswered = new Map<string, number>();
  for (const p of status) {
    if (!p.answered && p.teamId) notAnswered.set(p.teamId, (notAnswered.get(p.teamId) ?? 0) + 1);
  }
  const answered = (await hashSet(db, 'survey_participation', id)).size;
  return {
    invited: survey.invited ?? 0,
    answered: (survey.invited ?? 0) >= k ? answered : null,
    teams: counts
      .filter((c) => c.invited >= k)
      .map((c) => ({
        teamId: c.teamId,
        invited: c.invited,
        notAnswered: notAnswered.get(c.teamId) ?? 0,
      })),
  };
}

const REMINDER_GAP_MS = 24 * 3600 * 1000;

/** Automatic reminders go out this many days before a survey closes. */
export const REMIND_DAYS_BEFORE_CLOSE = 2;

/**
 * Emails a reminder to everyone invited who has not answered (never to those
 * who did); at most once a day per survey. Returns how many were sent.
 */
export async function remindNonRespondents(
  deps: SurveyDeps,
  ctx: Ctx | null,
  id: string,
  now: Date = new Date(),
): Promise<{ sent: number }> {
  if (ctx) authorize(ctx.actor, 'survey.manage');
  const db = deps.handle.db;
  const survey = await surveyOrThrow(db, id);
  if (survey.state !== 'open') throw new Conflict('Only an open survey sends reminders.');
  if (!deps.mailer) {
    throw new Conflict(
      'Email is not configured (PAVED_SMTP_URL), so paved cannot send reminders; the home page banner still reminds everyone who has not answered.',
    );
  }
  const since = new Date(now.getTime() - REMINDER_GAP_MS).toISOString();
  if (!(await claimReminder(db, id, now.toISOString(), since))) {
    throw new Conflict('A reminder went out less than a day ago; send the next one tomorrow.');
  }
  const pending = (await audienceStatus(deps, survey, db)).filter((p) => !p.answered);
  const sent = await sendToAll(deps, survey, pending, 'reminder');
  await recordAudit(db, {
    actor: auditActor(ctx),
    action: 'survey.remind',
    target: { type: 'survey', id },
    ip: ctx?.ip ?? null,
    details: { sent },
  });
  return { sent };
}
