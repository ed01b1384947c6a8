import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import type { FieldError } from '../core/errors.ts';
import { clearSessionCookie, policy, readSessionCookie } from '../core/http/auth.ts';
import { tooMany } from '../core/http/csrf.tsx';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { hit, LIMITS, resetHits, undoHit } from '../core/ratelimit.ts';
import { getSetting } from '../core/settings.ts';
import { DataTable, ErrorSummary, Field, Form, Notice } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { type DemoAccount, demoAccounts } from '../demo/model.ts';
import {
  auditActorOf,
  errorFor,
  localPath,
  openSession,
  readForm,
  roleLabel,
  setSession,
  validateForm,
} from './pages-shared.tsx';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';
import { deleteSession, getUserByEmail, passwordHashOf, personStatus } from './store.ts';

const LoginForm = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Enter your email address')
    .max(254, 'Email address must be at most 254 characters'),
  password: z
    .string()
    .min(1, 'Enter your password')
    .max(1024, 'Password must be at most 1024 characters'),
  next: z.string(),
});

// Said whether the email or the password was wrong, so it never tells which accounts exist.
const WRONG = 'Email or password is not right';
// Only said after the right password, so it tells nothing to someone guessing.
const CANNOT = 'This account cannot sign in. Ask an admin of paved about it.';

const NOTICES: Record<string, string> = {
  'signed-out': 'You have signed out.',
  'password-reset': 'Your new password is set. Sign in with it.',
};

interface LoginState {
  email?: string;
  next: string;
  errors?: FieldError[];
  notice?: string;
}

async function loginPage(
  c: Context<AppEnv>,
  deps: Deps,
  state: LoginState,
  status: ContentfulStatusCode = 200,
) {
  const accounts = c.get('demo') ? await getSetting(deps.handle.db, demoAccounts) : [];
  const actor = c.get('actor');
  return renderPage(
    c,
    { title: 'Sign in', status },
    <>
      {state.notice ? <Notice>{state.notice}</Notice> : null}
      <h1>Sign in to paved</h1>
      <p class="lead">
        Sign in with your email address and password to see your team, feedback and surveys.
      </p>
      {actor && !state.errors ? (
        <p>
          You are signed in as {actor.name}. Signing in again replaces this session.{' '}
          <a href={state.next}>Continue as {actor.name}</a>.
        </p>
      ) : null}
      <ErrorSummary errors={state.errors ?? []} />
      <Form action="/login" csrfToken={c.get('csrfToken')}>
        <input type="hidden" name="next" value={state.next} />
        <Field
          name="email"
          label="Email address"
          type="email"
          autocomplete="username"
          value={state.email}
          error={errorFor(state.errors, 'email')}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          error={errorFor(state.errors, 'password')}
        />
        <button type="submit">Sign in</button>
      </Form>
      <p>Forgot your password? Ask an admin of paved for a password-reset link.</p>
      {accounts.length > 0 ? <DemoAccounts accounts={accounts} /> : null}
    </>,
  );
}

/** The demo's accounts, on a demo database only, and labelled so nobody mistakes them for real. */
function DemoAccounts({ accounts }: { accounts: DemoAccount[] }) {
  return (
    <section class="demo-accounts" aria-labelledby="demo-accounts-title">
      <h2 id="demo-accounts-title">Demo only: accounts to try paved with</h2>
      <p>
        This is a demo database, so its accounts and their passwords are shown here. A paved with
        real people never shows a password.
      </p>
      <DataTable
        caption="Demo accounts, one for each role"
        rows={accounts}
        columns={[
          { label: 'Role', cell: (a) => roleLabel(a.role) },
          { label: 'Name', cell: (a) => a.name },
          { label: 'Email', cell: (a) => <code>{a.email}</code> },
          { label: 'Password', cell: (a) => <code>{a.password}</code> },
        ]}
      />
    </section>
  );
}

/** Sign-in and sign-out. */
export function registerSignInPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/login', policy('public'), (c) =>
    loginPage(c, deps, {
      next: localPath(c.req.query('next')),
      notice: NOTICES[c.req.query('notice') ?? ''],
    }),
  );

  web.post('/login', policy('public'), async (c) => {
    const values = await readForm(c);
    const next = localPath(values.next);
    const byAddress = await hit(db, LIMITS.loginPerAddress, c.get('clientIp'));
    if (!byAddress.allowed) return tooMany(c, byAddress.retryAfter);
    const form = validateForm(LoginForm, values);
    if (!form.data) {
      return loginPage(c, deps, { email: values.email?.trim(), next, errors: form.errors }, 400);
    }
    const { email, password } = form.data;
    const byAccount = await hit(db, LIMITS.loginPerAccount, email);
    if (!byAccount.allowed) return tooMany(c, byAccount.retryAfter);

    const user = await getUserByEmail(db, email);
    const hash = user ? await passwordHashOf(db, user.id) : null;
    // Always run one hash, so an unknown email takes as long as a wrong password.
    const matches = await verifyPassword(password, hash ?? DUMMY_HASH);
    if (!user || !hash || !matches) {
      const errors = [{ path: 'password', message: WRONG }];
      return loginPage(c, deps, { email, next, errors }, 401);
    }
    if (user.disabledAt || (await personStatus(db, user.email)) === 'inactive') {
      const errors = [{ path: 'password', message: CANNOT }];
      return loginPage(c, deps, { email, next, errors }, 403);
    }

    const old = readSessionCookie(c, deps);
    const session = await db.transaction().execute(async (trx) => {
      // A new id at every sign-in, so a session id planted before it is worth nothing.
      if (old) await deleteSession(trx, old);
      const created = await openSession(trx, deps, user.id);
      await recordAudit(trx, {
        actor: auditActorOf(user),
        action: 'session.create',
        target: { type: 'user', id: user.id },
        ip: c.get('clientIp'),
      });
      return created;
    });
    await resetHits(db, LIMITS.loginPerAccount, email);
    // Only failed attempts count against the address: an office behind one NAT signs in freely.
    await undoHit(db, LIMITS.loginPerAddress, c.get('clientIp'));
    setSession(c, deps, session.cookieValue);
    return c.redirect(next, 303);
  });

  web.post('/logout', policy('signed-in'), async (c) => {
    const actor = c.get('actor')!;
    const cookie = readSessionCookie(c, deps);
    if (actor.via === 'session' && cookie) {
      await db.transaction().execute(async (trx) => {
        await deleteSession(trx, cookie);
        await recordAudit(trx, {
          actor: auditActorOf(actor),
          action: 'session.delete',
          target: { type: 'user', id: actor.userId },
          ip: c.get('clientIp'),
        });
      });
    }
    clearSessionCookie(c, deps);
    return c.redirect('/login?notice=signed-out', 303);
  });
}
