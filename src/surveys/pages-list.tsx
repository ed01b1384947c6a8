// The survey list: every survey a person may see, whether they answered the
// open ones (never what), and for the platform team how many have not
// answered per team — only teams large enough to stay anonymous.

import type { Hono } from 'hono';
import { Conflict } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { DataTable, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import type { Survey } from './model.ts';
import {
  AUDIENCE_WORDS,
  ctxOf,
  Day,
  periodWords,
  STATE_WORDS,
  surveyPath,
} from './pages-shared.tsx';
import {
  listSurveysFor,
  openSurveysFor,
  remindNonRespondents,
  type SurveyProgress,
  surveyProgress,
} from './service.ts';

const PAGE_SIZE = 50;

const DONE: Record<string, string> = {
  created: 'The draft survey is saved. Open it when it is ready.',
  opened: 'The survey is open. Everyone it asks sees it on their home page.',
  closed: 'The survey is closed, and its results are ready.',
};

type Mine = 'answered' | 'not-answered' | 'not-asked';

export function registerSurveyListPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/surveys', policy('survey.read'), async (c) => {
    const actor = c.get('actor')!;
    const manager = can(actor, 'survey.manage');
    const cursor = c.req.query('cursor') || undefined;
    const page = await listSurveysFor(db, actor, { limit: PAGE_SIZE, cursor });
    const mine = new Map<string, Mine>();
    for (const b of await openSurveysFor(deps, actor)) {
      mine.set(b.survey.id, b.answered ? 'answered' : 'not-answered');
    }
    const progress: { survey: Survey; progress: SurveyProgress }[] = [];
    if (manager) {
      for (const survey of page.items.filter((s) => s.state === 'open')) {
        progress.push({ survey, progress: await surveyProgress(deps, ctxOf(c), survey.id) });
      }
    }
    const teamNames = new Map(
      (await listTeams(db, { includeInactive: true })).map((t) => [t.id, t.name]),
    );
    const done = DONE[c.req.query('done') ?? ''];
    const reminded = c.req.query('reminded');
    return renderPage(
      c,
      { title: 'Surveys' },
      <>
        <h1>Surveys</h1>
        <p class="lead">
          Answer the open platform survey, and read what everyone said once a survey closes.
        </p>
        {done ? <Notice>{done}</Notice> : null}
        {reminded !== undefined ? (
          <Notice>
            {reminded === '0'
              ? 'Nobody needed a reminder by email.'
              : `Reminders went to ${reminded} ${reminded === '1' ? 'person' : 'people'} who have not answered.`}
          </Notice>
        ) : null}
        {manager ? (
          <p>
            <a class="button" href="/surveys/new">
              Create a survey
            </a>
          </p>
        ) : null}
        <DataTable
          caption="Surveys, newest first"
          rows={page.items}
          empty={
            manager ? (
              <>
                No surveys yet. <a href="/surveys/new">Create the first survey</a> to ask developers
                how the platform works for them.
              </>
            ) : (
              'No surveys yet. When the platform team opens one, it shows here and on your home page.'
            )
          }
          columns={[
            { label: 'Survey', cell: (s) => <a href={surveyPath(s.id)}>{s.title}</a> },
            { label: 'Period', cell: (s) => periodWords(s.period) },
            { label: 'Status', cell: (s) => <span class="status">{STATE_WORDS[s.state]}</span> },
            {
              label: 'Who is asked',
              cell: (s) =>
                s.audience === 'all'
                  ? AUDIENCE_WORDS.all
                  : s.teamIds
                      .map((id) => teamNames.get(id) ?? 'A former team')
                      .sort((a, b) => a.localeCompare(b))
                      .join(', '),
            },
            {
              label: 'Closes on',
              cell: (s) => (s.closesOn ? <Day day={s.closesOn} /> : 'When closed by hand'),
            },
            { label: 'You', cell: (s) => <YouCell survey={s} mine={mine.get(s.id)} /> },
          ]}
        />
        {page.nextCursor ? (
          <p>
            <a href={`/surveys?${new URLSearchParams({ cursor: page.nextCursor }).toString()}`}>
              Older surveys
            </a>
          </p>
        ) : null}
        {progress.length > 0 ? (
          <section aria-labelledby="progress-title">
            <h2 id="progress-title">Answers still missing</h2>
            <p>
              How many people have not answered yet, per team. Only teams large enough to keep
              answers anonymous are listed; paved never shows who answered, or when.
            </p>
            {progress.map(({ survey, progress: p }) => (
              <>
                <h3>{survey.title}</h3>
                <p>
                  {p.answered === null
                    ? `${p.invited} people asked.`
                    : `${p.answered} of ${p.invited} people asked have answered.`}
                </p>
                <DataTable
                  caption={`${survey.title}: people who have not answered, by team`}
                  rows={p.teams
                    .map((t) => ({ ...t, name: teamNames.get(t.teamId) ?? 'A former team' }))
                    .sort((a, b) => a.name.localeCompare(b.name))}
                  empty="No team is large enough to show on its own yet."
                  columns={[
                    { label: 'Team', cell: (t) => t.name },
                    { label: 'People asked', numeric: true, cell: (t) => t.invited },
                    { label: 'Not answered yet', numeric: true, cell: (t) => t.notAnswered },
                  ]}
                />
                <div class="row-actions">
                  <Form action={surveyPath(survey.id, '/remind')} csrfToken={c.get('csrfToken')}>
                    <button type="submit" class="secondary">
                      Email a reminder to everyone who has not answered
                    </button>
                  </Form>
                  <a href={surveyPath(survey.id, '/close')}>Close {survey.title}…</a>
                </div>
              </>
            ))}
          </section>
        ) : null}
        <h2>Pulses</h2>
        <p>
          A pulse is one quick rating right after you use a capability.{' '}
          <a href="/pulses">See pulse results by capability</a>.
        </p>
      </>,
    );
  });

  web.post('/surveys/:id/remind', policy('survey.manage'), async (c) => {
    const id = c.req.param('id');
    try {
      const { sent } = await remindNonRespondents(deps, ctxOf(c), id);
      return c.redirect(`/surveys?reminded=${sent}`, 303);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return renderPage(
        c,
        { title: 'No reminder sent', status: 409 },
        <>
          <h1>No reminder sent</h1>
          <p class="lead">{error.message}</p>
          <p>
            <a href="/surveys">Go back to the surveys</a>
          </p>
        </>,
      );
    }
  });
}

function YouCell({ survey, mine }: { survey: Survey; mine: Mine | undefined }) {
  if (survey.state === 'closed') return <a href={surveyPath(survey.id, '/results')}>Results</a>;
  if (survey.state === 'draft') return <a href={surveyPath(survey.id, '/edit')}>Edit the draft</a>;
  if (mine === 'answered') return <>You answered</>;
  if (mine === 'not-answered') return <a href={surveyPath(survey.id)}>Answer now</a>;
  return <span class="muted">Not asked</span>;
}
