import { expect, it } from 'vitest';
import { setSetting } from '../src/core/settings.ts';
import { type DemoAccount, demoAccounts } from '../src/demo/model.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { createUser } from '../src/identity/store.ts';
import { startTestServer } from '../test/app.ts';
import { describeEngines } from '../test/engines.ts';
import { firstHtml, getRaw, readDemoAccounts, signInAs } from './pages-http.ts';

// How the page and throughput steps sign in: the demo's accounts read from the
// database by its URL (on either engine), then the sign-in form over HTTP.

const account: DemoAccount = {
  email: 'admin@bench.example',
  password: 'paved-bench-admin-password',
  role: 'admin',
  name: 'Bench admin',
};

describeEngines('benchmark sign-in', (handle) => {
  it('reads the demo accounts by URL and signs in through /login as one of them', async () => {
    const { db, url } = handle();
    await createUser(db, {
      email: account.email,
      name: account.name,
      role: 'admin',
      passwordHash: await hashPassword(account.password),
    });
    await setSetting(db, demoAccounts, [account]);
    expect(await readDemoAccounts(url)).toEqual([account]);

    const server = await startTestServer(handle());
    try {
      const session = await signInAs(server.url, account);
      expect(session.name).toBe('__Host-paved_session');
      expect(session.header).toBe(`${session.name}=${session.value}`);

      // Signed in: the home page, not the way to sign in.
      const home = await firstHtml(`${server.url}/`, session.header);
      expect(home.status).toBe(200);
      expect(home.encoding).toBe('gzip');
      expect(home.wireBytes).toBeLessThan(home.htmlBytes);
      expect(home.gzipBytes).toBe(home.wireBytes);
      expect(home.html).toContain('Bench admin');

      const anonymous = await getRaw(`${server.url}/`);
      expect(anonymous.status).toBe(303);

      await expect(
        signInAs(server.url, { ...account, password: 'not the password' }),
      ).rejects.toThrow(/answered 401 without a session cookie/);
    } finally {
      await server.close();
    }
  });
});
