// Surveys and pulses: queries. The database handle (or a transaction) comes
// first; the caller owns the transaction. Answer rows are written and read
// here with their coarse segments only.

import type { ExpressionBuilder } from 'kysely';
import { batchSize, chunk, newId, nowIso } from '../core/db/helpers.ts';
import type { Db, Engine } from '../core/db/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../core/db/paging.ts';
import type { Database, SurveysTable } from '../core/db/schema.ts';
import type {
  Audience,
  Cell,
  CustomKind,
  CustomQuestion,
  Segment,
  Survey,
  SurveyState,
  Touchpoint,
} from './model.ts';

// ---- Surveys ----

function surveyRow(r: SurveysTable, teamIds: string[], questions: CustomQuestion[]): Survey {
  return {
    id: r.id,
    title: r.title,
    period: r.period,
    state: r.state as SurveyState,
    audience: r.audience as Audience,
    teamIds,
    opensOn: r.opens_on,
    closesOn: r.closes_on,
    k: r.k === null ? null : Number(r.k),
    kComment: r.k_comment === null ? null : Number(r.k_comment),
    invited: r.invited === null ? null : Number(r.invited),
    responded: r.responded === null ? null : Number(r.responded),
    questions,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    remindedAt: r.reminded_at,
  };
}

async function questionsOf(db: Db, surveyIds: string[]): Promise<Map<string, CustomQuestion[]>> {
  const out = new Map<string, CustomQuestion[]>();
  if (surveyIds.length === 0) return out;
  const rows = await db
    .selectFrom('survey_questions')
    .selectAll()
    .where('survey_id', 'in', surveyIds)
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = out.get(r.survey_id) ?? [];
    list.push({
      id: r.id,
      position: Number(r.position),
      kind: r.kind as CustomKind,
      prompt: r.prompt,
      required: Number(r.required) === 1,
    });
    out.set(r.survey_id, list);
  }
  return out;
}

async function audienceOf(db: Db, surveyIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (surveyIds.length === 0) return out;
  const rows = await db
    .selectFrom('survey_audience_teams')
    .selectAll()
    .where('survey_id', 'in', surveyIds)
    .orderBy('team_id')
    .execute();
  for (const r of rows) out.set(r.survey_id, [...(out.get(r.survey_id) ?? []), r.team_id]);
  return out;
}

async function withParts(db: Db, rows: SurveysTable[]): Promise<Survey[]> {
  const ids = rows.map((r) => r.id);
  const [questions, teams] = await Promise.all([questionsOf(db, ids), audienceOf(db, ids)]);
  return rows.map((r) => surveyRow(r, teams.get(r.id) ?? [], questions.get(r.id) ?? []));
}

export async function getSurvey(db: Db, id: string): Promise<Survey | undefined> {
  const row = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return (await withParts(db, [row]))[0];
}

/**
 * Locks a survey's row for the rest of the transaction where the engine can,
 * so an answer and the close cannot interleave.
 */
export async function lockSurvey(
  db: Db,
  engine: Engine,
  id: string,
  mode: 'share' | 'update',
): Promise<{ state: SurveyState } | undefined> {
  let q = db.selectFrom('surveys').select('state').where('id', '=', id);
  // SQLite: one writer at a time already serialises transactions; no row locks exist.
  // PostgreSQL: answers share the row, the close takes it, so they never interleave.
  if (engine === 'postgres') q = mode === 'share' ? q.forShare() : q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? { state: row.state as SurveyState } : undefined;
}

/** Surveys, newest period first, filtered by state. */
export async function listSurveys(
  db: Db,
  filter: { states?: SurveyState[]; limit: number; cursor?: string },
): Promise<Page<Survey>> {
  let q = db
    .selectFrom('surveys')
    .selectAll()
    .orderBy('period', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.states?.length) q = q.where('state', 'in', filter.states);
  if (filter.cursor) {
    const [period, id] = decodeCursor(filter.cursor, 2) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('period', '<', period), eb.and([eb('period', '=', period), eb('id', '<', id)])]),
    );
  }
  const rows = await q.execute();
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: await withParts(db, page),
    nextCursor: more && last ? encodeCursor([last.period, last.id]) : null,
  };
}

