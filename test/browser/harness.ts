// What every browser test file shares: where Chromium is, how it starts
// (shared/STACK.md gotcha 8: no network calls, no first-run work), the seeded
// server it looks at, and fresh signed-in pages. a11y.test.ts and the
// journeys (survey-journey.test.ts, …) start one suite each.

import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { sessionCookieName } from '../../src/core/http/auth.ts';
import type { Deps } from '../../src/core/http/env.ts';
import { createLogger } from '../../src/core/log.ts';
import { createSession } from '../../src/identity/store.ts';
import { createDeps, startServer } from '../../src/server.ts';
import { seedBrowserSurveys } from '../../src/surveys/browser-seed.ts';
import { freshDatabase, type TestDb } from '../engines.ts';
import { type BrowserSeed, browserAdmin, seedBrowserOrg } from './seed.ts';

export const chromiumPath = process.env.PAVED_CHROMIUM || '/usr/bin/chromium';
const ci = process.env.CI === 'true';

// Timeouts only catch hangs: a page of paved loads in milliseconds.
export const STEP_MS = 15_000;
export const TEST_MS = 60_000;

/** The launch options from shared/STACK.md gotcha 8: no network calls, no first-run work. */
export const launchOptions = {
  executablePath: chromiumPath,
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
};

/**
 * Whether the browser tests can run: `run`, `skip` (no Chromium, not in CI) or
 * `fail` (CI=true requires Chromium: the suite must fail, never skip).
 */
export function browserAvailability(): 'run' | 'skip' | 'fail' {
  if (existsSync(chromiumPath)) return 'run';
  return ci ? 'fail' : 'skip';
}

export const skipReason = `Chromium not found at ${chromiumPath} (install it with apt-get install chromium, or set PAVED_CHROMIUM)`;
export const missingInCi = `CI=true but Chromium is not installed at ${chromiumPath}: run apt-get install chromium, or set PAVED_CHROMIUM.`;

/** Who a page is opened as: a visitor, the seed's leader, a given account, or (by default) its admin. */
export interface OpenAs {
  anonymous?: boolean;
  asLeader?: boolean;
  userId?: string;
}

export interface BrowserSuite {
  url: string;
  database: TestDb;
  seed: BrowserSeed;
  /** What the server runs with (its secret keys survey invitations, for accounts made mid-suite). */
  deps: Deps;
  /** A new page in its own fresh context (no shared focus, history or cache), signed in as asked. */
  openPage(as: OpenAs, options?: Parameters<Browser['newContext']>[0]): Promise<Page>;
  /** The path with the seed's `{params}` filled in. */
  fill(path: string): string;
  close(): Promise<void>;
}

/** The server secret the suite's seed and server share (survey invitations are keyed by it). */
const SUITE_SECRET = 'browser-suite-secret-0123456789abcdef';

/**
 * A migrated SQLite database with the browser seed (organisation, accounts,
 * every area's pages' data), a server over it and Chromium.
 */
export async function startBrowserSuite(): Promise<BrowserSuite> {
  const database = await freshDatabase('sqlite');
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  const contexts = new Set<BrowserContext>();
  try {
    const seed = await seedBrowserOrg(database.db);
    const config = loadConfig({
      PAVED_DATABASE_URL: database.url,
      PAVED_HOST: '127.0.0.1',
      PAVED_PORT: '0',
      PAVED_LOG_LEVEL: 'silent',
      PAVED_SECRET: SUITE_SECRET,
    });
    const deps = createDeps(database, config, createLogger('silent'));
    Object.assign(
      seed.params,
      await seedBrowserSurveys(deps, { userId: seed.adminId, email: browserAdmin.email }),
    );
    const cookieName = sessionCookieName(config.baseUrl).name;
    server = await startServer(deps);
    browser = await chromium.launch({ ...launchOptions, timeout: STEP_MS });
    const url = server.url;
    const started = browser;
    return {
      url,
      database,
      seed,
      deps,
      fill: (path) => path.replace(/\{(\w+)\}/g, (_, key: string) => seed.params[key] ?? key),
      async openPage(as, options = {}) {
        const context = await started.newContext(options);
        contexts.add(context);
        context.setDefaultTimeout(STEP_MS);
        context.on('close', () => contexts.delete(context));
        if (!as.anonymous) {
          const userId = as.userId ?? (as.asLeader ? seed.leaderId : seed.adminId);
          const session = await createSession(database.db, userId, { maxDays: 1 });
          // `domain` and `path`, not `url`: with an http `url` Playwright drops Secure, which a
          // __Host- cookie needs. On an IP address the cookie is host-only all the same.
          await context.addCookies([
            {
              name: cookieName,
              value: session.cookieValue,
              domain: new URL(url).hostname,
              path: '/',
              secure: true,
              httpOnly: true,
              sameSite: 'Lax',
            },
          ]);
        }
        return context.newPage();
      },
      async close() {
        for (const context of contexts) await context.close().catch(() => {});
        await started.close().catch(() => {});
        await server?.close();
        await database.close();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await server?.close();
    await database.close();
    throw error;
  }
}

/**
 * A describe block with one seeded server and Chromium for its tests, which
 * `body` reaches through `suite()`. Without Chromium it is skipped, saying
 * why; with CI=true it fails instead, since CI must never skip it.
 */
export function describeWithBrowser(
  title: string,
  body: (suite: () => BrowserSuite) => void,
): void {
  const availability = browserAvailability();
  if (availability === 'skip') {
    describe.skip(`${title} — skipped: ${skipReason}`, () => {
      it('runs in Chromium', () => {});
    });
    return;
  }
  if (availability === 'fail') {
    describe(title, () => {
      it('has Chromium, which CI=true requires', () => {
        throw new Error(missingInCi);
      });
    });
    return;
  }
  describe(title, () => {
    let started: BrowserSuite | undefined;
    beforeAll(async () => {
      started = await startBrowserSuite();
    });
    afterAll(async () => {
      await started?.close();
    });
    body(() => {
      if (!started) {
        throw new Error('Chromium or the server did not start (see the beforeAll error above).');
      }
      return started;
    });
  });
}
