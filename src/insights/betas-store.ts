// Beta programs, their criteria and reviews: queries. The database handle
// (or a transaction) is the first argument; the caller owns the transaction.

import type { Selectable } from 'kysely';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { BetaCriteriaTable, BetaProgramsTable, BetaReviewsTable } from '../core/db/schema.ts';
import {
  type BetaProgram,
  type BetaReview,
  type BetaStatus,
  type Criterion,
  type CriterionKind,
  type CriterionResult,
  OPEN_BETA_STATUSES,
  type ReviewOutcome,
} from './betas-model.ts';

function criterionRow(row: Selectable<BetaCriteriaTable>): Criterion {
  return {
    kind: row.kind as CriterionKind,
    threshold: row.threshold === null ? null : Number(row.threshold),
    minN: row.min_n === null ? null : Number(row.min_n),
    afterWeeks: row.after_weeks === null ? null : Number(row.after_weeks),
  };
}

function betaRow(row: Selectable<BetaProgramsTable>, criteria: Criterion[]): BetaProgram {
  return {
    id: row.id,
    capabilityId: row.capability_id,
    targetTeams: Number(row.target_teams),
    startsOn: row.starts_on,
    reviewOn: row.review_on,
    status: row.status as BetaStatus,
    category: row.category,
    notes: row.notes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    criteria,
  };
}

function reviewRow(row: Selectable<BetaReviewsTable>): BetaReview {
  return {
    id: row.id,
    betaId: row.beta_id,
    outcome: row.outcome as ReviewOutcome,
    rationale: row.rationale,
    nextReviewOn: row.next_review_on,
    criteriaResult: JSON.parse(row.criteria_result) as CriterionResult[],
    decisionId: row.decision_id,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

async function criteriaOf(db: Db, ids: string[]): Promise<Map<string, Criterion[]>> {
  const out = new Map<string, Criterion[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('beta_criteria')
    .selectAll()
    .where('beta_id', 'in', ids)
    .orderBy('beta_id')
    .orderBy('position')
    .execute();
  for (const r of rows) out.set(r.beta_id, [...(out.get(r.beta_id) ?? []), criterionRow(r)]);
  return out;
}

export interface NewBeta {
  capabilityId: string;
  targetTeams: number;
  startsOn: string;
  reviewOn: string;
  category: string;
  notes: string | null;
  criteria: Criterion[];
  createdBy: string | null;
  /** When it was created; now unless given (the demo's history). */
  at?: string;
}

/** Writes a program and its criteria, in the order given. */
export async function insertBeta(db: Db, input: NewBeta): Promise<BetaProgram> {
  const at = input.at ?? nowIso();
  const row = {
    id: newId(),
    capability_id: input.capabilityId,
    target_teams: input.targetTeams,
    starts_on: input.startsOn,
    review_on: input.reviewOn,
    status: 'running',
    category: input.category,
    notes: input.notes,
    created_by: input.createdBy,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('beta_programs').values(row).execute();
  if (input.criteria.length > 0) {
    await db
      .insertInto('beta_criteria')
      .values(
        input.criteria.map((c, position) => ({
          id: newId(),
          beta_id: row.id,
          position,
          kind: c.kind,
          threshold: c.threshold,
          min_n: c.minN,
          after_weeks: c.afterWeeks,
        })),
      )
      .execute();
  }
  return betaRow(row, input.criteria);
}

export async function getBeta(db: Db, id: string): Promise<BetaProgram | undefined> {
  const row = await db
    .selectFrom('beta_programs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return betaRow(row, (await criteriaOf(db, [row.id])).get(row.id) ?? []);
}

/** Programs, the latest start first, optionally of some statuses or one capability. */
export async function listBetas(
  db: Db,
  filter: { status?: readonly BetaStatus[]; capabilityId?: string } = {},
): Promise<BetaProgram[]> {
  let q = db
    .selectFrom('beta_programs')
    .selectAll()
    .orderBy('starts_on', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id');
  if (filter.status?.length) q = q.where('status', 'in', [...filter.status]);
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  const rows = await q.execute();
  const criteria = await criteriaOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => betaRow(r, criteria.get(r.id) ?? []));
}

/** The capability's program still under way (running or iterating), if any. */
export async function openBetaFor(db: Db, capabilityId: string): Promise<BetaProgram | undefined> {
  const [beta] = await listBetas(db, { capabilityId, status: OPEN_BETA_STATUSES });
  return beta;
}

/**
 * Moves a program to a new status (and review date); false when its status
 * changed meanwhile (a conditional update, so two reviews cannot both land).
 */
export async function moveBeta(
  db: Db,
  id: string,
  change: { from: BetaStatus; to: BetaStatus; reviewOn?: string; at?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('beta_programs')
    .set({
      status: change.to,
      ...(change.reviewOn ? { review_on: change.reviewOn } : {}),
      updated_at: change.at ?? nowIso(),
    })
    .where('id', '=', id)
    .where('status', '=', change.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type NewReview = Omit<BetaReview, 'id'>;

export async function insertReview(db: Db, input: NewReview): Promise<BetaReview> {
  const row = {
    id: newId(),
    beta_id: input.betaId,
    outcome: input.outcome,
    rationale: input.rationale,
    next_review_on: input.nextReviewOn,
    criteria_result: JSON.stringify(input.criteriaResult),
    decision_id: input.decisionId,
    decided_by: input.decidedBy,
    decided_at: input.decidedAt,
  };
  await db.insertInto('beta_reviews').values(row).execute();
  return reviewRow(row);
}

/** Reviews of some programs, oldest first; optionally only those decided in [from, to). */
export async function listReviews(
  db: Db,
  filter: { betaIds?: string[]; from?: string; to?: string },
): Promise<BetaReview[]> {
  if (filter.betaIds && filter.betaIds.length === 0) return [];
  let q = db.selectFrom('beta_reviews').selectAll().orderBy('decided_at').orderBy('id');
  if (filter.betaIds) q = q.where('beta_id', 'in', filter.betaIds);
  if (filter.from) q = q.where('decided_at', '>=', filter.from);
  if (filter.to) q = q.where('decided_at', '<', filter.to);
  return (await q.execute()).map(reviewRow);
}

/** One segment team's CSAT answers for a capability in one survey: how many gave each score. */
export interface CsatCount {
  teamId: string | null;
  csat: number;
  n: number;
}

/**
 * A capability's CSAT answers in a closed survey, counted per (coarse)
 * segment team and score. The surveys store reads every rating of a survey
 * at once; the beta comparison needs one capability's, in a large
 * organisation a hundredth of them, so it counts them in SQL.
 */
export async function csatCounts(
  db: Db,
  surveyId: string,
  capabilityId: string,
): Promise<CsatCount[]> {
  const rows = await db
    .selectFrom('survey_ratings')
    .select((eb) => ['team_id', 'csat', eb.fn.countAll<number>().as('n')])
    .where('survey_id', '=', surveyId)
    .where('capability_id', '=', capabilityId)
    .where('csat', 'is not', null)
    .groupBy(['team_id', 'csat'])
    .execute();
  return rows.map((r) => ({ teamId: r.team_id, csat: Number(r.csat), n: Number(r.n) }));
}
