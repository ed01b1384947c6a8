// Recording and editing a research note: kind, date, team, persona tags,
// workflow, steps, summary, and friction points as a repeatable group of rows
// that works without script ("add more rows" submits and comes back with
// more, everything typed kept).

import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  KIND_LABELS,
  KNOWN_PERSONAS,
  NOTE_KINDS,
  type NoteDetail,
  type NoteInput,
  normalizePersonas,
  parsePersonas,
  parseSteps,
  SEVERITIES,
  SEVERITY_LABELS,
} from './model.ts';
import {
  choices,
  ctxOf,
  errorFor,
  formErrors,
  MORE_ROWS,
  NOTES_PATH,
  RESEARCH_PATH,
  readForm,
  rowCount,
} from './pages-shared.tsx';
import { createNote, editNote, noteDetail, notePath } from './service.ts';

type Values = Record<string, string>;

const ROW_FIELDS = ['id', 'step', 'capability', 'severity', 'minutesLost', 'quote'] as const;
type Row = Record<(typeof ROW_FIELDS)[number], string>;
const MAX_ROWS = 50;

const rowKey = (i: number, field: string) => `frictions.${i}.${field}`;

/** The rows a person filled in, in order; a row with only its hidden id is a removal. */
function filledRows(values: Values): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const row = Object.fromEntries(
      ROW_FIELDS.map((f) => [f, (values[rowKey(i, f)] ?? '').trim()]),
    ) as Row;
    if (ROW_FIELDS.some((f) => f !== 'id' && row[f] !== '')) rows.push(row);
  }
  return rows;
}

/** The form's values with the filled rows first, renumbered, so messages and rows agree. */
function compact(values: Values, rows: Row[], count: number): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) if (!k.startsWith('frictions.')) out[k] = v;
  rows.forEach((row, i) => {
    for (const f of ROW_FIELDS) out[rowKey(i, f)] = row[f];
  });
  out.rows = String(count);
  return out;
}

/** A note's input from the form, and the form's values renumbered. */
export function noteFromForm(raw: Values): { input: NoteInput; values: Values } {
  const rows = filledRows(raw);
  const values = compact(raw, rows, rowCount(raw.rows, rows.length + 1, 5, MAX_ROWS));
  const personas = normalizePersonas([
    ...KNOWN_PERSONAS.filter((t) => raw[`persona.${t}`]),
    ...parsePersonas(raw.personas ?? ''),
  ]);
  return {
    values,
    input: {
      kind: raw.kind ?? '',
      heldOn: (raw.heldOn ?? '').trim(),
      team: raw.team?.trim() || null,
      personas,
      workflow: raw.workflow ?? '',
      steps: parseSteps(raw.steps ?? ''),
      summary: raw.summary?.trim() || null,
      frictions: rows.map((r) => ({
        id: r.id || null,
        step: r.step,
        capability: r.capability || null,
        severity: r.severity ? Number(r.severity) : 0,
        minutesLost: r.minutesLost === '' ? null : Number(r.minutesLost),
        quote: r.quote || null,
      })),
    },
  };
}

/** A note as the form's values, for editing. */
function noteValues(note: NoteDetail): Values {
  const values: Values = {
    kind: note.kind,
    heldOn: note.heldOn,
    team: note.team?.slug ?? '',
    personas: note.personas
      .filter((t) => !(KNOWN_PERSONAS as readonly string[]).includes(t))
      .join(' '),
    workflow: note.workflow,
    steps: note.steps.join('\n'),
    summary: note.summary ?? '',
    rows: String(rowCount(undefined, note.frictions.length + 2)),
  };
  for (const t of note.personas) values[`persona.${t}`] = 'on';
  note.frictions.forEach((f, i) => {
    values[rowKey(i, 'id')] = f.id;
    values[rowKey(i, 'step')] = f.step;
    values[rowKey(i, 'capability')] = f.capability?.slug ?? '';
    values[rowKey(i, 'severity')] = String(f.severity);
    values[rowKey(i, 'minutesLost')] = f.minutesLost === null ? '' : String(f.minutesLost);
    values[rowKey(i, 'quote')] = f.quote ?? '';
  });
  return values;
}

/** Field errors as the form names its fields (a hidden id's error shows on its row's step). */
const formPaths = (errors: FieldError[]) =>
  errors.map((e) =>
    e.path.endsWith('.id') ? { ...e, path: e.path.replace(/\.id$/, '.step') } : e,
  );

