import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../http/env.ts';
import { Layout } from './layout.tsx';

/** Answers with a whole HTML page in the shared layout. */
export function renderPage(
  c: Context<AppEnv>,
  props: { title: string; status?: ContentfulStatusCode },
  body: Child,
) {
  const actor = c.get('actor');
  return c.html(
    html`<!doctype html>${(
      <Layout
        title={props.title}
        path={c.req.path}
        demo={c.get('demo') ?? false}
        user={
          actor
            ? { name: actor.name, csrfToken: c.get('csrfToken'), unread: c.get('unread') ?? null }
            : null
        }
      >
        {body}
      </Layout>
    )}`,
    props.status ?? 200,
  );
}

/** The page for an error a browser reached: what happened and what to do next. */
export function ErrorPage({ status, detail }: { status: number; detail?: string }) {
  const title = errorTitle(status);
  return (
    <>
      <h1>{title}</h1>
      <p class="lead">
        {detail ??
          (status === 404
            ? 'There is no page at this address. Check the address, or start again from the home page.'
            : 'Something went wrong on our side. Try again in a moment; if it keeps happening, tell the platform team.')}
      </p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </>
  );
}

export function errorTitle(status: number): string {
  switch (status) {
    case 400:
      return 'Something in the request is not right';
    case 401:
      return 'Sign in to see this page';
    case 403:
      return 'You cannot see this page';
    case 404:
      return 'Page not found';
    case 409:
      return 'This conflicts with what is already there';
    case 429:
      return 'Too many attempts';
    default:
      return 'Sorry, there is a problem with paved';
  }
}
