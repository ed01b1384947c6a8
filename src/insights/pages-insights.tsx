// `/insights`: where the platform team and leaders see the whole product at
// once — the quarterly report, the mandate–choice matrix, betas, research and
// office hours — each with a line saying what it is.

import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { renderPage } from '../core/ui/page.tsx';
import { periodWords } from '../surveys/words.ts';
import { latestCompletedQuarter } from './report.ts';
import { reportPath } from './report-content.ts';

export const INSIGHTS_PATH = '/insights';

interface Entry {
  href: string;
  title: string;
  what: string;
}

/** The insights index page. */
export function registerInsightsIndex(web: Hono<AppEnv>, _deps: Deps): void {
  web.get(INSIGHTS_PATH, policy('insights.read'), (c) => {
    const latest = latestCompletedQuarter();
    const research = can(c.get('actor'), 'research.read');
    const entries: Entry[] = [
      {
        href: reportPath(latest),
        title: `Platform report, ${periodWords(latest)}`,
        what: 'The latest quarter in one printable page: satisfaction, what developers said, what the platform team did and what comes next.',
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
