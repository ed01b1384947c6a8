// The surveys area's operations: campaigns (create, edit, open, close,
// remind), answers and pulses. API, pages, CLI and background work call these.
//
// Anonymity by construction (shared/DESIGN.md, "Privacy rules"): who was
// invited and who answered are keyed hashes, written in their own
// transaction apart from the answers; answers carry coarse segments only;
// nothing here audits or logs an answer.

import { z } from 'zod';
import { isEligible } from '../capabilities/service.ts';
import { getCapabilityBySlug, ledgerStates, listCapabilities } from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import { isUniqueViolation, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../core/errors.ts';
import type { Deps } from '../core/http/env.ts';
import { parsePeriod } from '../core/period.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { defineSetting, getSetting } from '../core/settings.ts';
import { descendantIds, type Team } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import {
  ANSWER_KEYS,
  type Answers,
  type Audience,
  type Cell,
  COMMENT_MAX,
  type CustomKind,
  cellKey,
  cleanText,
  coarsenCells,
  type FormCapability,
  HOURS_KEYS,
  levelBand,
  MAX_CUSTOM_QUESTIONS,
  nextPulseDay,
  PROMPT_MAX,
  type PulseInput,
  type Segment,
  type Survey,
  type SurveyForm,
  type SurveyState,
  segmentFor,
  stateProblem,
  TITLE_MAX,
  TOUCHPOINTS,
  tenureBand,
  validateAnswers,
} from './model.ts';
import {
  type AnswerRow,
  type CommentRow,
  claimThrottle,
  deleteDraft,
  deleteHashes,
  deleteParticipation,
  getSurvey,
  hasHash,
  hashSet,
  insertHashes,
  insertInviteeCells,
  insertPulse,
  insertResponse,
  insertSurvey,
  insertTeamCounts,
  inviteeCells,
  isSilenced,
  listSurveys,
  lockSurvey,
  markReminded,
  moveSurvey,
  pruneThrottle,
  type RatingRow,
  recodeSegment,
  responseCells,
  restoreThrottle,
  setSilenced,
  setTeamResponded,
  surveysIn,
  teamCounts,
  throttleOn,
  updateDraft,
} from './store.ts';

/** What the survey operations need: the database, the server secret, mail and where paved lives. */
export type SurveyDeps = Pick<Deps, 'handle' | 'config' | 'log' | 'secret' | 'mailer'>;

/** Who acts, and from where (for the audit log). Background work passes null. */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

const auditActor = (ctx: Ctx | null) =>
  ctx ? { userId: ctx.actor.userId, email: ctx.actor.email } : null;

/** Days between pulses by one person on one capability. */
export const pulseCooldownDays = defineSetting({
  key: 'pulses.cooldown_days',
  label: 'Days between pulses on one capability',
  hint: 'A person is asked about the same capability at most once in this many days. 30 is the default.',
  schema: z.number().int().min(1).max(365),
  defaultValue: 30,
});

// Keys of the server secret, one per purpose, so the sets cannot be joined without it.
const INVITATION = 'survey-invitation';
/** Exported for the demo, which writes a quarter's answers in batches with the same hashes. */
export const PARTICIPATION = 'survey-participation';
const PULSE_THROTTLE = 'pulse-throttle';

const today = (now: Date) => now.toISOString().slice(0, 10);

// ---- Campaigns ----

/** A survey as created or edited: every field a draft can change. */
export interface SurveyInput {
  title: string;
  period: string;
  audience: Audience;
  /** With audience `teams`: the chosen teams (their sub-teams are included). */
  teamIds?: string[];
  opensOn?: string | null;
  closesOn?: string | null;
  questions?: Array<{ kind: CustomKind; prompt: string; required?: boolean }>;
}

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

/** Surveys newest period first; drafts only for those who manage surveys. */
export async function listSurveysFor(
  db: Db,
  actor: Actor,
  filter: { states?: SurveyState[]; limit: number; cursor?: string },
) {
  const visible: SurveyState[] = can(actor, 'survey.manage')
    ? ['draft', 'open', 'closed']
    : ['open', 'closed'];
  const states = (filter.states ?? visible).filter((s) => visible.includes(s));
  if (states.length === 0) return { items: [] as Survey[], nextCursor: null };
  return listSurveys(db, { ...filter, states });
}

function checkFields(input: Partial<SurveyInput>, teams: Team[]): void {
  const errors: { path: string; message: string }[] = [];
  if (input.title !== undefined) {
    if (!input.title.trim()) errors.push({ path: 'title', message: 'Give the survey a title.' });
    else if (input.title.length > TITLE_MAX)
      errors.push({ path: 'title', message: `Keep the title under ${TITLE_MAX} characters.` });
  }
  if (input.period !== undefined) {
    try {
      parsePeriod(input.period);
    } catch (error) {
      if (error instanceof InvalidInput) errors.push(...error.errors);
      else throw error;
    }
  }
  const active = new Set(teams.filter((t) => !t.inactiveSince).map((t) => t.id));
  for (const [i, id] of (input.teamIds ?? []).entries()) {
    if (!active.has(id)) errors.push({ path: `teams.${i}`, message: 'There is no such team.' });
  }
  if (input.audience === 'teams' && input.teamIds !== undefined && input.teamIds.length === 0) {
    errors.push({ path: 'teams', message: 'Choose at least one team, or survey everyone.' });
  }
  for (const [key, value] of [
    ['opensOn', input.opensOn],
    ['closesOn', input.closesOn],
  ] as const) {
    if (value && !isRealDate(value)) {
      errors.push({ path: key, message: 'Use a date like 2026-12-12.' });
    }
  }
  if (input.opensOn && input.closesOn && input.closesOn < input.opensOn) {
    errors.push({
      path: 'closesOn',
      message: 'The survey must close on or after the day it opens.',
    });
  }
  const questions = input.questions ?? [];
  if (questions.length > MAX_CUSTOM_QUESTIONS) {
    errors.push({
      path: 'questions',
      message: `At most ${MAX_CUSTOM_QUESTIONS} custom questions: a short survey gets honest answers.`,
    });
  }
  for (const [i, q] of questions.entries()) {
    if (!q.prompt.trim())
      errors.push({ path: `questions.${i}.prompt`, message: 'Write the question.' });
    else if (q.prompt.length > PROMPT_MAX)
      errors.push({
        path: `questions.${i}.prompt`,
        message: `Keep the question under ${PROMPT_MAX} characters.`,
      });
  }
  if (errors.length > 0) {
    throw new InvalidInput(`The survey has ${errors.length} problem(s).`, errors);
  }
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const questionsOf = (input: Pick<SurveyInput, 'questions'>) =>
  (input.questions ?? []).map((q) => ({
    kind: q.kind,
    prompt: q.prompt.trim(),
    required: q.required ?? false,
  }));

/** Creates a draft survey. Platform members (and admins) only. */
export async function createSurvey(db: Db, ctx: Ctx, input: SurveyInput): Promise<Survey> {
  authorize(ctx.actor, 'survey.manage');
  const teams = await listTeams(db, { includeInactive: true });
  const teamIds = input.audience === 'teams' ? (input.teamIds ?? []) : [];
  checkFields({ ...input, teamIds }, teams);
  return db.transaction().execute(async (trx) => {
    const id = await insertSurvey(trx, {
      title: input.title.trim(),
      period: input.period,
      audience: input.audience,
      teamIds,
      opensOn: input.opensOn ?? null,
      closesOn: input.closesOn ?? null,
      questions: questionsOf(input),
      createdBy: ctx.actor.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'survey.create',
      target: { type: 'survey', id },
      ip: ctx.ip,
      details: { period: input.period, audience: input.audience },
    });
    return (await getSurvey(trx, id))!;
  });
}

/** Changes a draft; an open or closed survey cannot be edited (periods must compare). */
export async function editSurvey(
  db: Db,
  ctx: Ctx,
  id: string,
  patch: Partial<SurveyInput>,
): Promise<Survey> {
  authorize(ctx.actor, 'survey.manage');
  const teams = await listTeams(db, { includeInactive: true });
  return db.transaction().execute(async (trx) => {
    const survey = await surveyOrThrow(trx, id);
    if (survey.state !== 'draft') {
      throw new Conflict(`This survey is ${survey.state}; only a draft can be edited.`);
    }
    const audience = patch.audience ?? survey.audience;
    const teamIds = audience === 'teams' ? (patch.teamIds ?? survey.teamIds) : [];
    const merged = {
      ...patch,
      audience,
      teamIds,
      opensOn: patch.opensOn !== undefined ? patch.opensOn : survey.opensOn,
      closesOn: patch.closesOn !== undefined ? patch.closesOn : survey.closesOn,
    };
    checkFields(merged, teams);
    const ok = await updateDraft(trx, id, {
      ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
      ...(patch.period !== undefined ? { period: patch.period } : {}),
      audience,
      teamIds,
      opensOn: merged.opensOn ?? null,
      closesOn: merged.closesOn ?? null,
      ...(patch.questions !== undefined ? { questions: questionsOf(patch) } : {}),
    });
    if (!ok) throw new Conflict('This survey opened while you were editing it.');
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'survey.update',
      target: { type: 'survey', id },
      ip: ctx.ip,
      details: { fields: Object.keys(patch).join(',') },
    });
    return (await getSurvey(trx, id))!;
  });
}

