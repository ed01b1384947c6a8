import type { Context, Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Team } from '../org/model.ts';
import { getTeamBySlug, listTeams } from '../org/store.ts';
import { type Capability, STAGES, type Stage } from './model.ts';
import {
  capabilityPath,
  ctxOf,
  errorFor,
  formErrors,
  readForm,
  STAGE_WORDS,
} from './pages-shared.tsx';
import { capabilityOrThrow, createCapability, editCapability } from './service.ts';
import { getCapabilityBySlug } from './store.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The fields both forms share, checked; the team slug becomes its id. */
async function checkFields(
  deps: Deps,
  v: Record<string, string>,
  isNew: boolean,
): Promise<{ errors: FieldError[]; ownerTeamId: string | null }> {
  const errors: FieldError[] = [];
  const slug = (v.slug ?? '').trim();
  if (isNew && !SLUG.test(slug)) {
    errors.push({
      path: 'slug',
      message: slug
        ? 'Use only lower-case letters, digits and single dashes, like deploy-pipeline.'
        : 'Enter a short name for links and the command line, like deploy-pipeline.',
    });
  } else if (isNew && slug.length > 60) {
    errors.push({ path: 'slug', message: 'Keep the short name to 60 characters or fewer.' });
  } else if (isNew && slug === 'new') {
    // `/capabilities/new` is the form that adds one.
    errors.push({ path: 'slug', message: '“new” is taken by paved itself; choose another.' });
  }
  if (!(v.name ?? '').trim())
    errors.push({ path: 'name', message: 'Enter the capability’s name.' });
  else if ((v.name ?? '').trim().length > 100)
    errors.push({ path: 'name', message: 'Keep the name to 100 characters or fewer.' });
  if (!(v.summary ?? '').trim())
    errors.push({ path: 'summary', message: 'Say in a sentence or two what it does for a team.' });
  const docs = (v.docsUrl ?? '').trim();
  if (docs && !/^https?:\/\/\S+$/.test(docs)) {
    errors.push({ path: 'docsUrl', message: 'Enter a link that starts with https:// or http://.' });
  }
  if (!STAGES.includes(v.stage as Stage))
    errors.push({ path: 'stage', message: 'Choose a stage.' });
  let ownerTeamId: string | null = null;
  if (v.ownerTeam) {
    const team = await getTeamBySlug(deps.handle.db, v.ownerTeam);
    if (!team || team.inactiveSince)
      errors.push({ path: 'ownerTeam', message: 'Choose a team from the list.' });
    else ownerTeamId = team.id;
  }
  return { errors, ownerTeamId };
}

/** Adding a capability to the catalog, and editing one (its stage change needs a rationale). */
export function registerCapabilityFormPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/capabilities/new', policy('capability.manage'), async (c) =>
    formPage(c, { teams: await listTeams(db), values: { stage: 'beta' }, errors: [] }),
  );

  web.post('/capabilities', policy('capability.manage'), async (c) => {
    const values = await readForm(c);
    const teams = await listTeams(db);
    const { errors, ownerTeamId } = await checkFields(deps, values, true);
    if (errors.length > 0) return formPage(c, { teams, values, errors }, 400);
    try {
      const created = await createCapability(db, ctxOf(c), {
        slug: values.slug!.trim(),
        name: values.name!.trim(),
        summary: values.summary!.trim(),
        ownerTeamId,
        docsUrl: values.docsUrl?.trim() || null,
        stage: values.stage as Stage,
        obligation: 'optional',
        eligibleTeamIds: [],
      });
      return c.redirect(`${capabilityPath(created.slug)}?done=created`, 303);
    } catch (error) {
      const problems = formErrors(error, 'slug');
      if (!problems) throw error;
      return formPage(c, { teams, values, errors: problems }, 400);
    }
  });

  web.get('/capabilities/:slug/edit', policy('capability.manage'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const teams = await listTeams(db);
    const owner = teams.find((t) => t.id === capability.ownerTeamId);
    return formPage(c, {
      capability,
      teams,
      errors: [],
      values: {
        name: capability.name,
        summary: capability.summary,
        ownerTeam: owner?.slug ?? '',
        docsUrl: capability.docsUrl ?? '',
        stage: capability.stage,
      },
    });
  });

  web.post('/capabilities/:slug/edit', policy('capability.manage'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const values = await readForm(c);
    const teams = await listTeams(db);
    const { errors, ownerTeamId } = await checkFields(deps, values, false);
    if (errors.length > 0) return formPage(c, { capability, teams, values, errors }, 400);
    try {
      await editCapability(db, ctxOf(c), capability.slug, {
        name: values.name!.trim(),
        summary: values.summary!.trim(),
        ownerTeamId,
        docsUrl: values.docsUrl?.trim() || null,
        stage: values.stage as Stage,
        rationale: values.rationale ?? '',
      });
      return c.redirect(`${capabilityPath(capability.slug)}?done=saved`, 303);
    } catch (error) {
      const problems = formErrors(error, 'name');
      if (!problems) throw error;
      const fresh = (await getCapabilityBySlug(db, capability.slug)) ?? capability;
      return formPage(c, { capability: fresh, teams, values, errors: problems }, 400);
    }
  });
}

