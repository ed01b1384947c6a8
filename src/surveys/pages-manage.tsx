// The platform team's survey pages: create and edit a draft (custom questions
// marked as not comparable across periods), and open and close a survey,
// each behind a page that says what it cannot undo.

import type { Context, Hono } from 'hono';
import { errorFor, formErrors } from '../capabilities/pages-shared.tsx';
import { Conflict, type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Team } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import {
  AUDIENCES,
  type Audience,
  CUSTOM_KINDS,
  type CustomKind,
  MAX_CUSTOM_QUESTIONS,
  type Survey,
} from './model.ts';
import { ChoiceField, ctxOf, Day, readFormAll, surveyPath } from './pages-shared.tsx';
import {
  closeSurvey,
  createSurvey,
  editSurvey,
  openSurvey,
  type SurveyInput,
  surveyOrThrow,
  surveyProgress,
} from './service.ts';

const KIND_WORDS: Record<CustomKind, string> = {
  rating: 'A rating from 1 (very poor) to 5 (very good)',
  text: 'An answer in their own words',
};

/** Blank question rows offered after the existing ones (no script adds rows). */
const SPARE_ROWS = 2;

interface FormState {
  values: Record<string, string>;
  teamIds: string[];
  errors: FieldError[];
}

/** The form's fields from a survey (editing) or empty (creating). */
function stateOf(survey: Survey | null, period: string): FormState {
  const values: Record<string, string> = {
    title: survey?.title ?? '',
    period: survey?.period ?? period,
    audience: survey?.audience ?? 'all',
    opensOn: survey?.opensOn ?? '',
    closesOn: survey?.closesOn ?? '',
  };
  for (const [i, q] of (survey?.questions ?? []).entries()) {
    values[`questions.${i}.prompt`] = q.prompt;
    values[`questions.${i}.kind`] = q.kind;
    if (q.required) values[`questions.${i}.required`] = 'yes';
  }
  return { values, teamIds: survey?.teamIds ?? [], errors: [] };
}

/**
 * The survey a form describes, with the form row of each custom question
 * (blank rows are skipped), and the problems found before the service looks.
 */
function inputFrom(values: Record<string, string>, teamIds: string[]) {
  const errors: FieldError[] = [];
  const audience = values.audience as Audience;
  if (!AUDIENCES.includes(audience)) {
    errors.push({ path: 'audience', message: 'Choose who the survey asks.' });
  }
  const questions: NonNullable<SurveyInput['questions']> = [];
  const rowOf: number[] = [];
  for (let i = 0; i < MAX_CUSTOM_QUESTIONS; i++) {
    const prompt = values[`questions.${i}.prompt`]?.trim();
    if (!prompt) continue;
    const kind = values[`questions.${i}.kind`] as CustomKind;
    if (!CUSTOM_KINDS.includes(kind)) {
      errors.push({ path: `questions.${i}.kind`, message: 'Choose how people answer it.' });
    }
    questions.push({ kind, prompt, required: values[`questions.${i}.required`] === 'yes' });
    rowOf.push(i);
  }
  const input: SurveyInput = {
    title: values.title ?? '',
    period: (values.period ?? '').trim(),
    audience: AUDIENCES.includes(audience) ? audience : 'all',
    teamIds,
    opensOn: values.opensOn?.trim() || null,
    closesOn: values.closesOn?.trim() || null,
    questions,
  };
  return { input, rowOf, errors };
}

/** The service's field paths as the form's: a question's index is its row, a team is the list. */
function formPaths(errors: FieldError[], rowOf: number[]): FieldError[] {
  return errors.map((e) => {
    const q = /^questions\.(\d+)\.(.+)$/.exec(e.path);
    if (q) return { ...e, path: `questions.${rowOf[Number(q[1])] ?? q[1]}.${q[2]}` };
    if (/^teams\.\d+$/.test(e.path)) return { ...e, path: 'teams' };
    return e;
  });
}

