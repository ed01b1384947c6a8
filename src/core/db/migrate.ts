import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { DbHandle } from './index.ts';
import { migrations } from './migrations/index.ts';

const provider = { getMigrations: async () => migrations };

/**
 * Applies every pending migration, safely when several processes start at
 * once: PostgreSQL through Kysely's advisory lock, SQLite through one
 * IMMEDIATE transaction that the other writers wait for.
 */
export async function migrateToLatest(handle: DbHandle): Promise<string[]> {
  let result: MigrationResultSet;
  if (handle.engine === 'postgres') {
    // PostgreSQL: the migrator takes pg_advisory_xact_lock inside its own transaction.
    // Its tables belong to the schema paved runs in; without naming it, Kysely
    // would find another schema's migration tables and skip creating its own.
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
      handle.db,
    );
    const migrator = new Migrator({
      db: handle.db as unknown as Kysely<unknown>,
      provider,
      migrationTableSchema: rows[0]?.schema,
    });
    result = await migrator.migrateToLatest();
  } else {
    // SQLite: Kysely's lock is in-process only, so hold the write lock for the whole run.
    result = await handle.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      const migrator = new Migrator({
        db: conn as unknown as Kysely<unknown>,
        provider,
        disableTransactions: true,
      });
      const r = await migrator.migrateToLatest();
      await sql.raw(r.error ? 'rollback' : 'commit').execute(conn);
      return r;
    });
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed ?? '(unknown)'} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
