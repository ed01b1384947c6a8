import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { LIMITS } from '../core/ratelimit.ts';
import { setSetting } from '../core/settings.ts';
import { demoAccounts, demoMarker } from '../demo/model.ts';
import {
  auditRows,
  COOKIE_NAME,
  count,
  get,
  PASSWORD,
  passwordUser,
  post,
  sessionFrom,
  sessionWorks,
} from './pages-testing.ts';
import { setDisabled } from './store.ts';

describeEngines('sign-in pages', (handle) => {
  const login = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    post(handle(), '/login', fields, headers);

  it('offers a sign-in form that password managers understand', async () => {
    const { status, html } = await get(handle(), '/login?next=%2Fteams');
    expect(status).toBe(200);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<h1>Sign in to paved</h1>');
    expect(html).toMatch(
      /<input id="field-email" name="email" autocomplete="username" type="email"/,
    );
    expect(html).toMatch(/name="password" autocomplete="current-password" type="password"/);
    expect(html).toContain('<input type="hidden" name="next" value="/teams"/>');
    expect(html).not.toContain('onpaste');
    expect(html).not.toContain('Demo only');
  });

  it('keeps only a local path as next on the form', async () => {
    const { html } = await get(handle(), '/login?next=https%3A%2F%2Fevil.example');
    expect(html).toContain('<input type="hidden" name="next" value="/"/>');
  });

  it('shows the demo accounts, labelled demo only, on a demo database', async () => {
    await setSetting(handle().db, demoMarker, { seed: 1, size: 'small', createdAt: '2026-11-01' });
    await setSetting(handle().db, demoAccounts, [
      { email: 'admin@demo.test', password: 'paved-demo-admin', role: 'admin', name: 'Demo admin' },
    ]);
    const { html } = await get(handle(), '/login');
    expect(html).toContain('Demo only: accounts to try paved with');
    expect(html).toContain('<code>admin@demo.test</code>');
    expect(html).toContain('<code>paved-demo-admin</code>');
  });

  it('signs in: sets a secure session cookie, records it and goes to next', async () => {
    const { user } = await passwordUser(handle(), { email: 'ada@example.test' });
    const res = await login({ email: ' Ada@Example.test ', password: PASSWORD, next: '/teams' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/teams');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`))!;
    expect(cookie).toMatch(/; Max-Age=604800/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(await sessionWorks(handle(), sessionFrom(res)!)).toBe(true);
    const [entry] = await auditRows(handle(), 'session.create');
    expect(entry).toMatchObject({ actor_id: user.id, actor_email: 'ada@example.test' });
    expect(entry!.ip).toBeTruthy();
  });

  it.each([
    '//evil.example/x',
    'https://evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
  ])('goes home instead of to a next that leaves the site (%j)', async (next) => {
    await passwordUser(handle(), { email: 'next@example.test' });
    const res = await login({ email: 'next@example.test', password: PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });

  it('refuses a wrong password with a summary, keeps the email, never echoes the password', async () => {
    await passwordUser(handle(), { email: 'ada@example.test' });
    const sessions = await count(handle(), 'sessions');
    const res = await login({ email: 'ada@example.test', password: 'not-the-password-123' });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('<a href="#field-password">Email or password is not right</a>');
    expect(html).toContain('value="ada@example.test"');
    expect(html).not.toContain('not-the-password-123');
    expect(sessionFrom(res)).toBeUndefined();
    expect(await count(handle(), 'sessions')).toBe(sessions);
  });

  it('says the same for an unknown email as for a wrong password', async () => {
    const res = await login({ email: 'nobody@example.test', password: PASSWORD });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Email or password is not right');
  });

  it('asks for both fields when the form is empty, and writes nothing', async () => {
    const before = await count(handle(), 'sessions');
    const res = await login({ email: '', password: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<a href="#field-email">Enter your email address</a>');
    expect(html).toContain('<a href="#field-password">Enter your password</a>');
    expect(await count(handle(), 'sessions')).toBe(before);
    expect(await count(handle(), 'audit_log')).toBe(0);
  });

  it('throttles guessing at one account with 429 and Retry-After', async () => {
    await passwordUser(handle(), { email: 'target@example.test' });
    for (let i = 0; i < LIMITS.loginPerAccount.limit; i++) {
      const res = await login({ email: 'target@example.test', password: `wrong-guess-${i}-xx` });
      expect(res.status).toBe(401);
    }
    const res = await login({ email: 'target@example.test', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.text()).toContain('Too many attempts');
    expect(sessionFrom(res)).toBeUndefined();
  });

  it('refuses a disabled account, but only says so after the right password', async () => {
    const { user } = await passwordUser(handle(), { email: 'off@example.test' });
    await setDisabled(handle().db, user.id, true);
    const wrong = await login({ email: 'off@example.test', password: 'wrong password here' });
    expect(wrong.status).toBe(401);
    const right = await login({ email: 'off@example.test', password: PASSWORD });
    expect(right.status).toBe(403);
    expect(await right.text()).toContain('This account cannot sign in. Ask an admin');
    expect(sessionFrom(right)).toBeUndefined();
  });

  it('refuses someone who has left the organisation', async () => {
    await seedOrg(handle().db);
    await passwordUser(handle(), { email: 'ada.lovelace@example.test' });
    await handle()
      .db.updateTable('people')
      .set({ inactive_since: '2026-01-01' })
      .where('email', '=', 'ada.lovelace@example.test')
      .execute();
    const res = await login({ email: 'ada.lovelace@example.test', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(await count(handle(), 'sessions')).toBe(1);
  });

  it('rotates the session at sign-in: the cookie from before stops working', async () => {
    const before = await passwordUser(handle(), { email: 'rotate@example.test' });
    expect(await sessionWorks(handle(), before.cookie)).toBe(true);
    const res = await login(
      { email: 'rotate@example.test', password: PASSWORD, _csrf: before.csrfToken },
      before.cookie,
    );
    expect(res.status).toBe(303);
    const after = sessionFrom(res)!;
    expect(after.Cookie).not.toBe(before.cookie.Cookie);
    expect(await sessionWorks(handle(), before.cookie)).toBe(false);
    expect(await sessionWorks(handle(), after)).toBe(true);
  });

  it('signs out: ends the session, clears the cookie and says so', async () => {
    const me = await passwordUser(handle());
    const res = await post(handle(), '/logout', { _csrf: me.csrfToken }, me.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?notice=signed-out');
    expect(res.headers.getSetCookie().join()).toMatch(/__Host-paved_session=;.*Max-Age=0/);
    const again = await testApp(handle()).request('/account', { headers: me.cookie });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/login?next=%2Faccount');
    const withQuery = await testApp(handle()).request('/account?tab=tokens');
    expect(withQuery.headers.get('location')).toBe('/login?next=%2Faccount%3Ftab%3Dtokens');
    expect(await auditRows(handle(), 'session.delete')).toHaveLength(1);
    expect((await get(handle(), '/login?notice=signed-out')).html).toContain(
      'You have signed out.',
    );
  });

  it('refuses a sign-out without the form token, and the session lives on', async () => {
    const me = await signIn(handle());
    const res = await post(handle(), '/logout', {}, me.cookie);
    expect(res.status).toBe(403);
    expect(await sessionWorks(handle(), me.cookie)).toBe(true);
  });

  it('never writes a password, session id or cookie to the audit log', async () => {
    const me = await passwordUser(handle(), { email: 'audit@example.test' });
    const res = await login({ email: 'audit@example.test', password: PASSWORD });
    const cookie = sessionFrom(res)!.Cookie.split('=')[1]!;
    await post(handle(), '/logout', { _csrf: me.csrfToken }, me.cookie);
    const text = JSON.stringify(await auditRows(handle()));
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(cookie);
    expect(text).not.toContain(me.cookie.Cookie.split('=')[1]!);
  });
});
