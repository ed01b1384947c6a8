// Survey campaigns: drafts, opening (thresholds, invitations as keyed
// hashes, invitee cells), closing (coarsening, counts, hashes deleted) and
// the schedule that opens and closes surveys on their days.

import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts';
import { parsePeriod } from '../core/period.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import type { Team } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import {
  type Audience,
  type Cell,
  type CustomKind,
  cellKey,
  coarsenCells,
  MAX_CUSTOM_QUESTIONS,
  PROMPT_MAX,
  type Survey,
  type SurveyState,
  stateProblem,
  TITLE_MAX,
} from './model.ts';
import {
  audienceStatus,
  REMIND_DAYS_BEFORE_CLOSE,
  remindNonRespondents,
  sendToAll,
} from './service-reminders.ts';
import {
  audienceOf,
  auditActor,
  type Ctx,
  INVITATION,
  parentLookup,
  type SurveyDeps,
  surveyOrThrow,
  today,
} from './service-support.ts';
import {
  ANSWER_TABLES,
  deleteDraft,
  deleteHashes,
  getSurvey,
  insertHashes,
  insertInviteeCells,
  insertSurvey,
  insertTeamCounts,
  listSurveys,
  lockSurvey,
  moveSurvey,
  recodeSegment,
  responseCells,
  rewriteInRandomOrder,
  setTeamResponded,
  surveysIn,
  updateDraft,
} from './store.ts';

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
    // Response rates per team come from the participation hashes, before they
    // go: the answers' own segments were coarsened when written, so they would
    // count a small team's answers for its parent.
    const perTeam = new Map<string, number>();
    for (const p of await audienceStatus(deps, survey, trx)) {
      if (p.answered && p.teamId) perTeam.set(p.teamId, (perTeam.get(p.teamId) ?? 0) + 1);
    }
    await setTeamResponded(trx, id, perTeam);
    const where = coarsenCells(cells, k, await parentLookup(trx));
    for (const cell of cells) {
      const to = where.get(cellKey(cell))!;
      if (cellKey(to) !== cellKey(cell)) await recodeSegment(trx, id, cell, to);
    }
    await deleteHashes(trx, id);
    // Once more, so a plain SELECT no longer follows the order answers came in (PostgreSQL).
    for (const table of ANSWER_TABLES)
      await rewriteInRandomOrder(trx, engine, table, { column: 'survey_id', values: [id] });
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

/**
 * Background work: opens drafts whose opening day has come, reminds those
 * who have not answered once in the last two days (when mail is configured),
 * and closes open surveys whose closing day has passed. Safe on several
 * instances: each move and each reminder is a conditional update, so the
 * second attempt conflicts.
 */
export async function runSurveySchedule(
  deps: SurveyDeps,
  now: Date = new Date(),
): Promise<{ opened: string[]; closed: string[]; reminded: string[] }> {
  const day = today(now);
  const opened: string[] = [];
  const closed: string[] = [];
  const reminded: string[] = [];
  for (const survey of await surveysIn(deps.handle.db, ['draft', 'open'])) {
    try {
      if (survey.state === 'draft' && survey.opensOn && survey.opensOn <= day) {
        if (survey.closesOn && survey.closesOn < day) continue;
        await openSurvey(deps, null, survey.id, now);
        opened.push(survey.id);
      } else if (survey.state === 'open' && survey.closesOn && survey.closesOn < day) {
        await closeSurvey(deps, null, survey.id, now);
        closed.push(survey.id);
      } else if (
        survey.state === 'open' &&
        deps.mailer &&
        survey.closesOn &&
        survey.closesOn <= addDays(day, REMIND_DAYS_BEFORE_CLOSE) &&
        (survey.remindedAt ?? '') < addDays(survey.closesOn, -REMIND_DAYS_BEFORE_CLOSE)
      ) {
        // Once, in the last days: a reminder to those who have not answered.
        await remindNonRespondents(deps, null, survey.id, now);
        reminded.push(survey.id);
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
  return { opened, closed, reminded };
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
