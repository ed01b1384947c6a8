// What a beta program measures, read from the areas that own the data: the
// volunteer teams from the adoption ledger, CSAT from closed surveys through
// the anonymity rules, pulses for the capability as a whole, and the feedback
// and acknowledgement SLA. One reader per request caches what several
// programs share (the closed surveys and their CSAT counts).

import type { Capability } from '../capabilities/model.ts';
import { allEvents, getCapabilityById } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { addMonths, monthOf } from '../core/period.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import type { FeedbackItem } from '../feedback/model.ts';
import { ackSlaDays } from '../feedback/settings.ts';
import { listItems, listStatusChanges } from '../feedback/store.ts';
import { listTeams } from '../org/store.ts';
import type { Survey } from '../surveys/model.ts';
import type { Figure, TopBox } from '../surveys/results.ts';
import { pulseResults } from '../surveys/results-pulses.ts';
import { listSurveys } from '../surveys/store.ts';
import { type CsatCuts, compareCsat, type RatingUnit } from './betas-compare.ts';
import {
  type BetaProgram,
  type BetaReview,
  type BetaTeamLedger,
  betaTeams,
  type CriterionResult,
  type CsatMeasure,
  dayStart,
  evaluateCriteria,
  type LedgerMove,
  openProblemsAt,
  type ProblemItem,
} from './betas-model.ts';
import { type CsatCount, csatCounts, listReviews } from './betas-store.ts';

/** Reads shared by every program in one request. */
export interface BetaReader {
  db: Db;
  now: Date;
  closedSurveys(): Promise<Survey[]>;
  /** A capability's CSAT answers in a survey, per segment team and score. */
  csat(surveyId: string, capabilityId: string): Promise<CsatCount[]>;
  parentOf(): Promise<Map<string, string | null>>;
  slaDays(): Promise<number>;
}

/** A reader over `db` as of `now`, caching what programs share. */
export function betaReader(db: Db, now: Date = new Date()): BetaReader {
  const once = <T>(load: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => {
      value ??= load();
      return value;
    };
  };
  const csat = new Map<string, Promise<CsatCount[]>>();
  return {
    db,
    now,
    closedSurveys: once(async () => {
      const page = await listSurveys(db, { states: ['closed'], limit: 500 });
      return page.items
        .filter((s) => s.closedAt !== null && s.closedAt <= now.toISOString())
        .sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''));
    }),
    csat: (surveyId, capabilityId) => {
      const key = `${surveyId} ${capabilityId}`;
      if (!csat.has(key)) csat.set(key, csatCounts(db, surveyId, capabilityId));
      return csat.get(key)!;
    },
    parentOf: once(async () => {
      const teams = await listTeams(db, { includeInactive: true });
      return new Map(teams.map((t) => [t.id, t.parentId]));
    }),
    slaDays: once(() => getSetting(db, ackSlaDays)),
  };
}

/** When a program's window closes: its graduation, if it graduated. */
function graduatedAt(reviews: readonly BetaReview[]): string | null {
  return reviews.find((r) => r.outcome === 'graduate')?.decidedAt ?? null;
}

/** The moment a program is measured at: its graduation, or now. */
export function measuredAt(reviews: readonly BetaReview[], now: Date): string {
  const graduated = graduatedAt(reviews);
  const at = now.toISOString();
  return graduated && graduated < at ? graduated : at;
}

/** The capability's ledger, as the beta reads it. */
async function ledgerMoves(db: Db, capabilityId: string): Promise<LedgerMove[]> {
  return (await allEvents(db, capabilityId)).map((e) => ({
    teamId: e.teamId,
    from: e.from,
    to: e.to,
    at: e.at,
    reason: e.reason,
    reasonText: e.reasonText,
    alternative: e.alternative,
  }));
}

export interface SurveyRef {
  id: string;
  title: string;
  period: string;
  closedAt: string | null;
}

