// What the ingestion pages share: reading forms, turning a refusal into the
// form's errors, the acting person, and small pieces of display.

import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { Conflict, type FieldError, InvalidInput, Unauthorized } from '../core/errors.ts';
import type { AppEnv } from '../core/http/env.ts';
import { DateText } from '../core/ui/components.tsx';
import type { Ctx } from './service.ts';

/** The text fields of a submitted form. */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** Bad input and conflicts as form errors (on `fallback` when they name no field); else null. */
export function formErrors(error: unknown, fallback: string): FieldError[] | null {
  if (error instanceof InvalidInput) {
    return error.errors.length > 0 ? error.errors : [{ path: fallback, message: error.message }];
  }
  if (error instanceof Conflict) return [{ path: fallback, message: error.message }];
  return null;
}

/** Who acts, for the service; the route's policy has already refused anonymous callers. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const actor = c.get('actor');
  if (!actor) throw new Unauthorized('Sign in to continue.');
  return { actor, ip: c.get('clientIp') };
}

/** A status as a word in a quiet box (never colour alone). */
export function Tag({ children }: { children?: Child }) {
  return <span class="status">{children}</span>;
}

/** A date and the UTC time of day. */
export function When({ iso }: { iso: string }) {
  return (
    <>
      <DateText iso={iso} /> {iso.slice(11, 16)}
    </>
  );
}