/** Deletes a draft (nothing was asked yet). */
export async function deleteSurvey(db: Db, ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, 'survey.manage');
  await db.transaction().execute(async (trx) => {
    const survey = await surveyOrThrow(trx, id);
    if (!(await deleteDraft(trx, id))) {
      throw new Conflict(`This survey is ${survey.state}; only a draft can be deleted.`);
    }
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'survey.delete',
      target: { type: 'survey', id },
      ip: ctx.ip,
    });
  });
}

/** One person of the audience: who they are and the segment cell they belong to. */
interface Invitee {
  personId: string;
  email: string | null;
  teamId: string | null;
  segment: Segment;
}

/** The people a survey asks (active people in the chosen teams and their sub-teams, or everyone). */
async function audienceOf(db: Db, survey: Survey, at: string): Promise<Invitee[]> {
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

async function parentLookup(db: Db): Promise<(teamId: string) => string | null> {
  const teams = await listTeams(db, { includeInactive: true });
  const parent = new Map(teams.map((t) => [t.id, t.parentId]));
  return (id) => parent.get(id) ?? null;
}

/**
 * Opens a draft: stores the thresholds in force, the invitations (keyed
 * hashes), invitee counts per segment cell and per team; then sends the
 * invitations by email when mail is configured. By hand (ctx) or on its
 * opening day (ctx null, background work).
 */
export async function openSurvey(
  deps: SurveyDeps,
  ctx: Ctx | null,
  id: string,
  now: Date = new Date(),
): Promise<Survey> {
  if (ctx) authorize(ctx.actor, 'survey.manage');
  const { db, engine } = deps.handle;
  const at = now.toISOString();
  const { survey, invitees } = await db.transaction().execute(async (trx) => {
    const locked = await lockSurvey(trx, engine, id, 'update');
    if (!locked) throw new NotFound('There is no such survey.');
    const problem = stateProblem(locked.state, 'open');
    if (problem) throw new Conflict(problem);
    const survey = (await getSurvey(trx, id))!;
    if (survey.closesOn && survey.closesOn < today(now)) {
      throw InvalidInput.field(
        'closesOn',
        'The closing date has passed; set a later one before opening the survey.',
      );
    }
    const k = await getSetting(trx, anonymityK);
    const kComment = await getSetting(trx, anonymityKComment);
    const invitees = await audienceOf(trx, survey, at);
    const floor = Math.max(k, kComment);
    if (invitees.length < floor) {
      throw InvalidInput.field(
        survey.audience === 'teams' ? 'teams' : 'audience',
        `The audience has ${invitees.length} ${invitees.length === 1 ? 'person' : 'people'}; a survey asks at least ${floor}, so nobody is surveyed nearly alone. Add teams.`,
      );
    }
    const moved = await moveSurvey(trx, id, 'draft', 'open', {
      k,
      k_comment: kComment,
      invited: invitees.length,
      opened_at: at,
    });
    if (!moved) throw new Conflict('Someone opened this survey at the same time.');
    await insertHashes(
      trx,
      'survey_invitations',
      id,
      invitees.map((p) => deps.secret.hmac(INVITATION, id, p.personId)),
    );
    const cells = new Map<string, Cell>();
    const perTeam = new Map<string, number>();
    for (const p of invitees) {
      const key = cellKey(p.segment);
      const cell = cells.get(key) ?? { ...p.segment, n: 0 };
      cell.n++;
      cells.set(key, cell);
      if (p.teamId) perTeam.set(p.teamId, (perTeam.get(p.teamId) ?? 0) + 1);
    }
    await insertInviteeCells(trx, id, [...cells.values()]);
    await insertTeamCounts(
      trx,
      id,
      [...perTeam].map(([teamId, invited]) => ({ teamId, invited })),
    );
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'survey.open',
      target: { type: 'survey', id },
      ip: ctx?.ip ?? null,
      details: { invited: invitees.length, k, kComment },
    });
    return { survey: (await getSurvey(trx, id))!, invitees };
  });
  await sendToAll(deps, survey, invitees, 'invitation');
  return survey;
}

