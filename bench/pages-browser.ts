// Loading a page in Chromium under "3G" emulation through CDP, and again with
// JavaScript off: what the page step measures in a real browser.

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { THREE_G, type Transfer, visibleAt } from './pages-weight.ts';

export const chromiumPath = process.env.PAVED_CHROMIUM || '/usr/bin/chromium';

/** Launches Debian's Chromium as the browser tests do (shared/STACK.md gotcha 8: no network calls of its own). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A session cookie to open the page with. */
export interface BrowserCookie {
  name: string;
  value: string;
}

async function freshContext(
  browser: Browser,
  url: string,
  cookie: BrowserCookie | null,
  javaScriptEnabled: boolean,
  timeoutMs: number,
): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled });
  context.setDefaultTimeout(timeoutMs);
  if (cookie) {
    // `domain` and `path`, not `url`: with an http `url` Playwright drops Secure,
    // which a __Host- cookie needs (Chromium treats 127.0.0.1 as a secure origin).
    const { hostname, protocol } = new URL(url);
    await context.addCookies([
      {
        name: cookie.name,
        value: cookie.value,
        domain: hostname,
        path: '/',
        secure: cookie.name.startsWith('__Host-') || protocol === 'https:',
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);
  }
  return context;
}

/**
 * Runs in the page before its HTML is parsed: on every frame, looks for the
 * main content and records the first frame it is rendered in
 * (`performance.now()` counts from navigation start). A string, not a
 * function: tsx's name helpers would not exist inside the page.
 */
function watchFor(selector: string): string {
  return `(() => {
  const check = () => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (el && el.getClientRects().length > 0 && (el.textContent || '').trim() !== '') {
      window.__benchSeen = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;
}

export interface SlowLoad {
  transfers: Transfer[];
  /** Navigation start to main content visible, ms; null if it never showed. */
  visibleMs: number | null;
  firstPaintMs: number | null;
  mainText: string;
  h1: string;
}

/**
 * Opens `url` in a fresh context (cold cache) under "3G" emulation and records
 * every response (bytes on the wire from CDP) and when `selector` was visible.
 */
export async function loadOn3G(
  browser: Browser,
  url: string,
  cookie: BrowserCookie | null,
  selector: string,
  timeoutMs = 60_000,
): Promise<SlowLoad> {
  const context = await freshContext(browser, url, cookie, true, timeoutMs);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const seen = new Map<
      string,
      { url: string; type: string; status: number; headerBytes: number }
    >();
    const done = new Map<string, number>();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!seen.has(e.requestId)) {
        seen.set(e.requestId, {
          url: e.request.url,
          type: e.type ?? 'Other',
          status: 0,
          headerBytes: 0,
        });
      }
    });
    cdp.on('Network.responseReceived', (e) => {
      const entry = seen.get(e.requestId);
      if (entry) {
        entry.status = e.response.status;
        entry.headerBytes = e.response.encodedDataLength ?? 0;
      }
    });
    cdp.on('Network.loadingFinished', (e) => {
      done.set(e.requestId, e.encodedDataLength);
    });
    cdp.on('Network.loadingFailed', (e) => {
      done.set(e.requestId, 0);
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THREE_G);
    await page.addInitScript({ content: watchFor(selector) });
    await page.goto(url, { waitUntil: 'load' });
    await page
      .waitForFunction(
        () => (window as unknown as { __benchSeen?: number }).__benchSeen !== undefined,
        undefined,
        { timeout: timeoutMs },
      )
      .catch(() => {});
    // Late requests (an icon the browser asks for after load) count too.
    await page.waitForLoadState('networkidle');
    const timing = await page.evaluate(() => ({
      seen: (window as unknown as { __benchSeen?: number }).__benchSeen ?? null,
      paint:
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
        performance.getEntriesByName('first-paint')[0]?.startTime ??
        null,
    }));
    const main = await textOf(page);
    const transfers: Transfer[] = [...seen].map(([id, r]) => ({
      url: r.url,
      type: r.type,
      status: r.status,
      wireBytes: done.get(id) ?? 0,
      headerBytes: Math.min(r.headerBytes, done.get(id) ?? 0),
    }));
    await cdp.detach().catch(() => {});
    return {
      transfers,
      visibleMs: visibleAt(timing.seen, timing.paint),
      firstPaintMs: timing.paint,
      ...main,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

async function textOf(page: Page): Promise<{ mainText: string; h1: string }> {
  const text = async (selector: string) => {
    const el = page.locator(selector).first();
    return (await el.count()) ? ((await el.textContent()) ?? '').replace(/\s+/g, ' ').trim() : '';
  };
  return { mainText: await text('main'), h1: await text('main h1') };
}

/** Opens `url` with JavaScript off (no emulation): is the main content there and the same? */
export async function loadWithoutJs(
  browser: Browser,
  url: string,
  cookie: BrowserCookie | null,
  timeoutMs = 60_000,
): Promise<{ mainVisible: boolean; mainText: string }> {
  const context = await freshContext(browser, url, cookie, false, timeoutMs);
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const h1 = page.locator('main h1').first();
    const mainVisible = (await h1.count()) > 0 && (await h1.isVisible());
    return { mainVisible, mainText: (await textOf(page)).mainText };
  } finally {
    await context.close().catch(() => {});
  }
}
