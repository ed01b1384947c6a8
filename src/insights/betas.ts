// Beta programs as every interface reads them: the list, one program in full
// (criteria with their evaluation, teams, the comparison, feedback, moves,
// reviews), and the summary the quarterly report shows. The operations live
// in betas-service.ts and are re-exported here.

import type { AdoptionState, Stage } from '../capabilities/model.ts';
import { getCategory, listDecisions } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import type { Period } from '../core/period.ts';
import type { FeedbackItem } from '../feedback/model.ts';
import { listTeams } from '../org/store.ts';
import {
  type BetaEvaluation,
  type BetaReader,
  betaFeedback,
  betaPulses,
  betaReader,
  type CsatComparison,
  comparisonSurvey,
  csatComparison,
  evaluateBeta,
  type PulseMonth,
  type SurveyRef,
} from './betas-figures.ts';
import {
  type BetaProgram,
  type BetaStatus,
  type CriterionResult,
  dayStart,
  type LedgerMove,
  type ReviewOutcome,
  usesIt,
  verdictSummary,
} from './betas-model.ts';
import { betaOrThrow } from './betas-service.ts';
import { listBetas, listReviews } from './betas-store.ts';

export * from './betas-service.ts';

/** A team as beta pages name it. */
export interface TeamRef {
  id: string;
  slug: string;
  name: string;
}

/** A review as lists and the report show it. */
export interface ReviewSummary {
  id: string;
  outcome: ReviewOutcome;
  rationale: string;
  nextReviewOn: string | null;
  decidedAt: string;
  /** Who decided, as the decision log names them. */
  decider: string | null;
  criteria: CriterionResult[];
}

/** One beta program in short: for the list, the CLI and the quarterly report. */
export interface BetaSummary {
  id: string;
  capability: { id: string; slug: string; name: string; stage: Stage };
  status: BetaStatus;
  startsOn: string;
  reviewOn: string;
  /** The decision category whose decider reviews it. */
  category: string;
  targetTeams: number;
  /** Teams that joined (a `trial` on the capability in the beta's window). */
  teams: number;
  /** …of which still trying or using it. */
  activeTeams: number;
  /** When the criteria were measured: at graduation once graduated, otherwise now. */
  measuredAt: string;
  /** Each criterion met, not met or not yet measurable; at graduation, as the decision recorded it. */
  criteria: CriterionResult[];
  /** `2 of 3 met, 1 not yet measurable`. */
  criteriaSummary: string;
  /** Its reviews, oldest first (the report: those decided in the period). */
  reviews: ReviewSummary[];
}

async function reviewSummaries(db: Db, e: BetaEvaluation): Promise<ReviewSummary[]> {
  if (e.reviews.length === 0) return [];
  const decisions = await listDecisions(db, { capabilityId: e.beta.capabilityId, limit: 10_000 });
  const names = new Map(decisions.items.map((d) => [d.id, d.deciderName]));
  return e.reviews.map((r) => ({
    id: r.id,
    outcome: r.outcome,
    rationale: r.rationale,
    nextReviewOn: r.nextReviewOn,
    decidedAt: r.decidedAt,
    decider: r.decisionId ? (names.get(r.decisionId) ?? null) : null,
    criteria: r.criteriaResult,
  }));
}

async function summarize(reader: BetaReader, beta: BetaProgram): Promise<BetaSummary> {
  return summaryOf(reader, await evaluateBeta(reader, beta));
}

async function summaryOf(reader: BetaReader, e: BetaEvaluation): Promise<BetaSummary> {
  const { beta } = e;
  const graduation = e.reviews.find((r) => r.outcome === 'graduate');
  const criteria = graduation ? graduation.criteriaResult : e.evaluation;
  return {
    id: beta.id,
    capability: {
      id: e.capability.id,
      slug: e.capability.slug,
      name: e.capability.name,
      stage: e.capability.stage,
    },
    status: beta.status,
    startsOn: beta.startsOn,
    reviewOn: beta.reviewOn,
    category: beta.category,
    targetTeams: beta.targetTeams,
    teams: e.teams.length,
    activeTeams: e.teams.filter((t) => usesIt(t.state)).length,
    measuredAt: e.asOf,
    criteria,
    criteriaSummary: verdictSummary(criteria),
    reviews: await reviewSummaries(reader.db, e),
  };
}

/** Every beta program in short, the latest start first, optionally of some statuses. */
export async function listBetaSummaries(
  db: Db,
  opts: { status?: BetaStatus[]; now?: Date } = {},
): Promise<BetaSummary[]> {
  const reader = betaReader(db, opts.now);
  const out: BetaSummary[] = [];
  for (const beta of await listBetas(db, { status: opts.status })) {
    out.push(await summarize(reader, beta));
  }
  return out;
}