function formPage(
  c: Context<AppEnv>,
  props: {
    capability?: Capability;
    teams: Team[];
    values: Record<string, string>;
    errors: FieldError[];
  },
  status: 200 | 400 = 200,
) {
  const { capability, teams, values, errors } = props;
  const title = capability ? `Edit ${capability.name}` : 'Add a capability';
  return renderPage(
    c,
    { title, status },
    <>
      <h1>{title}</h1>
      <p class="lead">
        {capability
          ? 'Change how the capability is described, who owns it, or its stage; a stage change goes in the decision log with your rationale.'
          : 'Describe something the platform offers so teams can find it, try it and say whether it works for them.'}
      </p>
      <ErrorSummary errors={errors} />
      <Form
        action={capability ? capabilityPath(capability.slug, '/edit') : '/capabilities'}
        csrfToken={c.get('csrfToken')}
      >
        {capability ? null : (
          <Field
            name="slug"
            label="Short name"
            hint="Used in links and on the command line: lower-case letters, digits and dashes, like deploy-pipeline. It cannot change later."
            value={values.slug}
            error={errorFor(errors, 'slug')}
          />
        )}
        <Field name="name" label="Name" value={values.name} error={errorFor(errors, 'name')} />
        <Field
          name="summary"
          label="Summary"
          hint="What it does for a team, in a sentence or two."
          multiline
          value={values.summary}
          error={errorFor(errors, 'summary')}
        />
        <SelectField
          name="ownerTeam"
          label="Owner team"
          hint="The team that runs it and answers questions about it."
          value={values.ownerTeam}
          error={errorFor(errors, 'ownerTeam')}
          options={[
            { value: '', label: 'No owner team yet' },
            ...teams.map((t) => ({ value: t.slug, label: t.name })),
          ]}
        />
        <Field
          name="docsUrl"
          label="Documentation link (optional)"
          type="url"
          value={values.docsUrl}
          error={errorFor(errors, 'docsUrl')}
        />
        <SelectField
          name="stage"
          label="Stage"
          value={values.stage}
          error={errorFor(errors, 'stage')}
          options={STAGES.map((s) => ({ value: s, label: STAGE_WORDS[s] }))}
        />
        {capability ? (
          <Field
            name="rationale"
            label="Why the stage changes"
            hint="Needed only when you change the stage: it goes in the decision log for everyone to read."
            multiline
            value={values.rationale}
            error={errorFor(errors, 'rationale')}
          />
        ) : (
          <p class="note">
            A new capability starts as optional. If it must be required, whoever decides for the
            reason (security, compliance, …) records the mandate next, on the capability’s page,
            with why it is required and what limits the cost to teams.
          </p>
        )}
        <button type="submit">
          {capability ? `Save changes to ${capability.name}` : 'Add the capability'}
        </button>
      </Form>
      <p>
        <a href={capability ? capabilityPath(capability.slug) : '/capabilities'}>
          Cancel and go back
        </a>
      </p>
    </>,
  );
}
