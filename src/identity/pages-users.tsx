import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
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
import { listTeams } from '../org/store.ts';
import { EmailSchema, ROLE_NAMES, RoleSchema } from './model.ts';
import {
  auditActorOf,
  errorFor,
  ROLE_OPTIONS,
  readForm,
  roleLabel,
  validateForm,
} from './pages-shared.tsx';
import { linkPage, targetUser, userPath } from './pages-user-actions.tsx';
import {
  actorFor,
  createLink,
  createUser,
  getUserByEmail,
  getUserById,
  listUsers,
  setRole,
} from './store.ts';

const PAGE_SIZE = 50;
/** How long the setup link of a new account works. */
const NEW_USER_HOURS = 24;

const AddUserForm = z.object({
  email: z.string().trim().min(1, 'Enter their email address').pipe(EmailSchema),
  name: z
    .string()
    .trim()
    .min(1, 'Enter their name')
    .max(200, 'Name must be at most 200 characters'),
  role: z.enum(ROLE_NAMES, 'Choose a role'),
});

const RoleForm = z.object({ role: RoleSchema, cursor: z.string() });

interface UsersState {
  notice?: string;
  errors?: FieldError[];
  values?: Record<string, string>;
  cursor?: string;
}

async function usersPage(
  c: Context<AppEnv>,
  deps: Deps,
  state: UsersState,
  status: ContentfulStatusCode = 200,
) {
  const { db } = deps.handle;
  const me = c.get('actor')!;
  const csrf = c.get('csrfToken');
  const cursor = state.cursor || undefined;
  const page = await listUsers(db, { limit: PAGE_SIZE, cursor });
  const teams = new Map((await listTeams(db)).map((t) => [t.id, t]));
  const rows = await Promise.all(
    page.items.map(async (user) => ({ user, actor: await actorFor(db, user, 'session') })),
  );
  return renderPage(
    c,
    { title: 'Users', status },
    <>
      {state.notice ? <Notice>{state.notice}</Notice> : null}
      <h1>Users</h1>
      <p class="lead">
        Everyone who can sign in to paved: change their role, disable or enable an account, create a
        password-reset link, or add someone.
      </p>
      <ErrorSummary errors={state.errors ?? []} />
      <DataTable
        caption="Accounts, by email"
        rows={rows}
        empty="No accounts yet. Add one below."
        columns={[
          {
            label: 'Name',
            cell: ({ user }) => (user.id === me.userId ? `${user.name} (you)` : user.name),
          },
          { label: 'Email', cell: ({ user }) => user.email },
          {
            label: 'Role',
            cell: ({ user }) => (
              <Form action={userPath(user, '/role')} csrfToken={csrf} class="inline-form">
                <input type="hidden" name="cursor" value={cursor ?? ''} />
                <SelectField
                  name="role"
                  id={`field-role-${user.id}`}
                  label={`Role of ${user.name}`}
                  hiddenLabel
                  options={ROLE_OPTIONS}
                  value={user.role}
                  error={errorFor(state.errors, `role-${user.id}`)}
                />
                <button type="submit" class="secondary">
                  Change role<span class="visually-hidden"> of {user.name}</span>
                </button>
              </Form>
            ),
          },
          {
            label: 'Team',
            cell: ({ actor }) => {
              if (actor === 'deactivated') return 'Left the organisation';
              const team = actor.teamId ? teams.get(actor.teamId) : undefined;
              if (team) return <a href={`/teams/${encodeURIComponent(team.slug)}`}>{team.name}</a>;
              return actor.personId ? 'No team' : 'Not linked to a person';
            },
          },
          {
            label: 'Status',
            cell: ({ user }) => (
              <span class="status">{user.disabledAt ? 'disabled' : 'active'}</span>
            ),
          },
          { label: 'Created', cell: ({ user }) => <DateText iso={user.createdAt} /> },
          {
            label: 'Actions',
            cell: ({ user }) => (
              <div class="row-actions">
                {user.id === me.userId ? null : user.disabledAt ? (
                  <Form action={userPath(user, '/enable')} csrfToken={csrf}>
                    <button type="submit" class="secondary">
                      Enable<span class="visually-hidden"> {user.name}’s account</span>
                    </button>
                  </Form>
                ) : (
                  <a class="button secondary" href={userPath(user, '/disable')}>
                    Disable<span class="visually-hidden"> {user.name}’s account</span>
                  </a>
                )}
                <Form action={userPath(user, '/reset-link')} csrfToken={csrf}>
                  <button type="submit" class="secondary">
                    Create a password-reset link
                    <span class="visually-hidden"> for {user.name}</span>
                  </button>
                </Form>
              </div>
            ),
          },
        ]}
      />
      {page.nextCursor ? (
        <p>
          <a href={`/admin/users?cursor=${encodeURIComponent(page.nextCursor)}`}>More accounts</a>
        </p>
      ) : null}

      <h2>Add a user</h2>
      <p>
        paved creates the account without a password and gives you a link to send them; they choose
        their password with it. The link works once, within {NEW_USER_HOURS} hours.
      </p>
      <Form action="/admin/users" csrfToken={csrf}>
        <Field
          name="email"
          label="Email address"
          hint="Use their work email: it links the account to their place in the organisation."
          type="email"
          value={state.values?.email}
          error={errorFor(state.errors, 'email')}
        />
        <Field
          name="name"
          label="Name"
          value={state.values?.name}
          error={errorFor(state.errors, 'name')}
        />
        <SelectField
          name="role"
          label="Role"
          hint="Developer for most people. Platform team runs the platform, leaders decide exceptions, admins manage users and settings."
          options={ROLE_OPTIONS}
          value={state.values?.role ?? 'developer'}
          error={errorFor(state.errors, 'role')}
        />
        <button type="submit">Add user and create a setup link</button>
      </Form>
    </>,
  );
}