export function registerNoteFormPages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get(`${NOTES_PATH}/new`, policy('research.manage'), (c) =>
    formPage(c, null, { kind: 'interview', rows: '5' }, []),
  );

  web.post(NOTES_PATH, policy('research.manage'), async (c) => {
    const raw = await readForm(c);
    const { input, values } = noteFromForm(raw);
    if (raw.more !== undefined) return formPage(c, null, moreRows(values), []);
    try {
      const note = await createNote(db, ctxOf(c), input);
      return c.redirect(`${notePath(note.id)}?done=created`, 303);
    } catch (error) {
      const problems = formErrors(error, 'workflow');
      if (!problems) throw error;
      return formPage(c, null, values, formPaths(problems));
    }
  });

  web.get(`${NOTES_PATH}/:id/edit`, policy('research.manage'), async (c) => {
    const note = await noteDetail(db, ctxOf(c), c.req.param('id'));
    return formPage(c, note, noteValues(note), []);
  });

  web.post(`${NOTES_PATH}/:id/edit`, policy('research.manage'), async (c) => {
    const note = await noteDetail(db, ctxOf(c), c.req.param('id'));
    const raw = await readForm(c);
    const { input, values } = noteFromForm(raw);
    if (raw.more !== undefined) return formPage(c, note, moreRows(values), []);
    try {
      await editNote(db, ctxOf(c), note.id, input);
      return c.redirect(`${notePath(note.id)}?done=edited`, 303);
    } catch (error) {
      const problems = formErrors(error, 'workflow');
      if (!problems) throw error;
      return formPage(c, note, values, formPaths(problems));
    }
  });

  async function formPage(
    c: Context<AppEnv>,
    note: NoteDetail | null,
    values: Values,
    errors: FieldError[],
  ) {
    const { teams, capabilities } = await choices(db);
    const title = note ? 'Edit the research note' : 'Record a research note';
    const rows = rowCount(values.rows, 0, 5, MAX_ROWS);
    return renderPage(
      c,
      { title, status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>{title}</h1>
        <p class="lead">
          Write down what you saw while someone walked through a workflow, and where they got stuck.
          Describe the participant by team and persona tags only; never name them.
        </p>
        <ErrorSummary errors={errors} />
        <Form
          action={note ? notePath(note.id, '/edit') : NOTES_PATH}
          csrfToken={c.get('csrfToken')}
        >
          <SelectField
            name="kind"
            label="Kind of session"
            value={values.kind}
            error={errorFor(errors, 'kind')}
            options={NOTE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          />
          <Field
            name="heldOn"
            label="Date"
            type="date"
            hint="The day it took place, like 2026-10-14."
            value={values.heldOn}
            error={errorFor(errors, 'heldOn')}
          />
          <SelectField
            name="team"
            label="Team (optional)"
            value={values.team ?? ''}
            error={errorFor(errors, 'team')}
            options={teams}
          />
          <fieldset class="field">
            <legend>Persona tags</legend>
            <span class="hint">Tick what describes the participant. None is needed.</span>
            {KNOWN_PERSONAS.map((tag) => (
              <div class="option">
                <input
                  type="checkbox"
                  id={`field-persona-${tag}`}
                  name={`persona.${tag}`}
                  value="on"
                  checked={Boolean(values[`persona.${tag}`])}
                />
                <label for={`field-persona-${tag}`}>{tag}</label>
              </div>
            ))}
          </fieldset>
          <Field
            name="personas"
            label="Other persona tags (optional)"
            hint="Lowercase words with dashes, separated by spaces, like on-call mobile-dev."
            value={values.personas}
            error={errorFor(errors, 'personas')}
          />
          <Field
            name="workflow"
            label="Workflow"
            hint="What they were trying to do, like “deploy a service”."
            value={values.workflow}
            error={errorFor(errors, 'workflow')}
          />
          <Field
            name="steps"
            label="Steps walked through"
            hint="One step per line, in order."
            multiline
            value={values.steps}
            error={errorFor(errors, 'steps')}
          />
          <Field
            name="summary"
            label="Summary (optional)"
            multiline
            value={values.summary}
            error={errorFor(errors, 'summary')}
          />
          <h2 id="field-frictions">Friction points</h2>
          <p class="hint">
            Where they got stuck. Fill as many rows as you need; empty rows are ignored, and
            emptying a row removes that friction point.
          </p>
          {errorFor(errors, 'frictions') ? (
            <p class="error-text">{errorFor(errors, 'frictions')}</p>
          ) : null}
          <input type="hidden" name="rows" value={String(rows)} />
          {Array.from({ length: rows }, (_, i) => (
            <FrictionRow i={i} values={values} errors={errors} capabilities={capabilities} />
          ))}
          <div class="row-actions">
            <button type="submit">{note ? 'Save the note' : 'Record the note'}</button>
            {/* An input, not a button: the form's one submit button saves it. */}
            <input
              type="submit"
              name="more"
              class="button secondary"
              value={`Add ${MORE_ROWS} more friction rows`}
            />
          </div>
        </Form>
        <p>
          <a href={note ? notePath(note.id) : RESEARCH_PATH}>Cancel</a>
        </p>
      </>,
    );
  }
}

function moreRows(values: Values): Values {
  return { ...values, rows: String(Math.min(MAX_ROWS, Number(values.rows) + MORE_ROWS)) };
}

function FrictionRow(props: {
  i: number;
  values: Values;
  errors: FieldError[];
  capabilities: { value: string; label: string }[];
}) {
  const { i, values, errors } = props;
  const name = (f: string) => rowKey(i, f);
  return (
    <fieldset class="questions question-row">
      <legend>Friction point {i + 1}</legend>
      {values[name('id')] ? (
        <input type="hidden" name={name('id')} value={values[name('id')]} />
      ) : null}
      <Field
        name={name('step')}
        label="Step"
        value={values[name('step')]}
        error={errorFor(errors, name('step'))}
      />
      <SelectField
        name={name('capability')}
        label="Capability"
        value={values[name('capability')] ?? ''}
        error={errorFor(errors, name('capability'))}
        options={props.capabilities}
      />
      <SelectField
        name={name('severity')}
        label="Severity"
        value={values[name('severity')] ?? ''}
        error={errorFor(errors, name('severity'))}
        options={[
          { value: '', label: 'Choose' },
          ...SEVERITIES.map((s) => ({ value: String(s), label: SEVERITY_LABELS[s] })),
        ]}
      />
      <Field
        name={name('minutesLost')}
        label="Minutes lost (optional)"
        type="number"
        value={values[name('minutesLost')]}
        error={errorFor(errors, name('minutesLost'))}
      />
      <Field
        name={name('quote')}
        label="What they said (optional)"
        value={values[name('quote')]}
        error={errorFor(errors, name('quote'))}
      />
    </fieldset>
  );
}
