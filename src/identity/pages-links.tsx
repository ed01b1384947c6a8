import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { ErrorSummary, Field, Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { EmailSchema, type User } from './model.ts';
import {
  auditActorOf,
  errorFor,
  openSession,
  PASSWORD_HINT,
  readForm,
  setSession,
  validateForm,
} from './pages-shared.tsx';
import { hashPassword, passwordProblem } from './passwords.ts';
import {
  consumeLink,
  countUsers,
  createUser,
  getUserById,
  type LinkPurpose,
  peekLink,
  setPassword,
} from './store.ts';

const SetupForm = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(200, 'Name must be at most 200 characters'),
  email: z.string().trim().min(1, 'Enter your email address').pipe(EmailSchema),
  password: z.string().min(1, 'Enter a password'),
});

const ResetForm = z.object({ password: z.string().min(1, 'Enter a new password') });

/** The answer to a link that was used, has expired, or never existed: the same for all three. */
function invalidLink(c: Context<AppEnv>, purpose: LinkPurpose) {
  return renderPage(
    c,
    { title: 'This link is no longer valid', status: 404 },
    <>
      <h1>This link is no longer valid</h1>
      <p class="lead">
        It has been used already, it has expired, or it was copied incompletely. Links like this
        work once, for a short time.
      </p>
      {purpose === 'setup' ? (
        <p>
          If paved already has an admin, ask them for an account. If you run paved, create the first
          admin on the server with{' '}
          <code>paved user add --email you@example.com --name "Your Name" --role admin</code>.
        </p>
      ) : (
        <p>
          Ask an admin of paved for a new password-reset link. An operator can also create one on
          the server with <code>paved user reset-password --email you@example.com</code>.
        </p>
      )}
      <p>
        <a href="/login">Go to the sign-in page</a>
      </p>
    </>,
  );
}

/** Whether a setup link may still be used: only while paved has no account at all. */
async function setupOpen(deps: Deps, token: string): Promise<boolean> {
  const { db } = deps.handle;
  return (await countUsers(db)) === 0 && (await peekLink(db, token, 'setup')) !== undefined;
}

async function resetUser(deps: Deps, token: string): Promise<User | undefined> {
  const link = await peekLink(deps.handle.db, token, 'reset');
  return link?.userId ? getUserById(deps.handle.db, link.userId) : undefined;
}

function setupPage(
  c: Context<AppEnv>,
  state: { errors?: FieldError[]; values?: Record<string, string> },
  status: ContentfulStatusCode = 200,
) {
  return renderPage(
    c,
    { title: 'Set up paved', status },
    <>
      <h1>Set up paved</h1>
      <p class="lead">
        Create the first admin account. You can then add people, import your organisation and change
        settings.
      </p>
      <ErrorSummary errors={state.errors ?? []} />
      <Form action={c.req.path} csrfToken={c.get('csrfToken')}>
        <Field
          name="name"
          label="Your name"
          autocomplete="name"
          value={state.values?.name}
          error={errorFor(state.errors, 'name')}
        />
        <Field
          name="email"
          label="Email address"
          hint="Your work email: it links your account to your place in the organisation."
          type="email"
          autocomplete="username"
          value={state.values?.email}
          error={errorFor(state.errors, 'email')}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          hint={PASSWORD_HINT}
          error={errorFor(state.errors, 'password')}
        />
        <button type="submit">Create the admin account and sign in</button>
      </Form>
    </>,
  );
}

function resetPage(
  c: Context<AppEnv>,
  user: User,
  errors: FieldError[] = [],
  status: ContentfulStatusCode = 200,
) {
  return renderPage(
    c,
    { title: 'Choose a new password', status },
    <>
      <h1>Choose a new password</h1>
      <p class="lead">
        Set the password for {user.email}. You will then sign in with it; any other sessions of
        yours end.
      </p>
      <ErrorSummary errors={errors} />
      <Form action={c.req.path} csrfToken={c.get('csrfToken')}>
        <Field
          name="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint={PASSWORD_HINT}
          error={errorFor(errors, 'password')}
        />
        <button type="submit">Set my new password</button>
      </Form>
    </>,
  );
}

/** First-admin setup and password-reset links: public, each usable once. */
export function registerLinkPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/setup/:token', policy('public'), async (c) => {
    noStore(c);
    return (await setupOpen(deps, c.req.param('token')))
      ? setupPage(c, {})
      : invalidLink(c, 'setup');
  });

  web.post('/setup/:token', policy('public'), async (c) => {
    noStore(c);
    const token = c.req.param('token');
    if (!(await setupOpen(deps, token))) return invalidLink(c, 'setup');
    const values = await readForm(c);
    const form = validateForm(SetupForm, values);
    const errors = form.errors ?? [];
    const problem = form.data ? passwordProblem(form.data.password, form.data) : null;
    if (problem) errors.push({ path: 'password', message: problem });
    const kept = { name: values.name ?? '', email: values.email ?? '' };
    if (errors.length > 0 || !form.data) return setupPage(c, { errors, values: kept }, 400);
    const { name, email, password } = form.data;
    const passwordHash = await hashPassword(password);
    const done = await db.transaction().execute(async (trx) => {
      if ((await countUsers(trx)) > 0) return null;
      // Only the first of two racing submits uses the link; the other writes nothing.
      if (!(await consumeLink(trx, token, 'setup'))) return null;
      const user = await createUser(trx, { email, name, role: 'admin', passwordHash });
      const session = await openSession(trx, deps, user.id);
      await recordAudit(trx, {
        actor: auditActorOf(user),
        action: 'setup.complete',
        target: { type: 'user', id: user.id },
        ip: c.get('clientIp'),
      });
      return session;
    });
    if (!done) return invalidLink(c, 'setup');
    setSession(c, deps, done.cookieValue);
    return c.redirect('/', 303);
  });

  web.get('/reset/:token', policy('public'), async (c) => {
    noStore(c);
    const user = await resetUser(deps, c.req.param('token'));
    return user ? resetPage(c, user) : invalidLink(c, 'reset');
  });

  web.post('/reset/:token', policy('public'), async (c) => {
    noStore(c);
    const token = c.req.param('token');
    const user = await resetUser(deps, token);
    if (!user) return invalidLink(c, 'reset');
    const form = validateForm(ResetForm, await readForm(c));
    const errors = form.errors ?? [];
    const problem = form.data ? passwordProblem(form.data.password, user) : null;
    if (problem) errors.push({ path: 'password', message: problem });
    if (errors.length > 0 || !form.data) return resetPage(c, user, errors, 400);
    const passwordHash = await hashPassword(form.data.password);
    const used = await db.transaction().execute(async (trx) => {
      if (!(await consumeLink(trx, token, 'reset'))) return false;
      // Ends every session of the account, so a session someone else holds ends too.
      await setPassword(trx, user.id, passwordHash);
      await recordAudit(trx, {
        actor: auditActorOf(user),
        action: 'user.password',
        target: { type: 'user', id: user.id },
        ip: c.get('clientIp'),
        details: { via: 'reset-link' },
      });
      return true;
    });
    if (!used) return invalidLink(c, 'reset');
    return c.redirect('/login?notice=password-reset', 303);
  });
}

/** The link's secret is in the address: keep its pages out of every cache. */
function noStore(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-store');
}