/** The link to a survey's answer form. */
export function surveyLink(deps: Pick<SurveyDeps, 'config'>, id: string): string {
  return `${deps.config.baseUrl}/surveys/${encodeURIComponent(id)}`;
}

function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
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

async function sendToAll(
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

/**
 * Closes an open survey in one transaction: counts respondents per team (for
 * response rates) and per segment cell, coarsens every cell under k, and
 * deletes the invitation and participation hashes. From then on nobody can
 * link an answer to a person. A closed survey never reopens.
 */
export async function closeSurvey(
  deps: SurveyDeps,
  ctx: Ctx | null,
  id: string,
  now: Date = new Date(),
): Promise<Survey> {
  if (ctx) authorize(ctx.actor, 'survey.manage');
  const { db, engine } = deps.handle;
  return db.transaction().execute(async (trx) => {
    const locked = await lockSurvey(trx, engine, id, 'update');
    if (!locked) throw new NotFound('There is no such survey.');
    const problem = stateProblem(locked.state, 'closed');
    if (problem) throw new Conflict(problem);
    const survey = (await getSurvey(trx, id))!;
    const k = survey.k ?? (await getSetting(trx, anonymityK));
    const cells = await responseCells(trx, id);
    const perTeam = new Map<string, number>();
    for (const c of cells) if (c.teamId) perTeam.set(c.teamId, (perTeam.get(c.teamId) ?? 0) + c.n);
    await setTeamResponded(trx, id, perTeam);
    const where = coarsenCells(cells, k, await parentLookup(trx));
    for (const cell of cells) {
      const to = where.get(cellKey(cell))!;
      if (cellKey(to) !== cellKey(cell)) await recodeSegment(trx, id, cell, to);
    }
    await deleteHashes(trx, id);
    const responded = cells.reduce((sum, c) => sum + c.n, 0);
    await moveSurvey(trx, id, 'open', 'closed', { responded, closed_at: now.toISOString() });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'survey.close',
      target: { type: 'survey', id },
      ip: ctx?.ip ?? null,
      details: { responded },
    });
    return (await getSurvey(trx, id))!;
  });
}

