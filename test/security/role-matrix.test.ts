import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { DbHandle } from '../../src/core/db/index.ts';
import { type Actor, can, type PolicyName } from '../../src/core/policy.ts';
import {
  actorFor,
  createLink,
  createSession,
  createToken,
  listTokens,
} from '../../src/identity/store.ts';
import { signIn, type TestUser, testApp } from '../app.ts';
import { describeEngines } from '../engines.ts';
import { seedOrg } from '../factories.ts';
import { fillPath, isApiPath, isSafeMethod, pathParams, registeredRoutes } from './support.ts';

/** The callers of the matrix: anonymous, every role, and a developer with no person (no team). */
const CALLERS = [
  { label: 'anonymous' },
  { label: 'developer', role: 'developer', email: 'ada.lovelace@example.test' },
  { label: 'developer (no team)', role: 'developer', email: 'no.person@example.test' },
  { label: 'platform', role: 'platform', email: 'barbara.liskov@example.test' },
  { label: 'leader', role: 'leader', email: 'alan.turing@example.test' },
  { label: 'admin', role: 'admin', email: 'admin@example.test' },
] as const;

type Caller = { label: string; test?: TestUser; actor: Actor | null };

interface Cell {
  route: string;
  caller: string;
  policy: PolicyName;
  allowed: boolean;
  status: number;
  location: string | null;
  knownParams: boolean;
}

/** The first value of a column in the table a path segment names (`/capabilities/:slug`). */
async function firstValue(db: DbHandle['db'], table: string, column: string) {
  if (!/^[a-z_]+$/.test(table)) return undefined;
  try {
    const { rows } = await sql<{ v: string }>`select ${sql.ref(column)} as v from ${sql.table(
      table,
    )} order by ${sql.ref(column)} limit 1`.execute(db);
    return rows[0]?.v;
  } catch {
    // No such table or column: the parameter gets a placeholder.
    return undefined;
  }
}

/**
 * Values of real objects for a caller, by the path segment before a parameter:
 * the caller's own account and token, the seeded Payments team, Ada, a reset
 * link; otherwise the first row of the table the segment names, if any.
 */
function knownValues(db: DbHandle['db'], caller: Caller, admin: TestUser, resetLink: string) {
  const owner = caller.test ?? admin;
  return async (name: string, before: string): Promise<string | undefined> => {
    if (name === 'slug' && before === 'teams') return 'payments';
    // A setup link only opens on a database without accounts, so it counts as a placeholder.
    if (name === 'token') return before === 'reset' ? resetLink : undefined;
    if (name === 'id' && before === 'users') return owner.user.id;
    if (name === 'id' && before === 'tokens') return (await listTokens(db, owner.user.id))[0]?.id;
    if (name === 'id' && before === 'teams') return firstValue(db, 'teams', 'id');
    if (name === 'id' && before === 'people') {
      const ada = await db
        .selectFrom('people')
        .select('id')
        .where('email', '=', 'ada.lovelace@example.test')
        .executeTakeFirst();
      return ada?.id;
    }
    return firstValue(db, before.replace(/-/g, '_'), name);
  };
}

// How paved sends a browser to sign in and come back (a sign-out's own redirect is not this).
const toSignIn = (cell: Cell) => cell.status === 303 && /^\/login\?next=/.test(cell.location ?? '');

/** What a refusal looks like: 401 or a redirect to sign in when nobody is signed in, else 403. */
function isRefusal(cell: Cell, method: string, path: string): boolean {
  if (cell.caller !== 'anonymous') return cell.status === 403;
  if (isApiPath(path) || method !== 'GET') return cell.status === 401;
  return toSignIn(cell);
}

function isDenialOnAllowed(cell: Cell): boolean {
  if (cell.status === 401 || cell.status === 403 || toSignIn(cell)) return true;
  // With real ids (or none at all) an allowed route must find its object.
  return cell.status === 404 && cell.knownParams;
}

