import type { Context, Hono } from 'hono';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Team } from '../org/model.ts';
import { getTeamBySlug } from '../org/store.ts';
import {
  type AdoptionReason,
  type Capability,
  CHOSEN_STATES,
  STATES_NEEDING_REASON,
  transitionProblem,
} from './model.ts';
import {
  capabilityPath,
  ctxOf,
  errorFor,
  formErrors,
  readForm,
  STATE_WORDS,
  teamsFor,
} from './pages-shared.tsx';
import { moveLabel } from './pages-team-box.tsx';
import { capabilityOrThrow, changeAdoption } from './service.ts';
import { ledgerState, listReasons } from './store.ts';

type Move = (typeof CHOSEN_STATES)[number];
const isMove = (v: string | undefined): v is Move => CHOSEN_STATES.includes(v as Move);

/** What the change means for the team, said before it is made. */
function consequence(to: Move, name: string): string {
  switch (to) {
    case 'left':
      return `Your team will be recorded as having left ${name}, with your reason and what you use instead. The platform team sees why, and your team counts as one that migrated back. You can try or adopt it again at any time.`;
    case 'opted-out':
      return `Your team will be recorded as choosing not to use ${name}, with your reason and what you use instead, so the platform team learns what is missing. You can try or adopt it later at any time.`;
    case 'trial':
      return `Record that your team is trying ${name}. Later you can adopt it, or leave it and say why.`;
    default:
      return `Record that your team uses ${name}. If it stops working for you, you can leave it and say why.`;
  }
}

interface FormProps {
  capability: Capability;
  to: Move;
  teams: Team[];
  reasons: AdoptionReason[];
  values: Record<string, string>;
  errors: FieldError[];
  /** The chosen team's current state, when one team is chosen. */
  from: string | null;
}

/** Changing a team's adoption: the form, which for leaving and opting out is the confirmation. */
export function registerAdoptionPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/capabilities/:slug/adoption', policy('capability.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const teams = await teamsFor(db, c.get('actor'), 'adoption.change');
    const to = c.req.query('to');
    const team =
      teams.find((t) => t.slug === c.req.query('team')) ??
      teams.find((t) => t.id === c.get('actor')?.teamId) ??
      (teams.length === 1 ? teams[0] : undefined);
    if (teams.length === 0) return noTeamPage(c, capability);
    if (!isMove(to)) return choosePage(c, capability, teams, team);
    const refused =
      capability.obligation === 'mandatory' && (to === 'left' || to === 'opted-out')
        ? transitionProblem({ from: 'adopted', to, obligation: 'mandatory' })
        : null;
    if (refused) return mandatoryPage(c, capability, refused, team);
    const values = { team: team?.slug ?? '', to };
    const from = team ? (await ledgerState(db, team.id, capability.id)).state : null;
    const reasons = await listReasons(db);
    return formPage(c, { capability, to, teams, reasons, values, errors: [], from });
  });

  web.post('/capabilities/:slug/adoption', policy('capability.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const values = await readForm(c);
    const teams = await teamsFor(db, c.get('actor'), 'adoption.change');
    const reasons = await listReasons(db);
    const to: Move = isMove(values.to) ? values.to : 'adopted';
    const team = values.team ? await getTeamBySlug(db, values.team) : undefined;
    const errors: FieldError[] = [];
    if (!isMove(values.to)) errors.push({ path: 'to', message: 'Choose what the team does.' });
    if (!team || team.inactiveSince) {
      errors.push({ path: 'team', message: 'Choose the team this is for.' });
    }
    const again = async (problems: FieldError[], status: 400 | 409) => {
      const from = team ? (await ledgerState(db, team.id, capability.id)).state : null;
      return formPage(
        c,
        { capability, to, teams, reasons, values, errors: problems, from },
        status,
      );
    };
    if (errors.length > 0) return again(errors, 400);
    try {
      await changeAdoption(db, ctxOf(c), capability.slug, {
        teamId: team!.id,
        to,
        reason: values.reason || null,
        reasonText: values.reasonText || null,
        alternative: values.alternative || null,
      });
    } catch (error) {
      const problems = formErrors(error, 'to');
      if (!problems) throw error;
      return again(problems, error instanceof InvalidInput ? 400 : 409);
    }
    return c.redirect(`${capabilityPath(capability.slug)}?done=${to}`, 303);
  });
}

