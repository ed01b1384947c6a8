// Issue 9, step 3: page weight and slow links. For every main page, signed in
// through /login as a demo account: the first HTML response as it travels
// (compressed when the server compresses), the page and its assets in all,
// the number of requests, the time until the main content is visible in
// Chromium under "3G" (CDP), and whether the page needs JavaScript. The slow-link
// time is compared with a static tiny page (/healthz) loaded the same way in
// the same run.

import type { Browser } from 'playwright-core';
import type { BenchContext, Measurement } from './model.ts';
import { launchChromium, loadOn3G, loadWithoutJs } from './pages-browser.ts';
import {
  findSurveys,
  firstHtml,
  readDemoAccounts,
  type Session,
  signInAs,
  waitForServer,
} from './pages-http.ts';
import {
  median,
  type PageBaseline,
  type PageResult,
  type PageSkipped,
  pageMeasurements,
  pageTotals,
  skippedMeasurement,
} from './pages-weight.ts';

/** Who opens a page: the admin sees every page; the survey form is the developer's (the admin is asked nothing). */
type Role = 'admin' | 'developer';

interface PageTarget {
  name: string;
  /** null when the data for it is missing (e.g. no open survey). */
  path: string | null;
  as: Role;
  /** Which answer means "not built yet" rather than a failure. */
  notBuiltOn404?: boolean;
  /** A check that the page measured is the page meant, e.g. the answer form and not "you were not asked". */
  expect?: (html: string) => string | null;
  missing?: string;
}

/** The main pages of issue 9, step 3, for this workload. */
export async function pageTargets(ctx: BenchContext): Promise<PageTarget[]> {
  const { capability, feedbackId, surveyId, quarter } = ctx.params;
  const surveys = await findSurveys(ctx.baseUrl, ctx.token, surveyId);
  const enc = encodeURIComponent;
  return [
    { name: 'home', path: '/', as: 'admin' },
    { name: 'capability page', path: `/capabilities/${enc(capability)}`, as: 'admin' },
    { name: 'feedback board', path: '/feedback', as: 'admin' },
    { name: 'feedback item', path: `/feedback/${enc(feedbackId)}`, as: 'admin' },
    { name: 'roadmap', path: '/roadmap', as: 'admin' },
    {
      name: 'survey form',
      path: surveys.open ? `/surveys/${enc(surveys.open)}` : null,
      as: 'developer',
      missing: 'the workload has no open survey',
      expect: (html) =>
        html.includes(`action="/surveys/${surveys.open}"`)
          ? null
          : 'the demo developer is not asked this survey (or has answered it): this is not the answer form',
    },
    { name: 'report', path: `/report/${enc(quarter)}`, as: 'admin', notBuiltOn404: true },
    {
      name: 'survey results',
      path: surveys.closed ? `/surveys/${enc(surveys.closed)}/results` : null,
      as: 'admin',
      missing: 'the workload has no closed survey',
    },
  ];
}

/** Sign-ins for the roles the pages need, through /login with the demo's accounts. */
async function signIns(ctx: BenchContext): Promise<Record<Role, Session>> {
  const accounts = await readDemoAccounts(ctx.databaseUrl);
  const account = (role: Role) => {
    const found = accounts.find((a) => a.role === role);
    if (!found) {
      throw new Error(
        `The database has no demo ${role} account to sign in with (run paved demo on it).`,
      );
    }
    return found;
  };
  return {
    admin: await signInAs(ctx.baseUrl, account('admin')),
    developer: await signInAs(ctx.baseUrl, account('developer')),
  };
}

/** How many "3G" loads per page; the figure is their median. */
const runsFor = (ctx: BenchContext) => (ctx.quick ? 1 : 3);

/**
 * How long one page may take to answer before it counts as failed, and how
 * long the server then gets to answer /healthz again before the remaining
 * pages are given up (a page that blocks the server would block them too).
 */
const limitsFor = (ctx: BenchContext) =>
  ctx.quick ? { pageMs: 30_000, recoverMs: 60_000 } : { pageMs: 60_000, recoverMs: 300_000 };

