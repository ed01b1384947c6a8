// The research synthesis: friction points from every note, ranked by how
// often they come up and how badly they hurt, grouped per workflow and per
// capability, filterable per persona. And the highlights the quarterly
// report shows (no quotes, no team: the report goes to everyone).
//
// Definitions (the page, API and CLI say the same):
// - A friction is a (workflow, step, capability) triple. Workflow and step
//   are compared ignoring case and spacing, so the same step written in two
//   notes is one friction; a different capability makes it another.
// - An occurrence is one friction point recorded in one note.
// - score = Σ severity over its occurrences (frequency × mean severity);
//   notes = distinct notes it occurred in; minutes = Σ minutes lost where
//   given. Ranked by score, then occurrences, then minutes lost.

import type { Db } from '../core/db/index.ts';
import type { Period } from '../core/period.ts';
import {
  type FrictionLink,
  type NamedRef,
  NOTE_KINDS,
  type NoteKind,
  periodDays,
} from './model.ts';
import { officeHoursFigures, type SolvedShare } from './office-hours.ts';
import { linksOfFrictions } from './store.ts';

/** One friction point of one note, as the synthesis reads it. */
export interface FrictionOccurrence {
  frictionId: string;
  noteId: string;
  heldOn: string;
  kind: NoteKind;
  personas: readonly string[];
  workflow: string;
  step: string;
  capability: NamedRef | null;
  severity: number;
  minutesLost: number | null;
  links: readonly FrictionLink[];
}

export interface RankedFriction {
  /** Stable key of the (workflow, step, capability) triple. */
  key: string;
  workflow: string;
  step: string;
  capability: NamedRef | null;
  occurrences: number;
  /** Distinct notes it occurred in. */
  notes: number;
  /** Σ severity over occurrences. */
  score: number;
  meanSeverity: number;
  /** Σ minutes lost, over the occurrences that gave them. */
  minutesLost: number;
  /** How many occurrences gave minutes lost. */
  minutesReported: number;
  /** The notes, newest first. */
  noteIds: string[];
  /** Feedback and roadmap items made from any of its occurrences, each once. */
  links: FrictionLink[];
  personas: string[];
}

export interface FrictionGroup {
  key: string;
  score: number;
  occurrences: number;
  notes: number;
  minutesLost: number;
  frictions: RankedFriction[];
}

export interface WorkflowGroup extends FrictionGroup {
  workflow: string;
}

export interface CapabilityGroup extends FrictionGroup {
  /** Null: friction points not tied to a capability. */
  capability: NamedRef | null;
}

export interface Synthesis {
  /** The persona filter applied, if any. */
  persona: string | null;
  notes: number;
  occurrences: number;
  ranked: RankedFriction[];
  byWorkflow: WorkflowGroup[];
  byCapability: CapabilityGroup[];
  /** Persona tags among the notes read (before the filter), with how many notes carry each. */
  personas: { tag: string; notes: number }[];
}

/** Case and spacing do not make two frictions. */
export const normalizeText = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

export function frictionKey(
  o: Pick<FrictionOccurrence, 'workflow' | 'step' | 'capability'>,
): string {
  return JSON.stringify([normalizeText(o.workflow), normalizeText(o.step), o.capability?.id ?? '']);
}

