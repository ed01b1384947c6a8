// Answering a survey: one page, no script needed. Every question is a
// labelled radio group or a text box; after a failed submit the error
// summary links to each field and the answers given are kept. A person who
// answered sees that they did, never what.

import type { Context, Hono } from 'hono';
import { errorFor } from '../capabilities/pages-shared.tsx';
import type { Db } from '../core/db/index.ts';
import { Conflict, type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { ErrorSummary, Field, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import {
  type Answers,
  HOURS_BUCKETS,
  type HoursBucket,
  QUESTIONS,
  type Survey,
  type SurveyForm,
} from './model.ts';
import {
  AnonymityNote,
  AUDIENCE_WORDS,
  ChoiceField,
  Day,
  periodWords,
  readFormAll,
  ScaleField,
  STATE_WORDS,
  surveyPath,
} from './pages-shared.tsx';
import { submitResponse, surveyForm } from './service.ts';

/** Answers as the form sends them: a number where one is expected, text kept for the checks. */
function answersFrom(values: Record<string, string>, form: SurveyForm): Answers {
  const num = (v: string | undefined): number | undefined => {
    const t = v?.trim();
    if (!t) return undefined;
    // Not a whole number: passed on as is, so the checks name the field.
    return /^-?\d+$/.test(t) ? Number(t) : (t as unknown as number);
  };
  const text = (v: string | undefined) => (v?.trim() ? v : undefined);
  const answers: Answers = {};
  const nps = num(values.nps);
  if (nps !== undefined) answers.nps = nps;
  const load = num(values.cognitiveLoad);
  if (load !== undefined) answers.cognitiveLoad = load;
  if (values.hoursLost?.trim()) answers.hoursLost = values.hoursLost.trim() as HoursBucket;
  const comment = text(values.comment);
  if (comment !== undefined) answers.comment = comment;
  const fix = text(values.fix);
  if (fix !== undefined) answers.fix = fix;
  const capabilities: NonNullable<Answers['capabilities']> = {};
  for (const c of form.capabilities) {
    const csat = num(values[`csat.${c.slug}`]);
    const effort = num(values[`effort.${c.slug}`]);
    if (csat !== undefined || effort !== undefined) {
      capabilities[c.slug] = {
        ...(csat !== undefined ? { csat } : {}),
        ...(effort !== undefined ? { effort } : {}),
      };
    }
  }
  if (Object.keys(capabilities).length > 0) answers.capabilities = capabilities;
  const custom: NonNullable<Answers['custom']> = {};
  for (const q of form.questions) {
    const raw = values[`custom.${q.id}`];
    const value = q.kind === 'rating' ? num(raw) : text(raw);
    if (value !== undefined) custom[q.id] = value;
  }
  if (Object.keys(custom).length > 0) answers.custom = custom;
  return answers;
}

export function registerSurveyAnswerPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/surveys/:id', policy('survey.read'), async (c) => {
    const form = await surveyForm(deps, c.get('actor')!, c.req.param('id'));
    const { survey } = form;
    if (survey.state === 'draft') return draftPage(c, survey, await teamNames(db));
    if (survey.state === 'closed') return closedPage(c, survey);
    if (form.answered) return answeredPage(c, survey);
    if (!form.invited) return notAskedPage(c, survey);
    return answerPage(c, form, {}, []);
  });

  web.post('/surveys/:id', policy('survey.answer'), async (c) => {
    const actor = c.get('actor')!;
    const id = c.req.param('id');
    const form = await surveyForm(deps, actor, id);
    const { values } = await readFormAll(c);
    const answers = answersFrom(values, form);
    try {
      await submitResponse(deps, actor, id, answers);
    } catch (error) {
      if (error instanceof InvalidInput) {
        const errors = error.errors.length
          ? error.errors
          : [{ path: 'answers', message: error.message }];
        return answerPage(c, form, values, errors, 400);
      }
      if (error instanceof Conflict) {
        const now = await surveyForm(deps, actor, id);
        if (now.answered) return answeredPage(c, now.survey, 409);
        if (now.survey.state === 'closed') return closedPage(c, now.survey, 409);
      }
      throw error;
    }
    return c.redirect(surveyPath(id, '/thanks'), 303);
  });

  web.get('/surveys/:id/thanks', policy('survey.read'), async (c) => {
    const form = await surveyForm(deps, c.get('actor')!, c.req.param('id'));
    const { survey } = form;
    if (!form.answered) return c.redirect(surveyPath(survey.id), 303);
    return renderPage(
      c,
      { title: 'Thank you: your answers are in' },
      <>
        <h1>Thank you: your answers are in</h1>
        <p class="lead">
          Your answers to {survey.title} are stored, without your name, and count in the results.
        </p>
        <p>
          {survey.closesOn ? (
            <>
              Results appear when the survey closes, after <Day day={survey.closesOn} />.
            </>
          ) : (
            'Results appear when the platform team closes the survey.'
          )}{' '}
          Because your answers are anonymous, nobody — you included — can look them up or change
          them.
        </p>
        <p>
          <a href="/">Go to your home page</a> or <a href="/surveys">see every survey</a>.
        </p>
      </>,
    );
  });
}