/**
 * The betas for the quarterly report: those running at some time in the
 * period or reviewed during it, with capability, status, teams against the
 * target, the criteria (measured now, or at graduation as decided), and the
 * reviews decided in the period with their outcome and rationale.
 * @example await betasForReport(db, { period: parsePeriod('2026-Q4') })
 */
export async function betasForReport(
  db: Db,
  input: { period: Period; now?: Date },
): Promise<BetaSummary[]> {
  const reader = betaReader(db, input.now);
  const inPeriod = await listReviews(db, { from: input.period.start, to: input.period.end });
  const reviewed = new Set(inPeriod.map((r) => r.betaId));
  const graduations = new Map(
    (await listReviews(db, {}))
      .filter((r) => r.outcome === 'graduate')
      .map((r) => [r.betaId, r.decidedAt]),
  );
  const out: BetaSummary[] = [];
  for (const beta of (await listBetas(db)).reverse()) {
    const started = dayStart(beta.startsOn) < input.period.end;
    const graduated = graduations.get(beta.id);
    const running = started && (!graduated || graduated >= input.period.start);
    if (!running && !reviewed.has(beta.id)) continue;
    const summary = await summarize(reader, beta);
    out.push({
      ...summary,
      reviews: summary.reviews.filter(
        (r) => r.decidedAt >= input.period.start && r.decidedAt < input.period.end,
      ),
    });
  }
  return out;
}

/** A move of a beta team, with the team named. */
export interface BetaMove extends LedgerMove {
  team: TeamRef;
}

/** One program in full, for its page, the API and `paved beta show`. */
export interface BetaDetail extends BetaSummary {
  notes: string | null;
  createdAt: string;
  decider: { category: string; label: string; role: string | null };
  /** The teams that joined, with when and their state now (or at graduation). */
  teamList: Array<{ team: TeamRef; joinedAt: string; state: AdoptionState; since: string }>;
  /** The closed surveys a comparison can be made in, latest first. */
  surveys: SurveyRef[];
  /** Beta teams against everyone else in one closed survey; null when none has closed. */
  comparison: CsatComparison | null;
  /** Pulses for the capability as a whole, per completed month since the start. */
  pulses: PulseMonth[];
  /** Feedback on the capability from the beta teams since the start. */
  feedback: FeedbackItem[];
  /** Joins, leaves and adoptions of the beta teams, newest first. */
  moves: BetaMove[];
}

/** One program in full; `surveyId` picks the closed survey to compare in (the latest otherwise). */
export async function betaDetail(
  db: Db,
  id: string,
  opts: { surveyId?: string; now?: Date } = {},
): Promise<BetaDetail> {
  const reader = betaReader(db, opts.now);
  const beta = await betaOrThrow(db, id);
  const e = await evaluateBeta(reader, beta);
  const summary = await summaryOf(reader, e);
  const teams = new Map(
    (await listTeams(db, { includeInactive: true })).map((t) => [
      t.id,
      { id: t.id, slug: t.slug, name: t.name },
    ]),
  );
  const teamOf = (teamId: string): TeamRef =>
    teams.get(teamId) ?? { id: teamId, slug: teamId, name: 'A team no longer listed' };
  const survey = await comparisonSurvey(reader, opts.surveyId);
  if (opts.surveyId && !survey) {
    throw InvalidInput.field('survey', 'There is no closed survey with this id to compare in.');
  }
  const betaTeamIds = new Set(e.teams.map((t) => t.teamId));
  const category = await getCategory(db, beta.category);
  return {
    ...summary,
    notes: beta.notes,
    createdAt: beta.createdAt,
    decider: {
      category: beta.category,
      label: category?.label ?? beta.category,
      role: category?.deciderRole ?? null,
    },
    teamList: e.teams.map((t) => ({
      team: teamOf(t.teamId),
      joinedAt: t.joinedAt,
      state: t.state,
      since: t.since,
    })),
    surveys: (await reader.closedSurveys()).map((s) => ({
      id: s.id,
      title: s.title,
      period: s.period,
      closedAt: s.closedAt,
    })),
    comparison: survey
      ? await csatComparison(reader, survey, beta.capabilityId, betaTeamIds)
      : null,
    pulses: await betaPulses(reader, e.capability, beta.startsOn, e.asOf),
    feedback: await betaFeedback(db, beta.capabilityId, [...betaTeamIds], beta.startsOn),
    moves: e.teams
      .flatMap((t) => t.moves.map((m) => ({ ...m, team: teamOf(m.teamId) })))
      .sort((a, b) => b.at.localeCompare(a.at)),
  };
}
