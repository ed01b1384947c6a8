import type { Context } from 'hono';
import type { z } from 'zod';
import type { AuditActor } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { setSessionCookie } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { createSession } from './store.ts';

/** The text fields of a submitted form (files are ignored: no identity form takes one). */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/**
 * Checks a form against its schema. Missing fields count as empty, so the
 * schema's own "Enter your …" messages show rather than a type error.
 */
export function validateForm<S extends z.ZodObject>(
  schema: S,
  values: Record<string, string>,
): { data: z.infer<S>; errors: null } | { data: null; errors: FieldError[] } {
  const input = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, values[k] ?? '']));
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data, errors: null };
  // One message per field: the first problem is the one to fix.
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    if (!errors.some((e) => e.path === path)) errors.push({ path, message: issue.message });
  }
  return { data: null, errors };
}

/** The message for one field, for the `error` prop of a field. */
export function errorFor(errors: FieldError[] | undefined, path: string): string | undefined {
  return errors?.find((e) => e.path === path)?.message;
}

/**
 * `next` when it is a path on this site, else `/`: no scheme, no `//host`,
 * no backslash or whitespace (browsers turn `/\evil` and `/\t/evil` into
 * another host).
 */
export function localPath(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//')) return '/';
  const unsafe = [...next].some(
    (ch) => ch === '\\' || /\s/.test(ch) || ch.charCodeAt(0) < 32 || ch === '\x7f',
  );
  return unsafe ? '/' : next;
}

/** Who did it, for the audit log. */
export function auditActorOf(user: { userId?: string; id?: string; email: string }): AuditActor {
  return { userId: (user.userId ?? user.id)!, email: user.email };
}

/** Starts a session in the caller's transaction; set the cookie with `setSession` once it commits. */
export function openSession(trx: Db, deps: Deps, userId: string) {
  return createSession(trx, userId, { maxDays: deps.config.sessionMaxDays });
}

/** Gives this browser the session's cookie, for as long as the session may last. */
export function setSession(c: Context<AppEnv>, deps: Deps, cookieValue: string): void {
  setSessionCookie(c, deps, cookieValue, deps.config.sessionMaxDays * 86_400);
}

/** A secret shown exactly once (a token, a one-time link), with the warning that goes with it. */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  return (
    <div class="one-time">
      <p>
        <strong>Copy it now: paved will not show it again.</strong>
      </p>
      <p>{label}</p>
      <code class="secret-value">{value}</code>
    </div>
  );
}

export const ROLE_OPTIONS = [
  { value: 'developer', label: 'Developer' },
  { value: 'platform', label: 'Platform team' },
  { value: 'leader', label: 'Leader' },
  { value: 'admin', label: 'Admin' },
];

/** The role as the pages say it. */
export function roleLabel(role: string): string {
  return ROLE_OPTIONS.find((o) => o.value === role)?.label ?? role;
}

export const PASSWORD_HINT =
  'At least 12 characters, up to 128. A few unrelated words work well; very common passwords are refused.';
