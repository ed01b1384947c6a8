// Beta programs' operations: policy, rules, the change, its decision and its
// audit row, in one transaction. Joining and leaving are adoption changes, so
// they go through the capabilities service, which owns the ledger's rules.

import type { AdoptionEvent, Capability, Decision } from '../capabilities/model.ts';
import { type Ctx, capabilityOrThrow, changeAdoption } from '../capabilities/service.ts';
import {
  getCapabilityById,
  getCategory,
  ledgerState,
  recordDecision,
  updateCapability,
} from '../capabilities/store.ts';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, type FieldError, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import { getTeamById } from '../org/store.ts';
import { betaReader, evaluateBeta, teamsOf } from './betas-figures.ts';
import {
  BETA_DEFAULTS,
  type BetaProgram,
  type BetaReview,
  CRITERION_KINDS,
  type CriterionInput,
  type CriterionResult,
  dayStart,
  normalizeCriteria,
  OPEN_BETA_STATUSES,
  type ReviewOutcome,
  reviewProblem,
  usesIt,
} from './betas-model.ts';
import { getBeta, insertBeta, insertReview, moveBeta, openBetaFor } from './betas-store.ts';

export type { Ctx } from '../capabilities/service.ts';

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });
const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/** A `YYYY-MM-DD` that is a real day. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return new Date(dayStart(value)).toISOString().slice(0, 10) === value;
}

export async function betaOrThrow(db: Db, id: string): Promise<BetaProgram> {
  const beta = await getBeta(db, id);
  if (!beta) throw new NotFound('There is no such beta program.');
  return beta;
}

export interface StartBetaInput {
  /** The capability's slug. */
  capability: string;
  startsOn: string;
  reviewOn: string;
  targetTeams?: number;
  /** A decision category key; its decider graduates or iterates. Developer experience unless given. */
  category?: string;
  notes?: string | null;
  /** The success criteria; every kind with its defaults when left out. */
  criteria?: CriterionInput[];
}

/**
 * Starts a beta program for a capability in stage `beta`: at most one running
 * or iterating program per capability; criteria get their defaults.
 */
export async function startBeta(db: Db, ctx: Ctx, input: StartBetaInput): Promise<BetaProgram> {
  authorize(ctx.actor, 'beta.manage');
  const errors: FieldError[] = [];
  if (!isDay(input.startsOn)) {
    errors.push({ path: 'startsOn', message: 'Give the start as a date like 2027-01-31.' });
  }
  if (!isDay(input.reviewOn)) {
    errors.push({ path: 'reviewOn', message: 'Give the review date as a date like 2027-03-31.' });
  } else if (isDay(input.startsOn) && input.reviewOn <= input.startsOn) {
    errors.push({ path: 'reviewOn', message: 'The review must come after the start.' });
  }
  const targetTeams = input.targetTeams ?? BETA_DEFAULTS.targetTeams;
  if (!Number.isInteger(targetTeams) || targetTeams < 1 || targetTeams > 100) {
    errors.push({
      path: 'targetTeams',
      message: 'Give the number of teams the beta looks for, from 1 to 100.',
    });
  }
  const asked = input.criteria ?? CRITERION_KINDS.map((kind) => ({ kind }));
  if (asked.length === 0) {
    errors.push({ path: 'criteria', message: 'Choose at least one success criterion.' });
  }
  const { criteria, errors: criteriaErrors } = normalizeCriteria(asked);
  errors.push(...criteriaErrors);
  const notes = input.notes?.trim() || null;
  if (notes && notes.length > 5000) {
    errors.push({ path: 'notes', message: 'Keep the notes under 5000 characters.' });
  }
  return db.transaction().execute(async (trx) => {
    const capability = await getCapabilityByRef(trx, input.capability);
    if (!capability) {
      errors.unshift({
        path: 'capability',
        message: `There is no capability "${input.capability}".`,
      });
    } else if (capability.stage !== 'beta') {
      errors.unshift({
        path: 'capability',
        message: `${capability.name} is in stage ${capability.stage}; a beta program is only for a capability in beta.`,
      });
    }
    const categoryKey = input.category ?? BETA_DEFAULTS.category;
    const category = await getCategory(trx, categoryKey);
    if (!category) {
      errors.push({ path: 'category', message: `There is no decision category "${categoryKey}".` });
    }
    if (errors.length > 0) throw new InvalidInput(errors[0]!.message, errors);
    // Touching the capability's row holds it until commit (a row lock on
    // PostgreSQL, the write lock on SQLite): two starts for one capability
    // run one after the other, so the second sees the first.
    await trx
      .updateTable('capabilities')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', capability!.id)
      .execute();
    const open = await openBetaFor(trx, capability!.id);
    if (open) {
      throw new Conflict(
        `${capability!.name} already has a beta program under way (${open.status}, review on ${open.reviewOn}); review it before starting another.`,
      );
    }
    const beta = await insertBeta(trx, {
      capabilityId: capability!.id,
      targetTeams,
      startsOn: input.startsOn,
      reviewOn: input.reviewOn,
      category: category!.key,
      notes,
      criteria,
      createdBy: ctx.actor.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'beta.start',
      target: { type: 'beta', id: beta.id },
      ip: ctx.ip,
      details: { capability: capability!.slug, criteria: criteria.map((c) => c.kind).join(',') },
    });
    return beta;
  });
}

