// Recording and editing an office-hours session: date, hosts, notes, and the
// topics brought as a repeatable group of rows that works without script.

import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  MAX_TOPICS,
  OUTCOME_LABELS,
  OUTCOMES,
  type SessionDetail,
  type SessionInput,
} from './model.ts';
import {
  choices,
  ctxOf,
  errorFor,
  formErrors,
  MORE_ROWS,
  OFFICE_HOURS_PATH,
  readForm,
  rowCount,
} from './pages-shared.tsx';
import { createSession, editSession, sessionDetail, sessionPath } from './service-office-hours.ts';

type Values = Record<string, string>;

const ROW_FIELDS = ['team', 'capability', 'problem', 'outcome', 'feedbackId'] as const;
type Row = Record<(typeof ROW_FIELDS)[number], string>;
const rowKey = (i: number, field: string) => `topics.${i}.${field}`;

function filledRows(values: Values): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < MAX_TOPICS; i++) {
    const row = Object.fromEntries(
      ROW_FIELDS.map((f) => [f, (values[rowKey(i, f)] ?? '').trim()]),
    ) as Row;
    if (ROW_FIELDS.some((f) => row[f] !== '')) rows.push(row);
  }
  return rows;
}

/** A session's input from the form, and the form's values with the filled rows first. */
export function sessionFromForm(raw: Values): { input: SessionInput; values: Values } {
  const rows = filledRows(raw);
  const values: Values = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith('topics.')) values[k] = v;
  rows.forEach((row, i) => {
    for (const f of ROW_FIELDS) values[rowKey(i, f)] = row[f];
  });
  values.rows = String(rowCount(raw.rows, rows.length + 1, 5, MAX_TOPICS));
  return {
    values,
    input: {
      heldOn: (raw.heldOn ?? '').trim(),
      hosts: raw.hosts ?? '',
      notes: raw.notes?.trim() || null,
      topics: rows.map((r) => ({
        team: r.team || null,
        capability: r.capability || null,
        problem: r.problem,
        outcome: r.outcome,
        feedbackId: r.feedbackId || null,
      })),
    },
  };
}

function sessionValues(s: SessionDetail): Values {
  const values: Values = {
    heldOn: s.heldOn,
    hosts: s.hosts,
    notes: s.notes ?? '',
    rows: String(rowCount(undefined, s.topics.length + 2, 5, MAX_TOPICS)),
  };
  s.topics.forEach((t, i) => {
    values[rowKey(i, 'team')] = t.team?.slug ?? '';
    values[rowKey(i, 'capability')] = t.capability?.slug ?? '';
    values[rowKey(i, 'problem')] = t.problem;
    values[rowKey(i, 'outcome')] = t.outcome;
    values[rowKey(i, 'feedbackId')] = t.feedback?.id ?? '';
  });
  return values;
}

const moreRows = (values: Values): Values => ({
  ...values,
  rows: String(Math.min(MAX_TOPICS, Number(values.rows) + MORE_ROWS)),
});

