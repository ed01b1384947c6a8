// The confirmation before deciding against an item: the people who asked for
// it are told, and the decision stays in the log.

import type { Context } from 'hono';
import type { FieldError } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import { ErrorSummary, Field, Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { errorFor } from './pages-shared.tsx';
import { itemPath } from './service.ts';
import type { ItemDetail } from './views.ts';

/**
 * "Decide against this?": from the proposal's decision form (`decision`,
 * the reason is `rationale`) or from the status form (`status`, `note`).
 */
export function declinePage(
  c: Context<AppEnv>,
  detail: ItemDetail,
  from: 'decision' | 'status',
  values: Record<string, string>,
  errors: FieldError[],
) {
  const { item } = detail;
  const reason = from === 'decision' ? 'rationale' : 'note';
  const told =
    detail.voters > 0
      ? `The ${detail.voters} ${detail.voters === 1 ? 'person' : 'people'} who asked for it through the linked feedback are told, with your reason.`
      : 'Anyone following the linked feedback is told, with your reason.';
  return renderPage(
    c,
    { title: `Decide against ${item.title}`, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Decide against “{item.title}”?</h1>
      <p class="lead">
        {told} The decision goes in the decision log for everyone to read. The platform team can
        reopen it for comment later, but the decision stays on record.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={itemPath(item.id, `/${from}`)} csrfToken={c.get('csrfToken')}>
        <input type="hidden" name={from === 'decision' ? 'outcome' : 'status'} value="declined" />
        <input type="hidden" name="confirmed" value="yes" />
        <Field
          name={reason}
          label="Why not"
          hint="What led to this, and what would change the answer. Everyone reads it."
          multiline
          value={values[reason]}
          error={errorFor(errors, reason)}
        />
        <button type="submit" class="danger">
          Decide against it
        </button>
      </Form>
      <p>
        <a href={itemPath(item.id)}>Cancel and go back to the item</a>
      </p>
    </>,
  );
}
