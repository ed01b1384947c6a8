// The adoption ledger on a capability page: each team's state, and the
// history of changes, newest first.

import { DataTable, DateText } from '../core/ui/components.tsx';
import type { Team } from '../org/model.ts';
import {
  ADOPTION_STATES,
  type AdoptionEvent,
  type AdoptionState,
  type Capability,
} from './model.ts';
import { capabilityPath, STATE_WORDS, Tag, teamPath } from './pages-shared.tsx';
import type { LedgerState } from './store.ts';

function TeamLink({ team }: { team: Team | undefined }) {
  return team ? (
    <a href={teamPath(team.slug)}>{team.name}</a>
  ) : (
    <span class="muted">A team no longer listed</span>
  );
}

/** The reason label and any words the team added. */
export function Why(props: {
  reason: string | null;
  text: string | null;
  reasons: Map<string, string>;
}) {
  if (!props.reason && !props.text) return <>—</>;
  const label = props.reason ? (props.reasons.get(props.reason) ?? props.reason) : null;
  return (
    <>
      {label}
      {label && props.text ? ': ' : null}
      {props.text}
    </>
  );
}

/** How many teams a capability page lists before it sums up and links to the full list. */
export const TEAMS_SHOWN = 10;

/** Teams by name, so a list is in the same order on every page of it. */
export function byTeamName(teams: Map<string, Team>) {
  return (a: LedgerState, b: LedgerState) =>
    (teams.get(a.teamId)?.name ?? '').localeCompare(teams.get(b.teamId)?.name ?? '') ||
    a.teamId.localeCompare(b.teamId);
}

/** How many teams are in each state, in the states' own order; states no team is in are left out. */
export function stateCounts(
  states: readonly LedgerState[],
): { state: AdoptionState; teams: number }[] {
  const counts = new Map<AdoptionState, number>();
  for (const s of states) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return ADOPTION_STATES.flatMap((state) =>
    counts.has(state) ? [{ state, teams: counts.get(state)! }] : [],
  );
}

const teamsWord = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'team' : 'teams'}`;

/** The rows of a list of team choices. */
export function ChoicesTable(props: {
  caption: string;
  rows: LedgerState[];
  teams: Map<string, Team>;
  reasons: Map<string, string>;
  empty: string;
}) {
  const { teams, reasons } = props;
  return (
    <DataTable
      caption={props.caption}
      rows={props.rows}
      empty={props.empty}
      columns={[
        { label: 'Team', cell: (s) => <TeamLink team={teams.get(s.teamId)} /> },
        { label: 'State', cell: (s) => <Tag>{STATE_WORDS[s.state]}</Tag> },
        { label: 'Since', cell: (s) => (s.since ? <DateText iso={s.since} /> : '—') },
        {
          label: 'Why',
          cell: (s) => <Why reason={s.reason} text={s.reasonText} reasons={reasons} />,
        },
        { label: 'Uses instead', cell: (s) => s.alternative ?? '—' },
      ]}
    />
  );
}

/** "12 other teams have not recorded anything about it." */
export function Untouched({ count }: { count: number }) {
  return count > 0 ? (
    <p class="muted">
      {count.toLocaleString('en-GB')} other {count === 1 ? 'team has' : 'teams have'} not recorded
      anything about it.
    </p>
  ) : null;
}

/**
 * What each team chose, on the capability page: every team by name while
 * they are few; past TEAMS_SHOWN, how many chose what, the latest choices and
 * a link to the full list, so the page stays the same size in any organisation.
 */
export function AdoptionTable(props: {
  capability: Capability;
  states: LedgerState[];
  teams: Map<string, Team>;
  reasons: Map<string, string>;
  /** Active teams without any change recorded. */
  untouched: number;
}) {
  const { capability, teams, reasons, states } = props;
  const few = states.length <= TEAMS_SHOWN;
  const rows = few
    ? [...states].sort(byTeamName(teams))
    : [...states]
        .sort((a, b) => (b.since ?? '').localeCompare(a.since ?? '') || byTeamName(teams)(a, b))
        .slice(0, TEAMS_SHOWN);
  const listHref = capabilityPath(capability.slug, '/teams');
  return (
    <section aria-labelledby="by-team">
      <h2 id="by-team">What each team chose</h2>
      {few ? null : (
        <DataTable
          caption={`How many teams chose what about ${capability.name}`}
          rows={stateCounts(states)}
          columns={[
            {
              label: 'State',
              cell: (r) => (
                <a href={`${listHref}?state=${encodeURIComponent(r.state)}`}>
                  {STATE_WORDS[r.state]}
                </a>
              ),
            },
            { label: 'Teams', numeric: true, cell: (r) => r.teams.toLocaleString('en-GB') },
          ]}
        />
      )}
      <ChoicesTable
        caption={few ? `Teams and ${capability.name}` : `The ${TEAMS_SHOWN} latest choices`}
        rows={rows}
        teams={teams}
        reasons={reasons}
        empty={`No team has tried, adopted or declined ${capability.name} yet.`}
      />
      {few ? null : (
        <p>
          <a href={listHref}>
            See what each of the {teamsWord(states.length)} chose about {capability.name}
          </a>
        </p>
      )}
      <Untouched count={props.untouched} />
    </section>
  );
}

/** Changes to teams' adoption, newest first, with who recorded each. */
export function HistoryTable(props: {
  events: AdoptionEvent[];
  teams: Map<string, Team>;
  reasons: Map<string, string>;
  names: Map<string, string>;
  olderHref: string | null;
}) {
  const { teams, reasons, names } = props;
  const who = (e: AdoptionEvent) => {
    if (!e.actorId) return e.exceptionId ? 'paved, when the exception ended' : '—';
    const name = names.get(e.actorId) ?? 'A former user';
    return e.onBehalf ? `${name}, for the team` : name;
  };
  return (
    <section aria-labelledby="history">
      <h2 id="history">History</h2>
      <DataTable
        caption="Changes, newest first"
        rows={props.events}
        empty="Nothing has changed yet. Every change a team records shows here, and is never rewritten."
        columns={[
          { label: 'When', cell: (e) => <DateText iso={e.at} /> },
          { label: 'Team', cell: (e) => <TeamLink team={teams.get(e.teamId)} /> },
          { label: 'Change', cell: (e) => `${STATE_WORDS[e.from]} → ${STATE_WORDS[e.to]}` },
          {
            label: 'Why',
            cell: (e) => <Why reason={e.reason} text={e.reasonText} reasons={reasons} />,
          },
          { label: 'Uses instead', cell: (e) => e.alternative ?? '—' },
          {
            label: 'Recorded by',
            cell: (e) =>
              e.exceptionId ? (
                <a href={`/exceptions/${encodeURIComponent(e.exceptionId)}`}>{who(e)}</a>
              ) : (
                who(e)
              ),
          },
        ]}
      />
      {props.olderHref ? (
        <p>
          <a href={props.olderHref}>Older changes</a>
        </p>
      ) : null}
    </section>
  );
}
