// User research and office hours: notes from interviews, shadowing and
// usability tests with the friction points found at each step of a workflow,
// and the office-hours log. Pure types and rules; no database here.
//
// A participant is described, never named: a team at most, and persona tags.

import type { FieldError } from '../core/errors.ts';
import { type Period, parsePeriod } from '../core/period.ts';

export const NOTE_KINDS = ['interview', 'shadowing', 'usability-test'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const KIND_LABELS: Record<NoteKind, string> = {
  interview: 'Interview',
  shadowing: 'Shadowing',
  'usability-test': 'Usability test',
};

/** Persona tags the forms offer as boxes; any other `[a-z0-9-]` tag may be written in. */
export const KNOWN_PERSONAS = [
  'cli-first',
  'gui-first',
  'junior',
  'senior',
  'new-joiner',
  'screen-reader',
  'keyboard-only',
  'remote-vpn',
] as const;

export const PERSONA_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const MAX_PERSONAS = 12;

/** 1 annoying, 2 slowed down, 3 blocked. */
export const SEVERITIES = [1, 2, 3] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  1: '1 — annoying',
  2: '2 — slowed down',
  3: '3 — blocked',
};

/** What came of a topic brought to office hours. */
export const OUTCOMES = ['solved', 'feedback-filed', 'docs-gap'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  solved: 'Solved on the spot',
  'feedback-filed': 'Feedback filed',
  'docs-gap': 'Docs gap',
};

export const TEXT_MAX = 200;
export const LONG_MAX = 10_000;
export const QUOTE_MAX = 1_000;
export const MAX_STEPS = 50;
export const MAX_FRICTIONS = 50;
export const MAX_TOPICS = 30;
export const MINUTES_MAX = 10_000;

/** A team or capability as research shows it. */
export interface NamedRef {
  id: string;
  slug: string;
  name: string;
}

/** A feedback or roadmap item made from a friction point. */
export interface FrictionLink {
  kind: 'feedback' | 'roadmap';
  id: string;
  title: string;
  status: string;
  createdAt: string;
}

export interface Friction {
  id: string;
  noteId: string;
  position: number;
  step: string;
  capability: NamedRef | null;
  severity: Severity;
  minutesLost: number | null;
  quote: string | null;
  links: FrictionLink[];
}

export interface ResearchNote {
  id: string;
  kind: NoteKind;
  /** YYYY-MM-DD. */
  heldOn: string;
  team: NamedRef | null;
  /** Sorted, distinct tags. */
  personas: string[];
  workflow: string;
  steps: string[];
  summary: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NoteDetail extends ResearchNote {
  frictions: Friction[];
}

export interface Topic {
  id: string;
  position: number;
  team: NamedRef | null;
  capability: NamedRef | null;
  problem: string;
  outcome: Outcome;
  feedback: { id: string; title: string; status: string } | null;
}

export interface Session {
  id: string;
  /** YYYY-MM-DD. */
  heldOn: string;
  hosts: string;
  notes: string | null;
  topicCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SessionDetail extends Session {
  topics: Topic[];
}

// ---- Input as the interfaces give it (slugs, not ids) ----

export interface FrictionInput {
  /** An existing friction point of the note being edited: kept, with its links. */
  id?: string | null;
  step: string;
  /** A capability's slug, or null. */
  capability: string | null;
  severity: number;
  minutesLost: number | null;
  quote: string | null;
}

export interface NoteInput {
  kind: string;
  heldOn: string;
  /** A team's slug, or null. */
  team: string | null;
  personas: string[];
  workflow: string;
  steps: string[];
  summary: string | null;
  frictions: FrictionInput[];
}

export interface TopicInput {
  team: string | null;
  capability: string | null;
  problem: string;
  outcome: string;
  feedbackId: string | null;
}

export interface SessionInput {
  heldOn: string;
  hosts: string;
  notes: string | null;
  topics: TopicInput[];
}

/** A `YYYY-MM-DD` that is a real day. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Persona tags from free text (spaces or commas between), lowercased,
 * distinct and sorted, as the notes store them.
 * @example parsePersonas('Junior, cli-first junior') // ['cli-first', 'junior']
 */
export function parsePersonas(text: string): string[] {
  return normalizePersonas(text.split(/[\s,]+/));
}

/** Tags trimmed, lowercased, distinct and sorted; blanks dropped. */
export function normalizePersonas(tags: readonly string[]): string[] {
  const set = new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean));
  return [...set].sort();
}

/** Steps from a textarea, one per line, blank lines dropped. */
export function parseSteps(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * What is wrong with a note's own fields and friction points, named by path
 * (`frictions.2.severity`); references (team, capability) are checked by the
 * service against the database.
 */
export function noteProblems(input: NoteInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!NOTE_KINDS.includes(input.kind as NoteKind))
    errors.push({ path: 'kind', message: 'Choose interview, shadowing or usability test.' });
  if (!isDay(input.heldOn))
    errors.push({ path: 'heldOn', message: 'Give the day it took place, like 2026-10-14.' });
  const bad = input.personas.filter((t) => !PERSONA_PATTERN.test(t));
  if (bad.length > 0)
    errors.push({
      path: 'personas',
      message: `Persona tags use lowercase letters, digits and dashes: ${bad.map((t) => `"${t}"`).join(', ')} cannot be used.`,
    });
  else if (input.personas.length > MAX_PERSONAS)
    errors.push({ path: 'personas', message: `Use at most ${MAX_PERSONAS} persona tags.` });
  const workflow = input.workflow.trim();
  if (!workflow)
    errors.push({
      path: 'workflow',
      message: 'Name the workflow walked through, like “deploy a service”.',
    });
  else if (workflow.length > TEXT_MAX)
    errors.push({ path: 'workflow', message: `Keep the workflow under ${TEXT_MAX} characters.` });
  if (input.steps.length === 0)
    errors.push({ path: 'steps', message: 'List the steps walked through, one per line.' });
  else if (input.steps.length > MAX_STEPS)
    errors.push({ path: 'steps', message: `List at most ${MAX_STEPS} steps.` });
  else if (input.steps.some((s) => s.length > TEXT_MAX))
    errors.push({ path: 'steps', message: `Keep each step under ${TEXT_MAX} characters.` });
  if (input.summary && input.summary.length > LONG_MAX)
    errors.push({ path: 'summary', message: `Keep the summary under ${LONG_MAX} characters.` });
  if (input.frictions.length > MAX_FRICTIONS)
    errors.push({ path: 'frictions', message: `Record at most ${MAX_FRICTIONS} friction points.` });
  input.frictions.forEach((f, i) => {
    errors.push(...frictionProblems(f, `frictions.${i}`));
  });
  return errors;
}

