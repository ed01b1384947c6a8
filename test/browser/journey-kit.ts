// The ways of working every main journey is proven in (journeys.ts), and the
// one small interface a journey is written against: an actor that goes to a
// page, activates a link or button, fills a field and chooses an option. Each
// way gives the actor its own browser context and its own checks on every page
// the journey passes through:
//
// - keyboard: Tab and Shift+Tab (and nothing else) reach each target; Enter,
//   Space, arrows and typing do the rest. On each new page the first Tab
//   focuses the skip link, then Tab walks every stop to the end of the page
//   and comes round to the skip link again (no trap), and Enter moves focus to
//   main. Each stop shows a focus outline (≥ 2 px at ≥ 3:1 against the
//   background around it, or a box-shadow ring that is), loses that look when
//   focus leaves it, and is not covered (elementFromPoint at its centre is the
//   element, inside it, or its label). The walk's order then says how many
//   presses of Tab or Shift+Tab reach each target. No mouse event fires.
// - no-javascript: `javaScriptEnabled: false`, mouse and forms.
// - narrow-zoomed: a 320 px window with the browser's default text size at
//   32 px instead of 16 px (CDP Page.setFontSizes: the user's "font size"
//   setting, which paved's rem-based CSS follows; `deviceScaleFactor` and page
//   zoom would scale the 320 px away). On each page: no sideways scrolling
//   outside `.table-scroll` data tables, no text cut off by overflow.
// - forced-colours: forced colours and reduced motion emulated, by keyboard
//   as above. On each page no animation or transition runs (none listed by
//   document.getAnimations, no non-zero duration computed anywhere) and every
//   control keeps a visible edge; each focus stop has a non-zero outline.
// - slow-link: 400 ms latency, 50 000 bytes/s each way (CDP
//   Network.emulateNetworkConditions); mouse and forms, and the journey still
//   ends where it should.

