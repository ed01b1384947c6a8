import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Engine } from './index.ts';

/** A random, opaque, non-time-ordered id. */
export function newId(): string {
  const id = randomBytes(12).toString('base64url');
  // Never a leading "-": the CLI would read `paved feedback show -x…` as an option.
  return id.startsWith('-') ? `_${id.slice(1)}` : id;
}

/** The current time as ISO 8601 UTC, the one format paved stores. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** True when a driver error is a unique-constraint violation (by error code, never by message). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // SQLite (better-sqlite3) reports an extended code; PostgreSQL reports SQLSTATE 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/** Largest rows per INSERT that stays under both engines' bound-parameter limits. */
export function batchSize(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns));
}

/** Splits rows into chunks for batched inserts. */
export function chunk<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Tables that hold paved's data (every table but the migrator's own), in the current schema. */
export async function dataTables(db: Db, engine: Engine): Promise<string[]> {
  const rows =
    engine === 'sqlite'
      ? // SQLite: the schema lives in sqlite_master.
        await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
          db,
        )
      : // PostgreSQL: the tables of the schema first on the search path.
        await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'
          and table_name not like 'kysely_%'`.execute(db);
  return rows.rows.map((r) => r.name).sort();
}

/**
 * Tables of configuration that migrations seed (decision rights, reasons for
 * leaving): a data reset keeps them, so paved still works afterwards.
 */
export const REFERENCE_TABLES = ['decision_categories', 'adoption_reasons'];

/**
 * Deletes every row of paved's data except the reference tables, keeping the
 * schema (for `paved demo --reset`). Run it inside the caller's transaction.
 */
export async function deleteAllData(db: Db, engine: Engine): Promise<void> {
  const tables = (await dataTables(db, engine)).filter((t) => !REFERENCE_TABLES.includes(t));
  if (tables.length === 0) return;
  if (engine === 'postgres') {
    // PostgreSQL: one TRUNCATE resolves foreign keys between the listed tables.
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
    return;
  }
  // SQLite: foreign keys are checked at commit, so the order of deletes does not matter.
  await sql`pragma defer_foreign_keys = on`.execute(db);
  for (const table of tables) await sql`delete from ${sql.table(table)}`.execute(db);
}

export type { Db };
