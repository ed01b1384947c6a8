import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { type FieldError, Forbidden, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Capability, DecisionCategory, Mandate } from './model.ts';
import {
  capabilityPath,
  ctxOf,
  errorFor,
  formErrors,
  isDay,
  ROLE_WORDS,
  readForm,
} from './pages-shared.tsx';
import { capabilityOrThrow, liftMandate, recordMandate } from './service.ts';
import { getMandate, listCategories, listExceptions } from './store.ts';

/** Who decides which categories, in words, for a refusal that says who to ask. */
function whoDecides(categories: DecisionCategory[]): string {
  return categories.map((k) => `${k.label}: ${ROLE_WORDS[k.deciderRole]}`).join('; ');
}

/** The categories this viewer decides, or Forbidden saying who to ask. */
async function decidedCategories(
  c: Context<AppEnv>,
  db: Db,
  mandate: Mandate | undefined,
): Promise<DecisionCategory[]> {
  const all = await listCategories(db);
  const actor = c.get('actor');
  const mine = all.filter((k) => can(actor, 'mandate.record', { deciderRole: k.deciderRole }));
  const current = mandate ? all.find((k) => k.key === mandate.category) : undefined;
  if (current && !mine.some((k) => k.key === current.key)) {
    throw new Forbidden(
      `This mandate was required for ${current.label.toLowerCase()}, so only ${ROLE_WORDS[current.deciderRole]?.toLowerCase()} can change or lift it.`,
    );
  }
  if (mine.length === 0) {
    throw new Forbidden(
      `A mandate is recorded by whoever decides its category in the decision-rights table (${whoDecides(all)}).`,
    );
  }
  return mine;
}

/** Recording, changing and lifting a capability's mandate: only its category's decider. */
export function registerMandatePages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/capabilities/:slug/mandate', policy('capability.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const mandate = await getMandate(db, capability.id);
    const categories = await decidedCategories(c, db, mandate);
    const values: Record<string, string> = mandate
      ? {
          category: mandate.category,
          reason: mandate.reason,
          mitigation: mandate.mitigation,
          reviewOn: mandate.reviewOn,
        }
      : {};
    return mandatePage(c, { capability, mandate, categories, values, errors: [] });
  });

  web.post('/capabilities/:slug/mandate', policy('capability.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('slug'));
    const mandate = await getMandate(db, capability.id);
    const categories = await decidedCategories(c, db, mandate);
    const values = await readForm(c);
    const again = (errors: FieldError[]) =>
      mandatePage(c, { capability, mandate, categories, values, errors }, 400);
    if (!isDay(values.reviewOn ?? '')) {
      return again([
        { path: 'reviewOn', message: 'Enter the date to review the mandate, like 2027-06-30.' },
      ]);
    }
    try {
      await recordMandate(db, ctxOf(c), capability.slug, {
        category: values.category ?? '',
        reason: values.reason ?? '',
        mitigation: values.mitigation ?? '',
        reviewOn: values.reviewOn!,
        rationale: values.rationale?.trim() || undefined,
      });
    } catch (error) {
      const problems = formErrors(error, 'category');
      if (!problems) throw error;
      return again(problems);
    }
    return c.redirect(`${capabilityPath(capability.slug)}?done=mandate`, 303);
  });

  web.get('/capabilities/:slug/mandate/lift', policy('capability.read'), async (c) => {
    const { capability } = await liftable(c, db);
    return liftPage(c, db, capability, {}, []);
  });

  web.post('/capabilities/:slug/mandate/lift', policy('capability.read'), async (c) => {
    const { capability } = await liftable(c, db);
    const values = await readForm(c);
    try {
      await liftMandate(db, ctxOf(c), capability.slug, values.rationale ?? '');
    } catch (error) {
      const problems = formErrors(error, 'rationale');
      if (!problems) throw error;
      return liftPage(c, db, capability, values, problems);
    }
    return c.redirect(`${capabilityPath(capability.slug)}?done=lifted`, 303);
  });
}

