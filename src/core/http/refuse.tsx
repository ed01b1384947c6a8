import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldError } from '../errors.ts';
import { ErrorPage, errorTitle, renderPage } from '../ui/page.tsx';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const TITLES: Record<number, string> = {
  400: 'Invalid input',
  401: 'Sign-in required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many requests',
};

/**
 * Answers a refused request the way its caller reads: problem+json for the
 * API, an HTML error page (in the layout) for browsers.
 */
export function refuse(
  c: Context<AppEnv>,
  status: number,
  detail: string,
  extra: { title?: string; errors?: FieldError[] } = {},
): Response | Promise<Response> {
  if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
    return problem(c, {
      title: extra.title ?? TITLES[status] ?? 'Request refused',
      status,
      detail,
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
  }
  return renderPage(
    c,
    { title: errorTitle(status), status: status as ContentfulStatusCode },
    <ErrorPage status={status} detail={detail} />,
  );
}