/** Every survey in some states (the background schedule reads these). */
export async function surveysIn(db: Db, states: SurveyState[]): Promise<Survey[]> {
  const rows = await db.selectFrom('surveys').selectAll().where('state', 'in', states).execute();
  return withParts(db, rows);
}

/** The closed survey of the period before, for the change in NPS. */
export async function closedSurveyFor(db: Db, period: string): Promise<Survey | undefined> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('period', '=', period)
    .where('state', '=', 'closed')
    .orderBy('closed_at', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return row ? (await withParts(db, [row]))[0] : undefined;
}

export interface SurveyFields {
  title: string;
  period: string;
  audience: Audience;
  teamIds: string[];
  opensOn: string | null;
  closesOn: string | null;
  questions: Array<{ kind: CustomKind; prompt: string; required: boolean }>;
}

export async function insertSurvey(
  db: Db,
  input: SurveyFields & { createdBy: string | null },
): Promise<string> {
  const id = newId();
  const now = nowIso();
  await db
    .insertInto('surveys')
    .values({
      id,
      title: input.title,
      period: input.period,
      state: 'draft',
      audience: input.audience,
      opens_on: input.opensOn,
      closes_on: input.closesOn,
      k: null,
      k_comment: null,
      invited: null,
      responded: null,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
      opened_at: null,
      closed_at: null,
      reminded_at: null,
    })
    .execute();
  await setAudienceTeams(db, id, input.teamIds);
  await replaceQuestions(db, id, input.questions);
  return id;
}

/** Changes a draft's fields; false when it is no longer a draft (edits only while draft). */
export async function updateDraft(
  db: Db,
  id: string,
  patch: Partial<SurveyFields>,
): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.period !== undefined ? { period: patch.period } : {}),
      ...(patch.audience !== undefined ? { audience: patch.audience } : {}),
      ...(patch.opensOn !== undefined ? { opens_on: patch.opensOn } : {}),
      ...(patch.closesOn !== undefined ? { closes_on: patch.closesOn } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  if (patch.teamIds !== undefined) await setAudienceTeams(db, id, patch.teamIds);
  if (patch.questions !== undefined) await replaceQuestions(db, id, patch.questions);
  return true;
}

export async function deleteDraft(db: Db, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('surveys')
    .where('id', '=', id)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

async function setAudienceTeams(db: Db, id: string, teamIds: string[]): Promise<void> {
  await db.deleteFrom('survey_audience_teams').where('survey_id', '=', id).execute();
  const unique = [...new Set(teamIds)];
  if (unique.length === 0) return;
  await db
    .insertInto('survey_audience_teams')
    .values(unique.map((team_id) => ({ survey_id: id, team_id })))
    .execute();
}

async function replaceQuestions(
  db: Db,
  id: string,
  questions: SurveyFields['questions'],
): Promise<void> {
  await db.deleteFrom('survey_questions').where('survey_id', '=', id).execute();
  if (questions.length === 0) return;
  await db
    .insertInto('survey_questions')
    .values(
      questions.map((q, position) => ({
        id: newId(),
        survey_id: id,
        position,
        kind: q.kind,
        prompt: q.prompt,
        required: q.required ? 1 : 0,
      })),
    )
    .execute();
}

/**
 * Moves a survey from one state to the next with the fields that go with it;
 * false when another request moved it first (a conditional update).
 */
export async function moveSurvey(
  db: Db,
  id: string,
  from: SurveyState,
  to: SurveyState,
  fields: Partial<
    Pick<SurveysTable, 'k' | 'k_comment' | 'invited' | 'responded' | 'opened_at' | 'closed_at'>
  > = {},
): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ state: to, updated_at: nowIso(), ...fields })
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markReminded(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('surveys').set({ reminded_at: at }).where('id', '=', id).execute();
}