/** The current quarter, as a new survey's period. */
function currentQuarter(now = new Date()): string {
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

export function registerSurveyManagePages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const activeTeams = async () =>
    (await listTeams(db))
      .filter((t) => !t.inactiveSince)
      .sort((a, b) => a.name.localeCompare(b.name));

  web.get('/surveys/new', policy('survey.manage'), async (c) =>
    formPage(c, null, await activeTeams(), stateOf(null, currentQuarter())),
  );

  web.post('/surveys', policy('survey.manage'), async (c) => {
    const { values, lists } = await readFormAll(c);
    const teamIds = lists.teams ?? [];
    const { input, rowOf, errors } = inputFrom(values, teamIds);
    const again = async (problems: FieldError[], status: 400 | 409) =>
      formPage(c, null, await activeTeams(), { values, teamIds, errors: problems }, status);
    if (errors.length > 0) return again(errors, 400);
    try {
      const survey = await createSurvey(db, ctxOf(c), input);
      return c.redirect(surveyPath(survey.id, '?done=created'), 303);
    } catch (error) {
      const problems = formErrors(error, 'title');
      if (!problems) throw error;
      return again(formPaths(problems, rowOf), error instanceof InvalidInput ? 400 : 409);
    }
  });

  web.get('/surveys/:id/edit', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    if (survey.state !== 'draft') return notDraftPage(c, survey);
    return formPage(c, survey, await activeTeams(), stateOf(survey, survey.period));
  });

  web.post('/surveys/:id/edit', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    const { values, lists } = await readFormAll(c);
    const teamIds = lists.teams ?? [];
    const { input, rowOf, errors } = inputFrom(values, teamIds);
    const again = async (problems: FieldError[], status: 400 | 409) =>
      formPage(c, survey, await activeTeams(), { values, teamIds, errors: problems }, status);
    if (errors.length > 0) return again(errors, 400);
    try {
      await editSurvey(db, ctxOf(c), survey.id, input);
      return c.redirect(surveyPath(survey.id, '?done=saved'), 303);
    } catch (error) {
      const problems = formErrors(error, 'title');
      if (!problems) throw error;
      return again(formPaths(problems, rowOf), error instanceof InvalidInput ? 400 : 409);
    }
  });

  web.get('/surveys/:id/open', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    if (survey.state !== 'draft') return notDraftPage(c, survey);
    return openPage(c, survey, []);
  });

  web.post('/surveys/:id/open', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    try {
      await openSurvey(deps, ctxOf(c), survey.id);
    } catch (error) {
      if (!(error instanceof InvalidInput || error instanceof Conflict)) throw error;
      const status = error instanceof InvalidInput ? 400 : 409;
      return openPage(c, survey, [{ path: 'open', message: error.message }], status);
    }
    return c.redirect('/surveys?done=opened', 303);
  });

  web.get('/surveys/:id/close', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    if (survey.state !== 'open') return notOpenPage(c, survey);
    const progress = await surveyProgress(deps, ctxOf(c), survey.id);
    return renderPage(
      c,
      { title: `Close ${survey.title}?` },
      <>
        <h1>Close {survey.title}?</h1>
        <p class="lead">
          Closing stops answers for good: a closed survey never reopens, and people who have not
          answered can no longer answer.
        </p>
        <p>
          {progress.answered === null
            ? `${progress.invited} people were asked.`
            : `${progress.answered} of the ${progress.invited} people asked have answered.`}
          {survey.closesOn ? (
            <>
              {' '}
              It is set to close after <Day day={survey.closesOn} />.
            </>
          ) : null}
        </p>
        <p>
          When it closes, paved counts the answers per team, merges groups too small to stay
          anonymous into larger ones, and forgets who answered. From then on nobody can link an
          answer to a person, and the results are ready to read.
        </p>
        <Form action={surveyPath(survey.id, '/close')} csrfToken={c.get('csrfToken')}>
          <button type="submit" class="danger">
            Close {survey.title}
          </button>
        </Form>
        <p>
          <a href="/surveys">Cancel and keep it open</a>
        </p>
      </>,
    );
  });

  web.post('/surveys/:id/close', policy('survey.manage'), async (c) => {
    const survey = await surveyOrThrow(db, c.req.param('id'));
    try {
      await closeSurvey(deps, ctxOf(c), survey.id);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return notOpenPage(c, await surveyOrThrow(db, survey.id), 409, error.message);
    }
    return c.redirect(surveyPath(survey.id, '/results?done=closed'), 303);
  });
}

