// The adoption ledger on a capability page: each team's state, and the
// history of changes, newest first.

import { DataTable, DateText } from '../core/ui/components.tsx';
import type { Team } from '../org/model.ts';
import type { AdoptionEvent, Capability } from './model.ts';
import { STATE_WORDS, Tag, teamPath } from './pages-shared.tsx';
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

/** Every team that has a state for the capability, by team name. */
export function AdoptionTable(props: {
  capability: Capability;
  states: LedgerState[];
  teams: Map<string, Team>;
  reasons: Map<string, string>;
  /** Active teams without any change recorded. */
  untouched: number;
}) {
  const { capability, teams, reasons } = props;
  const rows = [...props.states].sort((a, b) =>
    (teams.get(a.teamId)?.name ?? '').localeCompare(teams.get(b.teamId)?.name ?? ''),
  );
  return (
    <section aria-labelledby="by-team">
      <h2 id="by-team">What each team chose</h2>
      <DataTable
        caption={`Teams and ${capability.name}`}
        rows={rows}
        empty={`No team has tried, adopted or declined ${capability.name} yet.`}
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
      {props.untouched > 0 ? (
        <p class="muted">
          {props.untouched} other {props.untouched === 1 ? 'team has' : 'teams have'} not recorded
          anything about it.
        </p>
      ) : null}
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
