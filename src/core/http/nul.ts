import type { Context, MiddlewareHandler } from 'hono';
import { NUL_MESSAGE, nulPath } from '../nul.ts';
import type { AppEnv } from './env.ts';
import { refuse } from './refuse.tsx';

// Bulk routes that read their own bodies line by line or raw (signals).
const OWN_BODIES = new Set(['/api/v1/events', '/hooks/github']);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Where a request carries U+0000: the path, a query parameter, a form field or a JSON member. */
async function nulIn(c: Context<AppEnv>): Promise<string | null> {
  const url = new URL(c.req.url);
  if (safeDecode(url.pathname).includes('\0')) return '(path)';
  for (const [key, value] of url.searchParams) {
    if (key.includes('\0') || value.includes('\0')) return key.replace(/\0/g, '') || '(query)';
  }
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || OWN_BODIES.has(c.req.path)) return null;
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    // Pages: already read (and cached) by readableForms. The API takes no forms: an
    // unreadable one is the route's to refuse.
    try {
      return nulPath(await c.req.parseBody({ all: true }));
    } catch {
      return null;
    }
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = await c.req.text();
    // Only a \u0000 escape makes a NUL in JSON (a raw one is invalid JSON, refused later).
    if (!/\\u0000/i.test(text)) return null;
    try {
      return nulPath(JSON.parse(text));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Refuses text with U+0000 anywhere in a request with 400 naming where:
 * PostgreSQL cannot store it (the query fails) and SQLite cuts text at it,
 * and no one types it. Runs after the body limit and form reading.
 */
export function refuseNulText(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = await nulIn(c);
    if (path === null) return next();
    return refuse(c, 400, NUL_MESSAGE, { errors: [{ path, message: NUL_MESSAGE }] });
  };
}
