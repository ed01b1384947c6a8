// One beta program's page: its criteria with their evaluation, the volunteer
// teams with join and leave, the beta teams' satisfaction against everyone
// else's, their feedback and moves, the reviews, and the decider's review form.

import type { Context } from 'hono';
import { capabilityPath, STATE_WORDS, teamPath } from '../capabilities/pages-shared.tsx';
import type { FieldError } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { statusLabel } from '../feedback/model.ts';
import type { Team } from '../org/model.ts';
import type { BetaDetail } from './betas.ts';
import { criterionText, usesIt } from './betas-model.ts';
import {
  answersOf,
  betaPath,
  HIDDEN_TEXT,
  StatusTag,
  TopBoxText,
  VerdictTag,
} from './pages-betas-shared.tsx';

const DONE: Record<string, string> = {
  started: 'The beta has started. Teams can join it from this page.',
  joined: 'Your team has joined the beta: it is recorded as trying the capability.',
  left: 'Your team has left the beta. Its reason and what it uses instead are in its history.',
  graduated:
    'Graduated: the capability is generally available. The decision is in the decision log.',
  iterated: 'The beta carries on to its new review date. The decision is in the decision log.',
};

const MOVE_WORDS: Record<string, string> = {
  trial: 'Joined (trying it)',
  adopted: 'Adopted it',
  left: 'Left',
  'opted-out': 'Opted out',
  none: 'Stopped',
  exempt: 'Exempt',
};

export interface DetailProps {
  detail: BetaDetail;
  /** Teams the viewer may join or leave for (their own and sub-teams; the platform: all). */
  teams: Team[];
  canReview: boolean;
  today: string;
  csrfToken: string | null;
  /** The viewer's own team, chosen first in the join form. */
  ownTeamId: string | null;
  values?: Record<string, string>;
  errors?: FieldError[];
}

/** The beta's page; with `errors` it answers a refused join with its summary on top. */
export function detailPage(c: Context<AppEnv>, props: DetailProps, status: 200 | 400 | 409 = 200) {
  const { detail: d } = props;
  const done = DONE[c.req.query('done') ?? ''];
  const open = d.status !== 'graduated';
  return renderPage(
    c,
    { title: `Beta: ${d.capability.name}`, status },
    <>
      <h1>Beta: {d.capability.name}</h1>
      <p class="lead">
        <StatusTag status={d.status} /> A few volunteer teams try{' '}
        <a href={capabilityPath(d.capability.slug)}>{d.capability.name}</a> before everyone;{' '}
        {d.decider.role === 'leader' ? 'leadership' : 'the platform team'} decides at review whether
        it graduates.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorSummary errors={props.errors ?? []} />
      <dl class="facts">
        <dt>Started</dt>
        <dd>
          <DateText iso={d.startsOn} />
        </dd>
        <dt>{open ? 'Review on' : 'Graduated'}</dt>
        <dd>
          {open ? (
            <DateText iso={d.reviewOn} />
          ) : (
            <DateText iso={d.reviews.at(-1)?.decidedAt ?? d.reviewOn} />
          )}
        </dd>
        <dt>Teams</dt>
        <dd>
          {d.activeTeams} using it of {d.teams} that joined; the beta looks for {d.targetTeams}
        </dd>
        <dt>Who decides</dt>
        <dd>
          {d.decider.label}: {d.decider.role === 'leader' ? 'leadership' : 'the platform team'}{' '}
          decides
        </dd>
      </dl>
      {d.notes ? <p>{d.notes}</p> : null}
      <Criteria detail={d} />
      <Teams {...props} />
      <Comparison detail={d} />
      <Feedback detail={d} />
      <Moves detail={d} />
      <Reviews detail={d} />
      {open && props.canReview ? <ReviewChoice detail={d} /> : null}
    </>,
  );
}