// ---- Invitations and participation (keyed hashes) ----

export type HashTable = 'survey_invitations' | 'survey_participation';

export async function insertHashes(
  db: Db,
  table: HashTable,
  surveyId: string,
  hashes: string[],
): Promise<void> {
  for (const part of chunk(hashes, batchSize(2))) {
    await db
      .insertInto(table)
      .values(part.map((hash) => ({ survey_id: surveyId, hash })))
      .execute();
  }
}

export async function hasHash(
  db: Db,
  table: HashTable,
  surveyId: string,
  hash: string,
): Promise<boolean> {
  const row = await db
    .selectFrom(table)
    .select('hash')
    .where('survey_id', '=', surveyId)
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row !== undefined;
}

export async function hashSet(db: Db, table: HashTable, surveyId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom(table)
    .select('hash')
    .where('survey_id', '=', surveyId)
    .execute();
  return new Set(rows.map((r) => r.hash));
}

/** Removes one participation hash (an answer that could not be stored is not an answer). */
export async function deleteParticipation(db: Db, surveyId: string, hash: string): Promise<void> {
  await db
    .deleteFrom('survey_participation')
    .where('survey_id', '=', surveyId)
    .where('hash', '=', hash)
    .execute();
}

/** Deletes every invitation and participation hash of a survey (at close). */
export async function deleteHashes(db: Db, surveyId: string): Promise<void> {
  await db.deleteFrom('survey_participation').where('survey_id', '=', surveyId).execute();
  await db.deleteFrom('survey_invitations').where('survey_id', '=', surveyId).execute();
}

// ---- Counts kept for coarsening and response rates ----

export async function insertInviteeCells(db: Db, surveyId: string, cells: Cell[]): Promise<void> {
  for (const part of chunk(cells, batchSize(6))) {
    await db
      .insertInto('survey_invitee_cells')
      .values(
        part.map((c) => ({
          id: newId(),
          survey_id: surveyId,
          team_id: c.teamId,
          tenure_band: c.tenureBand,
          level_band: c.levelBand,
          invited: c.n,
        })),
      )
      .execute();
  }
}

export async function inviteeCells(db: Db, surveyId: string): Promise<Cell[]> {
  const rows = await db
    .selectFrom('survey_invitee_cells')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    tenureBand: r.tenure_band,
    levelBand: r.level_band,
    n: Number(r.invited),
  }));
}

export interface TeamCount {
  teamId: string;
  invited: number;
  responded: number | null;
}

export async function insertTeamCounts(
  db: Db,
  surveyId: string,
  counts: Array<{ teamId: string; invited: number }>,
): Promise<void> {
  for (const part of chunk(counts, batchSize(4))) {
    await db
      .insertInto('survey_team_counts')
      .values(
        part.map((c) => ({
          survey_id: surveyId,
          team_id: c.teamId,
          invited: c.invited,
          responded: null,
        })),
      )
      .execute();
  }
}

export async function setTeamResponded(
  db: Db,
  surveyId: string,
  responded: Map<string, number>,
): Promise<void> {
  await db
    .updateTable('survey_team_counts')
    .set({ responded: 0 })
    .where('survey_id', '=', surveyId)
    .execute();
  for (const [teamId, n] of responded) {
    await db
      .updateTable('survey_team_counts')
      .set({ responded: n })
      .where('survey_id', '=', surveyId)
      .where('team_id', '=', teamId)
      .execute();
  }
}

export async function teamCounts(db: Db, surveyId: string): Promise<TeamCount[]> {
  const rows = await db
    .selectFrom('survey_team_counts')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    invited: Number(r.invited),
    responded: r.responded === null ? null : Number(r.responded),
  }));
}

