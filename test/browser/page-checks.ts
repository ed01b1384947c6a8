// The checks every page in pages.ts gets, in a real Chromium. The page list is
// split across a11y.test.ts and a11y-more.test.ts so the two halves run side by
// side; each half starts its own seeded server and browser.
//
// Each page is loaded twice, not once per check: with JavaScript, wide (focus
// on load and the skip link by keyboard, axe in the light scheme, then axe's
// colour rules in the dark scheme switched in place, then its structure for
// screen readers: landmarks and headings against test/browser/__aria__/,
// heading levels, form control names, charts, status messages and the error
// summary's links), then the same page made narrow (axe at 320 px, sideways
// scrolling); and without JavaScript.
//
// The dark scheme changes only colour custom properties (paved-css.test.ts in
// src/core/ui holds the stylesheet to that), so only axe's colour rules can
// differ in it. Narrowing the window in place lays the page out as a fresh
// load at 320 px would: paved's pages have no script that reads the width.
//
// Every full axe run also proves that the target-size rule (WCAG 2.2) ran, and
// keeps what axe could not decide ("incomplete") for test-results/axe-incomplete.json.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type BrowserSuite, describeWithBrowser, TEST_MS } from './harness.ts';
import { type PageCase, pages } from './pages.ts';

/** The rule sets paved promises to pass (issue 2): WCAG 2.0–2.2 A and AA, plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** The rules whose result a change of colours alone can change: all the dark scheme needs. */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

/** How many files share the page list; `slice` of them is pages `i` with `i % SLICES === slice`. */
export const SLICES = 2;

