import type { Context, Hono } from 'hono';
import { ctxOf, formErrors, readForm, teamsFor } from '../capabilities/pages-shared.tsx';
import { listReasons } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { type FieldError, Forbidden, InvalidInput, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { DataTable, DateText, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getTeamBySlug } from '../org/store.ts';
import {
  type BetaDetail,
  type BetaSummary,
  betaDetail,
  betaOrThrow,
  canReview,
  joinBeta,
  leaveBeta,
  listBetaSummaries,
  reviewBeta,
  startBeta,
} from './betas.ts';
import { REVIEW_OUTCOMES, type ReviewOutcome } from './betas-model.ts';
import { leavePage, reviewPage } from './pages-betas-actions.tsx';
import { type DetailProps, detailPage } from './pages-betas-detail.tsx';
import { fromNewForm, newBetaDefaults, newBetaPage } from './pages-betas-new.tsx';
import { betaPath, StatusTag } from './pages-betas-shared.tsx';

const today = () => new Date().toISOString().slice(0, 10);

/** The betas pages: the list, the form to start one, one beta, leaving it and reviewing it. */
export function registerBetasPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/betas', policy('beta.read'), async (c) =>
    listPage(c, await listBetaSummaries(db), can(c.get('actor'), 'beta.manage')),
  );

  web.get('/betas/new', policy('beta.manage'), (c) =>
    newBetaPage(c, db, newBetaDefaults(today(), c.req.query('capability')), []),
  );

  web.post('/betas', policy('beta.manage'), async (c) => {
    const values = await readForm(c);
    const { input, errors, fieldOf } = fromNewForm(values);
    if (errors.length > 0) return newBetaPage(c, db, values, errors, 400);
    try {
      const beta = await startBeta(db, ctxOf(c), input);
      return c.redirect(`${betaPath(beta.id)}?done=started`, 303);
    } catch (error) {
      const problems = formErrors(error, 'capability');
      if (!problems) throw error;
      const named = problems.map((e) => ({ ...e, path: fieldOf(e.path) }));
      return newBetaPage(c, db, values, named, error instanceof InvalidInput ? 400 : 409);
    }
  });

  web.get('/betas/:id', policy('beta.read'), async (c) => {
    const survey = c.req.query('survey') || undefined;
    const detail = await betaDetail(db, c.req.param('id'), { surveyId: survey }).catch(
      (error: unknown) => {
        // An unknown survey in the chooser: show the latest instead of an error page.
        if (error instanceof InvalidInput && survey) return betaDetail(db, c.req.param('id'));
        throw error;
      },
    );
    return detailPage(c, await detailProps(c, db, detail));
  });

  web.post('/betas/:id/join', policy('beta.read'), async (c) => {
    const id = c.req.param('id');
    await betaOrThrow(db, id);
    const values = await readForm(c);
    const team = values.team ? await getTeamBySlug(db, values.team) : undefined;
    const again = async (errors: FieldError[], status: 400 | 409) =>
      detailPage(
        c,
        { ...(await detailProps(c, db, await betaDetail(db, id))), values, errors },
        status,
      );
    if (!team || team.inactiveSince) {
      return again([{ path: 'team', message: 'Choose the team that joins.' }], 400);
    }
    try {
      await joinBeta(db, ctxOf(c), id, { teamId: team.id });
    } catch (error) {
      const problems = formErrors(error, 'join');
      if (!problems) throw error;
      return again(problems, error instanceof InvalidInput ? 400 : 409);
    }
    return c.redirect(`${betaPath(id)}?done=joined`, 303);
  });

  web.get('/betas/:id/leave', policy('beta.read'), async (c) => {
    const detail = await betaDetail(db, c.req.param('id'));
    const team = await leavingTeam(c, db, detail, c.req.query('team'));
    const reasons = await listReasons(db);
    return leavePage(c, { detail, team, reasons, values: {}, errors: [] });
  });

  web.post('/betas/:id/leave', policy('beta.read'), async (c) => {
    const id = c.req.param('id');
    const values = await readForm(c);
    const detail = await betaDetail(db, id);
    const team = await leavingTeam(c, db, detail, values.team);
    try {
      await leaveBeta(db, ctxOf(c), id, {
        teamId: team.id,
        reason: values.reason ?? '',
        reasonText: values.reasonText || null,
        alternative: values.alternative ?? '',
      });
    } catch (error) {
      const problems = formErrors(error, 'reason');
      if (!problems) throw error;
      const reasons = await listReasons(db);
      const status = error instanceof InvalidInput ? 400 : 409;
      return leavePage(c, { detail, team, reasons, values, errors: problems }, status);
    }
    return c.redirect(`${betaPath(id)}?done=left`, 303);
  });

  web.get('/betas/:id/review', policy('beta.read'), async (c) => {
    const detail = await reviewable(c, db);
    const outcome = outcomeOf(c.req.query('outcome'));
    return reviewPage(c, { detail, outcome, values: {}, errors: [] });
  });

  web.post('/betas/:id/review', policy('beta.read'), async (c) => {
    const detail = await reviewable(c, db);
    const values = await readForm(c);
    const outcome = outcomeOf(values.outcome);
    try {
      await reviewBeta(db, ctxOf(c), detail.id, {
        outcome,
        rationale: values.rationale ?? '',
        nextReviewOn: outcome === 'iterate' ? values.nextReviewOn || null : null,
      });
    } catch (error) {
      const problems = formErrors(error, 'rationale');
      if (!problems) throw error;
      const status = error instanceof InvalidInput ? 400 : 409;
      return reviewPage(c, { detail, outcome, values, errors: problems }, status);
    }
    const done = outcome === 'graduate' ? 'graduated' : 'iterated';
    return c.redirect(`${betaPath(detail.id)}?done=${done}`, 303);
  });
}