function Criteria({ detail: d }: { detail: BetaDetail }) {
  return (
    <section aria-labelledby="criteria">
      <h2 id="criteria">Success criteria</h2>
      <p>
        {d.criteriaSummary}
        {d.status === 'graduated' ? ', as measured when it graduated.' : ', measured now.'}
      </p>
      <DataTable
        caption="Each criterion and what the figures say"
        rows={d.criteria}
        empty={
          <p>This beta has no success criteria; its decider judges it on the figures below.</p>
        }
        columns={[
          { label: 'Criterion', cell: (c) => criterionText(c) },
          { label: 'Verdict', cell: (c) => <VerdictTag verdict={c.verdict} /> },
          {
            label: 'What the figures say',
            cell: (c) => (
              <>
                {c.explanation}
                {c.figures.kind === 'open-problems' && c.figures.items.length > 0 ? (
                  <ul>
                    {c.figures.items.map((i) => (
                      <li>
                        <a href={`/feedback/${encodeURIComponent(i.id)}`}>{i.title}</a>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function Teams(props: DetailProps) {
  const { detail: d, teams, today } = props;
  const inBeta = new Map(d.teamList.map((t) => [t.team.id, t]));
  const canJoin = teams.filter((t) => !inBeta.has(t.id) || !usesIt(inBeta.get(t.id)!.state));
  const canLeave = d.teamList.filter(
    (t) => usesIt(t.state) && teams.some((mine) => mine.id === t.team.id),
  );
  const open = d.status !== 'graduated';
  return (
    <section aria-labelledby="teams">
      <h2 id="teams">Volunteer teams</h2>
      <DataTable
        caption="Teams that joined, and where they are now"
        rows={d.teamList}
        empty={
          <p>
            No team has joined yet. A team joins by trying {d.capability.name} from the start of the
            beta.
          </p>
        }
        columns={[
          { label: 'Team', cell: (t) => <a href={teamPath(t.team.slug)}>{t.team.name}</a> },
          { label: 'Joined', cell: (t) => <DateText iso={t.joinedAt} /> },
          {
            label: open ? 'Now' : 'At graduation',
            cell: (t) => (
              <>
                {STATE_WORDS[t.state]} <span class="muted">since </span>
                <DateText iso={t.since} />
              </>
            ),
          },
        ]}
      />
      {open && canLeave.length > 0 ? (
        <ul>
          {canLeave.map((t) => (
            <li>
              <a href={`${betaPath(d.id, '/leave')}?team=${encodeURIComponent(t.team.slug)}`}>
                Leave the beta{canLeave.length > 1 ? ` (${t.team.name})` : ''}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {open && canJoin.length > 0 && today >= d.startsOn ? (
        <JoinForm {...props} teams={canJoin} />
      ) : null}
      {open && canJoin.length > 0 && today < d.startsOn ? (
        <p>
          Teams can join from <DateText iso={d.startsOn} />.
        </p>
      ) : null}
    </section>
  );
}

function JoinForm(props: DetailProps) {
  const { detail: d, teams, values, errors } = props;
  const own = teams.find((t) => t.id === props.ownTeamId);
  return (
    <Form action={betaPath(d.id, '/join')} csrfToken={props.csrfToken} class="inline-form">
      {teams.length === 1 ? (
        <input type="hidden" name="team" value={teams[0]!.slug} />
      ) : (
        <SelectField
          name="team"
          label="Team"
          hint="Your own team is chosen; you can also act for the teams within it."
          value={values?.team ?? own?.slug}
          error={errors?.find((e) => e.path === 'team')?.message}
          options={teams.map((t) => ({ value: t.slug, label: t.name }))}
        />
      )}
      <button type="submit" id="field-join">
        {own ? 'Join this beta with my team' : 'Join this beta with this team'}
      </button>
    </Form>
  );
}

function Comparison({ detail: d }: { detail: BetaDetail }) {
  const c = d.comparison;
  return (
    <section aria-labelledby="comparison">
      <h2 id="comparison">How beta teams rate it</h2>
      {c === null ? (
        <EmptyState>
          <p>
            No survey has closed yet. When one closes, the beta teams’ satisfaction shows here
            beside everyone else’s.
          </p>
        </EmptyState>
      ) : (
        <>
          <p>
            Share satisfied (4 or 5 of 5) in {c.survey.title}. Each group shows only with at least{' '}
            {c.k} answers, and never so that one could be worked out from the other.
          </p>
          {d.surveys.length > 1 ? (
            <form method="get" action={betaPath(d.id)} class="inline-form">
              <SelectField
                name="survey"
                label="Survey"
                value={c.survey.id}
                options={d.surveys.map((s) => ({ value: s.id, label: s.title }))}
              />
              <button type="submit">Compare in this survey</button>
            </form>
          ) : null}
          <DataTable
            caption={`Satisfaction with ${d.capability.name}, ${c.survey.title}`}
            rows={[
              { label: 'Beta teams', figure: c.beta },
              { label: 'Everyone else', figure: c.others },
            ]}
            columns={[
              { label: 'Group', cell: (r) => r.label },
              { label: 'Satisfied', cell: (r) => <TopBoxText figure={r.figure} />, numeric: true },
              { label: 'Answers', cell: (r) => answersOf(r.figure), numeric: true },
            ]}
          />
          {c.beta.status === 'hidden' || c.others.status === 'hidden' ? (
            <p>“Not shown”: {HIDDEN_TEXT}</p>
          ) : null}
          {c.unplaced.status === 'shown' ? (
            <p>
              {c.unplaced.n} answers are in neither group: they were stored for a larger group that
              holds beta teams and others, so nobody can tell which they came from.
            </p>
          ) : c.unplaced.status === 'hidden' ? (
            <p>
              Some answers are in neither group: they were stored for a larger group that holds beta
              teams and others, so nobody can tell which they came from.
            </p>
          ) : null}
        </>
      )}
      <h3>Pulses for the whole capability</h3>
      <p>Pulses carry no team, so they show for everyone who used it, per completed month.</p>
      <DataTable
        caption={`In-the-moment ratings of ${d.capability.name}`}
        rows={d.pulses}
        empty={<p>No completed month since the beta started has pulses yet.</p>}
        columns={[
          { label: 'Month', cell: (p) => p.month },
          { label: 'Rated 4 or 5', cell: (p) => <TopBoxText figure={p.rating} />, numeric: true },
          { label: 'Ratings', cell: (p) => answersOf(p.rating), numeric: true },
        ]}
      />
    </section>
  );
}

function Feedback({ detail: d }: { detail: BetaDetail }) {
  const n = d.feedback.length;
  return (
    <section aria-labelledby="feedback">
      <h2 id="feedback">Feedback from beta teams</h2>
      {n === 0 ? (
        <EmptyState>
          <p>
            No feedback from beta teams yet.{' '}
            <a href={`/feedback/new?capability=${encodeURIComponent(d.capability.slug)}`}>
              Tell the platform team what is getting in your way
            </a>
            .
          </p>
        </EmptyState>
      ) : (
        <>
          <p>
            {n} {n === 1 ? 'item' : 'items'} on {d.capability.name} from beta teams.
          </p>
          <ul>
            {d.feedback.map((f) => (
              <li>
                <a href={`/feedback/${encodeURIComponent(f.id)}`}>{f.title}</a>{' '}
                <span class="muted">
                  {f.kind}, {statusLabel(f.status).toLowerCase()}
                  {f.team ? `, ${f.team.name}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Moves({ detail: d }: { detail: BetaDetail }) {
  return (
    <section aria-labelledby="moves">
      <h2 id="moves">Joins and leaves</h2>
      <DataTable
        caption="What the beta teams did, newest first"
        rows={d.moves}
        empty={<p>Nothing yet: moves show here once a team joins.</p>}
        columns={[
          { label: 'When', cell: (m) => <DateText iso={m.at} /> },
          { label: 'Team', cell: (m) => m.team.name },
          { label: 'Move', cell: (m) => MOVE_WORDS[m.to] ?? m.to },
          {
            label: 'Why, and what instead',
            cell: (m) =>
              m.reason ? (
                <>
                  {m.reason}
                  {m.reasonText ? `: ${m.reasonText}` : ''}
                  {m.alternative ? ` (uses ${m.alternative} instead)` : ''}
                </>
              ) : (
                ''
              ),
          },
        ]}
      />
    </section>
  );
}

function Reviews({ detail: d }: { detail: BetaDetail }) {
  return (
    <section aria-labelledby="reviews">
      <h2 id="reviews">Reviews</h2>
      {d.reviews.length === 0 ? (
        <p>
          Not reviewed yet. The review is due on <DateText iso={d.reviewOn} />.
        </p>
      ) : (
        <ol>
          {d.reviews.map((r) => (
            <li>
              <p>
                <strong>{r.outcome === 'graduate' ? 'Graduated' : 'Iterate'}</strong> on{' '}
                <DateText iso={r.decidedAt} />
                {r.decider ? ` by ${r.decider}` : ''}
                {r.nextReviewOn ? (
                  <>
                    ; next review on <DateText iso={r.nextReviewOn} />
                  </>
                ) : null}
                .
              </p>
              <p>{r.rationale}</p>
              <p class="muted">
                Criteria then:{' '}
                {r.criteria.map((c) => `${criterionText(c)} — ${c.verdict}`).join('; ') || 'none'}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ReviewChoice({ detail: d }: { detail: BetaDetail }) {
  return (
    <section aria-labelledby="review">
      <h2 id="review">Review this beta</h2>
      <p>
        Graduate it (everyone can take it up) or keep iterating with a new review date. The next
        page asks for your rationale, which goes in the decision log.
      </p>
      <form method="get" action={betaPath(d.id, '/review')}>
        <fieldset class="radios">
          <legend>Your decision</legend>
          <div class="option">
            <input type="radio" id="outcome-graduate" name="outcome" value="graduate" checked />
            <label for="outcome-graduate">Graduate {d.capability.name}</label>
          </div>
          <div class="option">
            <input type="radio" id="outcome-iterate" name="outcome" value="iterate" />
            <label for="outcome-iterate">Iterate: keep it in beta</label>
          </div>
        </fieldset>
        <button type="submit">Continue</button>
      </form>
    </section>
  );
}