/** The spelling most occurrences used (ties: the first in alphabetical order). */
function commonSpelling(texts: string[]): string {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t.trim(), (counts.get(t.trim()) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

const byRank = (a: RankedFriction, b: RankedFriction) =>
  b.score - a.score ||
  b.occurrences - a.occurrences ||
  b.minutesLost - a.minutesLost ||
  a.workflow.localeCompare(b.workflow) ||
  a.step.localeCompare(b.step) ||
  (a.capability?.name ?? '').localeCompare(b.capability?.name ?? '');

function rankOne(key: string, list: FrictionOccurrence[]): RankedFriction {
  const score = list.reduce((s, o) => s + o.severity, 0);
  const withMinutes = list.filter((o) => o.minutesLost !== null);
  const notes = [...new Map(list.map((o) => [o.noteId, o.heldOn])).entries()].sort(
    (a, b) => b[1].localeCompare(a[1]) || a[0].localeCompare(b[0]),
  );
  const links = new Map<string, FrictionLink>();
  for (const o of list) for (const l of o.links) links.set(`${l.kind}:${l.id}`, l);
  return {
    key,
    workflow: commonSpelling(list.map((o) => o.workflow)),
    step: commonSpelling(list.map((o) => o.step)),
    capability: list[0]!.capability,
    occurrences: list.length,
    notes: notes.length,
    score,
    meanSeverity: score / list.length,
    minutesLost: withMinutes.reduce((s, o) => s + (o.minutesLost ?? 0), 0),
    minutesReported: withMinutes.length,
    noteIds: notes.map(([id]) => id),
    links: [...links.values()].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    ),
    personas: [...new Set(list.flatMap((o) => o.personas))].sort(),
  };
}

function group<K extends string>(
  ranked: RankedFriction[],
  occurrences: FrictionOccurrence[],
  keyOf: (o: Pick<FrictionOccurrence, 'workflow' | 'capability'>) => K,
): Map<K, FrictionGroup> {
  const groups = new Map<K, FrictionGroup>();
  for (const r of ranked) {
    const k = keyOf(r);
    const g = groups.get(k) ?? {
      key: k,
      score: 0,
      occurrences: 0,
      notes: 0,
      minutesLost: 0,
      frictions: [],
    };
    g.score += r.score;
    g.occurrences += r.occurrences;
    g.minutesLost += r.minutesLost;
    g.frictions.push(r);
    groups.set(k, g);
  }
  // Notes are counted once per group, however many of its frictions they hold.
  const notes = new Map<K, Set<string>>();
  for (const o of occurrences) {
    const k = keyOf(o);
    notes.set(k, (notes.get(k) ?? new Set()).add(o.noteId));
  }
  for (const [k, g] of groups) g.notes = notes.get(k)?.size ?? 0;
  return groups;
}

const byGroupRank = (a: FrictionGroup, b: FrictionGroup) =>
  b.score - a.score || b.occurrences - a.occurrences || a.key.localeCompare(b.key);

/**
 * Ranks friction points: one entry per (workflow, step, capability), score =
 * Σ severity, with occurrences, distinct notes, mean severity and minutes
 * lost; grouped per workflow and per capability. With `persona`, only notes
 * carrying that tag count.
 * @example rankFrictions(occurrences, { persona: 'junior' }).ranked[0]
 */
export function rankFrictions(
  all: readonly FrictionOccurrence[],
  opts: { persona?: string | null } = {},
): Synthesis {
  const persona = opts.persona?.trim().toLowerCase() || null;
  const tagNotes = new Map<string, Set<string>>();
  for (const o of all) {
    for (const t of o.personas) tagNotes.set(t, (tagNotes.get(t) ?? new Set()).add(o.noteId));
  }
  const kept = persona ? all.filter((o) => o.personas.includes(persona)) : [...all];
  const byKey = new Map<string, FrictionOccurrence[]>();
  for (const o of kept) {
    const k = frictionKey(o);
    byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }
  const ranked = [...byKey.entries()].map(([k, list]) => rankOne(k, list)).sort(byRank);
  const workflows = group(ranked, kept, (o) => normalizeText(o.workflow));
  const capabilities = group(ranked, kept, (o) => o.capability?.id ?? '');
  return {
    persona,
    notes: new Set(kept.map((o) => o.noteId)).size,
    occurrences: kept.length,
    ranked,
    byWorkflow: [...workflows.values()]
      .map((g) => ({
        ...g,
        workflow: commonSpelling(
          kept.filter((o) => normalizeText(o.workflow) === g.key).map((o) => o.workflow),
        ),
      }))
      .sort(byGroupRank),
    byCapability: [...capabilities.values()]
      .map((g) => ({ ...g, capability: g.frictions[0]!.capability }))
      .sort(
        (a, b) =>
          Number(a.capability === null) - Number(b.capability === null) || byGroupRank(a, b),
      ),
    personas: [...tagNotes.entries()]
      .map(([tag, notes]) => ({ tag, notes: notes.size }))
      .sort((a, b) => b.notes - a.notes || a.tag.localeCompare(b.tag)),
  };
}

/** Every friction point of the notes held in a period (all notes without one), with its links. */
export async function frictionOccurrences(
  db: Db,
  filter: { period?: Pick<Period, 'start' | 'end'> | null } = {},
): Promise<FrictionOccurrence[]> {
  let q = db
    .selectFrom('research_frictions as f')
    .innerJoin('research_notes as n', 'n.id', 'f.note_id')
    .leftJoin('capabilities as c', 'c.id', 'f.capability_id')
    .select([
      'f.id',
      'f.note_id',
      'f.step',
      'f.severity',
      'f.minutes_lost',
      'n.held_on',
      'n.kind',
      'n.personas',
      'n.workflow',
      'c.id as capId',
      'c.slug as capSlug',
      'c.name as capName',
    ])
    .orderBy('n.held_on')
    .orderBy('f.note_id')
    .orderBy('f.position');
  if (filter.period) {
    const [from, to] = periodDays(filter.period);
    q = q.where('n.held_on', '>=', from).where('n.held_on', '<', to);
  }
  const rows = await q.execute();
  const links = await linksOfFrictions(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    frictionId: r.id,
    noteId: r.note_id,
    heldOn: r.held_on,
    kind: r.kind as NoteKind,
    personas: r.personas.split(' ').filter(Boolean),
    workflow: r.workflow,
    step: r.step,
    capability: r.capId ? { id: r.capId, slug: r.capSlug!, name: r.capName! } : null,
    severity: Number(r.severity),
    minutesLost: r.minutes_lost === null ? null : Number(r.minutes_lost),
    links: links.get(r.id) ?? [],
  }));
}