// ---- Answer rows ----

export interface AnswerRow {
  question: string;
  value: number;
}
export interface RatingRow {
  capabilityId: string;
  csat: number | null;
  effort: number | null;
}
export interface CommentRow {
  question: string;
  body: string;
}

const segmentValues = (surveyId: string, s: Segment) => ({
  id: newId(),
  survey_id: surveyId,
  team_id: s.teamId,
  tenure_band: s.tenureBand,
  level_band: s.levelBand,
});

/**
 * Writes one response: a respondent row and each answer, rating and comment
 * as its own row with its own random id, all with the same coarse segment.
 */
export async function insertResponse(
  db: Db,
  surveyId: string,
  segment: Segment,
  parts: { answers: AnswerRow[]; ratings: RatingRow[]; comments: CommentRow[] },
): Promise<void> {
  await db.insertInto('survey_responses').values(segmentValues(surveyId, segment)).execute();
  if (parts.answers.length > 0) {
    await db
      .insertInto('survey_answers')
      .values(parts.answers.map((a) => ({ ...segmentValues(surveyId, segment), ...a })))
      .execute();
  }
  if (parts.ratings.length > 0) {
    await db
      .insertInto('survey_ratings')
      .values(
        parts.ratings.map((r) => ({
          ...segmentValues(surveyId, segment),
          capability_id: r.capabilityId,
          csat: r.csat,
          effort: r.effort,
        })),
      )
      .execute();
  }
  if (parts.comments.length > 0) {
    await db
      .insertInto('survey_comments')
      .values(parts.comments.map((c) => ({ ...segmentValues(surveyId, segment), ...c })))
      .execute();
  }
}

/** Respondents per segment cell. */
export async function responseCells(db: Db, surveyId: string): Promise<Cell[]> {
  const rows = await db
    .selectFrom('survey_responses')
    .select((eb) => ['team_id', 'tenure_band', 'level_band', eb.fn.countAll().as('n')])
    .where('survey_id', '=', surveyId)
    .groupBy(['team_id', 'tenure_band', 'level_band'])
    .execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    tenureBand: r.tenure_band,
    levelBand: r.level_band,
    n: Number(r.n),
  }));
}

export const ANSWER_TABLES = [
  'survey_responses',
  'survey_answers',
  'survey_ratings',
  'survey_comments',
] as const;
type AnswerTable = (typeof ANSWER_TABLES)[number];

function sameSegment(s: Segment) {
  return (eb: ExpressionBuilder<Database, AnswerTable>) =>
    eb.and([
      s.teamId === null ? eb('team_id', 'is', null) : eb('team_id', '=', s.teamId),
      s.tenureBand === null ? eb('tenure_band', 'is', null) : eb('tenure_band', '=', s.tenureBand),
      s.levelBand === null ? eb('level_band', 'is', null) : eb('level_band', '=', s.levelBand),
    ]);
}

/** Rewrites every answer row of one segment cell to a coarser one, in all answer tables. */
export async function recodeSegment(
  db: Db,
  surveyId: string,
  from: Segment,
  to: Segment,
): Promise<void> {
  for (const table of ANSWER_TABLES) {
    await db
      .updateTable(table)
      .set({ team_id: to.teamId, tenure_band: to.tenureBand, level_band: to.levelBand })
      .where('survey_id', '=', surveyId)
      .where(sameSegment(from))
      .execute();
  }
}

export type Segmented<T> = T & Segment;

const segmentOf = (r: {
  team_id: string | null;
  tenure_band: string | null;
  level_band: string | null;
}) => ({
  teamId: r.team_id,
  tenureBand: r.tenure_band,
  levelBand: r.level_band,
});

export async function answerRows(db: Db, surveyId: string): Promise<Segmented<AnswerRow>[]> {
  const rows = await db
    .selectFrom('survey_answers')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute();
  return rows.map((r) => ({ ...segmentOf(r), question: r.question, value: Number(r.value) }));
}

