import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  Kysely,
  PostgresDialect,
  type SchemaMetadata,
  SqliteDialect,
  sql,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

/** An open database: the Kysely handle, which engine it is, and how to close it. */
export interface DbHandle {
  db: Db;
  engine: Engine;
  /** Where the database lives, for messages (a file path or a host/database, never a password). */
  location: string;
  /** PostgreSQL only: the connection pool's counts, read by /metrics. */
  pool?: Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'>;
  close(): Promise<void>;
}

// pg returns int8 (count, sum) and numeric as strings; paved wants numbers on both engines.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number.parseFloat);

export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (tests give each run its own). */
  schema?: string;
  /** PostgreSQL only: pool size. */
  poolSize?: number;
}

/** Opens `sqlite:<path>` or `postgres://…` and checks the settings paved relies on. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<DbHandle> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new DatabaseSetupError(`Unsupported database URL; use sqlite:<path> or postgres://…`);
}

function openSqlite(path: string): DbHandle {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = FULL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // Read back: a crash must never lose an acknowledged write.
  const synchronous = native.pragma('synchronous', { simple: true });
  if (synchronous !== 2) {
    native.close();
    throw new DatabaseSetupError(`SQLite synchronous is ${synchronous}, expected FULL (2)`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
  return {
    db,
    engine: 'sqlite',
    location: file,
    close: () => db.destroy(),
  };
}

/**
 * Sees only the schema paved runs in. Kysely's own PostgreSQL introspector
 * reads every schema of the database: slow on a shared server, and it fails
 * when another schema is dropped meanwhile. The migrator needs table names
 * only, so columns are not read.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows;
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    return rows
      .filter((r) => options.withInternalKyselyTables || !r.name.startsWith('kysely_'))
      .map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

async function openPostgres(url: string, options: OpenOptions): Promise<DbHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  const parsed = new URL(url);
  const location = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new DatabaseSetupError(
      `Cannot reach PostgreSQL at ${location}: ${(error as Error).message}`,
    );
  }
  return { db, engine: 'postgres', location, pool, close: () => db.destroy() };
}