function frictionProblems(f: FrictionInput, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const step = f.step.trim();
  if (!step)
    errors.push({ path: `${at}.step`, message: `Friction point ${rowNumber(at)}: name the step.` });
  else if (step.length > TEXT_MAX)
    errors.push({
      path: `${at}.step`,
      message: `Friction point ${rowNumber(at)}: keep the step under ${TEXT_MAX} characters.`,
    });
  if (!SEVERITIES.includes(f.severity as Severity))
    errors.push({
      path: `${at}.severity`,
      message: `Friction point ${rowNumber(at)}: choose a severity from 1 (annoying) to 3 (blocked).`,
    });
  if (
    f.minutesLost !== null &&
    (!Number.isInteger(f.minutesLost) || f.minutesLost < 0 || f.minutesLost > MINUTES_MAX)
  )
    errors.push({
      path: `${at}.minutesLost`,
      message: `Friction point ${rowNumber(at)}: give the minutes lost as a whole number from 0 to ${MINUTES_MAX}.`,
    });
  if (f.quote && f.quote.length > QUOTE_MAX)
    errors.push({
      path: `${at}.quote`,
      message: `Friction point ${rowNumber(at)}: keep the quote under ${QUOTE_MAX} characters.`,
    });
  return errors;
}

/** `frictions.2` → 3: rows are counted from one where people read them. */
function rowNumber(at: string): number {
  return Number(at.split('.').at(-1)) + 1;
}

/** What is wrong with a session's own fields and topics. */
export function sessionProblems(input: SessionInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!isDay(input.heldOn))
    errors.push({ path: 'heldOn', message: 'Give the day of the session, like 2026-10-13.' });
  const hosts = input.hosts.trim();
  if (!hosts) errors.push({ path: 'hosts', message: 'Say who hosted the session.' });
  else if (hosts.length > TEXT_MAX)
    errors.push({ path: 'hosts', message: `Keep the hosts under ${TEXT_MAX} characters.` });
  if (input.notes && input.notes.length > LONG_MAX)
    errors.push({ path: 'notes', message: `Keep the notes under ${LONG_MAX} characters.` });
  if (input.topics.length > MAX_TOPICS)
    errors.push({ path: 'topics', message: `Record at most ${MAX_TOPICS} topics.` });
  input.topics.forEach((t, i) => {
    const at = `topics.${i}`;
    const n = i + 1;
    const problem = t.problem.trim();
    if (!problem)
      errors.push({ path: `${at}.problem`, message: `Topic ${n}: say what the problem was.` });
    else if (problem.length > LONG_MAX)
      errors.push({
        path: `${at}.problem`,
        message: `Topic ${n}: keep the problem under ${LONG_MAX} characters.`,
      });
    if (!OUTCOMES.includes(t.outcome as Outcome))
      errors.push({
        path: `${at}.outcome`,
        message: `Topic ${n}: choose solved on the spot, feedback filed or docs gap.`,
      });
    if (t.feedbackId && t.outcome !== 'feedback-filed')
      errors.push({
        path: `${at}.feedbackId`,
        message: `Topic ${n}: only a topic whose outcome is “feedback filed” links a feedback item.`,
      });
  });
  return errors;
}

/**
 * The period research figures cover when none is asked for: the twelve
 * months to the end of the current one (office hours are weekly, so a
 * quarter alone says little early in it).
 */
export function lastTwelveMonths(now: Date = new Date()): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return {
    key: 'last-12-months',
    start: new Date(Date.UTC(y, m - 11, 1)).toISOString(),
    end: new Date(Date.UTC(y, m + 1, 1)).toISOString(),
  };
}

/** The days of a period as `[first, after]` (`YYYY-MM-DD`), for `held_on` columns. */
export function periodDays(period: Pick<Period, 'start' | 'end'>): [string, string] {
  return [period.start.slice(0, 10), period.end.slice(0, 10)];
}

/**
 * The period a request asks for: a quarter (`2026-Q4`) or a month
 * (`2026-11`); the last twelve months when none is given.
 */
export function periodParam(
  text: string | undefined | null,
  now = new Date(),
  path = 'period',
): Period {
  if (!text || text === 'last-12-months') return lastTwelveMonths(now);
  return parsePeriod(text, path);
}

/** How a period reads on a page: `2026-Q4`, `Nov 2026`, or `the last 12 months`. */
export function periodWords(period: Period): string {
  if (period.key === 'last-12-months') return 'the last 12 months';
  if (/^\d{4}-\d{2}$/.test(period.key)) {
    const months = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ];
    return `${months[Number(period.key.slice(5, 7)) - 1]} ${period.key.slice(0, 4)}`;
  }
  return period.key;
}
