import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import { tooMany } from '../core/http/csrf.tsx';
import type { AppEnv, Deps } from '../core/http/env.ts';
import type { Actor } from '../core/policy.ts';
import { hit, LIMITS, resetHits } from '../core/ratelimit.ts';
import {
  DataTable,
  DateText,
  ErrorSummary,
  Field,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { getTeamById } from '../org/store.ts';
import { type ApiToken, tokenState } from './model.ts';
import {
  auditActorOf,
  errorFor,
  openSession,
  PASSWORD_HINT,
  readForm,
  roleLabel,
  setSession,
  validateForm,
} from './pages-shared.tsx';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { getToken, getUserById, listTokens, passwordHashOf, setPassword } from './store.ts';

/** When a new token expires; the value is its number of days. */
const EXPIRY_OPTIONS = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never (revoke it yourself when you stop using it)' },
];

const PasswordForm = z.object({
  currentPassword: z.string().max(1024, 'Current password is not right'),
  newPassword: z.string().min(1, 'Enter a new password'),
});

interface AccountState {
  notice?: string;
  tokenErrors?: FieldError[];
  tokenValues?: { name?: string; expires?: string };
  passwordErrors?: FieldError[];
}

/** The account page, with the errors and input of a refused form when there are any. */
export async function accountPage(
  c: Context<AppEnv>,
  deps: Deps,
  state: AccountState,
  status: ContentfulStatusCode = 200,
) {
  const { db } = deps.handle;
  const actor = c.get('actor')!;
  const user = await getUserById(db, actor.userId);
  const team = actor.teamId ? await getTeamById(db, actor.teamId) : undefined;
  const tokens = await listTokens(db, actor.userId);
  const now = new Date();
  const csrf = c.get('csrfToken');
  const errors = [...(state.tokenErrors ?? []), ...(state.passwordErrors ?? [])];
  return renderPage(
    c,
    { title: 'Your account', status },
    <>
      {state.notice ? <Notice>{state.notice}</Notice> : null}
      <h1>Your account</h1>
      <p class="lead">
        See who paved knows you as, create and revoke API tokens for the command line and scripts,
        and change your password.
      </p>
      <ErrorSummary errors={errors} />
      <dl class="facts">
        <dt>Name</dt>
        <dd>{actor.name}</dd>
        <dt>Email</dt>
        <dd>{actor.email}</dd>
        <dt>Role</dt>
        <dd>{roleLabel(actor.role)}</dd>
        <dt>Team</dt>
        <dd>
          {team ? (
            <a href={`/teams/${encodeURIComponent(team.slug)}`}>{team.name}</a>
          ) : actor.personId ? (
            'You are in the organisation but not in a team, so you cannot act for a team.'
          ) : (
            'Your account is not linked to a person in the organisation, so you cannot act for a team.'
          )}
        </dd>
      </dl>

      <h2>API tokens</h2>
      <p>
        A token lets the <code>paved</code> command line and your scripts act as you. Give each one
        a name that says where it is used, and revoke it when you stop using it.
      </p>
      <TokenTable tokens={tokens} now={now} csrfToken={csrf} />
      <h3>Create a token</h3>
      <Form action="/account/tokens" csrfToken={csrf}>
        <Field
          name="name"
          label="Token name"
          hint="Where you will use it, such as “laptop” or “deploy pipeline”. Up to 100 characters."
          value={state.tokenValues?.name}
          error={errorFor(state.tokenErrors, 'name')}
        />
        <SelectField
          name="expires"
          label="Expires after"
          hint="A token that expires sooner does less harm if it leaks."
          options={EXPIRY_OPTIONS}
          value={state.tokenValues?.expires ?? '90'}
          error={errorFor(state.tokenErrors, 'expires')}
        />
        <button type="submit">Create token</button>
      </Form>

      <h2>Password</h2>
      <p>Changing your password signs you out everywhere else; this browser stays signed in.</p>
      <Form action="/account/password" csrfToken={csrf}>
        {user?.hasPassword ? (
          <Field
            name="currentPassword"
            label="Current password"
            type="password"
            autocomplete="current-password"
            error={errorFor(state.passwordErrors, 'currentPassword')}
          />
        ) : (
          <p>You have no password yet; set one to sign in without single sign-on.</p>
        )}
        <Field
          name="newPassword"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint={PASSWORD_HINT}
          error={errorFor(state.passwordErrors, 'newPassword')}
        />
        <button type="submit">{user?.hasPassword ? 'Change password' : 'Set password'}</button>
      </Form>
    </>,
  );
}

