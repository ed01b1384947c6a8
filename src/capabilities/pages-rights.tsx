import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { type FieldError, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { DataTable, ErrorSummary, Form, Notice, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { DECIDER_ROLES, type DeciderRole, type DecisionCategory } from './model.ts';
import { ctxOf, errorFor, formErrors, ROLE_WORDS, readForm, TextField } from './pages-shared.tsx';
import { setDecisionRight } from './service.ts';
import { getCategory, listCategories } from './store.ts';

const KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const roleOptions = DECIDER_ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r]! }));

/** The decision-rights table for everyone; admins change a row or add a category. */
export function registerDecisionRightsPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/decision-rights', policy('decision.read'), async (c) =>
    rightsPage(c, db, {}, [], c.req.query('done') === 'saved'),
  );

  web.post('/decision-rights', policy('decision-rights.manage'), async (c) => {
    const values = await readForm(c);
    const errors = check(values, 'new-');
    const key = (values.key ?? '').trim();
    if (!KEY.test(key)) {
      errors.unshift({
        path: 'new-key',
        message: 'Use lower-case letters, digits and single dashes, like data-protection.',
      });
    } else if (await getCategory(db, key)) {
      errors.unshift({
        path: 'new-key',
        message: `There is already a “${key}” category: change it in its row above.`,
      });
    }
    return save(c, db, values, errors, key, 'new-');
  });

  web.post('/decision-rights/:key', policy('decision-rights.manage'), async (c) => {
    const category = await getCategory(db, c.req.param('key'));
    if (!category) throw new NotFound('There is no such decision category.');
    const values = await readForm(c);
    const prefix = `${category.key}-`;
    return save(c, db, values, check(values, prefix), category.key, prefix);
  });
}

/** The label and role of a submitted row; paths carry the row's prefix so each error finds its field. */
function check(values: Record<string, string>, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const label = (values.label ?? '').trim();
  if (!label) errors.push({ path: `${prefix}label`, message: 'Enter the category’s name.' });
  else if (label.length > 60)
    errors.push({ path: `${prefix}label`, message: 'Keep the name to 60 characters or fewer.' });
  if (!DECIDER_ROLES.includes(values.deciderRole as DeciderRole)) {
    errors.push({ path: `${prefix}deciderRole`, message: 'Choose who decides.' });
  }
  return errors;
}

async function save(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, string>,
  errors: FieldError[],
  key: string,
  prefix: string,
) {
  if (errors.length > 0) return rightsPage(c, db, { [prefix]: values }, errors);
  try {
    await setDecisionRight(db, ctxOf(c), {
      key,
      label: values.label!.trim(),
      deciderRole: values.deciderRole as DeciderRole,
    });
  } catch (error) {
    const problems = formErrors(error, `${prefix}label`);
    if (!problems) throw error;
    return rightsPage(c, db, { [prefix]: values }, problems);
  }
  return c.redirect('/decision-rights?done=saved', 303);
}

function RowForm(props: {
  category: DecisionCategory;
  values: Record<string, string> | undefined;
  errors: FieldError[];
  csrfToken: string | null;
}) {
  const { category, errors } = props;
  const p = `${category.key}-`;
  const v = props.values ?? { label: category.label, deciderRole: category.deciderRole };
  return (
    <Form
      action={`/decision-rights/${encodeURIComponent(category.key)}`}
      csrfToken={props.csrfToken}
      class="inline-form rights-row"
    >
      <TextField
        id={`field-${p}label`}
        name="label"
        label={`Name of “${category.key}”`}
        value={v.label}
        error={errorFor(errors, `${p}label`)}
      />
      <SelectField
        id={`field-${p}deciderRole`}
        name="deciderRole"
        label={`Who decides ${category.label.toLowerCase()}`}
        value={v.deciderRole}
        error={errorFor(errors, `${p}deciderRole`)}
        options={roleOptions}
      />
      <button type="submit">Save {category.label}</button>
    </Form>
  );
}

async function rightsPage(
  c: Context<AppEnv>,
  db: Db,
  values: Record<string, Record<string, string>>,
  errors: FieldError[],
  saved = false,
) {
  const categories = await listCategories(db);
  const admin = can(c.get('actor'), 'decision-rights.manage');
  const add = values['new-'] ?? {};
  return renderPage(
    c,
    { title: 'Decision rights', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Decision rights</h1>
      <p class="lead">
        Who decides what: each kind of decision, and the role that makes it — including mandates and
        the exceptions to them.
      </p>
      {saved ? <Notice>The decision rights are saved.</Notice> : null}
      <ErrorSummary errors={errors} />
      <DataTable
        caption="Decision categories and who decides them"
        rows={categories}
        empty="No decision categories yet."
        columns={[
          { label: 'Category', cell: (k) => k.label },
          { label: 'Key', cell: (k) => <code>{k.key}</code> },
          { label: 'Who decides', cell: (k) => ROLE_WORDS[k.deciderRole] ?? k.deciderRole },
        ]}
      />
      {admin ? (
        <>
          <h2>Change who decides</h2>
          <p>
            A change applies to decisions from now on; decisions already made keep their decider.
          </p>
          {categories.map((k) => (
            <RowForm
              category={k}
              values={values[`${k.key}-`]}
              errors={errors}
              csrfToken={c.get('csrfToken')}
            />
          ))}
          <h2>Add a category</h2>
          <Form action="/decision-rights" csrfToken={c.get('csrfToken')}>
            <TextField
              id="field-new-key"
              name="key"
              label="Key"
              hint="Lower-case letters, digits and dashes, like data-protection. It cannot change later."
              value={add.key}
              error={errorFor(errors, 'new-key')}
            />
            <TextField
              id="field-new-label"
              name="label"
              label="Name"
              value={add.label}
              error={errorFor(errors, 'new-label')}
            />
            <SelectField
              id="field-new-deciderRole"
              name="deciderRole"
              label="Who decides"
              value={add.deciderRole}
              error={errorFor(errors, 'new-deciderRole')}
              options={roleOptions}
            />
            <button type="submit">Add the category</button>
          </Form>
        </>
      ) : null}
    </>,
  );
}
