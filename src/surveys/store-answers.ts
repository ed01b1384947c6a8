// Anonymous answer storage: participation and invitation hashes, the counts
// kept for coarsening and response rates, and the answer rows with their
// coarse segments (random ids, no person, no time).

import { randomInt } from 'node:crypto';
import { type ExpressionBuilder, sql } from 'kysely';
import { batchSize, chunk, newId } from '../core/db/helpers.ts';
import type { Db, Engine } from '../core/db/index.ts';
import type { Database } from '../core/db/schema.ts';
import type { Cell, Segment } from './model.ts';

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

/** Deletes every invitation and participation hash of a survey (at close). */
export async function deleteHashes(db: Db, surveyId: string): Promise<void> {
  await db.deleteFrom('survey_participation').where('survey_id', '=', surveyId).execute();
  await db.deleteFrom('survey_invitations').where('survey_id', '=', surveyId).execute();
}

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

/** The values of one question's answers (no segments): everyone's figure needs nothing else. */
export async function answerValues(db: Db, surveyId: string, question: string): Promise<number[]> {
  const rows = await db
    .selectFrom('survey_answers')
    .select('value')
    .where('survey_id', '=', surveyId)
    .where('question', '=', question)
    .execute();
  return rows.map((r) => Number(r.value));
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

/** Every table that holds answers, for the schema test and the anonymity checks. */
export const ANONYMOUS_TABLES = [...ANSWER_TABLES, 'pulses'] as const;

/**
 * Writes the rows of an answer table that match `where` again, in a fresh
 * random order, keeping their ids and values. PostgreSQL keeps rows in the
 * order they were written and a SELECT without ORDER BY returns them so,
 * which would tell who answered when; this breaks that order (and the
 * transaction ids the rows were written with). Returns the rows written.
 */
export async function rewriteInRandomOrder(
  trx: Db,
  engine: Engine,
  table: (typeof ANONYMOUS_TABLES)[number],
  where: { column: 'survey_id' | 'month'; values: readonly string[] },
): Promise<number> {
  // SQLite: answer tables are WITHOUT ROWID tables keyed by random ids, so
  // their rows already come out in random order; nothing to do.
  if (engine !== 'postgres' || where.values.length === 0) return 0;
  const t = sql.table(table);
  const match = sql`${sql.ref(where.column)} in (${sql.join(where.values)})`;
  const { rows } = await sql<Record<string, unknown>>`select * from ${t} where ${match}`.execute(
    trx,
  );
  if (rows.length === 0) return 0;
  await sql`delete from ${t} where ${match}`.execute(trx);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  for (const part of chunk(rows, batchSize(Object.keys(rows[0]!).length))) {
    await trx
      .insertInto(table)
      .values(part as never[])
      .execute();
  }
  return rows.length;
}
