import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from '../src/core/db/migrations/index.ts';
import { engines, freshDatabase, postgresUrl } from './engines.ts';

const schemaOf = (url: string) => new URL(url).searchParams.get('options');

describe.each(engines)('fresh test databases [%s]', (engine) => {
  it('start migrated and empty but for what the migrations write, each its own', async () => {
    const a = await freshDatabase(engine);
    const b = await freshDatabase(engine);
    try {
      expect(a.url).not.toBe(b.url);
      const applied = await a.db
        .selectFrom('kysely_migration' as never)
        .selectAll()
        .execute();
      expect(applied).toHaveLength(Object.keys(migrations).length);
      await a.db
        .insertInto('settings')
        .values({ key: 'x', value: '1', updated_at: '2026-01-01T00:00:00Z' })
        .execute();
      expect(await b.db.selectFrom('settings').selectAll().execute()).toEqual([]);
      const categories = await b.db.selectFrom('decision_categories').selectAll().execute();
      expect(categories.length).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe.runIf(postgresUrl)('a PostgreSQL schema used again', () => {
  it('comes back emptied to what the migrations left, seeded rows restored', async () => {
    const first = await freshDatabase('postgres');
    const seeded = await first.db.selectFrom('decision_categories').selectAll().execute();
    await first.db
      .insertInto('settings')
      .values({ key: 'x', value: '1', updated_at: '2026-01-01T00:00:00Z' })
      .execute();
    await first.db.deleteFrom('decision_categories').execute();
    await first.close();
    const again = await freshDatabase('postgres');
    try {
      expect(schemaOf(again.url)).toBe(schemaOf(first.url));
      expect(await again.db.selectFrom('settings').selectAll().execute()).toEqual([]);
      expect(await again.db.selectFrom('decision_categories').selectAll().execute()).toEqual(
        seeded,
      );
    } finally {
      await again.close();
    }
  });

  it('is not used again once a test has changed its shape', async () => {
    const changed = await freshDatabase('postgres');
    await sql`create table extra (id text)`.execute(changed.db);
    await changed.close();
    const next = await freshDatabase('postgres');
    try {
      expect(schemaOf(next.url)).not.toBe(schemaOf(changed.url));
      const tables = await sql<{ n: number }>`
        select count(*)::int as n from pg_tables
         where schemaname = current_schema() and tablename = 'extra'`.execute(next.db);
      expect(tables.rows[0]!.n).toBe(0);
    } finally {
      await next.close();
    }
  });

  it('is never handed out unmigrated, nor given back when asked for one', async () => {
    const bare = await freshDatabase('postgres', { migrate: false });
    const tables = await sql<{ n: number }>`
      select count(*)::int as n from pg_tables where schemaname = current_schema()`.execute(
      bare.db,
    );
    expect(tables.rows[0]!.n).toBe(0);
    await bare.close();
    const next = await freshDatabase('postgres');
    try {
      expect(schemaOf(next.url)).not.toBe(schemaOf(bare.url));
    } finally {
      await next.close();
    }
  });
});