// ---- Answering ----

/** The person key a survey hashes: the person linked to the account. */
function personOf(actor: Actor): string | null {
  return actor.personId;
}

/** The capabilities a team is asked about: trial, adopted, or mandatory and applying to it. */
export async function capabilitiesFor(db: Db, teamId: string | null): Promise<FormCapability[]> {
  if (!teamId) return [];
  const states = new Map(
    (await ledgerStates(db, { teamId })).map((s) => [s.capabilityId, s.state]),
  );
  const out: FormCapability[] = [];
  for (const capability of await listCapabilities(db)) {
    if (capability.stage === 'idea' || capability.stage === 'retired') continue;
    const state = states.get(capability.id) ?? 'none';
    const onIt = state === 'trial' || state === 'adopted';
    const required =
      capability.obligation === 'mandatory' &&
      state !== 'exempt' &&
      (await isEligible(db, capability, teamId));
    if (onIt || required)
      out.push({ id: capability.id, slug: capability.slug, name: capability.name });
  }
  return out;
}

async function invitedAndAnswered(deps: SurveyDeps, survey: Survey, actor: Actor) {
  const person = personOf(actor);
  if (!person || survey.state !== 'open') return { invited: false, answered: false };
  const db = deps.handle.db;
  const invited = await hasHash(
    db,
    'survey_invitations',
    survey.id,
    deps.secret.hmac(INVITATION, survey.id, person),
  );
  const answered = await hasHash(
    db,
    'survey_participation',
    survey.id,
    deps.secret.hmac(PARTICIPATION, survey.id, person),
  );
  return { invited, answered };
}

/** What one person is asked, and whether they answered (never what). */
export async function surveyForm(deps: SurveyDeps, actor: Actor, id: string): Promise<SurveyForm> {
  const db = deps.handle.db;
  const survey = await visibleSurvey(db, actor, id);
  const { invited, answered } = await invitedAndAnswered(deps, survey, actor);
  return {
    survey,
    capabilities: await capabilitiesFor(db, actor.teamId),
    questions: survey.questions,
    answered,
    invited,
  };
}