async function teamNames(db: Db): Promise<Map<string, string>> {
  return new Map((await listTeams(db, { includeInactive: true })).map((t) => [t.id, t.name]));
}

/** The answer form: the fixed catalog, the team's capabilities, the survey's own questions. */
function answerPage(
  c: Context<AppEnv>,
  form: SurveyForm,
  values: Record<string, string>,
  errors: FieldError[],
  status: 200 | 400 = 200,
) {
  const { survey, capabilities, questions } = form;
  const err = (path: string) => errorFor(errors, path);
  const nothing = err('answers');
  return renderPage(
    c,
    { title: errors.length ? `Error: ${survey.title}` : survey.title, status },
    <>
      <h1>{survey.title}</h1>
      <p class="lead">
        Tell the platform team how the platform works for you. It takes about 4 minutes; every
        question is optional
        {survey.closesOn ? (
          <>
            , and it closes after <Day day={survey.closesOn} />
          </>
        ) : null}
        .
      </p>
      <ErrorSummary errors={errors} />
      <AnonymityNote survey={survey} />
      <Form action={surveyPath(survey.id)} csrfToken={c.get('csrfToken')} class="survey-form">
        <p id="field-answers" tabindex={-1} class={nothing ? 'error-text' : 'hint'}>
          {nothing ? (
            <>
              <span class="visually-hidden">Error: </span>
              {nothing}
            </>
          ) : (
            'Answer what you want to; skip the rest.'
          )}
        </p>
        <h2>The platform as a whole</h2>
        <ScaleField
          path="answers.nps"
          name="nps"
          legend={QUESTIONS.nps.prompt}
          hint="0 means not at all likely, 10 means extremely likely."
          min={QUESTIONS.nps.min}
          max={QUESTIONS.nps.max}
          minLabel={QUESTIONS.nps.minLabel}
          maxLabel={QUESTIONS.nps.maxLabel}
          value={values.nps}
          error={err('answers.nps')}
          skip
        />
        <ScaleField
          path="answers.cognitiveLoad"
          name="cognitiveLoad"
          legend={QUESTIONS.cognitiveLoad.prompt}
          hint="1 means very little, 5 means a great deal."
          min={QUESTIONS.cognitiveLoad.min}
          max={QUESTIONS.cognitiveLoad.max}
          minLabel={QUESTIONS.cognitiveLoad.minLabel}
          maxLabel={QUESTIONS.cognitiveLoad.maxLabel}
          value={values.cognitiveLoad}
          error={err('answers.cognitiveLoad')}
          skip
        />
        <ChoiceField
          path="answers.hoursLost"
          name="hoursLost"
          legend={QUESTIONS.hoursLost.prompt}
          hint="Waiting for builds, working around tools, chasing help — your best guess is fine."
          value={values.hoursLost}
          error={err('answers.hoursLost')}
          options={[
            ...HOURS_BUCKETS.map((b) => ({ value: b.key, label: b.label })),
            { value: '', label: 'No answer' },
          ]}
        />
        {capabilities.length > 0 ? (
          <>
            <h2>The capabilities your team uses</h2>
            <p class="hint">
              You are asked about what your team is trying or has adopted, and what it is required
              to use.
            </p>
            {capabilities.map((cap) => (
              <section class="capability-questions" aria-labelledby={`cap-${cap.slug}`}>
                <h3 id={`cap-${cap.slug}`}>{cap.name}</h3>
                {err(`answers.capabilities.${cap.slug}`) ? (
                  <p class="error-text" id={`field-answers.capabilities.${cap.slug}`} tabindex={-1}>
                    <span class="visually-hidden">Error: </span>
                    {err(`answers.capabilities.${cap.slug}`)}
                  </p>
                ) : null}
                <ScaleField
                  path={`answers.capabilities.${cap.slug}.csat`}
                  name={`csat.${cap.slug}`}
                  legend={QUESTIONS.csat.prompt.replace('{capability}', cap.name)}
                  min={QUESTIONS.csat.min}
                  max={QUESTIONS.csat.max}
                  minLabel={QUESTIONS.csat.minLabel}
                  maxLabel={QUESTIONS.csat.maxLabel}
                  value={values[`csat.${cap.slug}`]}
                  error={err(`answers.capabilities.${cap.slug}.csat`)}
                  skip
                />
                <ScaleField
                  path={`answers.capabilities.${cap.slug}.effort`}
                  name={`effort.${cap.slug}`}
                  legend={QUESTIONS.effort.prompt.replace('{capability}', cap.name)}
                  min={QUESTIONS.effort.min}
                  max={QUESTIONS.effort.max}
                  minLabel={QUESTIONS.effort.minLabel}
                  maxLabel={QUESTIONS.effort.maxLabel}
                  value={values[`effort.${cap.slug}`]}
                  error={err(`answers.capabilities.${cap.slug}.effort`)}
                  skip
                />
              </section>
            ))}
          </>
        ) : null}
        {questions.length > 0 ? (
          <>
            <h2>Questions for this survey only</h2>
            {questions.map((q) =>
              q.kind === 'rating' ? (
                <ScaleField
                  path={`answers.custom.${q.id}`}
                  name={`custom.${q.id}`}
                  legend={`${q.prompt}${q.required ? '' : ' (optional)'}`}
                  min={QUESTIONS.customRating.min}
                  max={QUESTIONS.customRating.max}
                  minLabel={QUESTIONS.customRating.minLabel}
                  maxLabel={QUESTIONS.customRating.maxLabel}
                  value={values[`custom.${q.id}`]}
                  error={err(`answers.custom.${q.id}`)}
                  skip={!q.required}
                />
              ) : (
                <Field
                  name={`custom.${q.id}`}
                  id={`field-answers.custom.${q.id}`}
                  label={`${q.prompt}${q.required ? '' : ' (optional)'}`}
                  multiline
                  value={values[`custom.${q.id}`]}
                  error={err(`answers.custom.${q.id}`)}
                />
              ),
            )}
          </>
        ) : null}
        <h2>In your own words</h2>
        <Field
          name="comment"
          id="field-answers.comment"
          label={`${QUESTIONS.comment.prompt} (optional)`}
          hint="Comments are shown only for groups large enough to keep them anonymous. Leave out names and details that would point at you."
          multiline
          value={values.comment}
          error={err('answers.comment')}
        />
        <Field
          name="fix"
          id="field-answers.fix"
          label={`${QUESTIONS.fix.prompt} (optional)`}
          multiline
          value={values.fix}
          error={err('answers.fix')}
        />
        <button type="submit">Send my answers</button>
      </Form>
    </>,
  );
}

