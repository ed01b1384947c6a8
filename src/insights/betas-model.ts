// Beta programs: a capability in stage `beta` tried by a few volunteer teams,
// success criteria chosen from figures, and the graduate-or-iterate review.
// Pure types and rules; no database here. The volunteer teams come from the
// adoption ledger (a `trial` event on or after the start), never a list.

import type { AdoptionState } from '../capabilities/model.ts';
import type { FieldError } from '../core/errors.ts';

export const BETA_STATUSES = ['running', 'iterating', 'graduated'] as const;
export type BetaStatus = (typeof BETA_STATUSES)[number];

/** Statuses of a beta still under way: at most one per capability. */
export const OPEN_BETA_STATUSES: readonly BetaStatus[] = ['running', 'iterating'];

export const CRITERION_KINDS = ['csat', 'stay-rate', 'open-problems'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

export const REVIEW_OUTCOMES = ['graduate', 'iterate'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** What a program looks for unless told otherwise. */
export const BETA_DEFAULTS = {
  targetTeams: 3,
  category: 'developer-experience',
  csat: { threshold: 70, minN: 5 },
  stayRate: { threshold: 2 / 3, afterWeeks: 6 },
} as const;

/** One success criterion, defaults filled in. */
export interface Criterion {
  kind: CriterionKind;
  /** CSAT: percent top-2-box; stay rate: a fraction (2/3); open problems: null. */
  threshold: number | null;
  /** CSAT: the fewest answers that count. */
  minN: number | null;
  /** Stay rate: measured this many weeks after each team joined. */
  afterWeeks: number | null;
}

/** A criterion as asked for: anything left out takes its default. */
export interface CriterionInput {
  kind: CriterionKind;
  threshold?: number | null;
  minN?: number | null;
  afterWeeks?: number | null;
}

export interface BetaProgram {
  id: string;
  capabilityId: string;
  targetTeams: number;
  /** `YYYY-MM-DD`: trials from this day on count as joining the beta. */
  startsOn: string;
  reviewOn: string;
  status: BetaStatus;
  /** The decision category whose decider graduates or iterates it. */
  category: string;
  notes: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  criteria: Criterion[];
}

export interface BetaReview {
  id: string;
  betaId: string;
  outcome: ReviewOutcome;
  rationale: string;
  nextReviewOn: string | null;
  /** The criteria as evaluated at the review, so the record reads the same later. */
  criteriaResult: CriterionResult[];
  decisionId: string | null;
  decidedBy: string | null;
  decidedAt: string;
}

// A threshold typed or stored as a rounded fraction (2/3 as 0.6666667) still
// means 2 of 3: compare with this much slack.
const SLACK = 1e-6;

/**
 * Fills each criterion's defaults and checks its ranges. Errors name the
 * field as `criteria.<i>.<field>`; a kind chosen twice is an error on it.
 */
export function normalizeCriteria(input: readonly CriterionInput[]): {
  criteria: Criterion[];
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const seen = new Set<CriterionKind>();
  const criteria: Criterion[] = [];
  input.forEach((c, i) => {
    const at = (field: string) => `criteria.${i}.${field}`;
    if (seen.has(c.kind)) {
      errors.push({ path: at('kind'), message: 'Choose each criterion once.' });
      return;
    }
    seen.add(c.kind);
    if (c.kind === 'csat') {
      const threshold = c.threshold ?? BETA_DEFAULTS.csat.threshold;
      const minN = c.minN ?? BETA_DEFAULTS.csat.minN;
      if (!(threshold > 0 && threshold <= 100)) {
        errors.push({
          path: at('threshold'),
          message: 'Give the satisfaction threshold as a percentage above 0, up to 100.',
        });
      }
      if (!Number.isInteger(minN) || minN < 1 || minN > 10_000) {
        errors.push({
          path: at('minN'),
          message: 'Give the fewest answers that count as a whole number from 1.',
        });
      }
      criteria.push({ kind: 'csat', threshold, minN, afterWeeks: null });
    } else if (c.kind === 'stay-rate') {
      const threshold = c.threshold ?? BETA_DEFAULTS.stayRate.threshold;
      const afterWeeks = c.afterWeeks ?? BETA_DEFAULTS.stayRate.afterWeeks;
      if (!(threshold > 0 && threshold <= 1)) {
        errors.push({
          path: at('threshold'),
          message:
            'Give the share of teams that stay as a fraction above 0, up to 1 (such as 2/3).',
        });
      }
      if (!Number.isInteger(afterWeeks) || afterWeeks < 1 || afterWeeks > 104) {
        errors.push({
          path: at('afterWeeks'),
          message: 'Give the weeks after joining as a whole number from 1 to 104.',
        });
      }
      criteria.push({ kind: 'stay-rate', threshold, minN: null, afterWeeks });
    } else {
      criteria.push({ kind: 'open-problems', threshold: null, minN: null, afterWeeks: null });
    }
  });
  return { criteria, errors };
}

/** A share as people read it: `2/3` when it is a simple fraction, else a percentage. */
export function shareText(value: number): string {
  for (let d = 2; d <= 10; d++) {
    const n = Math.round(value * d);
    if (n > 0 && n < d && Math.abs(value * d - n) < 1e-4) {
      let [a, b] = [n, d];
      while (b) [a, b] = [b, a % b];
      return `${n / a}/${d / a}`;
    }
  }
  if (Math.abs(value - 1) < 1e-9) return 'all';
  return `${Math.round(value * 1000) / 10}%`;
}

/** Parses `2/3`, `0.75` or `75%` as a fraction; null when it is none of these. */
export function parseShare(text: string): number | null {
  const t = text.trim();
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (fraction) {
    const d = Number(fraction[2]);
    return d === 0 ? null : Number(fraction[1]) / d;
  }
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (percent) return Number(percent[1]) / 100;
  if (/^\d*\.?\d+$/.test(t)) return Number(t);
  return null;
}

/** The criterion in words, for lists, pages and the CLI. */
export function criterionText(c: Criterion): string {
  switch (c.kind) {
    case 'csat':
      return `Satisfaction (CSAT top-2-box) among beta teams at least ${c.threshold}%, from at least ${c.minN} answers`;
    case 'stay-rate':
      return `At least ${shareText(c.threshold ?? 0)} of teams still using it ${c.afterWeeks} weeks after joining`;
    default:
      return 'No open problem reported on it older than the acknowledgement time';
  }
}

// ---- The volunteer teams, from the ledger ----

/** One adoption event of a capability, as the beta reads it. */
export interface LedgerMove {
  teamId: string;
  from: AdoptionState;
  to: AdoptionState;
  at: string;
  reason: string | null;
  reasonText: string | null;
  alternative: string | null;
}

/** A team in the beta: when it joined, and its moves from then on. */
export interface BetaTeamLedger {
  teamId: string;
  /** Its first `trial` in the beta's window. */
  joinedAt: string;
  /** Its state at the moment asked about, and since when. */
  state: AdoptionState;
  since: string;
  /** Every move from joining up to that moment, oldest first. */
  moves: LedgerMove[];
}

/** The instant a `YYYY-MM-DD` day begins (UTC). */
export const dayStart = (day: string) => `${day}T00:00:00.000Z`;

const DAY_MS = 86_400_000;

/** The day `days` after a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(dayStart(day)) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The beta's teams: those whose ledger shows a `trial` on or after the
 * start (and before `until`, a graduation, when given), with their state as
 * of `asOf`. Moves must be in ledger order per team; later ones are ignored.
 */
export function betaTeams(
  moves: readonly LedgerMove[],
  window: { startsOn: string; until?: string | null },
  asOf: string,
): BetaTeamLedger[] {
  const from = dayStart(window.startsOn);
  const inWindow = (at: string) => at >= from && (!window.until || at < window.until);
  const byTeam = new Map<string, LedgerMove[]>();
  for (const m of moves) {
    if (m.at > asOf) continue;
    byTeam.set(m.teamId, [...(byTeam.get(m.teamId) ?? []), m]);
  }
  const teams: BetaTeamLedger[] = [];
  for (const [teamId, ledger] of byTeam) {
    const join = ledger.findIndex((m) => m.to === 'trial' && inWindow(m.at));
    if (join < 0) continue;
    const own = ledger.slice(join);
    const last = own[own.length - 1]!;
    teams.push({ teamId, joinedAt: own[0]!.at, state: last.to, since: last.at, moves: own });
  }
  return teams.sort(
    (a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.teamId.localeCompare(b.teamId),
  );
}

/** Whether a state means the team uses the capability. */
export const usesIt = (state: AdoptionState) => state === 'trial' || state === 'adopted';

/** A team's state at an instant, from its moves since joining. */
function stateAt(team: BetaTeamLedger, at: string): AdoptionState {
  let state: AdoptionState = 'none';
  for (const m of team.moves) if (m.at <= at) state = m.to;
  return state;
}

export interface StayFigures {
  /** Teams that joined at least `afterWeeks` ago. */
  eligible: number;
  /** …of which still used it `afterWeeks` after joining. */
  stayed: number;
  /** Teams that joined too recently to measure yet. */
  waiting: number;
}

/** Stay after `afterWeeks`: each team's state that long after it joined, among teams that joined at least that long ago. */
export function stayFigures(
  teams: readonly BetaTeamLedger[],
  afterWeeks: number,
  asOf: string,
): StayFigures {
  const out: StayFigures = { eligible: 0, stayed: 0, waiting: 0 };
  for (const team of teams) {
    const due = new Date(Date.parse(team.joinedAt) + afterWeeks * 7 * DAY_MS).toISOString();
    if (due > asOf) {
      out.waiting++;
      continue;
    }
    out.eligible++;
    if (usesIt(stateAt(team, due))) out.stayed++;
  }
  return out;
}

// ---- Open problems ----

/** A `problem` item on the capability with its status history (oldest first). */
export interface ProblemItem {
  id: string;
  title: string;
  createdAt: string;
  changes: { to: string; at: string }[];
}

const OPEN = new Set(['new', 'acknowledged', 'planned', 'in-progress']);

/**
 * Problem items still open at `asOf` and older than the acknowledgement SLA
 * then: created more than `slaDays` before it, their status at `asOf` open.
 */
export function openProblemsAt(
  items: readonly ProblemItem[],
  slaDays: number,
  asOf: string,
): ProblemItem[] {
  const cutoff = new Date(Date.parse(asOf) - slaDays * DAY_MS).toISOString();
  return items.filter((item) => {
    if (item.createdAt >= cutoff) return false;
    let status = 'new';
    for (const c of item.changes) if (c.at <= asOf) status = c.to;
    return OPEN.has(status);
  });
}

// ---- Evaluation ----

export type Verdict = 'met' | 'not-met' | 'not-yet';

/** Beta teams' CSAT for the criterion, from the comparison's cut (the anonymity rules decide). */
export type CsatMeasure =
  | { status: 'no-survey' }
  | {
      status: 'shown' | 'hidden' | 'empty';
      survey: { id: string; title: string; period: string };
      /** Shown only: top-2-box percent, count and n, Wilson interval. */
      value?: number | null;
      n?: number;
      interval?: { low: number; high: number } | null;
    };

export interface BetaMeasurements {
  asOf: string;
  csat: CsatMeasure;
  teams: readonly BetaTeamLedger[];
  /** Problems open at `asOf` and older than the SLA (see `openProblemsAt`). */
  openProblems: readonly Pick<ProblemItem, 'id' | 'title' | 'createdAt'>[];
  slaDays: number;
}

export type CriterionFigures =
  | {
      kind: 'csat';
      status: CsatMeasure['status'];
      survey: { id: string; title: string; period: string } | null;
      value: number | null;
      n: number | null;
      interval: { low: number; high: number } | null;
    }
  | { kind: 'stay-rate'; eligible: number; stayed: number; waiting: number; value: number | null }
  | {
      kind: 'open-problems';
      slaDays: number;
      items: { id: string; title: string; createdAt: string }[];
    };

export interface CriterionResult extends Criterion {
  verdict: Verdict;
  /** The figure against its threshold, or why it cannot be measured yet, in one sentence. */
  explanation: string;
  figures: CriterionFigures;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function evaluateCsat(c: Criterion, m: CsatMeasure): CriterionResult {
  const threshold = c.threshold ?? BETA_DEFAULTS.csat.threshold;
  const minN = c.minN ?? BETA_DEFAULTS.csat.minN;
  const base = { ...c, threshold, minN };
  if (m.status === 'no-survey') {
    return {
      ...base,
      verdict: 'not-yet',
      explanation: 'Not measurable yet: no survey has closed since the beta started.',
      figures: {
        kind: 'csat',
        status: m.status,
        survey: null,
        value: null,
        n: null,
        interval: null,
      },
    };
  }
  const figures = {
    kind: 'csat' as const,
    status: m.status,
    survey: m.survey,
    value: m.status === 'shown' ? (m.value ?? null) : null,
    n: m.status === 'shown' ? (m.n ?? null) : null,
    interval: m.status === 'shown' ? (m.interval ?? null) : null,
  };
  if (m.status === 'empty') {
    return {
      ...base,
      verdict: 'not-yet',
      explanation: `Not measurable yet: nobody in a beta team rated it in ${m.survey.title}.`,
      figures,
    };
  }
  if (m.status === 'hidden' || figures.n === null || figures.value === null) {
    return {
      ...base,
      verdict: 'not-yet',
      explanation: `Not measurable yet: too few answers from beta teams in ${m.survey.title} to show while keeping them anonymous.`,
      figures,
    };
  }
  if (figures.n < minN) {
    return {
      ...base,
      verdict: 'not-yet',
      explanation: `Not measurable yet: ${figures.n} answers from beta teams in ${m.survey.title}, fewer than the ${minN} this needs.`,
      figures,
    };
  }
  const met = figures.value >= threshold - SLACK;
  return {
    ...base,
    verdict: met ? 'met' : 'not-met',
    explanation: `${round1(figures.value)}% of ${figures.n} answers from beta teams were satisfied (${m.survey.title}); the criterion asks for ${threshold}%.`,
    figures,
  };
}

function evaluateStay(c: Criterion, m: BetaMeasurements): CriterionResult {
  const threshold = c.threshold ?? BETA_DEFAULTS.stayRate.threshold;
  const afterWeeks = c.afterWeeks ?? BETA_DEFAULTS.stayRate.afterWeeks;
  const base = { ...c, threshold, afterWeeks };
  const f = stayFigures(m.teams, afterWeeks, m.asOf);
  const value = f.eligible === 0 ? null : f.stayed / f.eligible;
  const figures = { kind: 'stay-rate' as const, ...f, value };
  if (value === null) {
    return {
      ...base,
      verdict: 'not-yet',
      explanation:
        f.waiting === 0
          ? 'Not measurable yet: no team has joined.'
          : `Not measurable yet: no team joined at least ${afterWeeks} weeks ago.`,
      figures,
    };
  }
  const met = value >= threshold - SLACK;
  return {
    ...base,
    verdict: met ? 'met' : 'not-met',
    explanation: `${f.stayed} of ${f.eligible} ${f.eligible === 1 ? 'team' : 'teams'} still used it ${afterWeeks} weeks after joining; the criterion asks for ${shareText(threshold)}.`,
    figures,
  };
}

function evaluateProblems(c: Criterion, m: BetaMeasurements): CriterionResult {
  const items = m.openProblems.map((p) => ({ id: p.id, title: p.title, createdAt: p.createdAt }));
  const n = items.length;
  return {
    ...c,
    verdict: n === 0 ? 'met' : 'not-met',
    explanation:
      n === 0
        ? `No open problem on it is older than ${m.slaDays} days.`
        : `${n} open ${n === 1 ? 'problem is' : 'problems are'} older than ${m.slaDays} days.`,
    figures: { kind: 'open-problems', slaDays: m.slaDays, items },
  };
}

/** Each criterion met, not met, or not yet measurable, with the figures behind it. */
export function evaluateCriteria(
  criteria: readonly Criterion[],
  m: BetaMeasurements,
): CriterionResult[] {
  return criteria.map((c) => {
    if (c.kind === 'csat') return evaluateCsat(c, m.csat);
    if (c.kind === 'stay-rate') return evaluateStay(c, m);
    return evaluateProblems(c, m);
  });
}

/** How many criteria are met, not met and not yet measurable. */
export function verdictCounts(results: readonly { verdict: Verdict }[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { met: 0, 'not-met': 0, 'not-yet': 0 };
  for (const r of results) out[r.verdict]++;
  return out;
}

/** `2 of 3 met, 1 not yet measurable`, or that there are no criteria. */
export function verdictSummary(results: readonly { verdict: Verdict }[]): string {
  if (results.length === 0) return 'No criteria';
  const n = verdictCounts(results);
  const parts = [`${n.met} of ${results.length} met`];
  if (n['not-met'] > 0) parts.push(`${n['not-met']} not met`);
  if (n['not-yet'] > 0) parts.push(`${n['not-yet']} not yet measurable`);
  return parts.join(', ');
}

export const VERDICT_WORDS: Record<Verdict, string> = {
  met: 'Met',
  'not-met': 'Not met',
  'not-yet': 'Not yet measurable',
};

export const STATUS_WORDS: Record<BetaStatus, string> = {
  running: 'Running',
  iterating: 'Iterating',
  graduated: 'Graduated',
};

/** Why a review is refused, or null: rationale always, a later review date to iterate. */
export function reviewProblem(input: {
  outcome: ReviewOutcome;
  rationale: string;
  nextReviewOn?: string | null;
  today: string;
}): FieldError | null {
  if (!input.rationale.trim()) {
    return { path: 'rationale', message: 'Say why: every decision records its rationale.' };
  }
  if (input.outcome === 'iterate') {
    if (!input.nextReviewOn) {
      return { path: 'nextReviewOn', message: 'Give the date of the next review.' };
    }
    if (input.nextReviewOn <= input.today) {
      return { path: 'nextReviewOn', message: 'The next review must be after today.' };
    }
  }
  return null;
}