export function registerSessionFormPages(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;

  web.get(`${OFFICE_HOURS_PATH}/new`, policy('research.manage'), (c) =>
    formPage(c, null, { heldOn: new Date().toISOString().slice(0, 10), rows: '5' }, []),
  );

  web.post(OFFICE_HOURS_PATH, policy('research.manage'), async (c) => {
    const raw = await readForm(c);
    const { input, values } = sessionFromForm(raw);
    if (raw.more !== undefined) return formPage(c, null, moreRows(values), []);
    try {
      const s = await createSession(db, ctxOf(c), input);
      return c.redirect(`${sessionPath(s.id)}?done=created`, 303);
    } catch (error) {
      const problems = formErrors(error, 'hosts');
      if (!problems) throw error;
      return formPage(c, null, values, problems);
    }
  });

  web.get(`${OFFICE_HOURS_PATH}/:id/edit`, policy('research.manage'), async (c) => {
    const s = await sessionDetail(db, ctxOf(c), c.req.param('id'));
    return formPage(c, s, sessionValues(s), []);
  });

  web.post(`${OFFICE_HOURS_PATH}/:id/edit`, policy('research.manage'), async (c) => {
    const s = await sessionDetail(db, ctxOf(c), c.req.param('id'));
    const raw = await readForm(c);
    const { input, values } = sessionFromForm(raw);
    if (raw.more !== undefined) return formPage(c, s, moreRows(values), []);
    try {
      await editSession(db, ctxOf(c), s.id, input);
      return c.redirect(`${sessionPath(s.id)}?done=edited`, 303);
    } catch (error) {
      const problems = formErrors(error, 'hosts');
      if (!problems) throw error;
      return formPage(c, s, values, problems);
    }
  });

  async function formPage(
    c: Context<AppEnv>,
    session: SessionDetail | null,
    values: Values,
    errors: FieldError[],
  ) {
    const { teams, capabilities } = await choices(db);
    const title = session ? 'Edit the office-hours session' : 'Record an office-hours session';
    const rows = rowCount(values.rows, 0, 5, MAX_TOPICS);
    return renderPage(
      c,
      { title, status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>{title}</h1>
        <p class="lead">
          Write down who hosted and each topic a team brought: what the problem was and how it
          ended.
        </p>
        <ErrorSummary errors={errors} />
        <Form
          action={session ? sessionPath(session.id, '/edit') : OFFICE_HOURS_PATH}
          csrfToken={c.get('csrfToken')}
        >
          <Field
            name="heldOn"
            label="Date"
            type="date"
            hint="Like 2026-10-13."
            value={values.heldOn}
            error={errorFor(errors, 'heldOn')}
          />
          <Field
            name="hosts"
            label="Hosts"
            hint="Who from the platform team hosted, like “Barbara Liskov, Dennis Ritchie”."
            value={values.hosts}
            error={errorFor(errors, 'hosts')}
          />
          <Field
            name="notes"
            label="Notes (optional)"
            multiline
            value={values.notes}
            error={errorFor(errors, 'notes')}
          />
          <h2 id="field-topics">Topics brought</h2>
          <p class="hint">One row per topic; empty rows are ignored.</p>
          {errorFor(errors, 'topics') ? (
            <p class="error-text">{errorFor(errors, 'topics')}</p>
          ) : null}
          <input type="hidden" name="rows" value={String(rows)} />
          {Array.from({ length: rows }, (_, i) => (
            <TopicRow
              i={i}
              values={values}
              errors={errors}
              teams={teams}
              capabilities={capabilities}
            />
          ))}
          <div class="row-actions">
            <button type="submit">{session ? 'Save the session' : 'Record the session'}</button>
            {/* An input, not a button: the form's one submit button saves it. */}
            <input
              type="submit"
              name="more"
              class="button secondary"
              value={`Add ${MORE_ROWS} more topic rows`}
            />
          </div>
        </Form>
        <p>
          <a href={session ? sessionPath(session.id) : OFFICE_HOURS_PATH}>Cancel</a>
        </p>
      </>,
    );
  }
}

function TopicRow(props: {
  i: number;
  values: Values;
  errors: FieldError[];
  teams: { value: string; label: string }[];
  capabilities: { value: string; label: string }[];
}) {
  const { i, values, errors } = props;
  const name = (f: string) => rowKey(i, f);
  return (
    <fieldset class="questions question-row">
      <legend>Topic {i + 1}</legend>
      <SelectField
        name={name('team')}
        label="Team"
        value={values[name('team')] ?? ''}
        error={errorFor(errors, name('team'))}
        options={props.teams}
      />
      <SelectField
        name={name('capability')}
        label="Capability"
        value={values[name('capability')] ?? ''}
        error={errorFor(errors, name('capability'))}
        options={props.capabilities}
      />
      <Field
        name={name('problem')}
        label="Problem"
        value={values[name('problem')]}
        error={errorFor(errors, name('problem'))}
      />
      <SelectField
        name={name('outcome')}
        label="Outcome"
        value={values[name('outcome')] ?? ''}
        error={errorFor(errors, name('outcome'))}
        options={[
          { value: '', label: 'Choose' },
          ...OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] })),
        ]}
      />
      <Field
        name={name('feedbackId')}
        label="Feedback filed (optional)"
        hint="For “feedback filed”: the feedback item’s id or address."
        value={values[name('feedbackId')]}
        error={errorFor(errors, name('feedbackId'))}
      />
    </fieldset>
  );
}