export async function ratingRows(db: Db, surveyId: string): Promise<Segmented<RatingRow>[]> {
  const rows = await db
    .selectFrom('survey_ratings')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .execute();
  return rows.map((r) => ({
    ...segmentOf(r),
    capabilityId: r.capability_id,
    csat: r.csat === null ? null : Number(r.csat),
    effort: r.effort === null ? null : Number(r.effort),
  }));
}

/** Comments in a stable order that says nothing about when they came: by text. */
export async function commentRows(db: Db, surveyId: string): Promise<Segmented<CommentRow>[]> {
  const rows = await db
    .selectFrom('survey_comments')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .orderBy('body')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...segmentOf(r), question: r.question, body: r.body }));
}

// ---- Pulses ----

export async function insertPulse(
  db: Db,
  input: {
    capabilityId: string;
    touchpoint: Touchpoint | null;
    rating: number;
    comment: string | null;
    month: string;
  },
): Promise<void> {
  await db
    .insertInto('pulses')
    .values({
      id: newId(),
      capability_id: input.capabilityId,
      touchpoint: input.touchpoint,
      rating: input.rating,
      comment: input.comment,
      month: input.month,
    })
    .execute();
}

export interface PulseRow {
  touchpoint: string | null;
  rating: number;
  comment: string | null;
  month: string;
}

/** A capability's pulses in months [from, to], both YYYY-MM. */
export async function pulseRows(
  db: Db,
  capabilityId: string,
  from: string,
  to: string,
): Promise<PulseRow[]> {
  const rows = await db
    .selectFrom('pulses')
    .select(['touchpoint', 'rating', 'comment', 'month'])
    .where('capability_id', '=', capabilityId)
    .where('month', '>=', from)
    .where('month', '<=', to)
    .orderBy('month')
    .orderBy('comment')
    .execute();
  return rows.map((r) => ({ ...r, rating: Number(r.rating) }));
}

export async function throttleOn(db: Db, hash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('pulse_throttle')
    .select('last_on')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row?.last_on;
}

/**
 * Claims the throttle for a pulse today: inserts the hash, or moves an
 * expired one (last pulse on or before `expiredBy`) to today. False when a
 * pulse inside the cooldown holds it, also when two arrive at once.
 */
export async function claimThrottle(
  db: Db,
  hash: string,
  today: string,
  expiredBy: string,
): Promise<boolean> {
  const result = await db
    .insertInto('pulse_throttle')
    .values({ hash, last_on: today })
    .onConflict((oc) =>
      oc
        .column('hash')
        .doUpdateSet({ last_on: today })
        .where('pulse_throttle.last_on', '<=', expiredBy),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Puts a throttle back as it was before a pulse that could not be stored. */
export async function restoreThrottle(
  db: Db,
  hash: string,
  previous: string | undefined,
): Promise<void> {
  if (previous === undefined) {
    await db.deleteFrom('pulse_throttle').where('hash', '=', hash).execute();
  } else {
    await db
      .updateTable('pulse_throttle')
      .set({ last_on: previous })
      .where('hash', '=', hash)
      .execute();
  }
}

/** Deletes throttle records whose cooldown has passed (last pulse on or before `expiredBy`). */
export async function pruneThrottle(db: Db, expiredBy: string): Promise<number> {
  const result = await db
    .deleteFrom('pulse_throttle')
    .where('last_on', '<=', expiredBy)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function isSilenced(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('pulse_silenced')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setSilenced(db: Db, userId: string, silenced: boolean): Promise<void> {
  if (!silenced) {
    await db.deleteFrom('pulse_silenced').where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('pulse_silenced')
    .values({ user_id: userId, since: nowIso().slice(0, 10) })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

/** Every table that holds answers, for the schema test and the anonymity checks. */
export const ANONYMOUS_TABLES = [...ANSWER_TABLES, 'pulses'] as const;