const outcomeOf = (value: string | undefined): ReviewOutcome =>
  REVIEW_OUTCOMES.find((o) => o === value) ?? 'graduate';

async function detailProps(c: Context<AppEnv>, db: Db, detail: BetaDetail): Promise<DetailProps> {
  const actor = c.get('actor');
  return {
    detail,
    teams: await teamsFor(db, actor, 'adoption.change'),
    canReview: await canReview(db, actor, await betaOrThrow(db, detail.id)),
    today: today(),
    csrfToken: c.get('csrfToken'),
    ownTeamId: actor?.teamId ?? null,
  };
}

/** The team leaving: one of the actor's teams that is in the beta now. */
async function leavingTeam(c: Context<AppEnv>, db: Db, detail: BetaDetail, slug?: string) {
  const mine = await teamsFor(db, c.get('actor'), 'adoption.change');
  const inBeta = detail.teamList.filter((t) => t.state === 'trial' || t.state === 'adopted');
  const team =
    mine.find((t) => t.slug === slug && inBeta.some((b) => b.team.id === t.id)) ??
    (slug ? undefined : mine.find((t) => inBeta.some((b) => b.team.id === t.id)));
  if (!team) {
    throw new NotFound(
      'None of your teams is in this beta now, so there is nothing to leave. Go back to the beta to join it.',
    );
  }
  return team;
}

/** The beta, for its decider, while it can still be reviewed. */
async function reviewable(c: Context<AppEnv>, db: Db): Promise<BetaDetail> {
  const beta = await betaOrThrow(db, c.req.param('id') ?? '');
  if (!(await canReview(db, c.get('actor'), beta))) {
    throw new Forbidden('Only the decider for this beta’s decision category can review it.');
  }
  if (beta.status === 'graduated') {
    throw new NotFound('This beta has graduated; there is nothing left to review.');
  }
  return betaDetail(db, beta.id);
}

const DONE_LIST: Record<string, string> = {};

function listPage(c: Context<AppEnv>, betas: BetaSummary[], canStart: boolean) {
  const done = DONE_LIST[c.req.query('done') ?? ''];
  return renderPage(
    c,
    { title: 'Beta programs' },
    <>
      <h1>Beta programs</h1>
      <p class="lead">
        New capabilities go to a few volunteer teams first. See how each beta is doing against its
        success criteria, and join one with your team.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      {canStart ? (
        <p>
          <a href="/betas/new">Start a beta program</a>
        </p>
      ) : null}
      <DataTable
        caption="Beta programs, the latest start first"
        rows={betas}
        empty={
          <p>
            No beta programs yet.{' '}
            {canStart ? (
              <a href="/betas/new">Start one for a capability in beta</a>
            ) : (
              'The platform team starts one when a capability is ready for volunteer teams.'
            )}
          </p>
        }
        columns={[
          {
            label: 'Capability',
            cell: (b) => <a href={betaPath(b.id)}>{b.capability.name}</a>,
          },
          { label: 'Status', cell: (b) => <StatusTag status={b.status} /> },
          {
            label: 'Teams (of target)',
            cell: (b) => `${b.activeTeams} of ${b.targetTeams}`,
            numeric: true,
          },
          {
            label: 'Review',
            cell: (b) => (b.status === 'graduated' ? 'Done' : <DateText iso={b.reviewOn} />),
          },
          { label: 'Criteria', cell: (b) => b.criteriaSummary },
        ]}
      />
    </>,
  );
}