import type { CDPSession, ElementHandle, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { appendEvent, getCapabilityBySlug, ledgerState } from '../../src/capabilities/store.ts';
import { createUser, getUserByEmail } from '../../src/identity/store.ts';
import { applyOrgSnapshot, getTeamBySlug } from '../../src/org/store.ts';
import { INVITATION } from '../../src/surveys/service-support.ts';
import { insertHashes } from '../../src/surveys/store-answers.ts';
import type { BrowserSuite } from './harness.ts';

export const WAYS = [
  'keyboard',
  'no-javascript',
  'narrow-zoomed',
  'forced-colours',
  'slow-link',
] as const;
export type Way = (typeof WAYS)[number];

/** What a journey is written against, the same in every way. */
export interface Actor {
  readonly page: Page;
  readonly way: Way;
  /** Opens a path of paved (as typing it in the address bar would). */
  go(path: string): Promise<void>;
  /** Follows a link or presses a button, and waits for the page it leads to. */
  activate(target: Locator): Promise<void>;
  /** Types into an empty text field. */
  fill(target: Locator, text: string): Promise<void>;
  /** Checks a radio or checkbox; for a select, picks the option with this label. */
  choose(target: Locator, option?: string): Promise<void>;
  /** The page's one h1 says this. */
  expectHeading(text: string | RegExp): Promise<void>;
  /** The way's closing checks (no mouse events, …), then closes the context. */
  finish(): Promise<void>;
}

/** A developer account made for one way: its own team, person and account, invited to the open survey. */
export interface Person {
  userId: string;
  name: string;
  email: string;
  teamId: string;
  teamSlug: string;
  teamName: string;
}

/**
 * Makes (once per way) a team under Engineering with one person and their
 * developer account, so each way's journeys start from a clean slate: the
 * person has answered no survey, rated nothing, voted for nothing, and their
 * team has no open exception. The open survey is sent to them, as it would
 * have been had they been in the import when it opened.
 */
export async function personFor(suite: BrowserSuite, way: Way): Promise<Person> {
  const db = suite.database.db;
  const slug = `journey-${way}`;
  const teamName = `Journey ${way.replace(/-/g, ' ')}`;
  const name = `Jo ${way.replace(/(^|-)(\w)/g, (_, d: string, c: string) => (d ? ' ' : '') + c.toUpperCase())}`;
  const email = `jo.${way}@example.test`;
  if (!(await getTeamBySlug(db, slug))) {
    await applyOrgSnapshot(
      db,
      {
        teams: [
          {
            ref: `group:default/${slug}`,
            name: teamName,
            type: 'team',
            parentRef: 'group:default/engineering',
            description: null,
          },
        ],
        people: [
          {
            ref: `user:default/jo.${way}`,
            name,
            email,
            teamRef: `group:default/${slug}`,
            startDate: '2025-01-06',
            level: 'Senior',
            location: 'Remote',
          },
        ],
        services: [],
      },
      { full: false, today: new Date().toISOString().slice(0, 10) },
    );
  }
  const team = (await getTeamBySlug(db, slug))!;
  let user = await getUserByEmail(db, email);
  if (!user) {
    user = await createUser(db, { email, name, role: 'developer', passwordHash: null });
    const person = await db
      .selectFrom('people')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const surveyId = suite.seed.params.openSurveyId!;
    await insertHashes(db, 'survey_invitations', surveyId, [
      suite.deps.secret.hmac(INVITATION, surveyId, person.id),
    ]);
  }
  return { userId: user.id, name, email, teamId: team.id, teamSlug: slug, teamName };
}

/** Records (behind the pages' back) that the team uses the capability, so it can leave it. */
export async function adopted(suite: BrowserSuite, teamId: string, slug: string): Promise<void> {
  const db = suite.database.db;
  const capability = (await getCapabilityBySlug(db, slug))!;
  const now = await ledgerState(db, teamId, capability.id);
  if (now.state === 'adopted') return;
  await appendEvent(db, {
    teamId,
    capabilityId: capability.id,
    seq: now.seq + 1,
    from: now.state,
    to: 'adopted',
    reason: null,
    reasonText: null,
    alternative: null,
    actorId: null,
    onBehalf: false,
    exceptionId: null,
    at: new Date(Date.now() - 86_400_000).toISOString(),
  });
}

// ---- In the page ----

/**
 * The checks that run inside the page, as plain JavaScript evaluated once per
 * document (DevTools evaluation, which the Content-Security-Policy does not
 * govern). Its presence also tells a new document from the one already checked.
 */
const PAGE_LIB = `(() => {
  if (window.__paved) return false;
  const rgba = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || '');
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (x, y) => {
    const a = lum(x), b = lum(y);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const backgroundAround = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = rgba(getComputedStyle(p).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const describe = (el) => {
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '';
    const id = el.id ? '#' + el.id : '';
    const text = (el.textContent || el.getAttribute('value') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return el.tagName.toLowerCase() + id + name + (text ? ' "' + text + '"' : '');
  };
  const lookOf = (el) => {
    const cs = getComputedStyle(el);
    return [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow, cs.backgroundColor].join('|');
  };
  const seen = new WeakSet();
  const order = [];
  let previous = null;
  const sameStop = (el, target) => el === target ||
    (target.type === 'radio' && el.type === 'radio' && el.name === target.name && el.form === target.form);
  window.__paved = {
    describe,
    /**
     * How many presses of Tab (forward) or Shift+Tab (back) take focus from
     * where it is to the target, by the order the walk recorded; null when
     * the target or the focus is not in that order.
     */
    plan(target) {
      const t = order.findIndex((el) => el.isConnected && sameStop(el, target));
      if (t < 0) return null;
      const a = document.activeElement;
      let from;
      if (!a || a === document.body || a === document.documentElement) {
        from = order.length;
        return { key: 'Shift+Tab', presses: from - t };
      }
      from = order.indexOf(a);
      if (from < 0) {
        // Focus on something that is not a stop (main, after the skip link): between two stops.
        const next = order.findIndex((el) => a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
        if (next < 0) return null;
        return t >= next ? { key: 'Tab', presses: t - next + 1 } : { key: 'Shift+Tab', presses: next - t };
      }
      return t >= from ? { key: 'Tab', presses: t - from } : { key: 'Shift+Tab', presses: from - t };
    },
    /** One Tab stop: whether it is the target, and what is wrong with how it shows. */
    stop(target, mode) {
      const a = document.activeElement;
      if (!a || a === document.body || a === document.documentElement) {
        previous = null;
        return { end: true, reached: false, what: 'body', problems: [], skipLink: false };
      }
      const reached = !!target && sameStop(a, target);
      if (!order.includes(a)) order.push(a);
      const problems = [];
      if (previous && previous.el !== a && previous.el.isConnected && lookOf(previous.el) === previous.look) {
        problems.push(describe(previous.el) + ' looks the same after focus left it');
      }
      previous = { el: a, look: lookOf(a) };
      if (!seen.has(a)) {
        seen.add(a);
        const cs = getComputedStyle(a);
        const width = parseFloat(cs.outlineWidth) || 0;
        if (mode === 'forced') {
          if (cs.outlineStyle === 'none' || width <= 0) problems.push('no outline in forced colours');
        } else {
          const around = backgroundAround(a);
          const outline = rgba(cs.outlineColor);
          const outlineOk = cs.outlineStyle !== 'none' && width >= 2 && outline && outline.a > 0 &&
            contrast(outline, around) >= 3;
          const ring = /(rgba?\\([^)]+\\))[^,]*?\\s(\\d+(?:\\.\\d+)?)px\\s*$/.exec(cs.boxShadow.split(/,(?![^(]*\\))/)[0] || '');
          const ringColour = ring ? rgba(ring[1]) : null;
          const ringOk = !!ring && Number(ring[2]) >= 2 && ringColour && ringColour.a > 0 &&
            contrast(ringColour, around) >= 3;
          if (!outlineOk && !ringOk) {
            problems.push('focus is not visible (outline ' + cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor + ', box-shadow ' + cs.boxShadow + ')');
          }
          if (!a.matches(':focus-visible')) problems.push('does not match :focus-visible');
        }
        // A link that wraps has a box per line: the centre of one of them must show it.
        const boxes = [...a.getClientRects()].filter((r) => r.width >= 1 && r.height >= 1);
        if (boxes.length === 0) {
          problems.push('has no size on screen');
        } else {
          let hit = null;
          const shown = boxes.some((r) => {
            const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
            const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
            hit = document.elementFromPoint(x, y);
            const labelled = [...(a.labels || [])].some((l) => hit && l.contains(hit));
            return !!hit && (a === hit || a.contains(hit) || labelled);
          });
          if (!shown) problems.push('is covered by ' + describe(hit));
        }
      }
      const skipLink = a.tagName === 'A' && a.getAttribute('href') === '#main';
      return { end: false, reached, what: describe(a), problems, skipLink };
    },
    /**
     * Whether the stops walked so far come in the order of the page (each
     * after the one before it), and no tabindex above 0 reorders them.
     */
    orderProblems() {
      const problems = [];
      for (let i = 1; i < order.length; i++) {
        if (!(order[i - 1].compareDocumentPosition(order[i]) & Node.DOCUMENT_POSITION_FOLLOWING)) {
          problems.push(describe(order[i]) + ' comes after ' + describe(order[i - 1]) + ' by Tab but before it on the page');
        }
      }
      for (const el of document.querySelectorAll('[tabindex]')) {
        if (Number(el.getAttribute('tabindex')) > 0) problems.push(describe(el) + ' has tabindex ' + el.getAttribute('tabindex'));
      }
      return problems;
    },
    /** Sideways scrolling outside data tables, and text cut off by overflow. */
    reflow() {
      const limit = innerWidth;
      const problems = [];
      if (document.documentElement.scrollWidth > limit) {
        const culprits = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
          .filter((el) => !el.closest('.table-scroll') || el.classList.contains('table-scroll'))
          .slice(0, 5)
          .map((el) => describe(el) + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + ' px)');
        // Text can run out of a box that itself fits: name the text's element too.
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        for (let n = walker.nextNode(); n && culprits.length < 8; n = walker.nextNode()) {
          if (!n.textContent.trim() || n.parentElement.closest('.table-scroll')) continue;
          range.selectNodeContents(n);
          const right = range.getBoundingClientRect().right;
          if (right > limit + 0.5) culprits.push('the text of ' + describe(n.parentElement) + ' (right edge ' + Math.round(right) + ' px)');
        }
        problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in ' + limit + ' px: ' + culprits.join(', '));
      }
      for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.table-scroll, .visually-hidden, input, select, textarea, svg, option')) continue;
        if (!(el.textContent || '').trim() || el.clientWidth < 2) continue;
        const cs = getComputedStyle(el);
        const hides = (v) => v === 'hidden' || v === 'clip';
        const scrolls = (v) => v === 'auto' || v === 'scroll';
        if ((hides(cs.overflowX) || cs.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1) {
          problems.push(describe(el) + ' cuts its text off (' + el.scrollWidth + ' px in ' + el.clientWidth + ' px)');
        } else if (hides(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) {
          problems.push(describe(el) + ' cuts its text off below (' + el.scrollHeight + ' px in ' + el.clientHeight + ' px)');
        } else if (scrolls(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) {
          problems.push(describe(el) + ' scrolls sideways outside a data table');
        }
      }
      return { problems, fontSize: getComputedStyle(document.documentElement).fontSize };
    },
    /** Forced colours and reduced motion: nothing moves, every control keeps an edge. */
    stillness() {
      const problems = [];
      if (!matchMedia('(forced-colors: active)').matches) problems.push('forced colours are not active');
      if (!matchMedia('(prefers-reduced-motion: reduce)').matches) problems.push('reduced motion is not asked for');
      const running = document.getAnimations();
      if (running.length > 0) problems.push(running.length + ' animation(s) or transition(s) running');
      const moving = (d) => d.split(',').some((t) => parseFloat(t) > 0);
      for (const el of [document.documentElement, ...document.querySelectorAll('body, body *')]) {
        for (const pseudo of [null, '::before', '::after']) {
          const cs = getComputedStyle(el, pseudo);
          if (cs.transitionProperty !== 'none' && moving(cs.transitionDuration)) {
            problems.push(describe(el) + (pseudo || '') + ' has a transition of ' + cs.transitionDuration);
          }
          if (cs.animationName !== 'none' && moving(cs.animationDuration)) {
            problems.push(describe(el) + (pseudo || '') + ' has an animation of ' + cs.animationDuration);
          }
        }
      }
      if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') problems.push('scrolling is smooth');
      const controls = document.querySelectorAll(
        'button, a.button, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])',
      );
      for (const el of controls) {
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        const cs = getComputedStyle(el);
        const colour = rgba(cs.borderTopColor);
        const edged = cs.borderTopStyle !== 'none' && parseFloat(cs.borderTopWidth) > 0 && colour && colour.a > 0;
        const underlined = cs.textDecorationLine.includes('underline');
        if (!edged && !underlined) problems.push(describe(el) + ' has no visible edge in forced colours');
      }
      for (const el of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
        if (getComputedStyle(el).appearance === 'none') problems.push(describe(el) + ' is drawn without its native look');
      }
      return problems;
    },
  };
  return true;
})()`;

interface Stop {
  end: boolean;
  reached: boolean;
  what: string;
  problems: string[];
  skipLink: boolean;
}

/** Evaluates the page library; true when the document is new (not yet checked). */
async function freshDocument(page: Page): Promise<boolean> {
  return (await page.evaluate(PAGE_LIB)) as boolean;
}

/** How many presses of Tab walk a page before we call it a trap. */
const MAX_STOPS = 400;

type StopMode = 'keyboard' | 'forced';

/** An actor for one way, in its own fresh context, signed in as the given account. */
export async function actorFor(suite: BrowserSuite, way: Way, userId: string): Promise<Actor> {
  const options =
    way === 'no-javascript'
      ? { javaScriptEnabled: false }
      : way === 'narrow-zoomed'
        ? { viewport: { width: 320, height: 640 } }
        : { viewport: { width: 1280, height: 800 } };
  const page = await suite.openPage({ userId }, options);
  const base = suite.url;
  let cdp: CDPSession | undefined;
  if (way === 'narrow-zoomed' || way === 'slow-link')
    cdp = await page.context().newCDPSession(page);
  if (way === 'narrow-zoomed') {
    // The browser's text size setting at 200 %: 32 px where the default is 16 px.
    await cdp!.send('Page.enable');
    await cdp!.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
  }
  if (way === 'slow-link') {
    await cdp!.send('Network.enable');
    await cdp!.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: 50_000,
      uploadThroughput: 50_000,
    });
  }
  if (way === 'forced-colours') {
    await page.emulateMedia({ forcedColors: 'active', reducedMotion: 'reduce' });
  }
  const byKeyboard = way === 'keyboard' || way === 'forced-colours';
  const mode: StopMode = way === 'forced-colours' ? 'forced' : 'keyboard';
  const mouseEvents = way === 'keyboard' ? await countMouseEvents(page) : () => 0;
  const where = () => new URL(page.url()).pathname + new URL(page.url()).search;

  async function stop(target: ElementHandle | null): Promise<Stop> {
    return (await page.evaluate(
      ([t, m]) =>
        (
          window as unknown as { __paved: { stop: (t: unknown, m: string) => unknown } }
        ).__paved.stop(t, m),
      [target, mode] as const,
    )) as Stop;
  }

  function expectGood(s: Stop) {
    expect(s.problems, `focus on ${s.what} at ${where()}: ${s.problems.join('; ')}`).toEqual([]);
  }

  async function expectSkipLink(when: string) {
    const s = await stop(null);
    expect(s.skipLink, `${when} at ${where()} focuses ${s.what}, not the skip link`).toBe(true);
    expectGood(s);
  }

  /** Whether focus, once it has stayed put for 50 ms (half a second at most), is on the skip link. */
  async function focusSettledOnSkipLink(): Promise<boolean> {
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement;
        return a?.tagName === 'A' && a.getAttribute('href') === '#main'
          ? 'skip'
          : (a?.tagName ?? '');
      });
    let before = await focused();
    for (let i = 0; i < 10; i++) {
      await page.waitForTimeout(50);
      const now = await focused();
      if (now === before) return now === 'skip';
      before = now;
    }
    return before === 'skip';
  }

  /**
   * A new page by keyboard: the first Tab focuses the skip link; Tab walks
   * every stop to the end of the page (no trap), checking each; the next Tab
   * comes round to the skip link again, and Enter moves focus to main.
   */
  async function walk() {
    // A page opened at a fragment (a form's answer after the skip link was used)
    // starts sequential focus there: its first Tab lands in main, by design.
    const atFragment = !!new URL(page.url()).hash;
    await page.keyboard.press('Tab');
    if (!atFragment) await expectSkipLink('the first Tab');
    // Leaving the last stop, focus leaves the page; on a busy machine Chromium
    // has been seen to bring it round to the first stop by itself a moment
    // later, before the next Tab. Either way focus comes round to the skip link.
    let cameRound = false;
    for (let i = 0; ; i++) {
      if (i === MAX_STOPS) {
        throw new Error(
          `${MAX_STOPS} presses of Tab never left the page at ${where()}: a focus trap`,
        );
      }
      const s = await stop(null);
      if (s.end) break;
      if (i > 0 && s.skipLink) {
        cameRound = true;
        break;
      }
      expectGood(s);
      await page.keyboard.press('Tab');
    }
    // Focus order follows the page: each stop after the one before it.
    const disorder = await page.evaluate(() =>
      (window as unknown as { __paved: { orderProblems: () => string[] } }).__paved.orderProblems(),
    );
    expect(disorder, `focus order at ${where()}: ${disorder.join('; ')}`).toEqual([]);
    if (!cameRound && !(await focusSettledOnSkipLink())) await page.keyboard.press('Tab');
    await expectSkipLink('Tab after the last stop');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#main');
    expect(
      await page.evaluate(() => document.activeElement?.tagName.toLowerCase()),
      `focus after the skip link at ${where()}`,
    ).toBe('main');
  }

  /** What every new page of the journey is checked for in this way. */
  async function arrived() {
    if (way === 'no-javascript') return;
    if (!(await freshDocument(page))) return;
    if (way === 'narrow-zoomed') {
      const { problems, fontSize } = await page.evaluate(() =>
        (
          window as unknown as {
            __paved: { reflow: () => { problems: string[]; fontSize: string } };
          }
        ).__paved.reflow(),
      );
      expect(fontSize, `the text size at ${where()}`).toBe('32px');
      expect(problems, `at 320 px with 200 % text, ${where()}: ${problems.join('; ')}`).toEqual([]);
    }
    if (way === 'forced-colours') {
      const problems = await page.evaluate(() =>
        (window as unknown as { __paved: { stillness: () => string[] } }).__paved.stillness(),
      );
      expect(
        problems,
        `in forced colours with reduced motion, ${where()}: ${problems.join('; ')}`,
      ).toEqual([]);
    }
    if (byKeyboard) await walk();
  }

  /**
   * Moves focus to the target (or, for a radio, its group) with Tab or
   * Shift+Tab: as many presses as the walk's order says, then one stop at a
   * time if that did not land (the page changed, or the target was not walked).
   */
  async function tabTo(target: Locator): Promise<void> {
    await arrived();
    const handle = await target.elementHandle();
    if (!handle) throw new Error(`${target} is not on ${where()}`);
    try {
      const plan = (await page.evaluate(
        (t) =>
          (window as unknown as { __paved: { plan: (t: unknown) => unknown } }).__paved.plan(t),
        handle,
      )) as { key: string; presses: number } | null;
      if (plan) {
        for (let i = 0; i < plan.presses; i++) await page.keyboard.press(plan.key);
        const s = await stop(handle);
        if (!s.end) expectGood(s);
        if (s.reached) return;
      }
      for (let i = 0; i < MAX_STOPS; i++) {
        await page.keyboard.press('Tab');
        const s = await stop(handle);
        if (!s.end) expectGood(s);
        if (s.reached) return;
      }
      throw new Error(`Tab never reached ${target} at ${where()}`);
    } finally {
      await handle.dispose();
    }
  }

  async function nextPage(action: () => Promise<unknown>) {
    await Promise.all([page.waitForEvent('load'), action()]);
    await arrived();
  }

  return {
    page,
    way,
    async go(path) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      await arrived();
    },
    async activate(target) {
      if (byKeyboard) {
        await tabTo(target);
        await nextPage(() => page.keyboard.press('Enter'));
      } else {
        await nextPage(() => target.click());
      }
    },
    async fill(target, text) {
      if (byKeyboard) {
        await tabTo(target);
        await page.keyboard.type(text);
      } else {
        await target.fill(text);
      }
      expect(await target.inputValue()).toBe(text);
    },
    async choose(target, option) {
      const tag = await target.evaluate((el) => el.tagName.toLowerCase());
      if (tag === 'select') {
        if (!byKeyboard) {
          await target.selectOption({ label: option! });
        } else {
          // A closed select takes the arrow keys: Home to the first option, then down to the one wanted.
          await tabTo(target);
          await page.keyboard.press('Home');
          const labels = await target.evaluate((el) =>
            [...(el as HTMLSelectElement).options].map((o) => o.label),
          );
          for (let i = 0; i < labels.length && labels.indexOf(option!) > i; i++) {
            await page.keyboard.press('ArrowDown');
          }
        }
        expect(
          await target.evaluate((el) => {
            const s = el as HTMLSelectElement;
            return s.options[s.selectedIndex]?.label;
          }),
        ).toBe(option);
        return;
      }
      if (!byKeyboard) {
        await target.check();
      } else {
        await tabTo(target);
        const type = await target.evaluate((el) => (el as HTMLInputElement).type);
        if (type === 'radio') {
          // Tab enters a group at its checked radio (or its first); arrows move and check.
          for (
            let i = 0;
            i < 20 && !(await target.evaluate((el) => el === document.activeElement));
            i++
          ) {
            await page.keyboard.press('ArrowDown');
          }
        }
        if (!(await target.isChecked())) await page.keyboard.press('Space');
      }
      expect(await target.isChecked()).toBe(true);
    },
    async expectHeading(text) {
      const h1 = page.locator('h1');
      expect(await h1.count(), `h1 elements at ${where()}`).toBe(1);
      const said = ((await h1.textContent()) ?? '').trim();
      if (typeof text === 'string') expect(said).toBe(text);
      else expect(said).toMatch(text);
    },
    async finish() {
      if (way === 'keyboard') expect(mouseEvents(), 'mouse events in the keyboard journey').toBe(0);
      await cdp?.detach().catch(() => {});
      await page.context().close();
    },
  };
}

/**
 * Counts the mouse events on every page the tab opens from now on, for a
 * journey that must use none: a keyboard "click" (Enter on a link or button,
 * Space on a radio) has no pointer, so it is not counted.
 */
export async function countMouseEvents(page: Page): Promise<() => number> {
  let count = 0;
  await page.exposeFunction('pavedMouseEvent', () => {
    count++;
  });
  await page.addInitScript(() => {
    for (const type of ['mousedown', 'mouseup', 'click', 'pointerdown']) {
      document.addEventListener(
        type,
        (e) => {
          if ((e as MouseEvent).detail > 0) {
            (window as unknown as { pavedMouseEvent: () => void }).pavedMouseEvent();
          }
        },
        true,
      );
    }
  });
  return () => count;
}
