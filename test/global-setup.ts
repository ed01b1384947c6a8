import { existsSync } from 'node:fs';
import pg from 'pg';

/**
 * Before any test: with CI=true, PostgreSQL and Chromium are required, so a
 * missing engine or browser fails the run instead of skipping a suite.
 */
export default async function setup(): Promise<void> {
  const ci = process.env.CI === 'true';
  const url = process.env.PAVED_TEST_POSTGRES_URL;
  if (ci && !url) {
    throw new Error(
      'CI=true but PAVED_TEST_POSTGRES_URL is not set: the PostgreSQL suite must run.',
    );
  }
  if (url) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
    } catch (error) {
      throw new Error(
        `PAVED_TEST_POSTGRES_URL is set but unreachable: ${(error as Error).message}`,
      );
    } finally {
      await client.end().catch(() => {});
    }
  } else {
    console.warn('PostgreSQL suites skipped: set PAVED_TEST_POSTGRES_URL to run them.');
  }
  if (ci && !existsSync(process.env.PAVED_CHROMIUM ?? '/usr/bin/chromium')) {
    throw new Error('CI=true but Chromium is not installed: the browser suite must run.');
  }
}
