// The "Your team" box of a capability page: the team's state and the moves
// the state machine allows and the viewer may make.

import type { Db } from '../core/db/index.ts';
import { type Actor, can } from '../core/policy.ts';
import { DateText, Form } from '../core/ui/components.tsx';
import type { Team } from '../org/model.ts';
import {
  type AdoptionState,
  type Capability,
  CHOSEN_STATES,
  type ExceptionRequest,
  type Mandate,
  transitionProblem,
} from './model.ts';
import { capabilityPath, STATE_WORDS, STATUS_WORDS, Tag } from './pages-shared.tsx';
import { isEligible } from './service.ts';
import { type LedgerState, ledgerState, listExceptions } from './store.ts';

type Move = (typeof CHOSEN_STATES)[number];

/**
 * The states a team may move to by hand from `from`: the state machine's
 * answer (with a reason given, so only the transition itself counts), and no
 * taking up an idea or a retired capability.
 */
export function allowedMoves(from: AdoptionState, capability: Capability): Move[] {
  return CHOSEN_STATES.filter((to) => {
    if ((to === 'trial' || to === 'adopted') && ['idea', 'retired'].includes(capability.stage)) {
      return false;
    }
    return (
      transitionProblem({
        from,
        to,
        obligation: capability.obligation,
        reason: 'other',
        alternative: 'other',
      }) === null
    );
  });
}

/** What a button or link for a move says, with the capability's name. */
export function moveLabel(to: AdoptionState, name: string): string {
  switch (to) {
    case 'trial':
      return `Try ${name}`;
    case 'adopted':
      return `Adopt ${name}`;
    case 'left':
      return `Leave ${name}`;
    case 'opted-out':
      return `Opt out of ${name}`;
    default:
      return `Move to ${STATE_WORDS[to]}`;
  }
}

export interface TeamBoxData {
  team: Team;
  state: LedgerState;
  moves: Move[];
  eligible: boolean;
  mayChange: boolean;
  mayRequest: boolean;
  exceptions: ExceptionRequest[];
}

/** Everything the box shows for one team. */
export async function teamBoxData(
  db: Db,
  actor: Actor | null,
  capability: Capability,
  team: Team,
): Promise<TeamBoxData> {
  const state = await ledgerState(db, team.id, capability.id);
  const eligible = await isEligible(db, capability, team.id);
  const mayChange = can(actor, 'adoption.change', { teamId: team.id });
  const exceptions = await listExceptions(db, {
    capabilityId: capability.id,
    teamIds: [team.id],
    status: ['pending', 'escalated', 'approved'],
    limit: 20,
  });
  return {
    team,
    state,
    eligible,
    mayChange,
    mayRequest: can(actor, 'exception.request', { teamId: team.id }),
    moves: eligible && mayChange ? allowedMoves(state.state, capability) : [],
    exceptions: exceptions.items,
  };
}

/** The viewer's team's state for a capability and what it can do next. */
export function TeamBox(props: {
  capability: Capability;
  mandate: Mandate | undefined;
  data: TeamBoxData | null;
  /** True when the viewer may act for teams besides (or instead of) their own. */
  otherTeams: boolean;
  csrfToken: string | null;
}) {
  const { capability, mandate, data, otherTeams, csrfToken } = props;
  const slug = capability.slug;
  const adoptionHref = (team: string, to: string) =>
    `${capabilityPath(slug, '/adoption')}?${new URLSearchParams({ team, to }).toString()}`;
  const exceptionHref = (team: string, kind: string) =>
    `/exceptions/new?${new URLSearchParams({ capability: slug, team, kind }).toString()}`;
  return (
    <section class="team-box" aria-labelledby="your-team">
      <h2 id="your-team">{data ? `Your team: ${data.team.name}` : 'Your team'}</h2>
      {data ? (
        <>
          <p>
            <Tag>{STATE_WORDS[data.state.state]}</Tag>
            {data.state.since ? (
              <>
                {' '}
                since <DateText iso={data.state.since} />
              </>
            ) : null}
            {data.state.alternative ? <> — uses {data.state.alternative} instead</> : null}
          </p>
          {data.eligible ? null : <p>{capability.name} is not offered to this team.</p>}
          {data.exceptions.map((e) => (
            <p>
              {e.kind === 'exception' ? 'Exception' : 'Policy challenge'}:{' '}
              <a href={`/exceptions/${encodeURIComponent(e.id)}`}>{STATUS_WORDS[e.status]}</a>
              {e.expiresOn ? (
                <>
                  , until <DateText iso={e.expiresOn} />
                </>
              ) : null}
            </p>
          ))}
          {data.moves.length > 0 ||
          (mandate && data.mayRequest && data.state.state !== 'exempt') ? (
            <div class="row-actions">
              {data.moves.map((to) =>
                to === 'trial' || to === 'adopted' ? (
                  <Form action={capabilityPath(slug, '/adoption')} csrfToken={csrfToken}>
                    <input type="hidden" name="team" value={data.team.slug} />
                    <input type="hidden" name="to" value={to} />
                    <button type="submit" class={to === 'trial' ? 'secondary' : undefined}>
                      {moveLabel(to, capability.name)}
                    </button>
                  </Form>
                ) : (
                  <a class="button secondary" href={adoptionHref(data.team.slug, to)}>
                    {moveLabel(to, capability.name)}
                  </a>
                ),
              )}
              {mandate && data.mayRequest && data.state.state !== 'exempt' ? (
                <a class="button secondary" href={exceptionHref(data.team.slug, 'exception')}>
                  Request an exception
                </a>
              ) : null}
            </div>
          ) : null}
          {mandate && data.mayRequest ? (
            <p>
              Think the rule itself is wrong?{' '}
              <a href={exceptionHref(data.team.slug, 'policy-change')}>
                Challenge the policy with your evidence
              </a>
              .
            </p>
          ) : null}
        </>
      ) : (
        <p>
          You are not in a team in paved, so there is no team state to show. Your account is linked
          to a team when the organisation import lists you with the same email.
        </p>
      )}
      {otherTeams ? (
        <p>
          <a href={capabilityPath(slug, '/adoption')}>Record a change for another team</a>
        </p>
      ) : null}
    </section>
  );
}
