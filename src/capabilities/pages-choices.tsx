// Every team's latest choice about one capability, by team name, a page at a
// time: the full list the capability page sums up once there are many teams.

import type { Hono } from 'hono';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { ADOPTION_STATES, type AdoptionState } from './model.ts';
import { byTeamName, ChoicesTable, stateCounts, Untouched } from './pages-ledger.tsx';
import { capabilityPath, STATE_WORDS } from './pages-shared.tsx';
import { capabilityOrThrow } from './service.ts';
import { ledgerStates, listReasons } from './store.ts';

/** Teams a page of the list shows. */
export const CHOICES_PAGE = 50;

const isState = (v: string | undefined): v is AdoptionState =>
  ADOPTION_STATES.includes(v as AdoptionState);

export function registerChoicesPage(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/capabilities/:slug/teams', policy('capability.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const askedState = c.req.query('state');
    const state = isState(askedState) ? askedState : undefined;
    const teams = await listTeams(db, { includeInactive: true });
    const teamsById = new Map(teams.map((t) => [t.id, t]));
    const states = await ledgerStates(db, { capabilityId: capability.id });
    const reasons = new Map((await listReasons(db)).map((r) => [r.key, r.label]));
    const matching = states.filter((s) => !state || s.state === state).sort(byTeamName(teamsById));
    const pages = Math.max(1, Math.ceil(matching.length / CHOICES_PAGE));
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10);
    const page = Math.min(Math.max(Number.isInteger(asked) ? asked : 1, 1), pages);
    const rows = matching.slice((page - 1) * CHOICES_PAGE, page * CHOICES_PAGE);
    const first = (page - 1) * CHOICES_PAGE + 1;
    const base = capabilityPath(capability.slug, '/teams');
    const href = (change: { page?: number; state?: AdoptionState | null }) => {
      const params = new URLSearchParams();
      const s = change.state === null ? undefined : (change.state ?? state);
      if (s) params.set('state', s);
      const p = change.page ?? 1;
      if (p > 1) params.set('page', String(p));
      const q = params.toString();
      return q ? `${base}?${q}` : base;
    };
    const untouched =
      capability.eligibleTeamIds.length === 0
        ? teams.filter((t) => !t.inactiveSince && !states.some((s) => s.teamId === t.id)).length
        : 0;
    const n = (v: number) => v.toLocaleString('en-GB');
    const title = `What each team chose about ${capability.name}`;
    return renderPage(
      c,
      { title: page > 1 ? `${title}, page ${page}` : title },
      <>
        <h1>{title}</h1>
        <p class="lead">
          Each team’s latest choice, by team name, {CHOICES_PAGE} teams a page. How choices changed
          over time is in the history on the{' '}
          <a href={`${capabilityPath(capability.slug)}#history`}>{capability.name}</a> page.
        </p>
        <nav aria-label="Teams by what they chose">
          <ul class="inline-list">
            <li>
              <a href={href({ state: null })} aria-current={state ? undefined : 'true'}>
                Every team ({n(states.length)})
              </a>
            </li>
            {stateCounts(states).map((r) => (
              <li>
                <a
                  href={href({ state: r.state })}
                  aria-current={r.state === state ? 'true' : undefined}
                >
                  {STATE_WORDS[r.state]} ({n(r.teams)})
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <ChoicesTable
          caption={`${state ? `Teams ${STATE_WORDS[state].toLowerCase()}` : 'Teams'} and ${capability.name}${
            matching.length > 0 && pages > 1
              ? `, ${n(first)} to ${n(first + rows.length - 1)} of ${n(matching.length)}`
              : ''
          }`}
          rows={rows}
          teams={teamsById}
          reasons={reasons}
          empty={
            state
              ? `No team is in the state “${STATE_WORDS[state]}” for ${capability.name}.`
              : `No team has tried, adopted or declined ${capability.name} yet.`
          }
        />
        {pages > 1 ? (
          <nav aria-label="Pages of teams">
            <p>
              Page {page} of {pages}.
            </p>
            <ul class="inline-list">
              {page > 1 ? (
                <li>
                  <a href={href({ page: page - 1 })} rel="prev">
                    Previous {CHOICES_PAGE} teams
                  </a>
                </li>
              ) : null}
              {page < pages ? (
                <li>
                  <a href={href({ page: page + 1 })} rel="next">
                    Next {CHOICES_PAGE} teams
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
        {state ? null : <Untouched count={untouched} />}
        <p>
          <a href={capabilityPath(capability.slug)}>Back to {capability.name}</a>
        </p>
      </>,
    );
  });
}
