import type { Context, Hono } from 'hono';
import { listCapabilities, listCategories } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { type FieldError, Forbidden } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { getSetting } from '../core/settings.ts';
import { ErrorSummary, Field, Form, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  DRIVER_LABELS,
  DRIVERS,
  type Driver,
  HORIZON_LABELS,
  HORIZONS,
  type Horizon,
  INITIAL_STATUSES,
  type InitialStatus,
  type RoadmapItem,
} from './model.ts';
import {
  ctxOf,
  errorFor,
  formErrors,
  parseFeedbackIds,
  ROLE_WORDS,
  readForm,
} from './pages-shared.tsx';
import { createItem, editItem, type ItemInput, itemOrThrow, itemPath } from './service.ts';
import { commentWindowDays } from './settings.ts';
import { linksOf } from './store.ts';

const STATUS_CHOICES: Record<InitialStatus, string> = {
  proposed: 'Propose it: open for comment first',
  planned: 'Planned: decided now (the category’s decider only)',
  'in-progress': 'In progress: decided and started (the category’s decider only)',
};

/** The item's fields as a form submitted them; bad choices become field errors. */
function fromForm(values: Record<string, string>): { input: ItemInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const horizon = HORIZONS.find((h) => h === values.horizon);
  const driver = DRIVERS.find((d) => d === values.driver);
  if (!horizon) errors.push({ path: 'horizon', message: 'Choose now, next or later.' });
  if (!driver) errors.push({ path: 'driver', message: 'Choose what drives this item.' });
  return {
    input: {
      title: values.title ?? '',
      description: values.description ?? '',
      horizon: horizon as Horizon,
      driver: driver as Driver,
      rationale: values.rationale ?? '',
      category: values.category ?? '',
      capability: values.capability?.trim() || null,
      feedbackIds: parseFeedbackIds(values.feedback),
    },
    errors,
  };
}

