// The research synthesis: friction points ranked by frequency × severity,
// per workflow and per capability, filterable per persona and period, each
// linked to its notes and to what was made of it; and the recent notes.

import type { Hono } from 'hono';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { type Period, parsePeriod } from '../core/period.ts';
import { can } from '../core/policy.ts';
import {
  DataTable,
  EmptyState,
  ErrorSummary,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { PERSONA_PATTERN, type ResearchNote } from './model.ts';
import {
  LinkList,
  minutesText,
  NOTES_PATH,
  noteLabel,
  OFFICE_HOURS_PATH,
  oneDecimal,
  plural,
  quarterChoices,
  RESEARCH_PATH,
} from './pages-shared.tsx';
import { notePath } from './service.ts';
import { listNotes, notesByIds } from './store.ts';
import { type RankedFriction, researchSynthesis } from './synthesis.ts';

const TOP = 20;

function NoteLinks({ ids, notes }: { ids: string[]; notes: Map<string, ResearchNote> }) {
  return (
    <ul class="inline-list">
      {ids.map((id) => {
        const n = notes.get(id);
        return n ? (
          <li>
            <a href={notePath(id)}>{noteLabel(n)}</a>
          </li>
        ) : null;
      })}
    </ul>
  );
}

const frictionColumns = (notes: Map<string, ResearchNote>, withWorkflow: boolean) => [
  ...(withWorkflow ? [{ label: 'Workflow', cell: (r: RankedFriction) => r.workflow }] : []),
  { label: 'Step', cell: (r: RankedFriction) => r.step },
  { label: 'Capability', cell: (r: RankedFriction) => r.capability?.name ?? '–' },
  { label: 'Score', numeric: true, cell: (r: RankedFriction) => r.score },
  { label: 'Times seen', numeric: true, cell: (r: RankedFriction) => r.occurrences },
  {
    label: 'Mean severity (1–3)',
    numeric: true,
    cell: (r: RankedFriction) => oneDecimal(r.meanSeverity),
  },
  {
    label: 'Time lost',
    numeric: true,
    cell: (r: RankedFriction) => (r.minutesReported > 0 ? minutesText(r.minutesLost) : '–'),
  },
  { label: 'Notes', cell: (r: RankedFriction) => <NoteLinks ids={r.noteIds} notes={notes} /> },
  { label: 'Made into', cell: (r: RankedFriction) => <LinkList links={r.links} /> },
];

export function registerSynthesisPage(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get(RESEARCH_PATH, policy('research.read'), async (c) => {
    const errors: FieldError[] = [];
    const personaParam = c.req.query('persona')?.trim() || null;
    const periodParam = c.req.query('period')?.trim() || null;
    if (personaParam && !PERSONA_PATTERN.test(personaParam))
      errors.push({ path: 'persona', message: 'Choose a persona tag from the list.' });
    let period: Period | null = null;
    try {
      if (periodParam) period = parsePeriod(periodParam);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors.push(...error.errors);
    }
    const persona = errors.some((e) => e.path === 'persona') ? null : personaParam;
    const s = await researchSynthesis(db, { period, persona });
    const recent = await listNotes(db, { limit: 10 });
    const notes = await notesByIds(
      db,
      s.ranked.flatMap((r) => r.noteIds),
    );
    const manage = can(c.get('actor') ?? null, 'research.manage');
    const top = s.ranked.slice(0, TOP);
    return renderPage(
      c,
      { title: 'User research', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>User research</h1>
        <p class="lead">
          See where developers get stuck, worst first, from interviews, shadowing and usability
          tests, and what was done about it.
        </p>
        {c.req.query('done') === 'deleted' ? <Notice>The note is deleted.</Notice> : null}
        <p class="row-actions">
          {manage ? (
            <a class="button" href={`${NOTES_PATH}/new`}>
              Record a research note
            </a>
          ) : null}
          <a href={NOTES_PATH}>All notes</a>
          <a href={OFFICE_HOURS_PATH}>Office hours</a>
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={RESEARCH_PATH} class="inline-form" novalidate>
          <SelectField
            name="persona"
            label="Persona"
            value={persona ?? ''}
            error={errors.find((e) => e.path === 'persona')?.message}
            options={[
              { value: '', label: 'Everyone' },
              ...s.personas.map((p) => ({
                value: p.tag,
                label: `${p.tag} (${plural(p.notes, 'note')})`,
              })),
              ...(persona && !s.personas.some((p) => p.tag === persona)
                ? [{ value: persona, label: persona }]
                : []),
            ]}
          />
          <SelectField
            name="period"
            label="Held in"
            value={periodParam ?? ''}
            error={errors.find((e) => e.path === 'period')?.message}
            options={[
              { value: '', label: 'Any time' },
              ...quarterChoices(periodParam).map((q) => ({ value: q, label: q })),
            ]}
          />
          <button type="submit">Show the friction points</button>
        </form>
        <p>
          {plural(s.occurrences, 'friction point')} from {plural(s.notes, 'note')}
          {persona ? ` with the persona ${persona}` : ''}
          {period ? ` held in ${period.key}` : ''}. The same step of the same workflow on the same
          capability counts as one friction; its score is the sum of its severities (1 annoying, 2
          slowed down, 3 blocked), so it grows with how often and how badly it hurts.
        </p>
        {s.ranked.length === 0 ? (
          <EmptyState>
            No friction points here yet. They come from research notes: record one after your next
            interview or shadowing session.
          </EmptyState>
        ) : (
          <>
            <h2>Friction points, worst first</h2>
            <DataTable
              caption={`The ${Math.min(TOP, s.ranked.length)} highest-scoring friction points`}
              rows={top}
              columns={frictionColumns(notes, true)}
            />
            <h2>By workflow</h2>
            {s.byWorkflow.map((g) => (
              <section aria-labelledby={`wf-${g.key.replace(/[^a-z0-9]+/g, '-')}`}>
                <h3 id={`wf-${g.key.replace(/[^a-z0-9]+/g, '-')}`}>{g.workflow}</h3>
                <p class="muted">
                  Score {g.score} · {plural(g.occurrences, 'friction point')} ·{' '}
                  {plural(g.notes, 'note')}
                  {g.minutesLost > 0 ? ` · ${minutesText(g.minutesLost)} lost` : ''}
                </p>
                <DataTable
                  caption={`Friction points in “${g.workflow}”`}
                  rows={g.frictions}
                  columns={frictionColumns(notes, false)}
                />
              </section>
            ))}
            <h2>By capability</h2>
            <DataTable
              caption="Friction per capability, highest score first"
              rows={s.byCapability}
              columns={[
                { label: 'Capability', cell: (g) => g.capability?.name ?? 'No capability' },
                { label: 'Score', numeric: true, cell: (g) => g.score },
                { label: 'Times seen', numeric: true, cell: (g) => g.occurrences },
                { label: 'Notes', numeric: true, cell: (g) => g.notes },
                {
                  label: 'Time lost',
                  numeric: true,
                  cell: (g) => (g.minutesLost > 0 ? minutesText(g.minutesLost) : '–'),
                },
                {
                  label: 'Worst step',
                  cell: (g) => `${g.frictions[0]!.workflow}: ${g.frictions[0]!.step}`,
                },
              ]}
            />
          </>
        )}
        <h2>Recent notes</h2>
        <DataTable
          caption="The ten most recent research notes"
          rows={recent.items}
          empty="No research notes yet."
          columns={[
            { label: 'Note', cell: (n) => <a href={notePath(n.id)}>{noteLabel(n)}</a> },
            { label: 'Workflow', cell: (n) => n.workflow },
            { label: 'Personas', cell: (n) => n.personas.join(', ') || '–' },
            { label: 'Friction points', numeric: true, cell: (n) => n.frictions },
          ]}
        />
      </>,
    );
  });
}
