// Surveys and pulses: the fixed question catalog, campaign states, answer
// validation and the coarse segments answers carry. Pure; no database here.

import type { FieldError } from '../core/errors.ts';

export const SURVEY_STATES = ['draft', 'open', 'closed'] as const;
export type SurveyState = (typeof SURVEY_STATES)[number];

export const AUDIENCES = ['all', 'teams'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Custom question kinds: a 1–5 rating, or free text (held to `k_comment` like comments). */
export const CUSTOM_KINDS = ['rating', 'text'] as const;
export type CustomKind = (typeof CUSTOM_KINDS)[number];

/** Where a pulse was asked: a fixed list, never a free id that could join to an event. */
export const TOUCHPOINTS = ['deploy', 'pipeline', 'docs', 'onboarding', 'support'] as const;
export type Touchpoint = (typeof TOUCHPOINTS)[number];

/** Hours lost per week (shared/METRICS.md): buckets with their midpoints, top capped at 10. */
export const HOURS_BUCKETS = [
  { key: '0', label: 'None', midpoint: 0 },
  { key: 'under-1', label: 'Less than 1 hour', midpoint: 0.5 },
  { key: '1-2', label: '1 to 2 hours', midpoint: 1.5 },
  { key: '2-4', label: '2 to 4 hours', midpoint: 3 },
  { key: '4-8', label: '4 to 8 hours', midpoint: 6 },
  { key: 'over-8', label: 'More than 8 hours', midpoint: 10 },
] as const;
export type HoursBucket = (typeof HOURS_BUCKETS)[number]['key'];
export const HOURS_KEYS = HOURS_BUCKETS.map((b) => b.key) as [HoursBucket, ...HoursBucket[]];

/** Longest comment paved keeps. */
export const COMMENT_MAX = 4000;
export const TITLE_MAX = 200;
export const PROMPT_MAX = 500;
export const MAX_CUSTOM_QUESTIONS = 10;

/** The fixed catalog's wording, the same every period so periods compare. */
export const QUESTIONS = {
  nps: {
    prompt: 'How likely are you to recommend the platform to a colleague?',
    min: 0,
    max: 10,
    minLabel: 'Not at all likely',
    maxLabel: 'Extremely likely',
  },
  csat: {
    prompt: 'How satisfied are you with {capability}?',
    min: 1,
    max: 5,
    minLabel: 'Very dissatisfied',
    maxLabel: 'Very satisfied',
  },
  effort: {
    prompt: '{capability} made it easy for me to get my work done.',
    min: 1,
    max: 7,
    minLabel: 'Strongly disagree',
    maxLabel: 'Strongly agree',
  },
  cognitiveLoad: {
    prompt: 'How much mental effort does working with the platform take?',
    min: 1,
    max: 5,
    minLabel: 'Very little',
    maxLabel: 'A great deal',
  },
  hoursLost: {
    prompt: 'In a typical week, how many hours do you lose to friction with the platform?',
  },
  comment: { prompt: 'Anything else you want the platform team to know?' },
  fix: { prompt: 'What one thing should the platform fix?' },
  customRating: { min: 1, max: 5, minLabel: 'Very poor', maxLabel: 'Very good' },
} as const;

/** Question keys as answer rows store them. */
export const ANSWER_KEYS = {
  nps: 'nps',
  cognitiveLoad: 'cognitive-load',
  hoursLost: 'hours-lost',
  comment: 'comment',
  fix: 'fix',
  custom: (id: string) => `custom:${id}`,
} as const;

export interface CustomQuestion {
  id: string;
  position: number;
  kind: CustomKind;
  prompt: string;
  required: boolean;
}

export interface Survey {
  id: string;
  title: string;
  /** `YYYY-Qn` (or `YYYY-MM`). */
  period: string;
  state: SurveyState;
  audience: Audience;
  /** Chosen teams when the audience is `teams` (their sub-teams are included). */
  teamIds: string[];
  opensOn: string | null;
  closesOn: string | null;
  /** The thresholds stored when it opened; null while a draft. */
  k: number | null;
  kComment: number | null;
  /** People invited at opening; null while a draft. */
  invited: number | null;
  /** Respondents, counted at close; null before. */
  responded: number | null;
  questions: CustomQuestion[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  openedAt: string | null;
  closedAt: string | null;
  remindedAt: string | null;
}

/** The ratings for one capability. */
export interface CapabilityRating {
  csat?: number;
  effort?: number;
}

/** One response, as the API takes it: every part optional, but at least one answered. */
export interface Answers {
  nps?: number;
  comment?: string;
  fix?: string;
  cognitiveLoad?: number;
  hoursLost?: HoursBucket;
  capabilities?: Record<string, CapabilityRating>;
  /** Custom questions by id: a 1–5 rating or text. */
  custom?: Record<string, number | string>;
}

/** A capability the respondent is asked about. */
export interface FormCapability {
  id: string;
  slug: string;
  name: string;
}

/** What one respondent is asked: the catalog plus their team's capabilities and the custom questions. */
export interface SurveyForm {
  survey: Survey;
  capabilities: FormCapability[];
  questions: CustomQuestion[];
  /** True when this person has answered: they see that, never what. */
  answered: boolean;
  /** True when this person is in the audience. */
  invited: boolean;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function scale(path: string, value: unknown, min: number, max: number, errors: FieldError[]) {
  if (value === undefined || value === null) return;
  if (!isInt(value, min, max)) {
    errors.push({ path, message: `Choose a whole number from ${min} to ${max}.` });
  }
}

function text(path: string, value: unknown, errors: FieldError[]) {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') errors.push({ path, message: 'Write text here.' });
  else if (value.length > COMMENT_MAX) {
    errors.push({ path, message: `Keep it under ${COMMENT_MAX} characters.` });
  }
}

/** A text answer as stored: trimmed, and absent when blank. */
export function cleanText(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Checks one response against what this respondent is asked: ranges, known
 * capabilities and questions, required custom questions, and that at least
 * one part is answered. Returns every problem, each naming its field.
 */
export function validateAnswers(
  answers: Answers,
  form: Pick<SurveyForm, 'capabilities' | 'questions'>,
): FieldError[] {
  const errors: FieldError[] = [];
  scale('answers.nps', answers.nps, QUESTIONS.nps.min, QUESTIONS.nps.max, errors);
  scale(
    'answers.cognitiveLoad',
    answers.cognitiveLoad,
    QUESTIONS.cognitiveLoad.min,
    QUESTIONS.cognitiveLoad.max,
    errors,
  );
  if (
    answers.hoursLost !== undefined &&
    answers.hoursLost !== null &&
    !HOURS_KEYS.includes(answers.hoursLost)
  ) {
    errors.push({ path: 'answers.hoursLost', message: `Choose one of ${HOURS_KEYS.join(', ')}.` });
  }
  text('answers.comment', answers.comment, errors);
  text('answers.fix', answers.fix, errors);
  const asked = new Map(form.capabilities.map((c) => [c.slug, c]));
  for (const [slug, rating] of Object.entries(answers.capabilities ?? {})) {
    const path = `answers.capabilities.${slug}`;
    if (!asked.has(slug)) {
      errors.push({
        path,
        message: `You are not asked about "${slug}": rate only the capabilities your team is on.`,
      });
      continue;
    }
    if (typeof rating !== 'object' || rating === null) {
      errors.push({ path, message: 'Give {csat, effort} for the capability.' });
      continue;
    }
    scale(`${path}.csat`, rating.csat, QUESTIONS.csat.min, QUESTIONS.csat.max, errors);
    scale(`${path}.effort`, rating.effort, QUESTIONS.effort.min, QUESTIONS.effort.max, errors);
  }
  const questions = new Map(form.questions.map((q) => [q.id, q]));
  for (const [id, value] of Object.entries(answers.custom ?? {})) {
    const path = `answers.custom.${id}`;
    const question = questions.get(id);
    if (!question) {
      errors.push({ path, message: 'This survey has no such question.' });
    } else if (question.kind === 'rating') {
      scale(path, value, QUESTIONS.customRating.min, QUESTIONS.customRating.max, errors);
    } else {
      text(path, value, errors);
    }
  }
  for (const question of form.questions) {
    if (question.required && isBlank(answers.custom?.[question.id])) {
      errors.push({ path: `answers.custom.${question.id}`, message: 'Answer this question.' });
    }
  }
  if (errors.length === 0 && !hasAnyAnswer(answers)) {
    errors.push({
      path: 'answers',
      message: 'Answer at least one question; every question is optional, but not all of them.',
    });
  }
  return errors;
}

const isBlank = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** True when a response answers at least one question. */
export function hasAnyAnswer(answers: Answers): boolean {
  if (!isBlank(answers.nps) || !isBlank(answers.cognitiveLoad) || !isBlank(answers.hoursLost)) {
    return true;
  }
  if (cleanText(answers.comment) || cleanText(answers.fix)) return true;
  if (
    Object.values(answers.capabilities ?? {}).some((r) => !isBlank(r?.csat) || !isBlank(r?.effort))
  ) {
    return true;
  }
  return Object.values(answers.custom ?? {}).some((v) => !isBlank(v));
}

// ---- State machine ----

/** Why a survey cannot move to `to`, or null when it can. A closed survey never reopens. */
export function stateProblem(from: SurveyState, to: SurveyState): string | null {
  if (from === 'draft' && to === 'open') return null;
  if (from === 'open' && to === 'closed') return null;
  if (from === 'closed') return 'This survey is closed; a closed survey never reopens.';
  if (from === to) return `This survey is already ${from}.`;
  return `A ${from} survey cannot become ${to}.`;
}

// ---- Segments ----

/** Tenure bands, from the person's start date to the day the survey opened. */
export const TENURE_BANDS = [
  { key: 'under-1y', label: 'Less than a year', maxYears: 1 },
  { key: '1-3y', label: '1 to 3 years', maxYears: 3 },
  { key: '3-5y', label: '3 to 5 years', maxYears: 5 },
  { key: '5y-plus', label: '5 years or more', maxYears: Number.POSITIVE_INFINITY },
] as const;
export type TenureBand = (typeof TENURE_BANDS)[number]['key'];

/** The tenure band of someone who started on `startDate`, as of `at`; null when unknown. */
export function tenureBand(startDate: string | null, at: string): TenureBand | null {
  if (!startDate || !/^\d{4}-\d{2}-\d{2}/.test(startDate)) return null;
  const start = Date.parse(`${startDate.slice(0, 10)}T00:00:00Z`);
  const now = Date.parse(at);
  if (Number.isNaN(start) || Number.isNaN(now) || start > now) return null;
  const years = (now - start) / (365.25 * 24 * 3600 * 1000);
  return TENURE_BANDS.find((b) => years < b.maxYears)!.key;
}

/** The level band: the org's level name, tidied; null when unknown. */
export function levelBand(level: string | null): string | null {
  const tidy = level?.trim().replace(/\s+/g, ' ').slice(0, 60);
  return tidy ? tidy : null;
}

/** The coarse segments an answer carries: team, tenure band, level band. */
export interface Segment {
  teamId: string | null;
  tenureBand: string | null;
  levelBand: string | null;
}

const keys = new WeakMap<Segment, string>();

/** A segment's identity as a string; remembered per object, since coarsening asks often. */
export const cellKey = (s: Segment): string => {
  let key = keys.get(s);
  if (key === undefined) {
    key = JSON.stringify([s.teamId ?? null, s.tenureBand ?? null, s.levelBand ?? null]);
    keys.set(s, key);
  }
  return key;
};

/** One segment cell and how many people are in it. */
export interface Cell extends Segment {
  n: number;
}

/** One step coarser: drop the level, then the tenure, then replace the team by its parent. */
export function coarser(segment: Segment, parentOf: (teamId: string) => string | null): Segment {
  if (segment.levelBand !== null) return { ...segment, levelBand: null };
  if (segment.tenureBand !== null) return { ...segment, tenureBand: null };
  if (segment.teamId !== null) {
    return { teamId: parentOf(segment.teamId), tenureBand: null, levelBand: null };
  }
  return segment;
}

const TOP: Segment = { teamId: null, tenureBand: null, levelBand: null };
const isTop = (s: Segment) => s.teamId === null && s.tenureBand === null && s.levelBand === null;

/**
 * Coarsens segment cells until every cell holds at least `k` people. A cell
 * under `k` loses its level, then its tenure; then its team is replaced by
 * the parent team, up to the root. A root team's own cell still under `k`
 * takes in the smallest group below it (a sub-team with everything under it,
 * or one of its own cells with a tenure or level), as the complementary rule
 * would; with nothing below, it gives way to "no team", which takes in the
 * smallest group there is when it is still under `k`. Returns
 * where each input cell ends up (by `cellKey`). Every resulting cell holds at
 * least `k` people, unless everyone together is fewer than `k`.
 */
export function coarsenCells(
  cells: readonly Cell[],
  k: number,
  parentOf: (teamId: string) => string | null,
): Map<string, Segment> {
  const where = new Map<string, Segment>();
  for (const c of cells) {
    where.set(cellKey(c), { teamId: c.teamId, tenureBand: c.tenureBand, levelBand: c.levelBand });
  }
  const chainCache = new Map<string, string[]>();
  /** The team and its ancestors, the team first. */
  const chain = (teamId: string): string[] => {
    const known = chainCache.get(teamId);
    if (known) return known;
    const out: string[] = [];
    const seen = new Set<string>();
    for (let t: string | null = teamId; t !== null && !seen.has(t); t = parentOf(t)) {
      seen.add(t);
      out.push(t);
    }
    chainCache.set(teamId, out);
    return out;
  };
  const depth = (teamId: string | null) => (teamId === null ? -1 : chain(teamId).length - 1);
  // Finest first: more segments, then deeper teams; a cell merged upward is recounted.
  const fineness = (s: Segment) =>
    (s.levelBand !== null ? 2 : 0) + (s.tenureBand !== null ? 1 : 0) + 3 * (depth(s.teamId) + 1);
  const canCoarsen = (seg: Segment) =>
    seg.levelBand !== null ||
    seg.tenureBand !== null ||
    (seg.teamId !== null && parentOf(seg.teamId) !== null);
  const moveWhere = (test: (s: Segment) => boolean, to: Segment) => {
    for (const [key, s] of where) if (test(s)) where.set(key, to);
  };
  /**
   * Moves the smallest group below `target` into it: a sub-team with
   * everything under it, or one of the target's own finer cells (the same
   * team, with a tenure or level). False when there is none.
   */
  const absorb = (live: Array<{ segment: Segment; n: number }>, target: Segment): boolean => {
    const groups = new Map<string, { n: number; test: (s: Segment) => boolean }>();
    const add = (key: string, n: number, test: (s: Segment) => boolean) => {
      const g = groups.get(key) ?? { n: 0, test };
      g.n += n;
      groups.set(key, g);
    };
    for (const t of live) {
      const seg = t.segment;
      if (cellKey(seg) === cellKey(target)) continue;
      if (seg.teamId === target.teamId) {
        const key = cellKey(seg);
        add(`cell:${key}`, t.n, (s) => cellKey(s) === key);
        continue;
      }
      if (seg.teamId === null) continue;
      const c = chain(seg.teamId);
      const at = target.teamId === null ? c.length : c.indexOf(target.teamId);
      if (at <= 0) continue;
      const head = c[at - 1]!;
      add(`team:${head}`, t.n, (s) => s.teamId !== null && chain(s.teamId).includes(head));
    }
    const smallest = [...groups].sort((a, b) => a[1].n - b[1].n || a[0].localeCompare(b[0]))[0];
    if (!smallest) return false;
    moveWhere(smallest[1].test, target);
    return true;
  };
  const cellKeys = cells.map(cellKey);
  for (let guard = 0; guard < 100_000; guard++) {
    const totals = new Map<string, { segment: Segment; n: number }>();
    for (const [i, c] of cells.entries()) {
      const s = where.get(cellKeys[i]!)!;
      const key = cellKey(s);
      const t = totals.get(key) ?? { segment: s, n: 0 };
      t.n += c.n;
      totals.set(key, t);
    }
    const live = [...totals.values()].filter((t) => t.n > 0);
    const small = live
      .filter((t) => t.n < k && !isTop(t.segment))
      .sort((a, b) => fineness(b.segment) - fineness(a.segment));
    const target = small[0];
    if (target) {
      const from = cellKey(target.segment);
      const seg = target.segment;
      if (canCoarsen(seg)) {
        // Every small cell as fine as this one moves in the same pass: each
        // lands on a strictly coarser cell, so none changes another's total,
        // and the result is the same as moving them one at a time (which
        // costs a pass over all cells per move: minutes at 10,000 people).
        const level = fineness(seg);
        const moves = new Map<string, Segment>();
        for (const t of small) {
          if (fineness(t.segment) !== level || !canCoarsen(t.segment)) break;
          moves.set(cellKey(t.segment), coarser(t.segment, parentOf));
        }
        for (const [key, s] of where) {
          const to = moves.get(cellKey(s));
          if (to) where.set(key, to);
        }
        continue;
      }
      // A root team's own cell: take in its smallest group below, or give way to no team.
      if (!absorb(live, seg)) moveWhere((s) => cellKey(s) === from, TOP);
      continue;
    }
    // Nothing is coarser than no team: when that cell is under k, it takes in
    // the smallest group there is.
    const top = totals.get(cellKey(TOP));
    if (!top || top.n === 0 || top.n >= k || !absorb(live, TOP)) break;
  }
  return where;
}

/**
 * The stored segment for one person: their own cell coarsened the way the
 * cells were (`where` from `coarsenCells`), or — when their cell was not
 * among them (they moved team since) — walked up until it reaches a cell
 * that exists.
 */
export function segmentFor(
  own: Segment,
  where: Map<string, Segment>,
  parentOf: (teamId: string) => string | null,
): Segment {
  const direct = where.get(cellKey(own));
  if (direct) return direct;
  const targets = new Set([...where.values()].map(cellKey));
  let s = own;
  for (let i = 0; i < 1000 && !isTop(s); i++) {
    if (targets.has(cellKey(s))) return s;
    s = coarser(s, parentOf);
  }
  return { teamId: null, tenureBand: null, levelBand: null };
}

// ---- Pulses ----

export interface PulseInput {
  capability: string;
  rating: number;
  comment?: string;
  touchpoint?: Touchpoint;
}

/** The day (YYYY-MM-DD) a person may pulse a capability again after pulsing on `lastOn`. */
export function nextPulseDay(lastOn: string, cooldownDays: number): string {
  const d = new Date(`${lastOn}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + cooldownDays);
  return d.toISOString().slice(0, 10);
}