/** The rows one response becomes: each answer, rating and comment apart. */
export function answerParts(
  answers: Answers,
  form: Pick<SurveyForm, 'capabilities' | 'questions'>,
): { answers: AnswerRow[]; ratings: RatingRow[]; comments: CommentRow[] } {
  const scalars: AnswerRow[] = [];
  if (typeof answers.nps === 'number')
    scalars.push({ question: ANSWER_KEYS.nps, value: answers.nps });
  if (typeof answers.cognitiveLoad === 'number')
    scalars.push({ question: ANSWER_KEYS.cognitiveLoad, value: answers.cognitiveLoad });
  if (answers.hoursLost !== undefined && answers.hoursLost !== null)
    scalars.push({ question: ANSWER_KEYS.hoursLost, value: HOURS_KEYS.indexOf(answers.hoursLost) });
  const comments: CommentRow[] = [];
  const comment = cleanText(answers.comment);
  if (comment)
    comments.push({ question: ANSWER_KEYS.comment, body: comment.slice(0, COMMENT_MAX) });
  const fix = cleanText(answers.fix);
  if (fix) comments.push({ question: ANSWER_KEYS.fix, body: fix.slice(0, COMMENT_MAX) });
  const bySlug = new Map(form.capabilities.map((c) => [c.slug, c]));
  const ratings: RatingRow[] = [];
  for (const [slug, rating] of Object.entries(answers.capabilities ?? {})) {
    const capability = bySlug.get(slug);
    const csat = typeof rating?.csat === 'number' ? rating.csat : null;
    const effort = typeof rating?.effort === 'number' ? rating.effort : null;
    if (capability && (csat !== null || effort !== null)) {
      ratings.push({ capabilityId: capability.id, csat, effort });
    }
  }
  const kinds = new Map(form.questions.map((q) => [q.id, q.kind]));
  for (const [qid, value] of Object.entries(answers.custom ?? {})) {
    const kind = kinds.get(qid);
    if (kind === 'rating' && typeof value === 'number') {
      scalars.push({ question: ANSWER_KEYS.custom(qid), value });
    } else if (kind === 'text' && typeof value === 'string' && cleanText(value)) {
      comments.push({
        question: ANSWER_KEYS.custom(qid),
        body: cleanText(value)!.slice(0, COMMENT_MAX),
      });
    }
  }
  return { answers: scalars, ratings, comments };
}

const ALREADY =
  'You have already answered this survey. Each person answers once, and because answers are anonymous they cannot be looked up or changed.';

/**
 * Stores one person's answers. The participation hash is written first, in
 * its own transaction (a second answer, even at the same moment, is a 409);
 * the answers follow in another, each part as its own row with the person's
 * coarse segment. Nothing is held in memory and nothing is audited or logged.
 */