async function liftable(c: Context<AppEnv>, db: Db) {
  const capability = await capabilityOrThrow(db, c.req.param('slug') ?? '');
  const mandate = await getMandate(db, capability.id);
  if (!mandate) throw new NotFound(`${capability.name} has no mandate to lift.`);
  await decidedCategories(c, db, mandate);
  return { capability, mandate };
}

function mandatePage(
  c: Context<AppEnv>,
  props: {
    capability: Capability;
    mandate: Mandate | undefined;
    categories: DecisionCategory[];
    values: Record<string, string>;
    errors: FieldError[];
  },
  status: 200 | 400 = 200,
) {
  const { capability, mandate, categories, values, errors } = props;
  const title = mandate
    ? `Change the mandate for ${capability.name}`
    : `Record the mandate for ${capability.name}`;
  return renderPage(
    c,
    { title, status },
    <>
      <h1>{title}</h1>
      <p class="lead">
        {mandate
          ? 'Teams read this first on the capability’s page; the change goes in the decision log.'
          : `${capability.name} will become required of every team it is offered to: teams can no longer leave it or opt out, only ask for an exception. Teams read what you write here first.`}
      </p>
      <ErrorSummary errors={errors} />
      <Form action={capabilityPath(capability.slug, '/mandate')} csrfToken={c.get('csrfToken')}>
        <SelectField
          name="category"
          label="Who requires it"
          hint="The categories you decide in the decision-rights table. Their decider also rules on exceptions."
          value={values.category}
          error={errorFor(errors, 'category')}
          options={categories.map((k) => ({ value: k.key, label: k.label }))}
        />
        <Field
          name="reason"
          label="Why it is required"
          hint="In plain words, such as “SOC 2 access reviews need every deploy to be traceable”."
          multiline
          value={values.reason}
          error={errorFor(errors, 'reason')}
        />
        <Field
          name="mitigation"
          label="What the platform does about the cost to teams"
          hint="How you limit the pain: migration help, office hours, an escape hatch."
          multiline
          value={values.mitigation}
          error={errorFor(errors, 'mitigation')}
        />
        <Field
          name="reviewOn"
          label="Review it by"
          hint="The date to ask again whether it still needs to be required."
          type="date"
          value={values.reviewOn}
          error={errorFor(errors, 'reviewOn')}
        />
        <Field
          name="rationale"
          label="Rationale for the decision log (optional)"
          hint="Leave it empty to use the reason."
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        <button type="submit">{mandate ? 'Save the mandate' : `Require ${capability.name}`}</button>
      </Form>
      <p>
        <a href={capabilityPath(capability.slug)}>Cancel and go back to {capability.name}</a>
      </p>
    </>,
  );
}

/** The confirmation page before lifting a mandate: what changes for teams, with the rationale. */
async function liftPage(
  c: Context<AppEnv>,
  db: Db,
  capability: Capability,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const approved = await listExceptions(db, {
    capabilityId: capability.id,
    status: ['approved'],
    limit: 1000,
  });
  const n = approved.items.length;
  return renderPage(
    c,
    { title: `Lift the mandate on ${capability.name}`, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Lift the mandate on {capability.name}?</h1>
      <p class="lead">
        {capability.name} will become optional: every team can then leave it or opt out.
        {n > 0
          ? ` The ${n} approved ${n === 1 ? 'exception ends' : 'exceptions end'}, and ${n === 1 ? 'that team goes' : 'those teams go'} back to not using it.`
          : ''}{' '}
        The decision and your rationale go in the decision log for everyone to read.
      </p>
      <ErrorSummary errors={errors} />
      <Form
        action={capabilityPath(capability.slug, '/mandate/lift')}
        csrfToken={c.get('csrfToken')}
      >
        <Field
          name="rationale"
          label="Why is the mandate lifted?"
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        <button type="submit" class="danger">
          Lift the mandate on {capability.name}
        </button>
      </Form>
      <p>
        <a href={capabilityPath(capability.slug)}>Cancel and keep {capability.name} required</a>
      </p>
    </>,
  );
}
