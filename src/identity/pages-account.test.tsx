import { expect, it } from 'vitest';
import { signIn } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { LIMITS } from '../core/ratelimit.ts';
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
import { createSession, createToken, listTokens, passwordHashOf, userForToken } from './store.ts';

const VALUE = /<code class="secret-value">(pvd_[A-Za-z0-9_-]+)<\/code>/;

describeEngines('account pages', (handle) => {
  it('says who you are and links your team', async () => {
    await seedOrg(handle().db);
    const me = await signIn(handle(), 'platform', 'ada.lovelace@example.test');
    const { status, html } = await get(handle(), '/account', me.cookie);
    expect(status).toBe(200);
    expect(html).toContain('<h1>Your account</h1>');
    expect(html).toContain('<dd>ada.lovelace@example.test</dd>');
    expect(html).toContain('<dd>Platform team</dd>');
    expect(html).toContain('<a href="/teams/payments">Payments</a>');
  });

  it('explains why an account without a person cannot act for a team', async () => {
    const me = await signIn(handle());
    const { html } = await get(handle(), '/account', me.cookie);
    expect(html).toContain(
      'Your account is not linked to a person in the organisation, so you cannot act for a team.',
    );
  });

  it('shows a new token once, and the list only ever shows its prefix', async () => {
    const me = await signIn(handle());
    const res = await post(
      handle(),
      '/account/tokens',
      { _csrf: me.csrfToken, name: 'laptop', expires: '30' },
      me.cookie,
    );
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toContain('Copy it now: paved will not show it again.');
    expect(html).toContain('paved login --url http://127.0.0.1:3000 --with-token');
    expect(html).toContain('PAVED_TOKEN=');
    const value = VALUE.exec(html)![1]!;
    expect((await userForToken(handle().db, value))?.id).toBe(me.user.id);
    const token = (await listTokens(handle().db, me.user.id)).find((t) => t.name === 'laptop')!;
    const days = (Date.parse(token.expiresAt!) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);

    const list = (await get(handle(), '/account', me.cookie)).html;
    expect(list).not.toContain(value);
    expect(list).toContain(`<code>${token.prefix}…</code>`);
    expect(list).toContain('Revoke laptop');
    const [entry] = await auditRows(handle(), 'token.create');
    expect(entry).toMatchObject({ actor_id: me.user.id, target_id: token.id });
    expect(entry!.details).not.toContain(value);
  });

  it('shows when a token was last used as a day, never a time', async () => {
    const me = await signIn(handle());
    await userForToken(handle().db, me.token, new Date('2026-03-04T15:16:17Z'));
    const { html } = await get(handle(), '/account', me.cookie);
    expect(html).toContain('<time datetime="2026-03-04"');
    expect(html).not.toContain('15:16');
  });

  it('keeps the input and writes nothing when the token form is wrong', async () => {
    const me = await signIn(handle());
    const before = await count(handle(), 'api_tokens');
    for (const fields of [
      { name: '   ', expires: '365' },
      { name: 'x'.repeat(101), expires: '365' },
      { name: 'ok', expires: '7' },
    ]) {
      const res = await post(
        handle(),
        '/account/tokens',
        { _csrf: me.csrfToken, ...fields },
        me.cookie,
      );
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('There is a problem');
      if (fields.expires === '365') expect(html).toContain('<option value="365" selected="">');
    }
    expect(await count(handle(), 'api_tokens')).toBe(before);
    expect(await count(handle(), 'audit_log')).toBe(0);
  });

  it('limits how many tokens one person creates', async () => {
    const me = await signIn(handle());
    const fields = { _csrf: me.csrfToken, name: 'ci', expires: '30' };
    for (let i = 0; i < LIMITS.tokenCreate.limit; i++) {
      expect((await post(handle(), '/account/tokens', fields, me.cookie)).status).toBe(201);
    }
    const res = await post(handle(), '/account/tokens', fields, me.cookie);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  it('revokes your own token', async () => {
    const me = await signIn(handle());
    const { token, value } = await createToken(handle().db, {
      userId: me.user.id,
      name: 'old laptop',
      expiresAt: null,
    });
    const res = await post(
      handle(),
      `/account/tokens/${token.id}/revoke`,
      { _csrf: me.csrfToken },
      me.cookie,
    );
    expect(res.status).toBe(303);
    expect(await userForToken(handle().db, value)).toBeUndefined();
    const { html } = await get(handle(), res.headers.get('location')!, me.cookie);
    expect(html).toContain('Token “old laptop” is revoked.');
    expect(html).toContain('<span class="status">revoked</span>');
    expect(html).not.toContain('Revoke old laptop');
    expect(await auditRows(handle(), 'token.revoke')).toHaveLength(1);
  });

  it('answers 404 for somebody else’s token, even to an admin, and leaves it alone', async () => {
    const owner = await signIn(handle());
    const admin = await signIn(handle(), 'admin');
    for (const me of [await signIn(handle()), admin]) {
      const res = await post(
        handle(),
        `/account/tokens/${encodeURIComponent((await listTokens(handle().db, owner.user.id))[0]!.id)}/revoke`,
        { _csrf: me.csrfToken },
        me.cookie,
      );
      expect(res.status).toBe(404);
    }
    expect(await userForToken(handle().db, owner.token)).toBeDefined();
    expect(await count(handle(), 'audit_log')).toBe(0);
  });

  it('changes the password, ends other sessions and keeps this browser signed in', async () => {
    const me = await passwordUser(handle());
    const other = await createSession(handle().db, me.user.id, { maxDays: 7 });
    const otherCookie = { Cookie: `__Host-paved_session=${other.cookieValue}` };
    const res = await post(
      handle(),
      '/account/password',
      { _csrf: me.csrfToken, currentPassword: PASSWORD, newPassword: 'an entirely new passphrase' },
      me.cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?notice=password');
    const fresh = sessionFrom(res)!;
    expect(await sessionWorks(handle(), fresh)).toBe(true);
    expect(await sessionWorks(handle(), otherCookie)).toBe(false);
    expect(await sessionWorks(handle(), me.cookie)).toBe(false);
    const hash = (await passwordHashOf(handle().db, me.user.id))!;
    expect(await verifyPassword('an entirely new passphrase', hash)).toBe(true);
    const [entry] = await auditRows(handle(), 'user.password');
    expect(entry!.details).not.toMatch(/passphrase/);
  });

  it('refuses a wrong current password or a weak new one, and changes nothing', async () => {
    const me = await passwordUser(handle());
    const hash = await passwordHashOf(handle().db, me.user.id);
    const cases = [
      { currentPassword: 'not my password!', newPassword: 'an entirely new passphrase' },
      { currentPassword: '', newPassword: 'an entirely new passphrase' },
      { currentPassword: PASSWORD, newPassword: 'short' },
      { currentPassword: PASSWORD, newPassword: 'password1234' },
    ];
    for (const fields of cases) {
      const res = await post(
        handle(),
        '/account/password',
        { _csrf: me.csrfToken, ...fields },
        me.cookie,
      );
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('There is a problem');
      expect(html).not.toContain(fields.newPassword);
      if (fields.currentPassword) expect(html).not.toContain(fields.currentPassword);
    }
    expect(await passwordHashOf(handle().db, me.user.id)).toBe(hash);
    expect(await sessionWorks(handle(), me.cookie)).toBe(true);
    expect(await count(handle(), 'audit_log')).toBe(0);
  });
});