export async function submitResponse(
  deps: SurveyDeps,
  actor: Actor,
  id: string,
  answers: Answers,
): Promise<void> {
  const { db, engine } = deps.handle;
  const survey = await visibleSurvey(db, actor, id);
  if (survey.state !== 'open') {
    throw new Conflict(
      survey.state === 'closed'
        ? 'This survey has closed; it no longer takes answers.'
        : 'This survey is not open yet.',
    );
  }
  const person = personOf(actor);
  const invitation = person ? deps.secret.hmac(INVITATION, id, person) : null;
  if (!person || !invitation || !(await hasHash(db, 'survey_invitations', id, invitation))) {
    throw new Forbidden(
      'You are not among the people this survey asks; it went to the teams chosen when it opened.',
    );
  }
  const form = {
    capabilities: await capabilitiesFor(db, actor.teamId),
    questions: survey.questions,
  };
  const errors = validateAnswers(answers, form);
  if (errors.length > 0) {
    throw new InvalidInput(
      `The answers have ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.path).join(', ')}.`,
      errors,
    );
  }
  const parts = answerParts(answers, form);
  const segment = await respondentSegment(db, survey, actor);
  const participation = deps.secret.hmac(PARTICIPATION, id, person);

  // 1. Participation, alone: the unique key refuses a second answer.
  try {
    await db.transaction().execute(async (trx) => {
      const locked = await lockSurvey(trx, engine, id, 'share');
      if (locked?.state !== 'open')
        throw new Conflict('This survey has closed; it no longer takes answers.');
      await insertHashes(trx, 'survey_participation', id, [participation]);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(ALREADY);
    throw error;
  }
  // 2. The answers, in a transaction of their own.
  try {
    await db.transaction().execute(async (trx) => {
      const locked = await lockSurvey(trx, engine, id, 'share');
      if (locked?.state !== 'open')
        throw new Conflict('This survey has closed; it no longer takes answers.');
      await insertResponse(trx, id, segment, parts);
    });
  } catch (error) {
    // An answer that was not stored is not an answer: the person may try again.
    await deleteParticipation(db, id, participation).catch(() => {});
    throw error;
  }
}

/** The segment stored with a person's answers: their cell, coarsened until k invitees share it. */
async function respondentSegment(db: Db, survey: Survey, actor: Actor): Promise<Segment> {
  const person = await db
    .selectFrom('people')
    .select(['team_id', 'start_date', 'level'])
    .where('id', '=', actor.personId!)
    .executeTakeFirst();
  const at = survey.openedAt ?? nowIso();
  const own: Segment = {
    teamId: person?.team_id ?? null,
    tenureBand: tenureBand(person?.start_date ?? null, at),
    levelBand: levelBand(person?.level ?? null),
  };
  const parentOf = await parentLookup(db);
  const where = coarsenCells(await inviteeCells(db, survey.id), survey.k ?? 5, parentOf);
  return segmentFor(own, where, parentOf);
}

/** Whether this person has answered an open survey (never what). */
export async function hasAnswered(deps: SurveyDeps, actor: Actor, id: string): Promise<boolean> {
  const survey = await visibleSurvey(deps.handle.db, actor, id);
  return (await invitedAndAnswered(deps, survey, actor)).answered;
}

/** One open survey for the home page's banner. */
export interface OpenSurveyBanner {
  survey: Survey;
  answered: boolean;
}

/** The open surveys that ask this person, answered or not: the home page's banner. */
export async function openSurveysFor(deps: SurveyDeps, actor: Actor): Promise<OpenSurveyBanner[]> {
  if (!personOf(actor)) return [];
  const out: OpenSurveyBanner[] = [];
  for (const survey of await surveysIn(deps.handle.db, ['open'])) {
    const { invited, answered } = await invitedAndAnswered(deps, survey, actor);
    if (invited) out.push({ survey, answered });
  }
  return out.sort((a, b) =>
    (a.survey.closesOn ?? '9999').localeCompare(b.survey.closesOn ?? '9999'),
  );
}

// ---- Progress and reminders ----

/** Answers still missing per team, for teams with at least k invitees. Never names or times. */
export interface SurveyProgress {
  invited: number;
  /** Respondents so far, when at least k were invited. */
  answered: number | null;
  teams: Array<{ teamId: string; invited: number; notAnswered: number }>;
}

async function audienceStatus(deps: SurveyDeps, survey: Survey) {
  const db = deps.handle.db;
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
  const status = await audienceStatus(deps, survey);
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
  if (survey.remindedAt && now.getTime() - Date.parse(survey.remindedAt) < REMINDER_GAP_MS) {
    throw new Conflict('A reminder went out less than a day ago; send the next one tomorrow.');
  }
  await markReminded(db, id, now.toISOString());
  const pending = (await audienceStatus(deps, survey)).filter((p) => !p.answered);
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

/**
 * Background work: opens drafts whose opening day has come and closes open
 * surveys whose closing day has passed. Safe on several instances: each move
 * is a conditional update under a row lock, so the second attempt conflicts.
 */
export async function runSurveySchedule(
  deps: SurveyDeps,
  now: Date = new Date(),
): Promise<{ opened: string[]; closed: string[] }> {
  const day = today(now);
  const opened: string[] = [];
  const closed: string[] = [];
  for (const survey of await surveysIn(deps.handle.db, ['draft', 'open'])) {
    try {
      if (survey.state === 'draft' && survey.opensOn && survey.opensOn <= day) {
        if (survey.closesOn && survey.closesOn < day) continue;
        await openSurvey(deps, null, survey.id, now);
        opened.push(survey.id);
      } else if (survey.state === 'open' && survey.closesOn && survey.closesOn < day) {
        await closeSurvey(deps, null, survey.id, now);
        closed.push(survey.id);
      }
    } catch (error) {
      if (error instanceof Conflict) continue; // another instance moved it first
      if (error instanceof InvalidInput) {
        deps.log.warn({ survey: survey.id, problem: error.message }, 'survey not opened');
        continue;
      }
      throw error;
    }
  }
  return { opened, closed };
}

// ---- Pulses ----

/** What a person may do about pulses on one capability right now. */
export interface PulseStatus {
  /** YYYY-MM-DD from which they may pulse it again; null when they may now. */
  nextOn: string | null;
  silenced: boolean;
}

const throttleKey = (deps: SurveyDeps, actor: Actor, capabilityId: string) =>
  deps.secret.hmac(PULSE_THROTTLE, actor.personId ?? `user:${actor.userId}`, capabilityId);

function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

async function pulseCapability(db: Db, slug: string) {
  const capability = await getCapabilityBySlug(db, slug);
  if (!capability) {
    throw InvalidInput.field(
      'capability',
      `There is no capability "${slug}"; use its slug, like deploy-pipeline.`,
    );
  }
  return capability;
}

/** Whether a person may pulse a capability now, and whether they silenced prompts. */
export async function pulseStatus(
  deps: SurveyDeps,
  actor: Actor,
  slug: string,
  now: Date = new Date(),
): Promise<PulseStatus> {
  const db = deps.handle.db;
  const capability = await pulseCapability(db, slug);
  const cooldown = await getSetting(db, pulseCooldownDays);
  const last = await throttleOn(db, throttleKey(deps, actor, capability.id));
  const next = last ? nextPulseDay(last, cooldown) : null;
  return {
    nextOn: next && next > today(now) ? next : null,
    silenced: await isSilenced(db, actor.userId),
  };
}

/**
 * Stores one pulse: the throttle is claimed first, on its own (a keyed hash
 * and today's date, never the answer; a second pulse in the cooldown is
 * refused, also when both arrive at once), then the pulse row: capability,
 * touchpoint, rating, comment and month, nothing else.
 */
export async function submitPulse(
  deps: SurveyDeps,
  actor: Actor,
  input: PulseInput,
  now: Date = new Date(),
): Promise<{ month: string; nextOn: string }> {
  const db = deps.handle.db;
  const errors: { path: string; message: string }[] = [];
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    errors.push({ path: 'rating', message: 'Choose a whole number from 1 to 5.' });
  }
  if (input.comment !== undefined && input.comment.length > COMMENT_MAX) {
    errors.push({ path: 'comment', message: `Keep it under ${COMMENT_MAX} characters.` });
  }
  if (input.touchpoint !== undefined && !TOUCHPOINTS.includes(input.touchpoint)) {
    errors.push({ path: 'touchpoint', message: `Choose one of ${TOUCHPOINTS.join(', ')}.` });
  }
  if (errors.length > 0) throw new InvalidInput('The pulse has problems.', errors);
  const capability = await pulseCapability(db, input.capability);
  const cooldown = await getSetting(db, pulseCooldownDays);
  const day = today(now);
  const hash = throttleKey(deps, actor, capability.id);
  const previous = await throttleOn(db, hash);
  if (!(await claimThrottle(db, hash, day, daysBefore(day, cooldown)))) {
    const last = (await throttleOn(db, hash)) ?? day;
    throw new Conflict(
      `Thanks — you already rated ${capability.name} recently. You can rate it again from ${formatDay(nextPulseDay(last, cooldown))}.`,
    );
  }
  const month = day.slice(0, 7);
  try {
    await insertPulse(db, {
      capabilityId: capability.id,
      touchpoint: input.touchpoint ?? null,
      rating: input.rating,
      comment: cleanText(input.comment) ?? null,
      month,
    });
  } catch (error) {
    await restoreThrottle(db, hash, previous).catch(() => {});
    throw error;
  }
  return { month, nextOn: nextPulseDay(day, cooldown) };
}

/** Silences (or allows again) pulse prompts for this person, for good. */
export async function silencePulses(db: Db, actor: Actor, silenced: boolean): Promise<void> {
  authorize(actor, 'pulse.submit');
  await setSilenced(db, actor.userId, silenced);
}

/** Background work: deletes throttle records whose cooldown has passed. */
export async function prunePulseThrottle(db: Db, now: Date = new Date()): Promise<number> {
  const cooldown = await getSetting(db, pulseCooldownDays);
  return pruneThrottle(db, daysBefore(today(now), cooldown));
}
