import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSuite,
  browserAvailability,
  missingInCi,
  skipReason,
  startBrowserSuite,
  TEST_MS,
} from './harness.ts';
import { type PageCase, pages } from './pages.ts';
import { browserAdmin } from './seed.ts';

// The browser suite: every page in pages.ts, in a real Chromium. Adding a page is one line there.

/** The rule sets paved promises to pass (issue 2): WCAG 2.0–2.2 A and AA, plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

const availability = browserAvailability();

if (availability === 'skip') {
  describe.skip(`browser suite — skipped: ${skipReason}`, () => {
    it('opens every page in Chromium', () => {});
  });
} else if (availability === 'fail') {
  // With CI=true the suite must fail, never skip, when the browser is missing.
  describe('browser suite', () => {
    it('has Chromium, which CI=true requires', () => {
      throw new Error(missingInCi);
    });
  });
} else {
  describe('browser suite', () => {
    let suite: BrowserSuite | undefined;

    beforeAll(async () => {
      suite = await startBrowserSuite();
    });

    afterAll(async () => {
      await suite?.close();
    });

    /** A fresh page signed in as the page case asks (the seed's admin unless told otherwise). */
    function openPage(
      target: Pick<PageCase, 'anonymous' | 'asLeader'>,
      options: Parameters<BrowserSuite['openPage']>[1] = {},
    ): Promise<Page> {
      if (!suite)
        throw new Error('Chromium or the server did not start (see the beforeAll error above).');
      return suite.openPage(target, options);
    }

    /** The page's path with the seed's `{params}` filled in. */
    function pathOf(target: PageCase): string {
      return suite!.fill(target.path);
    }

    /**
     * Loads a page and checks it answers with the status the page list
     * expects; for a page reached by a form, fills and submits the form too.
     */
    async function load(page: Page, target: PageCase): Promise<void> {
      const path = pathOf(target);
      const response = await page.goto(`${suite!.url}${path}`, { waitUntil: 'load' });
      const { submit } = target;
      expect(response?.status(), `status of ${path}`).toBe(submit ? 200 : (target.status ?? 200));
      if (!submit) return;
      for (const [name, value] of Object.entries(submit.fields)) {
        await page.locator(`${submit.form} [name="${name}"]`).fill(value);
      }
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator(`${submit.form} button[type="submit"]`).click(),
      ]);
      await page.waitForLoadState('load');
      expect(answer.status(), `status after submitting ${submit.form} on ${path}`).toBe(
        submit.status,
      );
    }

    describe.each(pages)('$name ($path)', (target) => {
      // Contrast differs between the schemes, and some rules (scrollable regions,
      // reflow, target spacing) only fail once the page is narrow.
      it.each([
        { colorScheme: 'light', width: 1280 },
        { colorScheme: 'dark', width: 1280 },
        { colorScheme: 'light', width: 320 },
      ] as const)(
        'has no axe violations in the $colorScheme colour scheme at $width px',
        async ({ colorScheme, width }) => {
          const page = await openPage(target, { viewport: { width, height: 800 } });
          const cspErrors: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(m.text())) {
              cspErrors.push(m.text());
            }
          });
          await page.emulateMedia({ colorScheme });
          await load(page, target);
          // axe goes in through page.evaluate (DevTools evaluation, which CSP does not
          // govern) rather than bypassCSP: the page is then checked exactly as users
          // get it, with the strict Content-Security-Policy still applied to its own
          // styles and scripts, so a style the CSP blocks cannot pass here unnoticed.
          await page.evaluate(axeSource);
          const violations = await page.evaluate(async (tags) => {
            const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
            const results: AxeResults = await axe.run(document, {
              runOnly: { type: 'tag', values: tags },
              resultTypes: ['violations'],
            });
            return results.violations.map((v) => ({
              id: v.id,
              impact: v.impact ?? 'unknown',
              help: v.help,
              helpUrl: v.helpUrl,
              targets: v.nodes.map((n) => ({
                target: n.target.map(String).join(' '),
                summary: n.failureSummary ?? '',
              })),
            }));
          }, AXE_TAGS);
          const report = violations
            .map(
              (v) =>
                `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${v.targets
                  .map((t) => `  - ${t.target}\n      ${t.summary.replace(/\n/g, '\n      ')}`)
                  .join('\n')}`,
            )
            .join('\n');
          expect(
            violations.length,
            `${violations.length} axe violation(s) on ${target.path} (${colorScheme}, ${width} px):\n${report}\n`,
          ).toBe(0);
          expect(cspErrors, `Content-Security-Policy errors on ${target.path}`).toEqual([]);
          await page.context().close();
        },
        TEST_MS,
      );

      it(
        'reaches the skip link with the first Tab, and Enter moves to main',
        async () => {
          const page = await openPage(target);
          await load(page, target);
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            const box = el?.getBoundingClientRect();
            return {
              tag: el?.tagName.toLowerCase(),
              text: el?.textContent?.trim(),
              href: el?.getAttribute('href'),
              // A skip link must be seen when focused, not only read out.
              visible: !!box && box.top >= 0 && box.bottom <= innerHeight && box.width > 0,
            };
          });
          expect(focused).toEqual({
            tag: 'a',
            text: 'Skip to main content',
            href: '#main',
            visible: true,
          });
          await page.keyboard.press('Enter');
          await page.waitForFunction(() => location.hash === '#main');
          const after = await page.evaluate(() => ({
            focused: document.activeElement?.tagName.toLowerCase(),
            target: document.querySelector(':target')?.tagName.toLowerCase(),
          }));
          expect(after).toEqual({ focused: 'main', target: 'main' });
          await page.context().close();
        },
        TEST_MS,
      );

      it(
        'does not scroll sideways at 320 px wide',
        async () => {
          const page = await openPage(target, { viewport: { width: 320, height: 640 } });
          await load(page, target);
          const widths = await page.evaluate(() => {
            const limit = innerWidth;
            // The widest elements past the right edge, to say what to fix.
            const culprits = [...document.querySelectorAll<HTMLElement>('body *')]
              .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
              .filter((el) => !el.closest('.table-scroll') || el.classList.contains('table-scroll'))
              .slice(0, 5)
              .map((el) => {
                const classes = [...el.classList].map((c) => `.${c}`).join('');
                return `${el.tagName.toLowerCase()}${classes} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
              });
            return {
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth: limit,
              culprits,
            };
          });
          expect(
            widths.scrollWidth,
            `${target.path} is ${widths.scrollWidth} px wide in a ${widths.innerWidth} px window; too wide: ${widths.culprits.join(', ') || 'none found'}`,
          ).toBeLessThanOrEqual(widths.innerWidth);
          await page.context().close();
        },
        TEST_MS,
      );

      it(
        'works without JavaScript: one h1',
        async () => {
          const page = await openPage(target, { javaScriptEnabled: false });
          await load(page, target);
          const h1 = page.locator('h1');
          expect(await h1.count(), `h1 elements on ${target.path} without JavaScript`).toBe(1);
          expect((await h1.textContent())?.trim()).toBeTruthy();
          await page.context().close();
        },
        TEST_MS,
      );
    });

    it(
      'signs in through the form, without JavaScript, and lands on the page asked for',
      async () => {
        const page = await openPage({ anonymous: true }, { javaScriptEnabled: false });
        const first = await page.goto(`${suite!.url}/account`, { waitUntil: 'load' });
        expect(new URL(first!.url()).pathname).toBe('/login');
        await page.locator('#field-email').fill(browserAdmin.email);
        await page.locator('#field-password').fill(browserAdmin.password);
        await Promise.all([
          page.waitForURL(`${suite!.url}/account`),
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
}