/** A person who answered: that they did, never what. */
function answeredPage(c: Context<AppEnv>, survey: Survey, status: 200 | 409 = 200) {
  return renderPage(
    c,
    { title: `${survey.title}: you answered`, status },
    <>
      <h1>You answered this survey</h1>
      <p class="lead">
        Each person answers {survey.title} once. Your answers are stored without your name, so paved
        cannot show them to you or let you change them.
      </p>
      {status === 409 ? <Notice>Your second answer was not stored.</Notice> : null}
      <p>
        {survey.closesOn ? (
          <>
            Results appear when it closes, after <Day day={survey.closesOn} />.
          </>
        ) : (
          'Results appear when the platform team closes it.'
        )}{' '}
        <a href="/surveys">See every survey</a>.
      </p>
    </>,
  );
}

function closedPage(c: Context<AppEnv>, survey: Survey, status: 200 | 409 = 200) {
  return renderPage(
    c,
    { title: `${survey.title} has closed`, status },
    <>
      <h1>{survey.title} has closed</h1>
      <p class="lead">
        It no longer takes answers{status === 409 ? ', so yours was not stored' : ''}. Its results
        are ready to read.
      </p>
      <p>
        <a href={surveyPath(survey.id, '/results')}>Read the results of {survey.title}</a>
      </p>
    </>,
  );
}

