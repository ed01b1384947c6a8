// Answering: what a person is asked, storing one response (participation
// hash first and alone, then each part as its own row), and whether a person
// answered (never what).

import { isEligible } from '../capabilities/service.ts';
import { ledgerStates, listCapabilities } from '../capabilities/store.ts';
import { isUniqueViolation, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, Forbidden, InvalidInput } from '../core/errors.ts';
import type { Actor } from '../core/policy.ts';
import {
  ANSWER_KEYS,
  type Answers,
  COMMENT_MAX,
  cleanText,
  coarsenCells,
  type FormCapability,
  HOURS_KEYS,
  levelBand,
  type Segment,
  type Survey,
  type SurveyForm,
  segmentFor,
  tenureBand,
  validateAnswers,
} from './model.ts';
import {
  INVITATION,
  PARTICIPATION,
  parentLookup,
  personOf,
  type SurveyDeps,
  visibleSurvey,
  withheldDetails,
} from './service-support.ts';
import {
  type AnswerRow,
  type CommentRow,
  hasHash,
  insertHashes,
  insertResponse,
  inviteeCells,
  lockSurvey,
  type RatingRow,
  surveysIn,
} from './store.ts';

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
 * Stores one person's answers with their participation hash, in one
 * transaction (a second answer, even at the same moment, is a 409): each
 * part as its own row with the person's coarse segment. Nothing is held in
 * memory and nothing is audited or logged.
 */
export async function submitResponse(
  deps: SurveyDeps,
  actor: Actor,
  id: string,
  answers: Answers,
): Promise<void> {
  await withheldDetails('A survey answer', () => storeResponse(deps, actor, id, answers));
}

async function storeResponse(
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

  // One transaction: a server that dies half-way leaves neither the
  // participation hash without its answers (the person would be told they had
  // answered) nor answers without it. The hash goes first: its unique key
  // refuses a second answer, even one sent at the same moment.
  try {
    await db.transaction().execute(async (trx) => {
      const locked = await lockSurvey(trx, engine, id, 'share');
      if (locked?.state !== 'open')
        throw new Conflict('This survey has closed; it no longer takes answers.');
      await insertHashes(trx, 'survey_participation', id, [participation]);
      await insertResponse(trx, id, segment, parts);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(ALREADY);
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