function TokenTable(props: { tokens: ApiToken[]; now: Date; csrfToken: string | null }) {
  return (
    <DataTable
      caption="Your API tokens"
      rows={props.tokens}
      empty="You have no API tokens yet. Create one below to use the paved command line or the API."
      columns={[
        { label: 'Name', cell: (t) => t.name },
        { label: 'Starts with', cell: (t) => <code>{`${t.prefix}…`}</code> },
        { label: 'Created', cell: (t) => <DateText iso={t.createdAt} now={props.now} /> },
        {
          label: 'Expires',
          cell: (t) => (t.expiresAt ? <DateText iso={t.expiresAt} now={props.now} /> : 'never'),
        },
        {
          label: 'Last used',
          cell: (t) => (t.lastUsedOn ? <DateText iso={t.lastUsedOn} now={props.now} /> : 'never'),
        },
        { label: 'State', cell: (t) => <span class="status">{tokenState(t, props.now)}</span> },
        {
          label: 'Action',
          cell: (t) =>
            tokenState(t, props.now) === 'active' ? (
              <Form
                action={`/account/tokens/${encodeURIComponent(t.id)}/revoke`}
                csrfToken={props.csrfToken}
              >
                <button type="submit" class="danger">
                  Revoke {t.name}
                </button>
              </Form>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

/** The notice for `?notice=` after a redirect; only known words, never text from the query. */
async function noticeFor(c: Context<AppEnv>, deps: Deps, actor: Actor) {
  const notice = c.req.query('notice');
  if (notice === 'password') return 'Your password is changed. You are signed out everywhere else.';
  if (notice === 'revoked') {
    const token = await getToken(deps.handle.db, c.req.query('token') ?? '');
    if (token && token.userId === actor.userId) return `Token “${token.name}” is revoked.`;
  }
  return undefined;
}

/** The signed-in person's own account: who they are, their tokens (pages-tokens), their password. */
export function registerAccountPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/account', policy('account.manage'), async (c) =>
    accountPage(c, deps, { notice: await noticeFor(c, deps, c.get('actor')!) }),
  );

  web.post('/account/password', policy('account.manage'), async (c) => {
    const actor = c.get('actor')!;
    const values = await readForm(c);
    const form = validateForm(PasswordForm, values);
    const errors: FieldError[] = form.errors ?? [];
    const stored = await passwordHashOf(db, actor.userId);
    if (form.data && stored) {
      if (!form.data.currentPassword) {
        errors.push({ path: 'currentPassword', message: 'Enter your current password' });
      } else {
        // Guessing the current password through this form counts like guessing it at sign-in.
        const limited = await hit(db, LIMITS.loginPerAccount, actor.email);
        if (!limited.allowed) return tooMany(c, limited.retryAfter);
        if (!(await verifyPassword(form.data.currentPassword, stored))) {
          errors.push({ path: 'currentPassword', message: 'Current password is not right' });
        }
      }
    }
    const problem = form.data ? passwordProblem(form.data.newPassword, actor) : null;
    if (problem) errors.push({ path: 'newPassword', message: problem });
    if (errors.length > 0 || !form.data) {
      return accountPage(c, deps, { passwordErrors: errors }, 400);
    }
    const hash = await hashPassword(form.data.newPassword);
    const session = await db.transaction().execute(async (trx) => {
      // Ends every session of the account, this one included; this browser gets a new one.
      await setPassword(trx, actor.userId, hash);
      const created = await openSession(trx, deps, actor.userId);
      await recordAudit(trx, {
        actor: auditActorOf(actor),
        action: 'user.password',
        target: { type: 'user', id: actor.userId },
        ip: c.get('clientIp'),
        details: { via: 'account' },
      });
      return created;
    });
    if (stored) await resetHits(db, LIMITS.loginPerAccount, actor.email);
    setSession(c, deps, session.cookieValue);
    return c.redirect('/account?notice=password', 303);
  });
}