/** Step one when no change is named: which team, and what it does (a GET form, no script). */
function choosePage(
  c: Context<AppEnv>,
  capability: Capability,
  teams: Team[],
  team: Team | undefined,
) {
  // Leaving and opting out are not choices for a mandatory capability.
  const moves = CHOSEN_STATES.filter(
    (to) => capability.obligation === 'optional' || (to !== 'left' && to !== 'opted-out'),
  );
  return renderPage(
    c,
    { title: `Change a team’s use of ${capability.name}` },
    <>
      <h1>Change a team’s use of {capability.name}</h1>
      <p class="lead">Choose the team and what it does; the next page asks for anything else.</p>
      <form method="get" action={capabilityPath(capability.slug, '/adoption')} novalidate>
        <SelectField
          name="team"
          label="Team"
          value={team?.slug}
          options={teams.map((t) => ({ value: t.slug, label: t.name }))}
        />
        <SelectField
          name="to"
          label="What the team does"
          options={moves.map((m) => ({ value: m, label: moveLabel(m, capability.name) }))}
        />
        <button type="submit">Continue</button>
      </form>
      <p>
        <a href={capabilityPath(capability.slug)}>Cancel and go back to {capability.name}</a>
      </p>
    </>,
  );
}

function noTeamPage(c: Context<AppEnv>, capability: Capability) {
  return renderPage(
    c,
    { title: `Change a team’s use of ${capability.name}` },
    <>
      <h1>Change a team’s use of {capability.name}</h1>
      <p class="lead">
        Only a team’s members (or the platform team, on its behalf) record what a team uses, and
        your account is not in a team. It is linked to one when the organisation import lists you
        with the same email.
      </p>
      <p>
        <a href={capabilityPath(capability.slug)}>Go back to {capability.name}</a>
      </p>
    </>,
  );
}

/** Leaving or opting out of a mandatory capability is not a choice; say what is instead. */
function mandatoryPage(
  c: Context<AppEnv>,
  capability: Capability,
  message: string,
  team: Team | undefined,
) {
  const query = (kind: string) =>
    new URLSearchParams({ capability: capability.slug, team: team?.slug ?? '', kind }).toString();
  return renderPage(
    c,
    { title: `${capability.name} is required` },
    <>
      <h1>{capability.name} is required</h1>
      <p class="lead">{message}</p>
      <ul>
        <li>
          <a href={`/exceptions/new?${query('exception')}`}>Request an exception</a> for your team
        </li>
        <li>
          <a href={`/exceptions/new?${query('policy-change')}`}>Challenge the policy</a> with your
          evidence
        </li>
        <li>
          <a href={capabilityPath(capability.slug)}>Read why {capability.name} is required</a>
        </li>
      </ul>
    </>,
  );
}

function formPage(c: Context<AppEnv>, props: FormProps, status: 200 | 400 | 409 = 200) {
  const { capability, to, teams, reasons, values, errors, from } = props;
  const needsReason = STATES_NEEDING_REASON.includes(to);
  const title = moveLabel(to, capability.name);
  return renderPage(
    c,
    { title, status },
    <>
      <h1>{needsReason ? `${title}?` : title}</h1>
      <p class="lead">{consequence(to, capability.name)}</p>
      <ErrorSummary errors={errors} />
      <p id="field-to" tabindex={-1}>
        <strong>The change:</strong>{' '}
        {from
          ? `${STATE_WORDS[from as Move] ?? from} → ${STATE_WORDS[to]}`
          : `to ${STATE_WORDS[to]}`}
        {errorFor(errors, 'to') ? (
          <span class="error-text">
            <span class="visually-hidden">Error: </span>
            {errorFor(errors, 'to')}
          </span>
        ) : null}
      </p>
      <Form action={capabilityPath(capability.slug, '/adoption')} csrfToken={c.get('csrfToken')}>
        <input type="hidden" name="to" value={to} />
        <SelectField
          name="team"
          label="Team"
          hint={teams.length > 1 ? 'You can act for your team and the teams within it.' : undefined}
          value={values.team}
          error={errorFor(errors, 'team')}
          options={[
            ...(values.team ? [] : [{ value: '', label: 'Choose a team' }]),
            ...teams.map((t) => ({ value: t.slug, label: t.name })),
          ]}
        />
        {needsReason ? (
          <>
            <SelectField
              name="reason"
              label={to === 'left' ? 'Why is the team leaving?' : 'Why is the team opting out?'}
              value={values.reason}
              error={errorFor(errors, 'reason')}
              options={[
                { value: '', label: 'Choose a reason' },
                ...reasons.map((r) => ({ value: r.key, label: r.label })),
              ]}
            />
            <Field
              name="reasonText"
              label="Tell the platform team more (optional)"
              hint="What happened, what would bring you back. The platform team reads every one."
              multiline
              value={values.reasonText}
              error={errorFor(errors, 'reasonText')}
            />
            <Field
              name="alternative"
              label="What does the team use instead?"
              hint="Another tool or service, your own scripts, or nothing."
              value={values.alternative}
              error={errorFor(errors, 'alternative')}
            />
          </>
        ) : null}
        <button type="submit" class={needsReason ? 'danger' : undefined}>
          {title}
        </button>
      </Form>
      <p>
        <a href={capabilityPath(capability.slug)}>Cancel and go back to {capability.name}</a>
      </p>
    </>,
  );
}
