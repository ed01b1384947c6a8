import { existsSync } from 'node:fs';
import pg from 'pg';

/**
 * Before any test: with CI=true, PostgreSQL and Chromium are required, so a
 * missing engine or browser fails the run instead of skipping a suite.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // Names this run's PostgreSQL schemas (t_<run>_…); workers inherit it.
  const run = Date.now().toString(36);
  process.env.PAVED_TEST_RUN = run;
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
  return async () => {
    if (url) await dropSchemas(url, run);
  };
}

/** Drops this run's schemas, and those of runs older than a day that crashed before cleaning up. */
async function dropSchemas(url: string, run: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select schema_name as name from information_schema.schemata where schema_name like 't\\_%'",
    );
    const dayAgo = Date.now() - 86_400_000;
    for (const { name } of rows) {
      const stamp = /^t_([0-9a-z]+)_/.exec(name)?.[1];
      const time = stamp ? Number.parseInt(stamp, 36) : Number.NaN;
      const stale = !Number.isNaN(time) ? time < dayAgo : true;
      if (stamp === run || stale) await client.query(`drop schema if exists "${name}" cascade`);
    }
  } finally {
    await client.end();
  }
}
