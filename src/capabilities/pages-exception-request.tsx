import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Team } from '../org/model.ts';
import { getTeamBySlug } from '../org/store.ts';
import { type Capability, EXCEPTION_KINDS, type ExceptionKind } from './model.ts';
import { ctxOf, errorFor, formErrors, readForm, teamsFor } from './pages-shared.tsx';
import { requestException } from './service.ts';
import { listCapabilities } from './store.ts';

/** Asking for an exception to a mandate, or for the policy itself to change. */
export function registerExceptionRequestPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/exceptions/new', policy('capability.read'), async (c) => {
    const q = c.req.query();
    const values = {
      capability: q.capability ?? '',
      team: q.team ?? '',
      kind: EXCEPTION_KINDS.includes(q.kind as ExceptionKind) ? q.kind! : 'exception',
    };
    return requestPage(c, db, values, []);
  });

  web.post('/exceptions', policy('capability.read'), async (c) => {
    const values = await readForm(c);
    const errors: FieldError[] = [];
    if (!values.capability) errors.push({ path: 'capability', message: 'Choose the capability.' });
    const team = values.team ? await getTeamBySlug(db, values.team) : undefined;
    if (!team) errors.push({ path: 'team', message: 'Choose the team this is for.' });
    if (!EXCEPTION_KINDS.includes(values.kind as ExceptionKind)) {
      errors.push({ path: 'kind', message: 'Choose what you are asking for.' });
    }
    if (errors.length > 0) return requestPage(c, db, values, errors);
    try {
      const created = await requestException(db, ctxOf(c), {
        capabilitySlug: values.capability!,
        teamId: team!.id,
        kind: values.kind as ExceptionKind,
        justification: values.justification ?? '',
        evidence: values.evidence ?? '',
      });
      return c.redirect(`/exceptions/${encodeURIComponent(created.id)}?done=requested`, 303);
    } catch (error) {
      const problems = formErrors(error, 'kind');
      if (!problems) throw error;
      return requestPage(c, db, values, problems);
    }
  });
}

async function requestPage(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const required: Capability[] = await listCapabilities(db, { obligation: 'mandatory' });
  const teams: Team[] = await teamsFor(db, c.get('actor'), 'exception.request');
  const title = 'Ask for an exception or challenge a policy';
  return renderPage(
    c,
    { title, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>{title}</h1>
      <p class="lead">
        Ask not to use a required capability for a while, or ask for the rule itself to change; the
        request goes to whoever decides for the reason it is required.
      </p>
      <ErrorSummary errors={errors} />
      {teams.length === 0 ? (
        <p>
          Only a team’s members (or the platform team, on its behalf) can ask, and your account is
          not in a team. It is linked to one when the organisation import lists you with the same
          email.
        </p>
      ) : required.length === 0 ? (
        <p>
          No capability is required, so there is nothing to ask an exception for: teams can leave or
          opt out of any of them. <a href="/capabilities">See the capabilities</a>.
        </p>
      ) : (
        <Form action="/exceptions" csrfToken={c.get('csrfToken')}>
          <SelectField
            name="kind"
            label="What you are asking for"
            value={values.kind}
            error={errorFor(errors, 'kind')}
            options={[
              { value: 'exception', label: 'An exception: my team cannot use it for now' },
              { value: 'policy-change', label: 'A policy change: the rule itself should change' },
            ]}
          />
          <SelectField
            name="capability"
            label="Capability"
            value={values.capability}
            error={errorFor(errors, 'capability')}
            options={[
              ...(values.capability ? [] : [{ value: '', label: 'Choose a capability' }]),
              ...required.map((k) => ({ value: k.slug, label: k.name })),
            ]}
          />
          <SelectField
            name="team"
            label="Team"
            value={values.team || teams.find((t) => t.id === c.get('actor')?.teamId)?.slug}
            error={errorFor(errors, 'team')}
            options={teams.map((t) => ({ value: t.slug, label: t.name }))}
          />
          <Field
            name="justification"
            label="Why"
            hint="What using it costs your team, and what you do instead. For a policy change: why the rule should change."
            multiline
            value={values.justification}
            error={errorFor(errors, 'justification')}
          />
          <Field
            name="evidence"
            label="Evidence (optional)"
            hint="Links, figures, incidents: anything that helps the decider see what you see."
            multiline
            value={values.evidence}
            error={errorFor(errors, 'evidence')}
          />
          <button type="submit">Send the request for a decision</button>
        </Form>
      )}
    </>,
  );
}
