import type { Context, Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { type FieldError, NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { getSetting } from '../core/settings.ts';
import { ErrorSummary, Field, Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { subscriberCount } from './linked.ts';
import { dayAfter, type RoadmapItem } from './model.ts';
import { ctxOf, errorFor, formErrors, readForm } from './pages-shared.tsx';
import { itemOrThrow, itemPath } from './service.ts';
import { shipItem } from './service-status.ts';
import { breakingNoticeDays } from './settings.ts';
import { linksOf } from './store.ts';

/** Shipping an item: its page is the confirmation, saying who will be told. */
export function registerShipPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/roadmap/:id/ship', policy('roadmap.manage'), async (c) => {
    const item = await shippable(db, c.req.param('id'));
    return shipPage(c, db, item, { title: item.title }, []);
  });

  web.post('/roadmap/:id/ship', policy('roadmap.manage'), async (c) => {
    const item = await shippable(db, c.req.param('id'));
    const values = await readForm(c);
    try {
      await shipItem(db, ctxOf(c), item.id, {
        title: values.title,
        body: values.body ?? '',
        breaking: values.breaking === 'yes',
        effectiveOn: values.effectiveOn?.trim() || null,
      });
    } catch (error) {
      const problems = formErrors(error, 'body');
      if (!problems) throw error;
      return shipPage(c, db, item, values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=shipped`, 303);
  });
}

async function shippable(db: Db, id: string): Promise<RoadmapItem> {
  const item = await itemOrThrow(db, id);
  if (item.status !== 'planned' && item.status !== 'in-progress') {
    throw new NotFound('Only a planned or in-progress item can be shipped, and this one is not.');
  }
  return item;
}

async function shipPage(
  c: Context<AppEnv>,
  db: Db,
  item: RoadmapItem,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const links = (await linksOf(db, [item.id])).get(item.id) ?? [];
  const people = await subscriberCount(db, links, c.get('actor')?.userId);
  const notice = await getSetting(db, breakingNoticeDays);
  const breakingError = errorFor(errors, 'effectiveOn');
  return renderPage(
    c,
    { title: `Ship ${item.title}`, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Ship “{item.title}”</h1>
      <p class="lead">
        Shipping publishes a changelog entry that lists the {links.length} linked feedback{' '}
        {links.length === 1 ? 'item' : 'items'} and tells the {people}{' '}
        {people === 1 ? 'person' : 'people'} who follow them, once each. It cannot be undone.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={itemPath(item.id, '/ship')} csrfToken={c.get('csrfToken')}>
        <Field
          name="title"
          label="Title of the changelog entry"
          value={values.title}
          error={errorFor(errors, 'title')}
        />
        <Field
          name="body"
          label="What changed"
          hint="You said, we did: what is different now for the people who asked, and what they need to do. Markdown: links, lists and code."
          multiline
          value={values.body}
          error={errorFor(errors, 'body')}
        />
        <fieldset class={breakingError ? 'field field-error' : 'field'}>
          <legend>Breaking change</legend>
          <label class="choice">
            <input
              type="checkbox"
              name="breaking"
              value="yes"
              id="field-breaking"
              checked={values.breaking === 'yes'}
            />{' '}
            This breaks something people rely on
          </label>
        </fieldset>
        <Field
          name="effectiveOn"
          label="Takes effect on (breaking changes)"
          hint={`At least ${notice} days from today: ${dayAfter(new Date(), notice)} or later.`}
          type="date"
          value={values.effectiveOn}
          error={breakingError}
        />
        <button type="submit">
          Ship it and tell {people === 1 ? 'one person' : `${people} people`}
        </button>
      </Form>
      <p>
        <a href={itemPath(item.id)}>Cancel and go back to the item</a>
      </p>
    </>,
  );
}
