import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import { type DbHandle, type Engine, openDatabase } from '../src/core/db/index.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';

/** The PostgreSQL server for tests, from PAVED_TEST_POSTGRES_URL (global-setup enforces it in CI). */
export const postgresUrl = process.env.PAVED_TEST_POSTGRES_URL || undefined;

/** The engines this run covers: SQLite always, PostgreSQL when configured. */
export const engines: Engine[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * A new, empty database on one engine, migrated unless asked not to:
 * a temporary SQLite file, or a fresh PostgreSQL schema dropped on close.
 */
export async function freshDatabase(
  engine: Engine,
  opts: { migrate?: boolean } = {},
): Promise<TestDb> {
  const suffix = randomBytes(6).toString('hex');
  let handle: DbHandle;
  let url: string;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    const file = join(tmpdir(), `paved-test-${suffix}.db`);
    url = `sqlite:${file}`;
    handle = await openDatabase(url);
    cleanup = async () => {
      for (const ext of ['', '-wal', '-shm']) rmSync(`${file}${ext}`, { force: true });
    };
  } else {
    if (!postgresUrl) throw new Error('PAVED_TEST_POSTGRES_URL is not set');
    // Schemas are dropped together at the end of the run (global-setup), never
    // while other tests migrate: Kysely's introspection reads every schema.
    const schema = `${schemaPrefix()}${suffix}`;
    await adminQuery(`create schema ${schema}`);
    const u = new URL(postgresUrl);
    u.searchParams.set('options', `-c search_path=${schema}`);
    url = u.toString();
    handle = await openDatabase(postgresUrl, { schema, poolSize: 4 });
    cleanup = async () => {};
  }
  if (opts.migrate !== false) await migrateToLatest(handle);
  const close = handle.close;
  return {
    ...handle,
    url,
    close: async () => {
      await close();
      await cleanup();
    },
  };
}

/** `t_<run>_`: the run's id comes from global-setup, so one run's clean-up never touches another's. */
function schemaPrefix(): string {
  return `t_${process.env.PAVED_TEST_RUN ?? 'local'}_`;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Runs a suite once per engine, each test on a fresh migrated database.
 * @example describeEngines('org store', (db) => { it('…', async () => { await listTeams(db().db) }) })
 */
export type TestDb = DbHandle & { url: string };

export function describeEngines(title: string, body: (handle: () => TestDb) => void): void {
  describe.each(engines)(`${title} [%s]`, (engine) => {
    let handle: TestDb | undefined;
    beforeEach(async () => {
      handle = await freshDatabase(engine);
    });
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });
    body(() => {
      if (!handle) throw new Error('no database: use the handle inside a test');
      return handle;
    });
  });
  if (!postgresUrl) {
    describe.skip(`${title} [postgres] — skipped: PAVED_TEST_POSTGRES_URL is not set`, () => {});
  }
}