/** The pages of one slice, in the list's order. */
export function pagesOf(slice: number): PageCase[] {
  return pages.filter((_, i) => i % SLICES === slice);
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** Where each page's landmarks and headings are stored; PAVED_UPDATE_ARIA=1 rewrites them. */
export const ariaDir = join(here, '__aria__');
const updateAria = process.env.PAVED_UPDATE_ARIA === '1';
/** What axe could not decide, per page and state, for a person to look at (gitignored). */
export const incompletePath = join(root, 'test-results', 'axe-incomplete.json');

/** The file name a page's stored landmarks and headings go in, from its name. */
export function slugOf(target: PageCase): string {
  return target.name
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

{
  const seen = new Map<string, string>();
  for (const p of pages) {
    const other = seen.get(slugOf(p));
    if (other)
      throw new Error(`pages.ts: “${p.name}” and “${other}” share a file name; rename one`);
    seen.set(slugOf(p), p.name);
  }
}

/** A landmark with what it holds, or a heading; the outline a screen reader's user moves by. */
export type Outline =
  | { role: string; name?: string; children?: Outline[] }
  | { heading: string; level: number };

const LANDMARKS = new Set([
  'banner',
  'navigation',
  'main',
  'contentinfo',
  'complementary',
  'search',
  'region',
  'form',
]);

/** Month names, which seeded dates relative to today change from month to month. */
const MONTH =
  /\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b/g;

/**
 * Day-to-day text out: every run of digits becomes `#` (dates, counts,
 * quarters, ids), every month name `Month`, and runs of white space one space.
 */
export function normalise(text: string): string {
  return text.replace(/\d+/g, '#').replace(MONTH, 'Month').replace(/\s+/g, ' ').trim();
}

/**
 * The landmarks and headings of Playwright's ARIA snapshot (YAML), nested as
 * they are; everything else is dropped but its landmarks and headings are kept
 * in place. A region or form counts only with a name, as for screen readers.
 */
export function outlineOf(snapshot: unknown): Outline[] {
  const out: Outline[] = [];
  for (const item of Array.isArray(snapshot) ? snapshot : []) {
    let key: string;
    let kids: unknown = [];
    if (typeof item === 'string') key = item;
    else if (item && typeof item === 'object') [key, kids] = Object.entries(item)[0] ?? [''];
    else continue;
    const m = /^([a-z]+)(?: ("(?:[^"\\]|\\.)*"))?(.*)$/.exec(key);
    if (!m) continue;
    const [, role = '', quoted, attributes = ''] = m;
    let name = '';
    if (quoted) {
      try {
        name = JSON.parse(quoted) as string;
      } catch {
        name = quoted.slice(1, -1);
      }
    }
    if (!name && typeof kids === 'string') name = kids;
    const children = outlineOf(kids);
    if (role === 'heading') {
      const level = Number(/\[level=(\d+)\]/.exec(attributes)?.[1] ?? 2);
      out.push({ heading: normalise(name), level });
    } else if (LANDMARKS.has(role) && (name || (role !== 'region' && role !== 'form'))) {
      out.push({
        role,
        ...(name ? { name: normalise(name) } : {}),
        ...(children.length > 0 ? { children } : {}),
      });
    } else {
      out.push(...children);
    }
  }
  return out;
}

/** The outline with every list of siblings sorted, for pages whose order ties. */
function sorted(outline: Outline[]): Outline[] {
  return outline
    .map((o) => ('children' in o && o.children ? { ...o, children: sorted(o.children) } : o))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** One thing axe could not decide on one page in one state. */
interface Incomplete {
  page: string;
  path: string;
  state: string;
  rule: string;
  impact: string;
  targets: string[];
}

/**
 * Writes this file's incomplete results into test-results/axe-incomplete.json,
 * keeping the other slices' (the files run side by side, so under a lock).
 */
function saveIncomplete(title: string, found: Incomplete[]): void {
  mkdirSync(dirname(incompletePath), { recursive: true });
  const lock = `${incompletePath}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) break; // a lock left by a killed run: write anyway
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    let all: Record<string, { at: string; incomplete: Incomplete[] }> = {};
    if (existsSync(incompletePath)) {
      try {
        all = JSON.parse(readFileSync(incompletePath, 'utf8'));
      } catch {
        all = {};
      }
    }
    all[title] = { at: new Date().toISOString(), incomplete: found };
    writeFileSync(incompletePath, `${JSON.stringify(all, null, 2)}\n`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  console.log(
    `axe could not decide ${found.length} check(s) in “${title}”: ${relative(process.cwd(), incompletePath)}`,
  );
}

/** The part of axe-core's internals that computes accessible names. */
interface AxeNames {
  setup(node: Node): unknown;
  teardown(): void;
  utils: { getNodeFromTree(el: Element): unknown };
  commons: { text: { accessibleTextVirtual(node: unknown): string } };
}

/** Whether the case answers a form or a query with its fields' errors, so an error summary. */
export function showsErrors(target: PageCase): boolean {
  return target.submit ? target.submit.status >= 400 : target.status === 400 && !target.noFields;
}

/** Puts axe-core in the page unless it is there (DevTools evaluation, which CSP does not govern). */
async function injectAxe(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
}

/** The element that has focus, as `tag.class#id`, or `body` for none. */
function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const classes = [...el.classList].map((c) => `.${c}`).join('');
    return `${el.tagName.toLowerCase()}${classes}${el.id ? `#${el.id}` : ''}`;
  });
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
  describeWithBrowser(title, (suite) => {
    const incompleteFound: Incomplete[] = [];
    afterAll(() => {
      if (incompleteFound.length > 0 || list.length > 0) saveIncomplete(title, incompleteFound);
    });

    /**
     * Opens a fresh page as the case asks and loads it, checking the status the
     * page list expects; for a page reached by a form, fills and submits the form too.
     */
    async function open(
      target: PageCase,
      options: Parameters<BrowserSuite['openPage']>[1] = {},
    ): Promise<Loaded> {
      const as = target.asDeveloper ? { userId: suite().seed.params.developerId } : target;
      const page = await suite().openPage(as, options);
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
          const field = page.locator(`${submit.form} [name="${name}"]`);
          const kind = await field.first().evaluate((el) => (el as HTMLInputElement).type);
          if (kind === 'radio' || kind === 'checkbox') {
            await page.locator(`${submit.form} [name="${name}"][value="${value}"]`).check();
          } else if (kind.startsWith('select')) await field.selectOption(value);
          else await field.fill(value);
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

    /**
     * Runs axe on the page as it is now (every rule of AXE_TAGS, or only `rules`)
     * and fails with a readable list of violations.
     */
    async function expectNoViolations(
      { page, cspErrors }: Loaded,
      target: PageCase,
      where: string,
      rules?: readonly string[],
    ): Promise<void> {
      // axe goes in through page.evaluate (DevTools evaluation, which CSP does not
      // govern) rather than bypassCSP: the page is then checked exactly as users
      // get it, with the strict Content-Security-Policy still applied to its own
      // styles and scripts, so a style the CSP blocks cannot pass here unnoticed.
      await injectAxe(page);
      const runOnly = rules
        ? { type: 'rule' as const, values: [...rules] }
        : { type: 'tag' as const, values: AXE_TAGS };
      const { violations, incomplete, targetSize } = await page.evaluate(async (only) => {
        const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
        // Passes and inapplicable rules keep one node each; violations and
        // incomplete ones keep them all.
        const results: AxeResults = await axe.run(document, {
          runOnly: only,
          resultTypes: ['violations', 'incomplete'],
        });
        const ran = (list: AxeResults['passes']) =>
          list.find((r) => r.id === 'target-size')?.nodes.length ?? 0;
        return {
          // Nodes target-size looked at: every page has links and buttons to check.
          targetSize: {
            passes: ran(results.passes),
            incomplete: ran(results.incomplete),
            violations: ran(results.violations),
          },
          incomplete: results.incomplete.map((r) => ({
            rule: r.id,
            impact: r.impact ?? 'unknown',
            targets: r.nodes.map((n) => n.target.map(String).join(' ')),
          })),
          violations: results.violations.map((v) => ({
            id: v.id,
            impact: v.impact ?? 'unknown',
            help: v.help,
            helpUrl: v.helpUrl,
            targets: v.nodes.map((n) => ({
              target: n.target.map(String).join(' '),
              summary: n.failureSummary ?? '',
            })),
          })),
        };
      }, runOnly);
      for (const i of incomplete) {
        incompleteFound.push({ page: target.name, path: target.path, state: where, ...i });
      }
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
      // Proof that WCAG 2.2's target-size rule ran and found targets to measure.
      if (rules) return;
      expect(
        targetSize.passes + targetSize.incomplete,
        `target-size checked nothing on ${target.path} (${where}): ${JSON.stringify(targetSize)}`,
      ).toBeGreaterThan(0);
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

        // First, while nothing but what the page itself focuses has had focus.
        it(
          showsErrors(target)
            ? 'moves focus to the error summary on load'
            : 'has nothing focused on load',
          async () => {
            const { page } = loaded();
            if (showsErrors(target)) {
              // autofocus is applied at the first rendering after load.
              await page
                .waitForFunction(() => document.activeElement?.matches('.error-summary'), null, {
                  timeout: 5_000,
                })
                .catch(() => {});
              expect(await focusedElement(page)).toBe('div.error-summary');
            } else {
              expect(await focusedElement(page)).toBe('body');
            }
          },
          TEST_MS,
        );

        it(
          'reaches the skip link with the first Tab, and Enter moves to main',
          async () => {
            const { page } = loaded();
            if (showsErrors(target) || new URL(page.url()).hash) {
              // From the top of the page: the error summary took focus, or the
              // address's fragment moved where Tab starts (both as intended).
              await page.evaluate(() => {
                document.body.tabIndex = -1;
                document.body.focus();
                document.body.removeAttribute('tabindex');
              });
            }
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
            await expectNoViolations(
              loaded(),
              target,
              `${colorScheme}, 1280 px`,
              colorScheme === 'dark' ? COLOUR_RULES : undefined,
            );
          },
          TEST_MS,
        );

        // Structure for screen readers, on the same page after axe.
        it(
          'has the landmarks and headings stored in __aria__',
          async () => {
            const { page } = loaded();
            const outline = outlineOf(parseYaml(await page.locator('body').ariaSnapshot()));
            const file = join(ariaDir, `${slugOf(target)}.json`);
            if (updateAria) {
              mkdirSync(ariaDir, { recursive: true });
              writeFileSync(file, `${JSON.stringify(outline, null, 2)}\n`);
            }
            const name = relative(root, file);
            expect(
              existsSync(file),
              `${name} is missing: run with PAVED_UPDATE_ARIA=1 and review what it wrote`,
            ).toBe(true);
            const stored = JSON.parse(readFileSync(file, 'utf8')) as Outline[];
            expect(
              target.ariaAnyOrder ? sorted(outline) : outline,
              `landmarks and headings of ${target.path} (PAVED_UPDATE_ARIA=1 rewrites ${name})`,
            ).toEqual(target.ariaAnyOrder ? sorted(stored) : stored);
          },
          TEST_MS,
        );

        it(
          'has one h1, no skipped heading level, and a name on every form control',
          async () => {
            const { page } = loaded();
            await injectAxe(page);
            const found = await page.evaluate(() => {
              // axe's own accessible-name computation (its internals, typed here).
              const axe = (window as unknown as { axe: AxeNames }).axe;
              const headings = [
                ...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]'),
              ].map((h) => ({
                level: Number(h.getAttribute('aria-level') ?? h.tagName.slice(1)),
                text: (h.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60),
              }));
              const seen = (el: Element | null) => {
                const box = el?.getBoundingClientRect();
                return !!el && el.checkVisibility() && !!box && box.width > 1 && box.height > 1;
              };
              axe.setup(document);
              const controls = [
                ...document.querySelectorAll<HTMLInputElement>(
                  'input:not([type="hidden"], [type="submit"], [type="button"], [type="reset"], [type="image"]), select, textarea',
                ),
              ].map((el) => {
                const node = axe.utils.getNodeFromTree(el);
                const labelledBy = (el.getAttribute('aria-labelledby') ?? '')
                  .split(/\s+/)
                  .filter(Boolean)
                  .map((id) => document.getElementById(id));
                // In a table, the column's header is the visible label (the name adds the row).
                const cell = el.closest('td');
                const column =
                  cell?.closest('table')?.tHead?.rows[0]?.cells[cell.cellIndex] ?? null;
                return {
                  control: `${el.tagName.toLowerCase()}[name="${el.name}"]${el.id ? `#${el.id}` : ''}`,
                  name: node ? axe.commons.text.accessibleTextVirtual(node).trim() : '',
                  shown: seen(el),
                  visibleLabel: [...(el.labels ?? []), ...labelledBy, column].some(seen),
                };
              });
              axe.teardown();
              return { headings, controls };
            });
            const { headings, controls } = found;
            expect(
              headings.filter((h) => h.level === 1).map((h) => h.text),
              `h1 of ${target.path}`,
            ).toHaveLength(1);
            const skips = headings
              .map((h, i) => ({ h, before: headings[i - 1]?.level ?? 0 }))
              .filter(({ h, before }) => h.level > before + 1)
              .map(({ h, before }) => `h${h.level} “${h.text}” after h${before}`);
            expect(skips, `skipped heading levels on ${target.path}`).toEqual([]);
            expect(
              controls.filter((c) => !c.name).map((c) => c.control),
              `form controls without an accessible name on ${target.path}`,
            ).toEqual([]);
            expect(
              controls.filter((c) => c.shown && !c.visibleLabel).map((c) => c.control),
              `form controls without a visible label on ${target.path}`,
            ).toEqual([]);
          },
          TEST_MS,
        );

        it(
          'gives every chart role="img", a title, a description and a table of its points',
          async () => {
            const charts = await loaded().page.evaluate(() =>
              [...document.querySelectorAll('svg')]
                .filter((svg) => !svg.closest('[aria-hidden="true"]'))
                .map((svg) => {
                  const text = (ids: string | null) =>
                    (ids ?? '')
                      .split(/\s+/)
                      .filter(Boolean)
                      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
                      .join(' ')
                      .trim();
                  const table = svg.closest('figure')?.querySelector('table');
                  return {
                    role: svg.getAttribute('role'),
                    title: text(svg.getAttribute('aria-labelledby')),
                    description: text(svg.getAttribute('aria-describedby')),
                    points: svg.dataset.points === undefined ? null : Number(svg.dataset.points),
                    rows: table ? table.querySelectorAll('tbody tr').length : null,
                  };
                }),
            );
            for (const [i, chart] of charts.entries()) {
              const which = `chart ${i + 1} of ${charts.length} on ${target.path}: ${JSON.stringify(chart)}`;
              expect(chart.role, which).toBe('img');
              expect(chart.title, which).not.toBe('');
              expect(chart.description, which).not.toBe('');
              expect(chart.points, which).not.toBeNull();
              expect(chart.rows, `table rows of ${which}`).toBe(chart.points);
            }
          },
          TEST_MS,
        );

        const confirms = target.submit?.confirms;
        if (confirms) {
          it(
            `confirms the save in a status message: “${confirms}”`,
            async () => {
              const said = await loaded()
                .page.locator('[role="status"], [aria-live="polite"]')
                .allTextContents();
              expect(
                said.map((t) => t.trim().replace(/\s+/g, ' ')).filter((t) => t.includes(confirms)),
                `status messages on ${target.path}: ${JSON.stringify(said)}`,
              ).toHaveLength(1);
            },
            TEST_MS,
          );
        }

        if (showsErrors(target)) {
          it(
            'moves focus to each field from its link in the error summary, by keyboard',
            async () => {
              const { page } = loaded();
              const links = page.locator('.error-summary a');
              const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
              expect(hrefs.length, `links in the error summary of ${target.path}`).toBeGreaterThan(
                0,
              );
              for (const [i, href] of hrefs.entries()) {
                await links.nth(i).focus();
                await page.keyboard.press('Enter');
                await expect
                  .poll(() => page.evaluate(() => document.activeElement?.id ?? ''), {
                    message: `focus after the error summary's link to ${href} on ${target.path}`,
                    timeout: 5_000,
                  })
                  .toBe(href?.slice(1));
              }
            },
            TEST_MS,
          );
        }

        // Some rules (scrollable regions, reflow, target spacing) only fail once
        // the page is narrow: the same page, in the light scheme, made 320 px wide.
        describe('at 320 px', () => {
          beforeAll(async () => {
            const { page } = loaded();
            await page.emulateMedia({ colorScheme: 'light' });
            await page.setViewportSize({ width: 320, height: 640 });
            expect(await page.evaluate(() => innerWidth)).toBe(320);
          }, TEST_MS);

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
      });

      it(
        showsErrors(target)
          ? 'works without JavaScript: one h1, and focus on the error summary'
          : 'works without JavaScript: one h1',
        async () => {
          const { page } = await open(target, { javaScriptEnabled: false });
          const h1 = page.locator('h1');
          expect(await h1.count(), `h1 elements on ${target.path} without JavaScript`).toBe(1);
          expect((await h1.textContent())?.trim()).toBeTruthy();
          if (showsErrors(target)) {
            // The summary's own autofocus attribute, not a script.
            await expect
              .poll(() => focusedElement(page), {
                message: `focus on ${target.path} without JavaScript`,
                timeout: 5_000,
              })
              .toBe('div.error-summary');
          }
          await page.context().close();
        },
        TEST_MS,
      );
    });

    more?.(suite);
  });
}
