import type { Context, Hono } from 'hono';
import { recordAudit } from '../core/audit.ts';
import { NotFound } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { Form } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { User } from './model.ts';
import { auditActorOf, OneTimeSecret } from './pages-shared.tsx';
import { createLink, getUserById, setDisabled } from './store.ts';

/** How long a password-reset link made here works. */
const RESET_HOURS = 1;

/** The address of one account's page or action. */
export const userPath = (u: { id: string }, action = '') =>
  `/admin/users/${encodeURIComponent(u.id)}${action}`;

/** The account named by the `:id` of the path, or a 404. */
export async function targetUser(c: Context<AppEnv>, deps: Deps): Promise<User> {
  const user = await getUserById(deps.handle.db, c.req.param('id') ?? '');
  if (!user) throw new NotFound('There is no such account.');
  return user;
}

/** A page that shows a one-time link once. */
export function linkPage(c: Context<AppEnv>, props: { title: string; lead: string; link: string }) {
  return renderPage(
    c,
    { title: props.title, status: 201 },
    <>
      <h1>{props.title}</h1>
      <p class="lead">{props.lead}</p>
      <OneTimeSecret label="The link:" value={props.link} />
      <p>
        <a href="/admin/users">Back to users</a>
      </p>
    </>,
  );
}

/** What an admin does to one account: disable (after a confirmation page), enable, reset link. */
export function registerUserActionPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;
  const base = deps.config.baseUrl;

  web.get('/admin/users/:id/disable', policy('users.manage'), async (c) =>
    disablePage(c, await targetUser(c, deps)),
  );

  web.post('/admin/users/:id/disable', policy('users.manage'), async (c) => {
    const actor = c.get('actor')!;
    const user = await targetUser(c, deps);
    if (user.id === actor.userId) return disablePage(c, user);
    await changeDisabled(c, deps, user, true);
    return c.redirect(`/admin/users?done=disabled&user=${encodeURIComponent(user.id)}`, 303);
  });

  web.post('/admin/users/:id/enable', policy('users.manage'), async (c) => {
    const user = await targetUser(c, deps);
    await changeDisabled(c, deps, user, false);
    return c.redirect(`/admin/users?done=enabled&user=${encodeURIComponent(user.id)}`, 303);
  });

  web.post('/admin/users/:id/reset-link', policy('users.manage'), async (c) => {
    const actor = c.get('actor')!;
    const user = await targetUser(c, deps);
    const token = await db.transaction().execute(async (trx) => {
      const created = await createLink(trx, 'reset', user.id, RESET_HOURS);
      await recordAudit(trx, {
        actor: auditActorOf(actor),
        action: 'link.create',
        target: { type: 'user', id: user.id },
        ip: c.get('clientIp'),
        details: { purpose: 'reset', hours: RESET_HOURS },
      });
      return created;
    });
    return linkPage(c, {
      title: `Password-reset link for ${user.name}`,
      lead: `Send ${user.name} this link so they can choose a new password. It works once, within ${RESET_HOURS} hour; their current password keeps working until they use it.${user.disabledAt ? ' Their account is disabled: they cannot sign in until you enable it.' : ''}`,
      link: `${base}/reset/${token}`,
    });
  });
}

async function changeDisabled(c: Context<AppEnv>, deps: Deps, user: User, disabled: boolean) {
  if (Boolean(user.disabledAt) === disabled) return;
  await deps.handle.db.transaction().execute(async (trx) => {
    // Disabling also ends every session of the account (store.setDisabled).
    await setDisabled(trx, user.id, disabled);
    await recordAudit(trx, {
      actor: auditActorOf(c.get('actor')!),
      action: disabled ? 'user.disable' : 'user.enable',
      target: { type: 'user', id: user.id },
      ip: c.get('clientIp'),
    });
  });
}

/** The confirmation page before disabling: what it does, and the button that does it. */
function disablePage(c: Context<AppEnv>, user: User) {
  const self = user.id === c.get('actor')!.userId;
  return renderPage(
    c,
    { title: `Disable ${user.name}’s account`, status: self ? 400 : 200 },
    <>
      <h1>Disable {user.name}’s account?</h1>
      {self ? (
        <p class="lead">
          You cannot disable your own account: paved would be left without you as an admin. Ask
          another admin to do it.
        </p>
      ) : user.disabledAt ? (
        <p class="lead">{user.name}’s account is already disabled.</p>
      ) : (
        <>
          <p class="lead">
            {user.name} ({user.email}) will be signed out everywhere at once, their API tokens will
            stop working, and they will not be able to sign in until an admin enables the account
            again. Nothing they wrote is deleted.
          </p>
          <Form action={userPath(user, '/disable')} csrfToken={c.get('csrfToken')}>
            <button type="submit" class="danger">
              Disable {user.name}’s account
            </button>
          </Form>
        </>
      )}
      <p>
        <a href="/admin/users">
          {self || user.disabledAt ? 'Back to users' : 'Cancel and go back to users'}
        </a>
      </p>
    </>,
  );
}
