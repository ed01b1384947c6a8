import { randomBytes } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
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
 * a temporary SQLite file, or a PostgreSQL schema. Migrating is most of a
 * test's set-up (about 0.6 s for PostgreSQL's DDL), so each test process
 * migrates once and hands out copies: a copy of a migrated SQLite file, and
 * PostgreSQL schemas that earlier tests of the process used, emptied back to
 * their state just after migrating (see `reusable`).
 */
export async function freshDatabase(
  engine: Engine,
  opts: { migrate?: boolean } = {},
): Promise<TestDb> {
  const migrate = opts.migrate !== false;
  const suffix = randomBytes(6).toString('hex');
  let handle: DbHandle;
  let url: string;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    const file = join(tmpdir(), `paved-test-${suffix}.db`);
    if (migrate) copyFileSync(await sqliteTemplate(), file);
    url = `sqlite:${file}`;
    handle = await openDatabase(url);
    cleanup = async () => {
      for (const ext of ['', '-wal', '-shm']) rmSync(`${file}${ext}`, { force: true });
    };
  } else {
    if (!postgresUrl) throw new Error('PAVED_TEST_POSTGRES_URL is not set');
    const template = migrate ? await postgresTemplate() : null;
    // Schemas are dropped together at the end of the run (global-setup), never
    // while other tests migrate: Kysely's introspection reads every schema.
    const spare = template ? spareSchemas.pop() : undefined;
    const schema = spare ?? `${schemaPrefix()}${suffix}`;
    if (!spare) await adminQuery(`create schema ${schema}`);
    url = schemaUrl(schema);
    handle = await openDatabase(postgresUrl, { schema, poolSize: 4 });
    if (template && !spare) await migrateToLatest(handle);
    cleanup = async () => {
      if (template && (await reusable(schema, template))) spareSchemas.push(schema);
    };
  }
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

function schemaUrl(schema: string): string {
  const u = new URL(postgresUrl!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** The migrated SQLite file this process copies for each test. */
let sqliteFile: Promise<string> | undefined;

function sqliteTemplate(): Promise<string> {
  sqliteFile ??= (async () => {
    const file = join(
      tmpdir(),
      `paved-template-${process.pid}-${randomBytes(4).toString('hex')}.db`,
    );
    const handle = await openDatabase(`sqlite:${file}`);
    await migrateToLatest(handle);
    // Closing folds the WAL into the file, so the file alone is the database.
    await handle.close();
    process.on('exit', () => {
      for (const ext of ['', '-wal', '-shm']) rmSync(`${file}${ext}`, { force: true });
    });
    return file;
  })();
  return sqliteFile;
}

/** A migrated PostgreSQL schema no test touches: what a reused schema is emptied back to. */
interface PostgresTemplate {
  schema: string;
  /** Every table but the migration bookkeeping, which a reused schema keeps. */
  tables: string[];
  /** Those of them the migrations put rows in (decision categories, adoption reasons). */
  seeded: string[];
  /** The shape of the schema: columns, indexes, constraints and migrations applied. */
  shape: string;
}

/** Schemas of this process given back by tests, emptied to their state just after migrating. */
const spareSchemas: string[] = [];
let postgresTemplateOnce: Promise<PostgresTemplate> | undefined;

function postgresTemplate(): Promise<PostgresTemplate> {
  postgresTemplateOnce ??= (async () => {
    const schema = `${schemaPrefix()}${randomBytes(6).toString('hex')}_template`;
    await adminQuery(`create schema ${schema}`);
    const handle = await openDatabase(postgresUrl!, { schema, poolSize: 1 });
    try {
      await migrateToLatest(handle);
    } finally {
      await handle.close();
    }
    const client = await adminClient();
    try {
      const { rows } = await client.query<{ name: string }>(
        `select tablename as name from pg_tables
          where schemaname = $1 and tablename not like 'kysely%' order by tablename`,
        [schema],
      );
      const tables = rows.map((r) => r.name);
      const seeded = await client.query<{ name: string }>(
        tables
          .map((t) => `select '${t}' as name where exists (select 1 from "${schema}"."${t}")`)
          .join(' union all '),
      );
      return {
        schema,
        tables,
        seeded: seeded.rows.map((r) => r.name),
        shape: await shapeOf(client, schema),
      };
    } finally {
      await client.end();
    }
  })();
  return postgresTemplateOnce;
}

/**
 * Whether a schema a test has finished with can serve another test: when its
 * shape is still the template's (a test may have migrated it down or added
 * to it), its rows are deleted and the migrations' own rows copied back, in
 * one transaction with foreign keys set aside (as superuser). Otherwise, or
 * on any error, it is left for the run's clean-up and not reused.
 */
async function reusable(schema: string, template: PostgresTemplate): Promise<boolean> {
  let client: pg.Client | undefined;
  try {
    client = await adminClient();
    if ((await shapeOf(client, schema)) !== template.shape) return false;
    const q = (table: string, in_ = schema) => `"${in_}"."${table}"`;
    await client.query(
      [
        'begin',
        'set local session_replication_role = replica',
        ...template.tables.map((t) => `delete from ${q(t)}`),
        ...template.seeded.map((t) => `insert into ${q(t)} select * from ${q(t, template.schema)}`),
        'commit',
      ].join(';\n'),
    );
    return true;
  } catch {
    await client?.query('rollback').catch(() => {});
    return false;
  } finally {
    await client?.end().catch(() => {});
  }
}

/** Columns, indexes, constraints and applied migrations of a schema, its name taken out. */
async function shapeOf(client: pg.Client, schema: string): Promise<string> {
  const { rows } = await client.query<{ line: string }>(
    `select c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || case when a.attnotnull then ' not null' else '' end
              || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') as line
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid and c.relkind = 'r'
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = $1 and a.attnum > 0 and not a.attisdropped
     union all
     select pg_get_indexdef(i.indexrelid)
       from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1
     union all
     select con.conname || ' ' || pg_get_constraintdef(con.oid)
       from pg_constraint con join pg_namespace n on n.oid = con.connamespace
      where n.nspname = $1`,
    [schema],
  );
  const migrations = await client.query<{ name: string }>(
    `select name from "${schema}".kysely_migration order by name`,
  );
  return [...rows.map((r) => r.line), ...migrations.rows.map((r) => `migration ${r.name}`)]
    .map((line) => line.split(`${schema}.`).join(''))
    .sort()
    .join('\n');
}

/** `t_<run>_`: the run's id comes from global-setup, so one run's clean-up never touches another's. */
function schemaPrefix(): string {
  return `t_${process.env.PAVED_TEST_RUN ?? 'local'}_`;
}

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  return client;
}

async function adminQuery(text: string): Promise<void> {
  const client = await adminClient();
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