function formPage(
  c: Context<AppEnv>,
  survey: Survey | null,
  teams: Team[],
  state: FormState,
  status: 200 | 400 | 409 = 200,
) {
  const { values, teamIds, errors } = state;
  const title = survey ? `Edit ${survey.title}` : 'Create a survey';
  const rows = Math.min(
    MAX_CUSTOM_QUESTIONS,
    Math.max(
      ...Object.keys(values)
        .map((k) => /^questions\.(\d+)\.prompt$/.exec(k))
        .filter((m) => m && values[m[0]]?.trim())
        .map((m) => Number(m![1]) + 1),
      0,
    ) + SPARE_ROWS,
  );
  return renderPage(
    c,
    { title, status },
    <>
      <h1>{title}</h1>
      <p class="lead">
        A draft can change until you open it; after that its questions stay fixed, so periods
        compare.
      </p>
      <ErrorSummary errors={errors} />
      <Form
        action={survey ? surveyPath(survey.id, '/edit') : '/surveys'}
        csrfToken={c.get('csrfToken')}
      >
        <Field
          name="title"
          label="Title"
          hint="What people see in the invitation and on their home page, like “Q4 platform survey”."
          value={values.title}
          error={errorFor(errors, 'title')}
        />
        <Field
          name="period"
          label="Period"
          hint="The quarter it covers, like 2026-Q4 (or a month, like 2026-11). Results compare with the period before."
          value={values.period}
          error={errorFor(errors, 'period')}
        />
        <ChoiceField
          path="audience"
          name="audience"
          legend="Who does it ask?"
          value={values.audience}
          error={errorFor(errors, 'audience')}
          options={[
            { value: 'all', label: 'Everyone in the organisation' },
            { value: 'teams', label: 'Only the teams chosen below' },
          ]}
        />
        <ChoiceField
          path="teams"
          name="teams"
          type="checkbox"
          legend="Teams asked"
          hint="Only when it asks chosen teams. Their sub-teams are asked too."
          value={teamIds}
          error={errorFor(errors, 'teams')}
          options={teams.map((t) => ({ value: t.id, label: t.name }))}
        />
        <Field
          name="opensOn"
          label="Opens on (optional)"
          hint="paved opens it that day. Leave it empty to open it by hand."
          type="date"
          value={values.opensOn}
          error={errorFor(errors, 'opensOn')}
        />
        <Field
          name="closesOn"
          label="Closes on (optional)"
          hint="The last day to answer; paved closes it the day after. Leave it empty to close it by hand."
          type="date"
          value={values.closesOn}
          error={errorFor(errors, 'closesOn')}
        />
        <fieldset class="questions" id="field-questions" tabindex={-1}>
          <legend>Your own questions (optional)</legend>
          <p class="hint">
            Every survey asks the same fixed questions, so periods compare. Questions you add here
            are <strong>not comparable across periods</strong>: results show them apart, under the
            same anonymity rules. Leave a row empty to skip it; save to get more rows.
          </p>
          {errorFor(errors, 'questions') ? (
            <p class="error-text">
              <span class="visually-hidden">Error: </span>
              {errorFor(errors, 'questions')}
            </p>
          ) : null}
          {Array.from({ length: rows }, (_, i) => (
            <div class="question-row">
              <Field
                name={`questions.${i}.prompt`}
                label={`Question ${i + 1}`}
                value={values[`questions.${i}.prompt`]}
                error={errorFor(errors, `questions.${i}.prompt`)}
              />
              <SelectField
                name={`questions.${i}.kind`}
                label={`How people answer question ${i + 1}`}
                value={values[`questions.${i}.kind`] ?? 'rating'}
                error={errorFor(errors, `questions.${i}.kind`)}
                options={CUSTOM_KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] }))}
              />
              <div class="choice">
                <input
                  type="checkbox"
                  id={`field-questions.${i}.required`}
                  name={`questions.${i}.required`}
                  value="yes"
                  checked={values[`questions.${i}.required`] === 'yes'}
                />
                <label for={`field-questions.${i}.required`}>
                  People must answer question {i + 1}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <button type="submit">{survey ? 'Save the draft' : 'Create the draft survey'}</button>
      </Form>
      <p>
        <a href={survey ? surveyPath(survey.id) : '/surveys'}>Cancel</a>
      </p>
    </>,
  );
}

function openPage(
  c: Context<AppEnv>,
  survey: Survey,
  errors: FieldError[],
  status: 200 | 400 | 409 = 200,
) {
  return renderPage(
    c,
    { title: `Open ${survey.title}?`, status },
    <>
      <h1>Open {survey.title}?</h1>
      <p class="lead">
        Opening asks people to answer now; its questions can no longer change, and a survey never
        goes back to being a draft.
      </p>
      <ErrorSummary errors={errors} />
      <ul>
        <li>
          Everyone it asks sees it on their home page, and gets an email when paved can send email.
        </li>
        <li>
          The anonymity thresholds in force now are stored with the survey and cannot be lowered for
          it later.
        </li>
        <li>
          {survey.closesOn ? (
            <>
              It closes after <Day day={survey.closesOn} />, or earlier when you close it.
            </>
          ) : (
            'It stays open until you close it.'
          )}
        </li>
      </ul>
      <Form action={surveyPath(survey.id, '/open')} csrfToken={c.get('csrfToken')}>
        {errors.length > 0 ? (
          <p class="error-text" id="field-open-message">
            <span class="visually-hidden">Error: </span>
            {errors[0]!.message}
          </p>
        ) : null}
        <button type="submit" id="field-open">
          Open {survey.title}
        </button>
      </Form>
      <p>
        <a href={surveyPath(survey.id, '/edit')}>Edit the draft instead</a>
      </p>
    </>,
  );
}

function notDraftPage(c: Context<AppEnv>, survey: Survey) {
  return renderPage(
    c,
    { title: `${survey.title} is ${survey.state}`, status: 409 },
    <>
      <h1>
        {survey.title} is {survey.state}
      </h1>
      <p class="lead">
        Only a draft can be edited or opened: once a survey opens, its questions stay fixed so
        answers compare.
      </p>
      <p>
        <a href={surveyPath(survey.id)}>Go to {survey.title}</a>
      </p>
    </>,
  );
}

function notOpenPage(
  c: Context<AppEnv>,
  survey: Survey,
  status: 200 | 409 = 409,
  message?: string,
) {
  return renderPage(
    c,
    { title: `${survey.title} is not open`, status },
    <>
      <h1>{survey.title} is not open</h1>
      <p class="lead">
        {message ??
          (survey.state === 'closed'
            ? 'It is already closed; a closed survey never reopens.'
            : 'It is still a draft: open it first.')}
      </p>
      <p>
        <a
          href={
            survey.state === 'closed' ? surveyPath(survey.id, '/results') : surveyPath(survey.id)
          }
        >
          {survey.state === 'closed' ? 'Read its results' : `Go to ${survey.title}`}
        </a>
      </p>
    </>,
  );
}