const surveyRef = (s: Survey): SurveyRef => ({
  id: s.id,
  title: s.title,
  period: s.period,
  closedAt: s.closedAt,
});

/** The beta teams' CSAT against everyone else's in one closed survey. */
export interface CsatComparison extends CsatCuts {
  survey: SurveyRef;
}

/**
 * The two cuts of a capability's CSAT in one closed survey (see
 * betas-compare.ts). A segment team with at least k answers of its own may
 * be published by the survey's results; one with fewer never is, so those
 * are the answers a cut must not let anyone isolate by subtraction.
 */
export async function csatComparison(
  reader: BetaReader,
  survey: Survey,
  capabilityId: string,
  betaTeamIds: ReadonlySet<string>,
): Promise<CsatComparison> {
  const [counts, parentOf] = await Promise.all([
    reader.csat(survey.id, capabilityId),
    reader.parentOf(),
  ]);
  const k = survey.k ?? 5;
  const units = new Map<string | null, RatingUnit>();
  for (const c of counts) {
    const unit = units.get(c.teamId) ?? { teamId: c.teamId, values: [] };
    for (let i = 0; i < c.n; i++) unit.values.push(c.csat);
    units.set(c.teamId, unit);
  }
  const cuts = compareCsat({
    units: [...units.values()],
    betaTeamIds,
    parentOf,
    exposed: (teamId) => (units.get(teamId)?.values.length ?? 0) >= k,
    k,
  });
  return { survey: surveyRef(survey), ...cuts };
}

/** The CSAT criterion's measure: the latest survey closed since the beta started. */
async function csatMeasure(
  reader: BetaReader,
  beta: BetaProgram,
  asOf: string,
  teams: readonly BetaTeamLedger[],
): Promise<CsatMeasure> {
  const surveys = await reader.closedSurveys();
  const survey = surveys.find(
    (s) => s.closedAt !== null && s.closedAt >= dayStart(beta.startsOn) && s.closedAt <= asOf,
  );
  if (!survey) return { status: 'no-survey' };
  const cuts = await csatComparison(
    reader,
    survey,
    beta.capabilityId,
    new Set(teams.map((t) => t.teamId)),
  );
  const ref = { id: survey.id, title: survey.title, period: survey.period };
  if (cuts.beta.status !== 'shown') return { status: cuts.beta.status, survey: ref };
  return {
    status: 'shown',
    survey: ref,
    value: cuts.beta.value,
    n: cuts.beta.n,
    interval: cuts.beta.interval,
  };
}

/** `problem` items on the capability open at `asOf` and older than the SLA then. */
async function openProblems(
  reader: BetaReader,
  capabilityId: string,
  asOf: string,
  slaDays: number,
): Promise<ProblemItem[]> {
  const cutoff = new Date(Date.parse(asOf) - slaDays * 86_400_000).toISOString();
  const page = await listItems(reader.db, {
    capabilityId,
    kind: ['problem'],
    createdBefore: cutoff,
    sort: 'oldest-unacknowledged',
    limit: 100_000,
  });
  const items: ProblemItem[] = [];
  for (const item of page.items) {
    // Unchanged since `asOf`: its status then is its status now. Otherwise replay its history.
    const changes =
      item.statusChangedAt <= asOf
        ? [{ to: item.status, at: item.statusChangedAt }]
        : (await listStatusChanges(reader.db, item.id)).map((c) => ({ to: c.to, at: c.at }));
    items.push({ id: item.id, title: item.title, createdAt: item.createdAt, changes });
  }
  return openProblemsAt(items, slaDays, asOf).sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
}

/** A program measured at one moment: its teams and each criterion's verdict. */
export interface BetaEvaluation {
  beta: BetaProgram;
  capability: Capability;
  asOf: string;
  reviews: BetaReview[];
  teams: BetaTeamLedger[];
  evaluation: CriterionResult[];
}