async function baselineOf(ctx: BenchContext, browser: Browser): Promise<PageBaseline> {
  const path = '/healthz';
  const runs: number[] = [];
  for (let i = 0; i < runsFor(ctx); i++) {
    const load = await loadOn3G(browser, new URL(path, ctx.baseUrl).href, null, 'body');
    if (load.visibleMs === null) throw new Error(`${path} never painted in Chromium.`);
    runs.push(load.visibleMs);
  }
  return { name: 'static tiny page (/healthz)', path, visibleMs: median(runs), runs };
}

async function measurePage(
  ctx: BenchContext,
  browser: Browser,
  target: PageTarget & { path: string },
  session: Session,
): Promise<PageResult | PageSkipped> {
  const url = new URL(target.path, ctx.baseUrl).href;
  const { pageMs } = limitsFor(ctx);
  const first = await firstHtml(url, session.header, pageMs);
  if (first.status === 404 && target.notBuiltOn404) {
    return {
      name: target.name,
      path: target.path,
      reason: `not built yet: ${target.path} answers 404`,
      failed: false,
    };
  }
  if (first.status !== 200) {
    return {
      name: target.name,
      path: target.path,
      reason: `${target.path} answered ${first.status} as the demo ${target.as}`,
      failed: true,
    };
  }
  const cookie = { name: session.name, value: session.value };
  const runs: number[] = [];
  let last: Awaited<ReturnType<typeof loadOn3G>> | undefined;
  for (let i = 0; i < runsFor(ctx); i++) {
    last = await loadOn3G(browser, url, cookie, 'main h1', pageMs);
    // A page whose main content never shows counts as never: the goal is not met.
    runs.push(last.visibleMs ?? Number.POSITIVE_INFINITY);
  }
  const noJs = await loadWithoutJs(browser, url, cookie, pageMs);
  const note = target.expect?.(first.html) ?? undefined;
  return {
    name: target.name,
    path: target.path,
    as: target.as,
    h1: last!.h1,
    firstHtml: first,
    totals: pageTotals(last!.transfers),
    visibleMs: median(runs),
    runs,
    noJs: { mainVisible: noJs.mainVisible, sameText: noJs.mainText === last!.mainText },
    ...(note ? { note } : {}),
  };
}

/** Step 3 of issue 9: page weight and time to main content on "3G" for every main page. */
export async function benchPages(ctx: BenchContext): Promise<Measurement[]> {
  const targets = await pageTargets(ctx);
  const sessions = await signIns(ctx);
  const browser = await launchChromium();
  try {
    const baseline = await baselineOf(ctx, browser);
    ctx.log(`pages: baseline ${baseline.path} on 3G ${Math.round(baseline.visibleMs)} ms`);
    const out: Measurement[] = [];
    let gaveUp: string | null = null;
    for (const target of targets) {
      if (gaveUp) {
        out.push(
          skippedMeasurement({
            name: target.name,
            path: target.path ?? '',
            reason: gaveUp,
            failed: true,
          }),
        );
        ctx.log(`pages: ${target.name} not measured: ${gaveUp}`);
        continue;
      }
      if (target.path === null) {
        out.push(
          skippedMeasurement({
            name: target.name,
            path: '',
            reason: target.missing ?? 'no page to open',
            failed: true,
          }),
        );
        ctx.log(`pages: ${target.name} not measured: ${target.missing}`);
        continue;
      }
      let result: PageResult | PageSkipped;
      try {
        result = await measurePage(
          ctx,
          browser,
          { ...target, path: target.path },
          sessions[target.as],
        );
      } catch (error) {
        result = {
          name: target.name,
          path: target.path,
          reason: `failed: ${(error as Error).message.split('\n')[0]}`,
          failed: true,
        };
        const { recoverMs } = limitsFor(ctx);
        if (!(await waitForServer(ctx.baseUrl, recoverMs))) {
          gaveUp = `the server did not answer /healthz within ${recoverMs / 1000} s after ${target.path}`;
        }
      }
      if ('reason' in result) {
        out.push(skippedMeasurement(result));
        ctx.log(`pages: ${target.name} not measured: ${result.reason}`);
        continue;
      }
      out.push(...pageMeasurements(result, baseline));
      ctx.log(
        `pages: ${target.name} first HTML ${result.firstHtml.wireBytes} B, ${result.totals.requests} requests, ${result.totals.wireBytes} B in all, visible on 3G at ${Math.round(result.visibleMs)} ms`,
      );
    }
    return out;
  } finally {
    await browser.close().catch(() => {});
  }
}
