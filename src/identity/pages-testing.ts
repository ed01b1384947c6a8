// Helpers for the identity page tests (pages-*.test.tsx): form posts, users with passwords, row counts.
import { testApp } from '../../test/app.ts';
import type { DbHandle } from '../core/db/index.ts';
import type { RoleName } from '../core/policy.ts';
import { hashPassword } from './passwords.ts';
import { createSession, createUser } from './store.ts';

export const COOKIE_NAME = '__Host-paved_session';
export const PASSWORD = 'a long enough test passphrase';

/** A same-origin form post, as a browser sends it. */
export function post(
  handle: DbHandle,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return testApp(handle).request(path, {
    method: 'POST',
    headers: {
      ...headers,
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://localhost',
    },
    body: new URLSearchParams(fields),
  });
}

/** A GET with optional headers, answered with status, headers and HTML. */
export async function get(handle: DbHandle, path: string, headers: Record<string, string> = {}) {
  const res = await testApp(handle).request(path, { headers });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

let counter = 0;

/** An account with a known password, and a session for it. */
export async function passwordUser(
  handle: DbHandle,
  opts: { role?: RoleName; email?: string; password?: string } = {},
) {
  const email = opts.email ?? `pw${++counter}@example.test`;
  const user = await createUser(handle.db, {
    email,
    name: `Person ${counter}`,
    role: opts.role ?? 'developer',
    passwordHash: await hashPassword(opts.password ?? PASSWORD),
  });
  const session = await createSession(handle.db, user.id, { maxDays: 7 });
  return {
    user,
    csrfToken: session.csrfToken,
    cookie: { Cookie: `${COOKIE_NAME}=${session.cookieValue}` },
  };
}

/** The session cookie a response sets, as a request header, or undefined. */
export function sessionFrom(res: Response): { Cookie: string } | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`));
  const value = set?.split(';')[0]?.slice(COOKIE_NAME.length + 1);
  return value ? { Cookie: `${COOKIE_NAME}=${value}` } : undefined;
}

type Table = 'users' | 'sessions' | 'api_tokens' | 'audit_log' | 'one_time_links';

/** How many rows a table holds, to show that a refused form wrote nothing. */
export async function count(handle: DbHandle, table: Table): Promise<number> {
  const row = await handle.db
    .selectFrom(table)
    .select(handle.db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Audit rows with a given action, oldest first. */
export function auditRows(handle: DbHandle, action?: string) {
  let q = handle.db.selectFrom('audit_log').selectAll().orderBy('at').orderBy('id');
  if (action) q = q.where('action', '=', action);
  return q.execute();
}

/** Whether a signed-in page still accepts this cookie (a dead session is sent to /login). */
export async function sessionWorks(handle: DbHandle, cookie: Record<string, string>) {
  const res = await testApp(handle).request('/account', { headers: cookie });
  return res.status === 200;
}