/** A program's teams from the ledger, at its graduation once graduated, otherwise now. */
export async function teamsOf(
  db: Db,
  beta: BetaProgram,
  now: Date,
): Promise<{ asOf: string; reviews: BetaReview[]; teams: BetaTeamLedger[] }> {
  const [reviews, moves] = await Promise.all([
    listReviews(db, { betaIds: [beta.id] }),
    ledgerMoves(db, beta.capabilityId),
  ]);
  const asOf = measuredAt(reviews, now);
  const until = graduatedAt(reviews);
  return { asOf, reviews, teams: betaTeams(moves, { startsOn: beta.startsOn, until }, asOf) };
}

/** Measures a program: at its graduation once graduated, otherwise now. */
export async function evaluateBeta(reader: BetaReader, beta: BetaProgram): Promise<BetaEvaluation> {
  const { db } = reader;
  const [capability, { asOf, reviews, teams }, slaDays] = await Promise.all([
    getCapabilityById(db, beta.capabilityId),
    teamsOf(db, beta, reader.now),
    reader.slaDays(),
  ]);
  const needs = new Set(beta.criteria.map((c) => c.kind));
  const [csat, problems] = await Promise.all([
    needs.has('csat') ? csatMeasure(reader, beta, asOf, teams) : { status: 'no-survey' as const },
    needs.has('open-problems') ? openProblems(reader, beta.capabilityId, asOf, slaDays) : [],
  ]);
  const evaluation = evaluateCriteria(beta.criteria, {
    asOf,
    csat,
    teams,
    openProblems: problems,
    slaDays,
  });
  return { beta, capability: capability!, asOf, reviews, teams, evaluation };
}

/** One completed month of pulses for the capability as a whole. */
export interface PulseMonth {
  month: string;
  rating: Figure<TopBox>;
}

/** The capability's pulses per completed month since the beta started (the latest six). */
export async function betaPulses(
  reader: BetaReader,
  capability: Capability,
  startsOn: string,
  asOf: string,
): Promise<PulseMonth[]> {
  const [k, kComment] = await Promise.all([
    getSetting(reader.db, anonymityK),
    getSetting(reader.db, anonymityKComment),
  ]);
  const last = monthOf(asOf) < monthOf(reader.now.toISOString()) ? monthOf(asOf) : null;
  const months: string[] = [];
  const end = last ? addMonths(last, 1) : monthOf(reader.now.toISOString());
  for (let m = monthOf(dayStart(startsOn)); m < end; m = addMonths(m, 1)) months.push(m);
  const out: PulseMonth[] = [];
  for (const month of months.slice(-6)) {
    // Each month is decided on its own by pulseResults, so months never subtract.
    const result = await pulseResults(reader.db, {
      capability: capability.slug,
      period: month,
      k,
      kComment,
      now: reader.now,
    });
    const cut = result.cuts.find((c) => c.month === month && c.touchpoint === null);
    if (cut) out.push({ month, rating: cut.rating });
  }
  return out;
}

/**
 * Feedback on the capability from the beta teams since the beta started,
 * newest first (merged duplicates left out).
 */
export async function betaFeedback(
  db: Db,
  capabilityId: string,
  teamIds: readonly string[],
  startsOn: string,
): Promise<FeedbackItem[]> {
  const items: FeedbackItem[] = [];
  for (const teamId of teamIds) {
    const page = await listItems(db, { capabilityId, teamId, limit: 10_000, sort: 'newest' });
    items.push(
      ...page.items.filter((i) => i.status !== 'duplicate' && i.createdAt >= dayStart(startsOn)),
    );
  }
  return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** The closed survey to compare in: the one asked for, or the latest. */
export async function comparisonSurvey(
  reader: BetaReader,
  surveyId?: string,
): Promise<Survey | undefined> {
  const surveys = await reader.closedSurveys();
  return surveyId ? surveys.find((s) => s.id === surveyId) : surveys[0];
}
