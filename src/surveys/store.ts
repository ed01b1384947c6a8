import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db, Engine } from '../core/db/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../core/db/paging.ts';
import type { SurveysTable } from '../core/db/schema.ts';
import type { Audience, CustomKind, CustomQuestion, Survey, SurveyState } from './model.ts';

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

/**
 * Claims the next reminder of an open survey: true when no reminder went out
 * since `notSince` (a conditional update, so of two instances only one sends).
 */
export async function claimReminder(
  db: Db,
  id: string,
  at: string,
  notSince: string,
): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ reminded_at: at })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .where((eb) => eb.or([eb('reminded_at', 'is', null), eb('reminded_at', '<', notSince)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export * from './store-answers.ts';
export * from './store-pulses.ts';