/** The synthesis of the notes held in a period (all notes without one), for one persona or all. */
export async function researchSynthesis(
  db: Db,
  filter: { period?: Pick<Period, 'start' | 'end'> | null; persona?: string | null } = {},
): Promise<Synthesis> {
  return rankFrictions(await frictionOccurrences(db, filter), { persona: filter.persona });
}

// ---- The quarterly report's highlights ----

/** A friction as the report shows it: no quote, no team, no note. */
export interface HighlightFriction {
  workflow: string;
  step: string;
  capability: { slug: string; name: string } | null;
  occurrences: number;
  notes: number;
  score: number;
  meanSeverity: number;
  minutesLost: number;
  links: { kind: 'feedback' | 'roadmap'; id: string; title: string; status: string }[];
}

export interface ResearchHighlights {
  period: Period;
  notes: { total: number; byKind: Record<NoteKind, number> };
  /** The five highest-ranked friction points of the notes held in the period. */
  topFrictions: HighlightFriction[];
  officeHours: {
    sessions: number;
    topics: number;
    /** Topics solved on the spot, with the Wilson interval. */
    solved: SolvedShare;
    feedbackFiled: number;
    docsGaps: number;
    /** The five capabilities teams brought most topics about. */
    topCapabilities: {
      capability: { slug: string; name: string };
      topics: number;
      solved: SolvedShare;
      docsGaps: number;
    }[];
  };
}

export const HIGHLIGHT_COUNT = 5;

/**
 * Research and office hours for the quarterly report: notes by kind, the top
 * friction points, and the office-hours figures of the period. It carries no
 * quotes and no teams, so it may go to everyone.
 * @example await researchHighlights(db, { period: parsePeriod('2026-Q4') })
 */
export async function researchHighlights(
  db: Db,
  input: { period: Period },
): Promise<ResearchHighlights> {
  const { period } = input;
  const [from, to] = periodDays(period);
  const kinds = await db
    .selectFrom('research_notes')
    .select(['kind', db.fn.countAll<number>().as('n')])
    .where('held_on', '>=', from)
    .where('held_on', '<', to)
    .groupBy('kind')
    .execute();
  const byKind = Object.fromEntries(NOTE_KINDS.map((k) => [k, 0])) as Record<NoteKind, number>;
  for (const row of kinds) {
    if (NOTE_KINDS.includes(row.kind as NoteKind)) byKind[row.kind as NoteKind] = Number(row.n);
  }
  const synthesis = await researchSynthesis(db, { period });
  const figures = await officeHoursFigures(db, period);
  const ref = (c: NamedRef | null) => (c ? { slug: c.slug, name: c.name } : null);
  return {
    period,
    notes: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind },
    topFrictions: synthesis.ranked.slice(0, HIGHLIGHT_COUNT).map((r) => ({
      workflow: r.workflow,
      step: r.step,
      capability: ref(r.capability),
      occurrences: r.occurrences,
      notes: r.notes,
      score: r.score,
      meanSeverity: r.meanSeverity,
      minutesLost: r.minutesLost,
      links: r.links.map(({ kind, id, title, status }) => ({ kind, id, title, status })),
    })),
    officeHours: {
      sessions: figures.sessions,
      topics: figures.all.topics,
      solved: figures.all.solved,
      feedbackFiled: figures.all.feedbackFiled,
      docsGaps: figures.all.docsGaps,
      topCapabilities: figures.byCapability
        .filter((c) => c.capability !== null)
        .slice(0, HIGHLIGHT_COUNT)
        .map((c) => ({
          capability: ref(c.capability)!,
          topics: c.topics,
          solved: c.solved,
          docsGaps: c.docsGaps,
        })),
    },
  };
}
