// The checks every page in pages.ts gets, in a real Chromium. The page list is
// split across a11y.test.ts and a11y-more.test.ts so the two halves run side by
// side; each half starts its own seeded server and browser.
//
// Each page is loaded three times, not once per check: wide (the skip link by
// keyboard, then axe in the light and the dark scheme on the same page, the
// scheme switched in place), narrow (axe at 320 px, then sideways scrolling) and
// without JavaScript.

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

/** The rule sets paved promises to pass (issue 2): WCAG 2.0–2.2 A and AA, plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

/** How many files share the page list; `slice` of them is pages `i` with `i % SLICES === slice`. */
export const SLICES = 2;

/** The pages of one slice, in the list's order. */
export function pagesOf(slice: number): PageCase[] {
  return pages.filter((_, i) => i % SLICES === slice);
}

/** A loaded page and the Content-Security-Policy errors it logged. */
interface Loaded {
  page: Page;
  cspErrors: string[];
}

/**
 * The browser suite for some pages; `more` adds tests that need the same
 * server (the sign-in flow). Skips without Chromium, and fails instead with CI=true.
 */
export function describePageChecks(
  title: string,
  list: readonly PageCase[],
  more?: (suite: () => BrowserSuite) => void,
): void {
  const availability = browserAvailability();
  if (availability === 'skip') {
    describe.skip(`${title} — skipped: ${skipReason}`, () => {
      it('opens every page in Chromium', () => {});
    });
    return;
  }
  if (availability === 'fail') {
    // With CI=true the suite must fail, never skip, when the browser is missing.
    describe(title, () => {
      it('has Chromium, which CI=true requires', () => {
        throw new Error(missingInCi);
      });
    });
    return;
  }

  describe(title, () => {
    let started: BrowserSuite | undefined;
    const suite = (): BrowserSuite => {
      if (!started) {
        throw new Error('Chromium or the server did not start (see the beforeAll error above).');
      }
      return started;
    };

    beforeAll(async () => {
      started = await startBrowserSuite();
    });

    afterAll(async () => {
      await started?.close();
    });

    /**
     * Opens a fresh page as the case asks and loads it, checking the status the
     * page list expects; for a page reached by a form, fills and submits the form too.
     */
    async function open(
      target: PageCase,
      options: Parameters<BrowserSuite['openPage']>[1] = {},
    ): Promise<Loaded> {
      const page = await suite().openPage(target, options);
      const cspErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(m.text())) {
          cspErrors.push(m.text());
        }
      });
      const path = suite().fill(target.path);
      const response = await page.goto(`${suite().url}${path}`, { waitUntil: 'load' });
      const { submit } = target;
      expect(response?.status(), `status of ${path}`).toBe(submit ? 200 : (target.status ?? 200));
      if (submit) {
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
      return { page, cspErrors };
    }

    /** Runs axe on the page as it is now and fails with a readable list of violations. */
    async function expectNoViolations(
      { page, cspErrors }: Loaded,
      target: PageCase,
      where: string,
    ): Promise<void> {
      // axe goes in through page.evaluate (DevTools evaluation, which CSP does not
      // govern) rather than bypassCSP: the page is then checked exactly as users
      // get it, with the strict Content-Security-Policy still applied to its own
      // styles and scripts, so a style the CSP blocks cannot pass here unnoticed.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
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
        `${violations.length} axe violation(s) on ${target.path} (${where}):\n${report}\n`,
      ).toBe(0);
      expect(cspErrors, `Content-Security-Policy errors on ${target.path}`).toEqual([]);
    }

    describe.each(list)('$name ($path)', (target) => {
      describe('at 1280 px', () => {
        let wide: Loaded | undefined;
        const loaded = (): Loaded => {
          if (!wide) throw new Error('the page did not load (see the beforeAll error above)');
          return wide;
        };
        beforeAll(async () => {
          wide = await open(target, { viewport: { width: 1280, height: 800 } });
        }, TEST_MS);
        afterAll(async () => {
          await wide?.page.context().close();
        });

        // First, while nothing on the page has had focus yet.
        it(
          'reaches the skip link with the first Tab, and Enter moves to main',
          async () => {
            const { page } = loaded();
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
          },
          TEST_MS,
        );

        // Contrast differs between the schemes; the scheme switches in place.
        it.each(['light', 'dark'] as const)(
          'has no axe violations in the %s colour scheme',
          async (colorScheme) => {
            const { page } = loaded();
            await page.emulateMedia({ colorScheme });
            expect(
              await page.evaluate(
                (scheme) => matchMedia(`(prefers-color-scheme: ${scheme})`).matches,
                colorScheme,
              ),
            ).toBe(true);
            await expectNoViolations(loaded(), target, `${colorScheme}, 1280 px`);
          },
          TEST_MS,
        );
      });

      // Some rules (scrollable regions, reflow, target spacing) only fail once the page is narrow.
      describe('at 320 px', () => {
        let narrow: Loaded | undefined;
        const loaded = (): Loaded => {
          if (!narrow) throw new Error('the page did not load (see the beforeAll error above)');
          return narrow;
        };
        beforeAll(async () => {
          narrow = await open(target, { viewport: { width: 320, height: 640 } });
        }, TEST_MS);
        afterAll(async () => {
          await narrow?.page.context().close();
        });

        it(
          'has no axe violations',
          async () => {
            await expectNoViolations(loaded(), target, 'light, 320 px');
          },
          TEST_MS,
        );

        it(
          'does not scroll sideways',
          async () => {
            const widths = await loaded().page.evaluate(() => {
              const limit = innerWidth;
              // The widest elements past the right edge, to say what to fix.
              const culprits = [...document.querySelectorAll<HTMLElement>('body *')]
                .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
                .filter(
                  (el) => !el.closest('.table-scroll') || el.classList.contains('table-scroll'),
                )
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
          },
          TEST_MS,
        );
      });

      it(
        'works without JavaScript: one h1',
        async () => {
          const { page } = await open(target, { javaScriptEnabled: false });
          const h1 = page.locator('h1');
          expect(await h1.count(), `h1 elements on ${target.path} without JavaScript`).toBe(1);
          expect((await h1.textContent())?.trim()).toBeTruthy();
          await page.context().close();
        },
        TEST_MS,
      );
    });

    more?.(suite);
  });
}
