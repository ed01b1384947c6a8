// The confirmation pages before the hard-to-undo decisions on a request:
// denying it and revoking an approved exception.

import type { Context } from 'hono';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import { ErrorSummary, Field, Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { ExceptionRequest } from './model.ts';
import { errorFor } from './pages-shared.tsx';
import { getCapabilityById } from './store.ts';

/** A request's page, or one of its forms. */
export const pathOf = (e: { id: string }, rest = '') =>
  `/exceptions/${encodeURIComponent(e.id)}${rest}`;

/** The confirmation page before denying: what it means for the team, with the rationale. */
export async function denyPage(
  c: Context<AppEnv>,
  db: Db,
  exception: ExceptionRequest,
  values: Record<string, string>,
  errors: FieldError[],
) {
  const capability = await getCapabilityById(db, exception.capabilityId);
  const name = capability?.name ?? 'the capability';
  return renderPage(
    c,
    { title: 'Deny this request', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Deny this request?</h1>
      <p class="lead">
        {exception.kind === 'exception'
          ? `The team must keep using ${name}.`
          : `The policy that requires ${name} stays as it is.`}{' '}
        The team sees your rationale, and it goes in the decision log for everyone to read.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={pathOf(exception, '/decision')} csrfToken={c.get('csrfToken')}>
        <input type="hidden" name="outcome" value="denied" />
        <input type="hidden" name="confirmed" value="yes" />
        <Field
          name="rationale"
          label="Rationale"
          hint="Why you deny it, and what would change your mind."
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        <button type="submit" class="danger">
          Deny the request
        </button>
      </Form>
      <p>
        <a href={pathOf(exception)}>Cancel and go back to the request</a>
      </p>
    </>,
  );
}

export function revokePage(
  c: Context<AppEnv>,
  exception: ExceptionRequest,
  values: Record<string, string>,
  errors: FieldError[],
) {
  return renderPage(
    c,
    { title: 'Revoke this exception', status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>Revoke this exception?</h1>
      <p class="lead">
        The exception ends today instead of on its end date: the team goes back to not using the
        capability and must take it up. The decision goes in the decision log.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={pathOf(exception, '/revoke')} csrfToken={c.get('csrfToken')}>
        <Field
          name="rationale"
          label="Why is it revoked?"
          multiline
          value={values.rationale}
          error={errorFor(errors, 'rationale')}
        />
        <button type="submit" class="danger">
          Revoke the exception
        </button>
      </Form>
      <p>
        <a href={pathOf(exception)}>Cancel and keep the exception</a>
      </p>
    </>,
  );
}