describeEngines('route × role matrix', (handle) => {
  it('answers every registered route as its policy says, for anonymous and every role', async () => {
    const { db } = handle();
    await seedOrg(db);
    const app = testApp(handle());
    const callers: Caller[] = [];
    for (const c of CALLERS) {
      if (!('role' in c)) {
        callers.push({ label: c.label, actor: null });
        continue;
      }
      const test = await signIn(handle(), c.role, c.email);
      const actor = await actorFor(db, test.user, 'session');
      if (actor === 'deactivated') throw new Error(`${c.email} is not an active person`);
      callers.push({ label: c.label, test, actor });
    }
    const admin = callers.find((c) => c.label === 'admin')!.test!;
    // Looking at a reset link does not use it up, so every caller can open the same one.
    const resetLink = await createLink(db, 'reset', admin.user.id, 1);
    // The linked users really are linked, so the matrix covers both kinds of account.
    expect(callers.find((c) => c.label === 'developer')!.actor?.teamIds.length).toBe(2);
    expect(callers.find((c) => c.label === 'developer (no team)')!.actor?.teamId).toBeNull();

    const routes = registeredRoutes(app).filter((r) => r.policies.length > 0);
    // Reads first, then writes: a write (a logout, a revocation) cannot spoil a later read.
    routes.sort((a, b) => Number(!isSafeMethod(a.method)) - Number(!isSafeMethod(b.method)));
    const cells: Cell[] = [];
    for (const route of routes) {
      const policy = route.policies[0]!;
      for (const caller of callers) {
        const safe = isSafeMethod(route.method);
        const values = new Map<string, string | undefined>();
        if (safe) {
          const resolve = knownValues(db, caller, admin, resetLink);
          for (const p of pathParams(route.path)) {
            values.set(`${p.before}/${p.name}`, await resolve(p.name, p.before));
          }
        }
        const { url, known: knownParams } = fillPath(route.path, (name, before) =>
          values.get(`${before}/${name}`),
        );
        const headers: Record<string, string> = {};
        let body: string | undefined;
        const api = isApiPath(route.path);
        if (caller.test) {
          // Writes get fresh credentials: a logout or revocation must not sign later cells out.
          const userId = caller.test.user.id;
          if (api) {
            const token = safe
              ? caller.test.token
              : (await createToken(db, { userId, name: 'matrix', expiresAt: null })).value;
            headers.Authorization = `Bearer ${token}`;
          } else {
            const session = safe
              ? { cookie: caller.test.cookie.Cookie!, csrf: caller.test.csrfToken }
              : await createSession(db, userId, { maxDays: 1 }).then((s) => ({
                  cookie: `${caller.test!.cookie.Cookie!.split('=')[0]}=${s.cookieValue}`,
                  csrf: s.csrfToken,
                }));
            headers.Cookie = session.cookie;
            if (!safe) {
              headers['X-CSRF-Token'] = session.csrf;
              body = new URLSearchParams({ _csrf: session.csrf }).toString();
            }
          }
        }
        if (!safe) {
          headers.Origin = 'http://localhost';
          headers['Content-Type'] = api ? 'application/json' : 'application/x-www-form-urlencoded';
          body ??= api ? '{}' : '';
        }
        // The matrix checks policies, not the write limits (tested on their own): every
        // write starts with no writes counted, however many routes came before it.
        if (!safe) await db.deleteFrom('rate_limits').execute();
        const res = await app.request(url, { method: route.method, headers, body });
        await res.arrayBuffer();
        cells.push({
          route: `${route.method} ${route.path}`,
          caller: caller.label,
          policy,
          allowed: can(caller.actor, policy, {}),
          status: res.status,
          location: res.headers.get('location'),
          knownParams,
        });
      }
    }

    const mismatch = (cell: Cell) => {
      const [method, path] = cell.route.split(' ') as [string, string];
      if (cell.status >= 500) return 'server error';
      if (!cell.allowed && !isRefusal(cell, method, path)) {
        return cell.status < 300 ? 'unexpected 2xx' : 'not refused';
      }
      if (cell.allowed && isDenialOnAllowed(cell)) return 'unexpected 401/403/404';
      return null;
    };
    const rows = cells
      .map((cell) => ({ cell, problem: mismatch(cell) }))
      .filter((r) => r.problem !== null);
    const table = rows
      .map(
        ({ cell, problem }) =>
          `${problem?.padEnd(24)} ${cell.route.padEnd(40)} ${cell.caller.padEnd(20)} policy=${cell.policy} allowed=${cell.allowed} → ${cell.status}${cell.location ? ` ${cell.location}` : ''}`,
      )
      .join('\n');
    console.info(
      `route × role matrix: ${routes.length} routes × ${callers.length} callers = ${cells.length} cells, ${rows.length} mismatches${table ? `\n${table}` : ''}`,
    );
    const count = (problem: string) => rows.filter((r) => r.problem === problem).length;
    expect(cells.length).toBe(routes.length * callers.length);
    expect(cells.filter((c) => !c.allowed).length).toBeGreaterThan(0);
    expect(
      {
        'unexpected 2xx': count('unexpected 2xx'),
        'not refused': count('not refused'),
        'unexpected 401/403/404': count('unexpected 401/403/404'),
        'server error': count('server error'),
      },
      table,
    ).toEqual({
      'unexpected 2xx': 0,
      'not refused': 0,
      'unexpected 401/403/404': 0,
      'server error': 0,
    });
    // Some 1,400 requests one after another: the timeout only catches a hang.
  }, 300_000);

  // No route acts for a team yet; the rule every such route will call is checked here.
  it('lets members act for their team and its sub-teams only', async () => {
    const { db } = handle();
    await seedOrg(db);
    const slugs = ['engineering', 'payments', 'checkout', 'platform'];
    const rows = await db
      .selectFrom('teams')
      .select(['id', 'slug'])
      .where('slug', 'in', slugs)
      .execute();
    const team = Object.fromEntries(rows.map((r) => [r.slug, r.id])) as Record<string, string>;
    const ada = await signIn(handle(), 'developer', 'ada.lovelace@example.test');
    const nobody = await signIn(handle(), 'admin', 'no.person@example.test');
    const member = await actorFor(db, ada.user, 'session');
    const unlinked = await actorFor(db, nobody.user, 'session');
    if (member === 'deactivated' || unlinked === 'deactivated') throw new Error('deactivated');

    const verdicts = (actor: Actor | null) =>
      Object.fromEntries(slugs.map((s) => [s, can(actor, 'team.act', { teamId: team[s] })]));
    // Ada is in Payments: she acts for Payments and Checkout below it, not the parent or a sibling.
    expect(verdicts(member)).toEqual({
      engineering: false,
      payments: true,
      checkout: true,
      platform: false,
    });
    // An account with no person has no team, whatever its role; nobody signed in has none either.
    expect(Object.values(verdicts(unlinked))).toEqual([false, false, false, false]);
    expect(Object.values(verdicts(null))).toEqual([false, false, false, false]);
    // An object without an owning team belongs to no team.
    expect(can(member, 'team.act', { teamId: null })).toBe(false);
    expect(can(member, 'team.act', {})).toBe(false);
  });
});
