// What the item page's forms post to: votes, following, status changes
// (declining is confirmed on a page of its own), merges (always confirmed)
// and internal notes. Each comes back to the item with a notice.

import type { Context, Hono } from 'hono';
import { Conflict, type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  type FeedbackItem,
  type FeedbackStatus,
  mergeProblem,
  STATUS_MOVES,
  statusLabel,
} from './model.ts';
import { itemPage } from './pages-item.tsx';
import { ctxOf, errorFor, formErrors, ItemLink, itemPath, readForm } from './pages-shared.tsx';
import {
  addInternalNote,
  changeStatus,
  itemOrThrow,
  mergeFeedback,
  subscribeTo,
  unsubscribeFrom,
  voteFor,
  withdrawVote,
} from './service.ts';
import { getItem, mergeChain } from './store.ts';

/** The id in "abc", "/feedback/abc" or "https://paved.example.com/feedback/abc?x". */
export function idFromInput(text: string): string {
  const value = text.trim();
  const match = /\/feedback\/([^/?#\s]+)/.exec(value);
  return match ? decodeURIComponent(match[1]!) : value;
}

export function registerItemActions(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  const simple = (
    path: string,
    name: 'feedback.vote' | 'feedback.subscribe',
    run: (id: string, c: Context<AppEnv>) => Promise<unknown>,
    done: string,
    field: string,
  ) =>
    web.post(`/feedback/:id/${path}`, policy(name), async (c) => {
      const id = c.req.param('id');
      await itemOrThrow(db, id);
      try {
        await run(id, c);
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        return itemPage(c, db, id, {}, [{ path: field, message: error.message }], 409);
      }
      return c.redirect(`${itemPath(id)}?done=${done}`, 303);
    });

  simple('vote', 'feedback.vote', (id, c) => voteFor(db, ctxOf(c), id), 'voted', 'vote');
  simple('unvote', 'feedback.vote', (id, c) => withdrawVote(db, ctxOf(c), id), 'unvoted', 'vote');
  simple(
    'subscribe',
    'feedback.subscribe',
    (id, c) => subscribeTo(db, ctxOf(c), id),
    'followed',
    'subscription',
  );
  simple(
    'unsubscribe',
    'feedback.subscribe',
    (id, c) => unsubscribeFrom(db, ctxOf(c), id),
    'unfollowed',
    'subscription',
  );

  // The confirmation is also a page of its own, so a link reaches it without script.
  web.get('/feedback/:id/decline', policy('feedback.triage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    if (!STATUS_MOVES[item.status].includes('declined')) {
      return itemPage(
        c,
        db,
        item.id,
        {},
        [
          {
            path: 'status',
            message: `A ${statusLabel(item.status).toLowerCase()} item cannot be declined.`,
          },
        ],
        409,
      );
    }
    return declinePage(c, item, {}, []);
  });

  web.post('/feedback/:id/status', policy('feedback.triage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const values = await readForm(c);
    const status = (values.status ?? '') as FeedbackStatus;
    // Declining tells everyone following that the answer is no: confirm it first.
    if (status === 'declined' && values.confirmed !== 'yes') {
      return declinePage(c, item, values, []);
    }
    try {
      await changeStatus(db, ctxOf(c), item.id, { status, note: values.note ?? '' });
    } catch (error) {
      const problems = formErrors(error, 'status');
      if (!problems) throw error;
      return status === 'declined'
        ? declinePage(c, item, values, problems)
        : itemPage(c, db, item.id, values, problems);
    }
    return c.redirect(`${itemPath(item.id)}?done=status`, 303);
  });

  web.post('/feedback/:id/merge', policy('feedback.triage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const values = await readForm(c);
    const intoId = idFromInput(values.into ?? '');
    const into = intoId ? await getItem(db, intoId) : undefined;
    if (!into) {
      const message = intoId
        ? 'There is no feedback item at that address; copy the address of the original item.'
        : 'Give the address or id of the item this one duplicates.';
      return itemPage(c, db, item.id, values, [{ path: 'into', message }]);
    }
    // Refuse itself, loops and finished items before asking to confirm (the note comes next).
    const early = mergeProblem(item, into, await mergeChain(db, into.id), 'note follows');
    if (early) {
      return itemPage(c, db, item.id, values, [{ path: 'into', message: early.message }]);
    }
    if (values.confirmed !== 'yes') return mergePage(c, item, into, values, []);
    try {
      const { original } = await mergeFeedback(db, ctxOf(c), item.id, {
        into: into.id,
        note: values.note ?? '',
      });
      return c.redirect(`${itemPath(original.id)}?done=merged`, 303);
    } catch (error) {
      const problems = formErrors(error, 'into');
      if (!problems) throw error;
      // A refusal about the target (itself, a loop) belongs on the item's own form.
      if (problems.some((p) => p.path !== 'note')) {
        return itemPage(
          c,
          db,
          item.id,
          values,
          problems.map((p) => (p.path === 'id' ? { ...p, path: 'into' } : p)),
          error instanceof Conflict ? 409 : 400,
        );
      }
      return mergePage(c, item, into, values, problems);
    }
  });

  web.post('/feedback/:id/notes', policy('feedback.triage'), async (c) => {
    const item = await itemOrThrow(db, c.req.param('id'));
    const values = await readForm(c);
    try {
      await addInternalNote(db, ctxOf(c), item.id, values.body ?? '');
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return itemPage(c, db, item.id, values, error.errors);
    }
    return c.redirect(`${itemPath(item.id)}?done=noted#internal-notes`, 303);
  });
}

/** The confirmation before declining: who is told, and that the note is the reason. */
function declinePage(
  c: Context<AppEnv>,
  item: FeedbackItem,
  values: Record<string, string>,
  errors: FieldError[],
) {
  return renderPage(
    c,
    { title: 'Decline this feedback', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Decline this feedback?</h1>
      <p class="lead">
        Everyone following “{item.title}” ({item.votes} {item.votes === 1 ? 'vote' : 'votes'}) is
        told it is declined, with your reason. It can be reconsidered later.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={itemPath(item.id, '/status')} csrfToken={c.get('csrfToken')} class="stacked">
        <input type="hidden" name="status" value="declined" />
        <input type="hidden" name="confirmed" value="yes" />
        <Field
          name="note"
          label="Why it is declined"
          hint="Required. Say why, and what would change the answer."
          multiline
          value={values.note}
          error={errorFor(errors, 'note') ?? errorFor(errors, 'status')}
        />
        <button type="submit" class="danger">
          Decline the feedback
        </button>
      </Form>
      <p>
        <a href={itemPath(item.id)}>Cancel and go back to the item</a>
      </p>
    </>,
  );
}

/** The confirmation before a merge: both items named, what moves, and that it is final. */
function mergePage(
  c: Context<AppEnv>,
  item: FeedbackItem,
  into: FeedbackItem,
  values: Record<string, string>,
  errors: FieldError[],
) {
  return renderPage(
    c,
    { title: 'Merge this feedback', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Merge into the original?</h1>
      <p class="lead">
        “{item.title}” becomes a duplicate for good. Its votes move to the original (a person who
        voted on both counts once), its followers follow the original, and they are told where the
        conversation continues.
      </p>
      <ErrorSummary errors={errors} />
      <dl class="facts">
        <dt>Duplicate</dt>
        <dd>
          <ItemLink item={item} /> ({item.votes} {item.votes === 1 ? 'vote' : 'votes'})
        </dd>
        <dt>Original</dt>
        <dd>
          <ItemLink item={into} /> ({into.votes} {into.votes === 1 ? 'vote' : 'votes'})
        </dd>
      </dl>
      <Form action={itemPath(item.id, '/merge')} csrfToken={c.get('csrfToken')} class="stacked">
        <input type="hidden" name="into" value={into.id} />
        <input type="hidden" name="confirmed" value="yes" />
        <Field
          name="note"
          label="Public note"
          hint="Required. Everyone following either item reads it."
          multiline
          value={values.note}
          error={errorFor(errors, 'note')}
        />
        <button type="submit" class="danger">
          Merge into “{into.title}”
        </button>
      </Form>
      <p>
        <a href={itemPath(item.id)}>Cancel and go back to the item</a>
      </p>
    </>,
  );
}