function notAskedPage(c: Context<AppEnv>, survey: Survey) {
  return renderPage(
    c,
    { title: `${survey.title} does not ask you` },
    <>
      <h1>{survey.title} does not ask you</h1>
      <p class="lead">
        It went to the people in the teams chosen when it opened, and you were not among them (or
        your account is not linked to a person in the organisation import).
      </p>
      <p>
        You can read its results once it closes. <a href="/surveys">See every survey</a>.
      </p>
    </>,
  );
}

/** A draft, for the platform team: what it asks and what to do next. */
function draftPage(c: Context<AppEnv>, survey: Survey, teams: Map<string, string>) {
  const manager = can(c.get('actor'), 'survey.manage');
  const done = c.req.query('done');
  return renderPage(
    c,
    { title: survey.title },
    <>
      <h1>{survey.title}</h1>
      <p class="lead">A draft: nobody is asked yet. Check what it asks, then open it.</p>
      {done === 'created' ? (
        <Notice>The draft survey is saved. Open it when it is ready.</Notice>
      ) : null}
      {done === 'saved' ? <Notice>Your changes to the draft are saved.</Notice> : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class="status">{STATE_WORDS[survey.state]}</span>
        </dd>
        <dt>Period</dt>
        <dd>{periodWords(survey.period)}</dd>
        <dt>Who it asks</dt>
        <dd>
          {survey.audience === 'all'
            ? AUDIENCE_WORDS.all
            : survey.teamIds
                .map((id) => teams.get(id) ?? 'A former team')
                .sort((a, b) => a.localeCompare(b))
                .join(', ')}
        </dd>
        <dt>Opens</dt>
        <dd>{survey.opensOn ? <Day day={survey.opensOn} /> : 'When opened by hand'}</dd>
        <dt>Closes</dt>
        <dd>
          {survey.closesOn ? (
            <>
              After <Day day={survey.closesOn} />
            </>
          ) : (
            'When closed by hand'
          )}
        </dd>
      </dl>
      <h2>What it asks</h2>
      <p>
        The fixed questions every survey asks, so periods compare: how likely people are to
        recommend the platform, satisfaction and effort for each capability their team uses, mental
        effort, hours lost each week, a comment and the one thing to fix.
      </p>
      {survey.questions.length > 0 ? (
        <>
          <h3>Its own questions (not comparable across periods)</h3>
          <ol>
            {survey.questions.map((q) => (
              <li>
                {q.prompt}{' '}
                <span class="muted">
                  ({q.kind === 'rating' ? 'a rating from 1 to 5' : 'their own words'}
                  {q.required ? ', required' : ''})
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {manager ? (
        <div class="row-actions">
          <a class="button" href={surveyPath(survey.id, '/open')}>
            Open {survey.title}…
          </a>
          <a href={surveyPath(survey.id, '/edit')}>Edit the draft</a>
        </div>
      ) : null}
    </>,
  );
}
