import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import {
  auditRows,
  count,
  get,
  PASSWORD,
  passwordUser,
  post,
  sessionFrom,
  sessionWorks,
} from './pages-testing.ts';
import { verifyPassword } from './passwords.ts';
import { createLink, getUserByEmail, passwordHashOf, peekLink } from './store.ts';

const ADMIN = {
  name: 'First Admin',
  email: 'first@example.test',
  password: 'a strong first passphrase',
};

describeEngines('setup and reset links', (handle) => {
  it('sets up the first admin once, signs them in and records it', async () => {
    const token = await createLink(handle().db, 'setup', null, 24);
    const form = await get(handle(), `/setup/${token}`);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    expect(form.html).toContain('<h1>Set up paved</h1>');
    expect(form.html).toContain('autocomplete="new-password"');

    const res = await post(handle(), `/setup/${token}`, ADMIN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(await sessionWorks(handle(), sessionFrom(res)!)).toBe(true);
    const user = (await getUserByEmail(handle().db, ADMIN.email))!;
    expect(user).toMatchObject({ role: 'admin', hasPassword: true, name: 'First Admin' });
    expect(
      await verifyPassword(ADMIN.password, (await passwordHashOf(handle().db, user.id))!),
    ).toBe(true);
    const [entry] = await auditRows(handle(), 'setup.complete');
    expect(entry!.actor_id).toBe(user.id);
    expect(JSON.stringify(await auditRows(handle()))).not.toContain(token);

    const again = await post(handle(), `/setup/${token}`, {
      ...ADMIN,
      email: 'second@example.test',
    });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('This link is no longer valid');
    expect((await get(handle(), `/setup/${token}`)).status).toBe(404);
    expect(await count(handle(), 'users')).toBe(1);
  });

  it('refuses a setup link once any account exists', async () => {
    const token = await createLink(handle().db, 'setup', null, 24);
    await passwordUser(handle());
    const { status, html } = await get(handle(), `/setup/${token}`);
    expect(status).toBe(404);
    expect(html).toContain('paved user add');
    expect((await post(handle(), `/setup/${token}`, ADMIN)).status).toBe(404);
    expect(await peekLink(handle().db, token, 'setup')).toBeDefined();
  });

  it('keeps the setup input, never the password, and writes nothing on a bad form', async () => {
    const token = await createLink(handle().db, 'setup', null, 24);
    for (const fields of [
      { ...ADMIN, name: '' },
      { ...ADMIN, email: 'nope' },
      { ...ADMIN, password: 'short' },
      { ...ADMIN, password: ADMIN.email },
    ]) {
      const res = await post(handle(), `/setup/${token}`, fields);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('There is a problem');
      expect(html).toContain(`value="${fields.email}"`);
      if (fields.password !== fields.email) expect(html).not.toContain(fields.password);
    }
    expect(await count(handle(), 'users')).toBe(0);
    expect(await count(handle(), 'audit_log')).toBe(0);
    expect(await peekLink(handle().db, token, 'setup')).toBeDefined();
  });

  it('answers an unknown or expired link with the same 404 page', async () => {
    const me = await passwordUser(handle());
    const expired = await createLink(handle().db, 'reset', me.user.id, 0);
    for (const path of ['/reset/unknown', `/reset/${expired}`, '/setup/unknown']) {
      const { status, html } = await get(handle(), path);
      expect(status, path).toBe(404);
      expect(html).toContain('This link is no longer valid');
    }
  });

  it('resets a password once, ends every session and sends the person to sign in', async () => {
    const me = await passwordUser(handle());
    const token = await createLink(handle().db, 'reset', me.user.id, 1);
    const form = await get(handle(), `/reset/${token}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain(me.user.email);

    const res = await post(handle(), `/reset/${token}`, { password: 'my brand new passphrase' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?notice=password-reset');
    expect(await sessionWorks(handle(), me.cookie)).toBe(false);
    const hash = (await passwordHashOf(handle().db, me.user.id))!;
    expect(await verifyPassword('my brand new passphrase', hash)).toBe(true);
    expect(await auditRows(handle(), 'user.password')).toHaveLength(1);
    expect((await get(handle(), '/login?notice=password-reset')).html).toContain(
      'Your new password is set.',
    );

    const again = await post(handle(), `/reset/${token}`, { password: 'yet another passphrase' });
    expect(again.status).toBe(404);
    expect(await verifyPassword('my brand new passphrase', hash)).toBe(true);
  });

  it('lets only one of two racing submits use a reset link', async () => {
    const me = await passwordUser(handle());
    const token = await createLink(handle().db, 'reset', me.user.id, 1);
    const results = await Promise.all(
      ['first racing passphrase', 'second racing passphrase'].map((password) =>
        post(handle(), `/reset/${token}`, { password }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 404]);
    expect(await auditRows(handle(), 'user.password')).toHaveLength(1);
  });

  it('refuses a weak new password and leaves the link and password as they were', async () => {
    const me = await passwordUser(handle());
    const token = await createLink(handle().db, 'reset', me.user.id, 1);
    const res = await post(handle(), `/reset/${token}`, { password: 'qwerty123456' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('one of the most common');
    expect(html).not.toContain('qwerty123456');
    expect(await peekLink(handle().db, token, 'reset')).toBeDefined();
    const hash = (await passwordHashOf(handle().db, me.user.id))!;
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await sessionWorks(handle(), me.cookie)).toBe(true);
  });
});
