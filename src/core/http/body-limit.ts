import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './env.ts';
import { refuse } from './refuse.tsx';

/** The largest request body paved reads, outside the routes below that set their own. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

// Bulk routes with limits of their own (signals: 10 MB of events, 25 MB GitHub deliveries).
const OWN_LIMITS = new Set(['/api/v1/events', '/hooks/github']);

/**
 * Refuses a body over 2 MB with 413, by its Content-Length at once or while
 * it streams in: no form or JSON body is read whole into memory first.
 */
export function bodySizeLimit(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      refuse(c, 413, 'A request body may be at most 2 MB.', { title: 'Payload too large' }),
  });
  return (c, next) => (OWN_LIMITS.has(c.req.path) ? next() : limit(c, next));
}