/** Adding and editing roadmap items (the platform team). */
export function registerFormPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/roadmap/new', policy('roadmap.manage'), async (c) =>
    formPage(
      c,
      db,
      null,
      {
        horizon: 'next',
        driver: 'developer-request',
        category: 'developer-experience',
        status: 'proposed',
        feedback: c.req.queries('feedback')?.join('\n') ?? '',
      },
      [],
    ),
  );

  web.post('/roadmap', policy('roadmap.manage'), async (c) => {
    const values = await readForm(c);
    const { input, errors } = fromForm(values);
    const status = INITIAL_STATUSES.find((s) => s === values.status);
    if (!status) errors.push({ path: 'status', message: 'Choose how it starts.' });
    const days = values.commentDays?.trim() ? Number(values.commentDays) : undefined;
    if (errors.length > 0) return formPage(c, db, null, values, errors);
    try {
      const item = await createItem(db, ctxOf(c), { ...input, status: status!, commentDays: days });
      return c.redirect(`${itemPath(item.id)}?done=created`, 303);
    } catch (error) {
      const problems = problemsOf(error, 'status');
      if (!problems) throw error;
      return formPage(c, db, null, values, problems);
    }
  });

  web.get('/roadmap/:id/edit', policy('roadmap.manage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const links = (await linksOf(db, [item.id])).get(item.id) ?? [];
    const capability = item.capabilityId
      ? (await listCapabilities(db)).find((x) => x.id === item.capabilityId)?.slug
      : '';
    return formPage(
      c,
      db,
      item,
      {
        title: item.title,
        description: item.description,
        horizon: item.horizon,
        driver: item.driver,
        rationale: item.rationale,
        category: item.category,
        capability: capability ?? '',
        feedback: links.join('\n'),
      },
      [],
    );
  });

  web.post('/roadmap/:id/edit', policy('roadmap.manage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const values = await readForm(c);
    const { input, errors } = fromForm(values);
    if (errors.length > 0) return formPage(c, db, item, values, errors);
    try {
      await editItem(db, ctxOf(c), item.id, input);
    } catch (error) {
      const problems = problemsOf(error, 'category');
      if (!problems) throw error;
      return formPage(c, db, item, values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=edited`, 303);
  });
}

/**
 * A service's refusal as the form's errors, named as the form names its
 * fields; a refusal by the decision rights shows on the field that caused it
 * (`forbidden`) rather than as an error page.
 */
function problemsOf(error: unknown, forbidden: string): FieldError[] | null {
  if (error instanceof Forbidden) return [{ path: forbidden, message: error.message }];
  const problems = formErrors(error, 'title');
  return problems?.map((e) => (e.path === 'feedbackIds' ? { ...e, path: 'feedback' } : e)) ?? null;
}

async function formPage(
  c: Context<AppEnv>,
  db: Db,
  item: RoadmapItem | null,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const categories = await listCategories(db);
  const capabilities = await listCapabilities(db);
  const window = await getSetting(db, commentWindowDays);
  const title = item ? `Edit “${item.title}”` : 'Add a roadmap item';
  return renderPage(
    c,
    { title, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>{title}</h1>
      <p class="lead">
        Say what it is and why it is on the roadmap: everyone can read the rationale, and see
        whether developers or the business asked for it.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={item ? itemPath(item.id, '/edit') : '/roadmap'} csrfToken={c.get('csrfToken')}>
        <Field name="title" label="Title" value={values.title} error={errorFor(errors, 'title')} />
        <Field
          name="description"
          label="What it is"
          hint="Optional. Markdown: links, lists and code."
          multiline
          value={values.description}
          error={errorFor(errors, 'description')}
        />
        <SelectField
          name="driver"
          label="What drives it"
          hint="Developer requests show on one side of the roadmap; business priorities, mandates and platform health on the other."
          value={values.driver}
          error={errorFor(errors, 'driver')}
          options={DRIVERS.map((d) => ({ value: d, label: DRIVER_LABELS[d] }))}
        />
        <Field
          name="rationale"
          label="Why it is on the roadmap"
          hint="Required. The reasoning people will read: who asked, what it costs, what it saves."
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        <SelectField
          name="horizon"
          label="When"
          value={values.horizon}
          error={errorFor(errors, 'horizon')}
          options={HORIZONS.map((h) => ({ value: h, label: HORIZON_LABELS[h] }))}
        />
        <SelectField
          name="category"
          label="Decision category"
          hint="Its decider decides the item, as the decision rights say."
          value={values.category}
          error={errorFor(errors, 'category')}
          options={categories.map((k) => ({
            value: k.key,
            label: `${k.label} — ${ROLE_WORDS[k.deciderRole]} decides`,
          }))}
        />
        <SelectField
          name="capability"
          label="Capability"
          value={values.capability ?? ''}
          error={errorFor(errors, 'capability')}
          options={[
            { value: '', label: 'None' },
            ...capabilities.map((k) => ({ value: k.slug, label: k.name })),
          ]}
        />
        <Field
          name="feedback"
          label="Linked feedback"
          hint="Optional. Addresses or ids of feedback items, one per line. Their voters are counted once each, and their subscribers are told when this moves."
          multiline
          value={values.feedback}
          error={errorFor(errors, 'feedback')}
        />
        {item ? null : (
          <>
            <SelectField
              name="status"
              label="How it starts"
              value={values.status}
              error={errorFor(errors, 'status')}
              options={INITIAL_STATUSES.map((s) => ({ value: s, label: STATUS_CHOICES[s] }))}
            />
            <Field
              name="commentDays"
              label="Days open for comment (proposals)"
              hint={`Leave empty for the usual ${window} days.`}
              type="number"
              value={values.commentDays}
              error={errorFor(errors, 'commentDays')}
            />
          </>
        )}
        <button type="submit">{item ? 'Save the changes' : 'Add to the roadmap'}</button>
      </Form>
      <p>
        <a href={item ? itemPath(item.id) : '/roadmap'}>Cancel</a>
      </p>
    </>,
  );
}