async function getCapabilityByRef(db: Db, slug: string): Promise<Capability | undefined> {
  try {
    return await capabilityOrThrow(db, slug);
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

async function openBetaOrThrow(
  db: Db,
  id: string,
): Promise<{ beta: BetaProgram; capability: Capability }> {
  const beta = await betaOrThrow(db, id);
  const capability = (await getCapabilityById(db, beta.capabilityId))!;
  if (!OPEN_BETA_STATUSES.includes(beta.status)) {
    throw new Conflict(
      `This beta has graduated: ${capability.name} is generally available, so teams take it up or leave it from its own page.`,
    );
  }
  return { beta, capability };
}

async function teamName(db: Db, teamId: string): Promise<string> {
  return (await getTeamById(db, teamId))?.name ?? 'The team';
}

/**
 * A team volunteers for the beta: a `trial` adoption event on the capability,
 * recorded by the capabilities service (its rules, policy and audit).
 */
export async function joinBeta(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { teamId: string; now?: Date },
): Promise<AdoptionEvent> {
  authorize(ctx.actor, 'adoption.change', { teamId: input.teamId });
  const { beta, capability } = await openBetaOrThrow(db, id);
  const today = todayOf(input.now ?? new Date());
  if (today < beta.startsOn) {
    throw new Conflict(`This beta starts on ${beta.startsOn}; your team can join from then.`);
  }
  const current = await ledgerState(db, input.teamId, capability.id);
  const name = await teamName(db, input.teamId);
  if (current.state === 'trial' && current.since && current.since >= dayStart(beta.startsOn)) {
    throw new Conflict(`${name} is already in this beta; nothing changed.`);
  }
  if (current.state === 'trial' || current.state === 'adopted') {
    throw new Conflict(
      `${name} already ${current.state === 'adopted' ? 'uses' : 'has been trying'} ${capability.name} since before this beta started, so it cannot join it as a volunteer.`,
    );
  }
  return changeAdoption(db, ctx, capability.slug, { teamId: input.teamId, to: 'trial' });
}

/** A beta team leaves in one action: a `left` event with the reason and what it uses instead. */
export async function leaveBeta(
  db: Db,
  ctx: Ctx,
  id: string,
  input: {
    teamId: string;
    reason: string;
    reasonText?: string | null;
    alternative: string;
    now?: Date;
  },
): Promise<AdoptionEvent> {
  authorize(ctx.actor, 'adoption.change', { teamId: input.teamId });
  const { beta, capability } = await openBetaOrThrow(db, id);
  const { teams } = await teamsOf(db, beta, input.now ?? new Date());
  const team = teams.find((t) => t.teamId === input.teamId);
  if (!team || !usesIt(team.state)) {
    throw new Conflict(`${await teamName(db, input.teamId)} is not in this beta; nothing changed.`);
  }
  if (!input.reason)
    throw InvalidInput.field('reason', 'Say why the team is leaving: choose a reason.');
  return changeAdoption(db, ctx, capability.slug, {
    teamId: input.teamId,
    to: 'left',
    reason: input.reason,
    reasonText: input.reasonText ?? null,
    alternative: input.alternative,
  });
}

/** The role that graduates or iterates a program: its category's decider. */
export async function deciderRoleOf(db: Db, beta: BetaProgram): Promise<string | null> {
  return (await getCategory(db, beta.category))?.deciderRole ?? null;
}

/** Whether the actor may review this program (for pages that offer the form). */
export async function canReview(db: Db, actor: Actor | null, beta: BetaProgram): Promise<boolean> {
  return can(actor, 'beta.decide', { deciderRole: await deciderRoleOf(db, beta) });
}

export interface ReviewWrite {
  beta: BetaProgram;
  capability: Capability;
  outcome: ReviewOutcome;
  rationale: string;
  nextReviewOn: string | null;
  criteriaResult: CriterionResult[];
  decider: { id: string | null; name: string | null };
  at: string;
}

/**
 * Writes a review into a transaction the caller owns: the program's status
 * (and review date), the capability's stage when it graduates, the decision
 * log row and the review with the criteria as evaluated. The demo writes its
 * history through this too.
 */
export async function writeReview(
  trx: Db,
  w: ReviewWrite,
): Promise<{ review: BetaReview; decision: Decision }> {
  const graduate = w.outcome === 'graduate';
  const moved = await moveBeta(trx, w.beta.id, {
    from: w.beta.status,
    to: graduate ? 'graduated' : 'iterating',
    reviewOn: graduate ? undefined : (w.nextReviewOn ?? undefined),
    at: w.at,
  });
  if (!moved) throw new Conflict('Someone reviewed this beta while you were reading it.');
  if (graduate && w.capability.stage !== 'ga') {
    await updateCapability(trx, w.capability.id, { stage: 'ga' });
  }
  const decision = await recordDecision(trx, {
    kind: graduate ? 'beta.graduated' : 'beta.iterated',
    category: w.beta.category,
    deciderId: w.decider.id,
    deciderName: w.decider.name,
    rationale: w.rationale,
    capabilityId: w.capability.id,
    subjectType: 'beta',
    subjectId: w.beta.id,
    summary: graduate
      ? `${w.capability.name} graduates from beta: stage beta → ga`
      : `${w.capability.name} stays in beta to iterate; next review on ${w.nextReviewOn}`,
    at: w.at,
  });
  const review = await insertReview(trx, {
    betaId: w.beta.id,
    outcome: w.outcome,
    rationale: w.rationale,
    nextReviewOn: graduate ? null : w.nextReviewOn,
    criteriaResult: w.criteriaResult,
    decisionId: decision.id,
    decidedBy: w.decider.id,
    decidedAt: w.at,
  });
  return { review, decision };
}

/**
 * Reviews a program (its category's decider): graduate (the capability goes
 * to `ga`) or iterate (a new review date), with the rationale and the
 * criteria as evaluated now, into the decision log, all in one transaction.
 */
export async function reviewBeta(
  db: Db,
  ctx: Ctx,
  id: string,
  input: { outcome: ReviewOutcome; rationale: string; nextReviewOn?: string | null; now?: Date },
): Promise<{ beta: BetaProgram; review: BetaReview; decision: Decision }> {
  const now = input.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const beta = await betaOrThrow(trx, id);
    authorize(ctx.actor, 'beta.decide', { deciderRole: await deciderRoleOf(trx, beta) });
    const capability = (await getCapabilityById(trx, beta.capabilityId))!;
    if (!OPEN_BETA_STATUSES.includes(beta.status)) {
      throw new Conflict('This beta has already graduated; there is nothing left to review.');
    }
    if (input.nextReviewOn && !isDay(input.nextReviewOn)) {
      throw InvalidInput.field('nextReviewOn', 'Give the next review as a date like 2027-03-31.');
    }
    const problem = reviewProblem({ ...input, today: todayOf(now) });
    if (problem) throw InvalidInput.field(problem.path, problem.message);
    if (input.outcome === 'graduate' && capability.stage !== 'beta') {
      throw new Conflict(
        `${capability.name} is in stage ${capability.stage}, not beta, so it cannot graduate from it.`,
      );
    }
    const { evaluation } = await evaluateBeta(betaReader(trx, now), beta);
    const written = await writeReview(trx, {
      beta,
      capability,
      outcome: input.outcome,
      rationale: input.rationale.trim(),
      nextReviewOn: input.outcome === 'iterate' ? (input.nextReviewOn ?? null) : null,
      criteriaResult: evaluation,
      decider: { id: ctx.actor.userId, name: ctx.actor.name },
      at: now.toISOString(),
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'beta.review',
      target: { type: 'beta', id: beta.id },
      ip: ctx.ip,
      details: { outcome: input.outcome, capability: capability.slug },
    });
    return { beta: (await getBeta(trx, id))!, ...written };
  });
}
