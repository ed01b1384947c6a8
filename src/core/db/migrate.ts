import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import type { DbHandle } from './index.ts';
import { migrations } from './migrations/index.ts';

/**
 * Applies every pending migration. On PostgreSQL, Kysely's migrator holds an
 * advisory lock for the run, so several instances may start at once.
 */
export async function migrateToLatest(handle: DbHandle): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed ?? '(unknown)'} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
