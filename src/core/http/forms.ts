import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { refuse } from './refuse.tsx';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Reads a page's form body once, before CSRF checks and handlers do: a body
 * that cannot be read (a broken multipart, one without a boundary) is the
 * sender's mistake, so 400, never the 500 of a parser error in a handler.
 * Hono keeps the parsed form, so handlers read it again for free. The API
 * takes JSON and the GitHub hook reads its raw body, so both are left alone.
 */
export function readableForms(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { method, path } = c.req;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    if (path.startsWith('/api/') || path === '/hooks/github') return next();
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!FORM_TYPES.includes(type)) return next();
    try {
      await c.req.parseBody();
    } catch {
      const detail = 'The form could not be read. Go back, reload the page and try again.';
      return refuse(c, 400, detail, { errors: [{ path: '(body)', message: detail }] });
    }
    return next();
  };
}