/** The notice for `?done=` after a redirect: only known words and the user's name from the database. */
async function noticeFor(c: Context<AppEnv>, deps: Deps): Promise<string | undefined> {
  const done = c.req.query('done');
  if (!done) return undefined;
  const user = await getUserById(deps.handle.db, c.req.query('user') ?? '');
  if (!user) return undefined;
  if (done === 'role') return `${user.name} is now ${roleLabel(user.role)}.`;
  if (done === 'disabled') return `${user.name}’s account is disabled and signed out everywhere.`;
  if (done === 'enabled') return `${user.name}’s account is enabled; they can sign in again.`;
  return undefined;
}

/** The admin's users page: the list, roles, and adding someone with a setup link. */
export function registerUserPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const base = deps.config.baseUrl;

  web.get('/admin/users', policy('users.manage'), async (c) =>
    usersPage(c, deps, { cursor: c.req.query('cursor'), notice: await noticeFor(c, deps) }),
  );

  web.post('/admin/users', policy('users.manage'), async (c) => {
    const actor = c.get('actor')!;
    const values = await readForm(c);
    const form = validateForm(AddUserForm, values);
    const errors = form.errors ?? [];
    if (form.data && (await getUserByEmail(db, form.data.email))) {
      errors.push({ path: 'email', message: `There is already an account for ${form.data.email}` });
    }
    if (errors.length > 0 || !form.data) {
      return usersPage(c, deps, { errors, values }, 400);
    }
    const input = form.data;
    const { user, link } = await db.transaction().execute(async (trx) => {
      const created = await createUser(trx, { ...input, passwordHash: null });
      const token = await createLink(trx, 'reset', created.id, NEW_USER_HOURS);
      const audit = { actor: auditActorOf(actor), ip: c.get('clientIp') };
      const target = { type: 'user', id: created.id };
      await recordAudit(trx, {
        ...audit,
        action: 'user.create',
        target,
        details: { role: input.role },
      });
      await recordAudit(trx, {
        ...audit,
        action: 'link.create',
        target,
        details: { purpose: 'reset', hours: NEW_USER_HOURS },
      });
      return { user: created, link: `${base}/reset/${token}` };
    });
    return linkPage(c, {
      title: `Account created for ${user.name}`,
      lead: `Send ${user.name} this link so they can choose a password. It works once, within ${NEW_USER_HOURS} hours; after that, create a password-reset link for them on the users page.`,
      link,
    });
  });

  web.post('/admin/users/:id/role', policy('users.manage'), async (c) => {
    const actor = c.get('actor')!;
    const user = await targetUser(c, deps);
    const values = await readForm(c);
    const form = validateForm(RoleForm, values);
    const cursor = values.cursor || undefined;
    const path = `role-${user.id}`;
    if (!form.data) {
      const errors = [{ path, message: `Choose a role for ${user.name}` }];
      return usersPage(c, deps, { errors, cursor }, 400);
    }
    const { role } = form.data;
    if (user.id === actor.userId && role !== 'admin') {
      const message =
        'You cannot remove your own admin role, so paved always keeps an admin. Ask another admin to change it.';
      return usersPage(c, deps, { errors: [{ path, message }], cursor }, 400);
    }
    if (role !== user.role) {
      await db.transaction().execute(async (trx) => {
        await setRole(trx, user.id, role);
        await recordAudit(trx, {
          actor: auditActorOf(actor),
          action: 'user.role',
          target: { type: 'user', id: user.id },
          ip: c.get('clientIp'),
          details: { from: user.role, to: role },
        });
      });
    }
    const back = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    return c.redirect(`/admin/users?done=role&user=${encodeURIComponent(user.id)}${back}`, 303);
  });
}
