import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import type { RoleName } from '../core/policy.ts';
import { auditRows, count, get, post, sessionWorks } from './pages-testing.ts';
import { createUser, getUserByEmail, getUserById, peekLink, userForToken } from './store.ts';

const LINK =
  /<code class="secret-value">http:\/\/127\.0\.0\.1:3000\/reset\/([A-Za-z0-9_-]+)<\/code>/;

describeEngines('admin pages', (handle) => {
  it.each(['developer', 'platform', 'leader'] as RoleName[])(
    'forbids the admin pages to a %s',
    async (role) => {
      const me = await signIn(handle(), role);
      const other = await signIn(handle());
      for (const path of [
        '/admin/users',
        '/admin/audit',
        `/admin/users/${other.user.id}/disable`,
      ]) {
        expect((await get(handle(), path, me.cookie)).status, path).toBe(403);
      }
      for (const path of [
        '/admin/users',
        `/admin/users/${other.user.id}/role`,
        `/admin/users/${other.user.id}/disable`,
        `/admin/users/${other.user.id}/reset-link`,
      ]) {
        const res = await post(
          handle(),
          path,
          { _csrf: me.csrfToken, role: 'admin', email: 'x@example.test', name: 'X' },
          me.cookie,
        );
        expect(res.status, path).toBe(403);
      }
      expect((await getUserById(handle().db, me.user.id))!.role).toBe(role);
      expect(await count(handle(), 'one_time_links')).toBe(0);
    },
  );

  it('lists the accounts with role, team and status for an admin', async () => {
    await seedOrg(handle().db);
    const admin = await signIn(handle(), 'admin');
    await signIn(handle(), 'developer', 'ada.lovelace@example.test');
    const { status, html } = await get(handle(), '/admin/users', admin.cookie);
    expect(status).toBe(200);
    expect(html).toContain('<h1>Users</h1>');
    expect(html).toContain('ada.lovelace@example.test');
    expect(html).toContain('<a href="/teams/payments">Payments</a>');
    expect(html).toContain('Not linked to a person');
    expect(html).toContain('<span class="status">active</span>');
    expect(html).toContain('Test admin (you)');
  });

  it('pages the list with a cursor', async () => {
    const admin = await signIn(handle(), 'admin', 'a-admin@example.test');
    for (let i = 0; i < 50; i++) {
      const email = `u${String(i).padStart(2, '0')}@example.test`;
      await createUser(handle().db, {
        email,
        name: `U ${i}`,
        role: 'developer',
        passwordHash: null,
      });
    }
    const first = await get(handle(), '/admin/users', admin.cookie);
    expect(first.html).not.toContain('u49@example.test');
    const next = /href="(\/admin\/users\?cursor=[^"]+)">More accounts/.exec(first.html)![1]!;
    const second = await get(handle(), next.replace(/&amp;/g, '&'), admin.cookie);
    expect(second.html).toContain('u49@example.test');
    expect(second.html).not.toContain('u00@example.test');
  });

  it('changes a role and records from and to', async () => {
    const admin = await signIn(handle(), 'admin');
    const dev = await signIn(handle());
    const res = await post(
      handle(),
      `/admin/users/${dev.user.id}/role`,
      { _csrf: admin.csrfToken, role: 'leader', cursor: '' },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect((await getUserById(handle().db, dev.user.id))!.role).toBe('leader');
    const [entry] = await auditRows(handle(), 'user.role');
    expect(JSON.parse(entry!.details)).toEqual({ from: 'developer', to: 'leader' });
    const { html } = await get(handle(), res.headers.get('location')!, admin.cookie);
    expect(html).toContain(`${dev.user.name} is now Leader.`);
  });

  it('refuses to remove your own admin role, or a role that does not exist', async () => {
    const admin = await signIn(handle(), 'admin');
    for (const role of ['developer', 'superuser']) {
      const res = await post(
        handle(),
        `/admin/users/${admin.user.id}/role`,
        { _csrf: admin.csrfToken, role, cursor: '' },
        admin.cookie,
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`href="#field-role-${admin.user.id}"`);
    }
    expect((await getUserById(handle().db, admin.user.id))!.role).toBe('admin');
    expect(await count(handle(), 'audit_log')).toBe(0);
  });

  it('asks before disabling, then signs the person out and stops their tokens', async () => {
    const admin = await signIn(handle(), 'admin');
    const dev = await signIn(handle());
    const confirm = await get(handle(), `/admin/users/${dev.user.id}/disable`, admin.cookie);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('will be signed out everywhere at once');
    expect(confirm.html).toContain(`Disable ${dev.user.name}’s account</button>`);
    expect(await sessionWorks(handle(), dev.cookie)).toBe(true);

    const res = await post(
      handle(),
      `/admin/users/${dev.user.id}/disable`,
      { _csrf: admin.csrfToken },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect((await getUserById(handle().db, dev.user.id))!.disabledAt).toBeTruthy();
    expect(await sessionWorks(handle(), dev.cookie)).toBe(false);
    expect(await userForToken(handle().db, dev.token)).toBeUndefined();
    expect(await auditRows(handle(), 'user.disable')).toHaveLength(1);

    const enable = await post(
      handle(),
      `/admin/users/${dev.user.id}/enable`,
      { _csrf: admin.csrfToken },
      admin.cookie,
    );
    expect(enable.status).toBe(303);
    expect((await getUserById(handle().db, dev.user.id))!.disabledAt).toBeNull();
    expect(await auditRows(handle(), 'user.enable')).toHaveLength(1);
  });

  it('will not let an admin disable themselves', async () => {
    const admin = await signIn(handle(), 'admin');
    const res = await post(
      handle(),
      `/admin/users/${admin.user.id}/disable`,
      { _csrf: admin.csrfToken },
      admin.cookie,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('You cannot disable your own account');
    expect((await getUserById(handle().db, admin.user.id))!.disabledAt).toBeNull();
    expect(await sessionWorks(handle(), admin.cookie)).toBe(true);
  });

  it('answers 404 for an account that does not exist', async () => {
    const admin = await signIn(handle(), 'admin');
    expect((await get(handle(), '/admin/users/nope/disable', admin.cookie)).status).toBe(404);
  });

  it('creates a one-hour password-reset link and shows it once', async () => {
    const admin = await signIn(handle(), 'admin');
    const dev = await signIn(handle());
    const res = await post(
      handle(),
      `/admin/users/${dev.user.id}/reset-link`,
      { _csrf: admin.csrfToken },
      admin.cookie,
    );
    expect(res.status).toBe(201);
    const html = await res.text();
    const token = LINK.exec(html)![1]!;
    expect(html).toContain('within 1 hour');
    expect(await peekLink(handle().db, token, 'reset')).toEqual({ userId: dev.user.id });
    const [entry] = await auditRows(handle(), 'link.create');
    expect(entry!.target_id).toBe(dev.user.id);
    expect(JSON.stringify(entry)).not.toContain(token);
  });

  it('adds a user without a password and gives a 24-hour setup link', async () => {
    const admin = await signIn(handle(), 'admin');
    const res = await post(
      handle(),
      '/admin/users',
      {
        _csrf: admin.csrfToken,
        email: 'New.Person@Example.test',
        name: 'New Person',
        role: 'platform',
      },
      admin.cookie,
    );
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toContain('Account created for New Person');
    expect(html).toContain('within 24 hours');
    const user = (await getUserByEmail(handle().db, 'new.person@example.test'))!;
    expect(user).toMatchObject({ role: 'platform', hasPassword: false });
    const token = LINK.exec(html)![1]!;
    expect(await peekLink(handle().db, token, 'reset')).toEqual({ userId: user.id });
    expect(await auditRows(handle(), 'user.create')).toHaveLength(1);
    expect(await auditRows(handle(), 'link.create')).toHaveLength(1);
  });

  it('keeps the input and writes nothing when the add-user form is wrong', async () => {
    const admin = await signIn(handle(), 'admin', 'taken@example.test');
    const users = await count(handle(), 'users');
    for (const [fields, message] of [
      [{ email: 'not an email', name: 'Kim', role: 'developer' }, 'Enter an email address like'],
      [
        { email: 'taken@example.test', name: 'Kim', role: 'developer' },
        'There is already an account',
      ],
      [{ email: 'kim@example.test', name: ' ', role: 'developer' }, 'Enter their name'],
      [{ email: 'kim@example.test', name: 'Kim', role: 'root' }, 'Choose a role'],
    ] as const) {
      const res = await post(
        handle(),
        '/admin/users',
        { _csrf: admin.csrfToken, ...fields },
        admin.cookie,
      );
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain(`value="${fields.email}"`);
    }
    expect(await count(handle(), 'users')).toBe(users);
    expect(await count(handle(), 'one_time_links')).toBe(0);
    expect(await count(handle(), 'audit_log')).toBe(0);
  });
});
