import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { TEST_MS } from './harness.ts';
import { ariaDir, describePageChecks, pagesOf, slugOf } from './page-checks.ts';
import { pages } from './pages.ts';
import { browserAdmin } from './seed.ts';

// The browser suite, first half of pages.ts (the rest is in a11y-more.test.ts).
// Adding a page is one line in pages.ts.

describePageChecks('browser suite (1 of 2)', pagesOf(0), (suite) => {
  it('keeps a stored outline in __aria__ only for pages in the list', () => {
    const stored = readdirSync(ariaDir).filter((f) => f.endsWith('.json'));
    const listed = new Set(pages.map((p) => `${slugOf(p)}.json`));
    expect(stored.filter((f) => !listed.has(f))).toEqual([]);
  });

  it(
    'signs in through the form, without JavaScript, and lands on the page asked for',
    async () => {
      const { url } = suite();
      const page = await suite().openPage({ anonymous: true }, { javaScriptEnabled: false });
      const first = await page.goto(`${url}/account`, { waitUntil: 'load' });
      expect(new URL(first!.url()).pathname).toBe('/login');
      await page.locator('#field-email').fill(browserAdmin.email);
      await page.locator('#field-password').fill(browserAdmin.password);
      await Promise.all([
        page.waitForURL(`${url}/account`),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(await page.locator('h1').textContent()).toBe('Your account');
      await Promise.all([
        page.waitForURL(/\/login\?notice=signed-out$/),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      expect(await page.getByRole('status').textContent()).toContain('You have signed out.');
      await page.context().close();
    },
    TEST_MS,
  );
});
