// `/insights`: where the platform team and leaders see the whole product at
// once — the quarterly report, the mandate–choice matrix, betas, research and
// office hours — each with a line saying what it is.

import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { renderPage } from '../core/ui/page.tsx';
import { closedSurveyFor } from '../surveys/store.ts';
import { periodWords } from '../surveys/words.ts';
import { OPEN_BETA_STATUSES } from './betas-model.ts';
import { listBetas } from './betas-store.ts';
import { latestCompletedQuarter } from './report.ts';
import { reportPath } from './report-content.ts';

export const INSIGHTS_PATH = '/insights';

interface Entry {
  href: string;
  title: string;
  what: string;
  /** A headline number, when one is cheap to read. */
  figure?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The insights index page. */
export function registerInsightsIndex(web: Hono<AppEnv>, { handle }: Deps): void {
  web.get(INSIGHTS_PATH, policy('insights.read'), async (c) => {
    const latest = latestCompletedQuarter();
    const research = can(c.get('actor'), 'research.read');
    // Two cheap headline numbers: who answered the quarter's survey, and the betas under way.
    const [survey, betas] = await Promise.all([
      closedSurveyFor(handle.db, latest),
      listBetas(handle.db, { status: OPEN_BETA_STATUSES }),
    ]);
    const entries: Entry[] = [
      {
        href: reportPath(latest),
        title: `Platform report, ${periodWords(latest)}`,
        what: 'The latest quarter in one printable page: satisfaction, what developers said, what the platform team did and what comes next.',
        figure:
          survey && survey.responded !== null && survey.invited
            ? `${survey.title}: ${survey.responded} of ${plural(survey.invited, 'person', 'people')} asked answered.`
            : `No survey closed in ${periodWords(latest)}.`,
      },
      {
        href: '/report/quarters',
        title: 'Every quarterly report',
        what: 'Open the report of an earlier quarter, or the one still running.',
      },
      {
        href: '/matrix',
        title: 'Mandate–choice matrix',
        what: 'Every capability by whether it is required and whether developers are satisfied with it, with the action each quadrant calls for.',
      },
      {
        href: '/betas',
        title: 'Beta programs',
        what: 'New capabilities tried by a few volunteer teams first, their success criteria, and whether each graduated or goes round again.',
        figure: `${plural(betas.length, 'beta')} under way.`,
      },
      ...(research
        ? [
            {
              href: '/research',
              title: 'User research',
              what: 'Interviews, shadowing and usability tests, and the friction points they found, ranked by how often and how badly they hurt.',
            },
            {
              href: '/office-hours',
              title: 'Office hours',
              what: 'The weekly sessions, the problems teams brought, and how many were solved on the spot.',
            },
          ]
        : []),
    ];
    return renderPage(
      c,
      { title: 'Insights' },
      <>
        <h1>Insights</h1>
        <p class="lead">
          See the platform as a product: how developers find it, where it hurts, and what to do
          next.
        </p>
        <ul class="insights-index">
          {entries.map((e) => (
            <li>
              <a href={e.href}>{e.title}</a>
              <p>{e.what}</p>
              {e.figure ? <p class="muted">{e.figure}</p> : null}
            </li>
          ))}
        </ul>
        {research ? null : (
          <p class="note">
            Research notes and office hours are for the platform team and leaders, who act on them.
          </p>
        )}
      </>,
    );
  });
}
