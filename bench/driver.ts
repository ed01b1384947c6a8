// The database drivers themselves (better-sqlite3 and pg), without paved's
// query builder or code: the baselines the product is measured against (the
// ingest ceiling, the sequential scan) use these, on the same database the
// server runs on, with the same connection settings paved uses.

import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Engine } from './model.ts';

/** Writes rows into one table; `upsert` names the key columns to update on conflict. */
export interface RowWrite {
  table: string;
  columns: string[];
  rows: unknown[][];
  upsert?: string[];
}

export interface Driver {
  engine: Engine;
  /** Reads rows; `?` placeholders on both engines. */
  select<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs writes in one transaction, each table's rows batched as the driver does best. */
  write(writes: readonly RowWrite[]): Promise<void>;
  /** Runs one statement outside a transaction. */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name}"`;

function upsertClause(columns: string[], keys: string[]): string {
  const rest = columns.filter((c) => !keys.includes(c));
  return ` on conflict (${keys.map(quote).join(', ')}) do update set ${rest
    .map((c) => `${quote(c)} = excluded.${quote(c)}`)
    .join(', ')}`;
}

/** `?` → `$1, $2, …` for PostgreSQL. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** better-sqlite3 on the file, with the pragmas paved sets (WAL, synchronous FULL, foreign keys). */
export function sqliteDriver(file: string): Driver {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, SQLite.Statement>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  return {
    engine: 'sqlite',
    async select<T>(sql: string, params: readonly unknown[] = []) {
      return prepared(sql).all(...params) as T[];
    },
    async write(writes) {
      // One prepared statement per table, run once per row: SQLite's fastest way in.
      db.transaction(() => {
        for (const w of writes) {
          if (w.rows.length === 0) continue;
          const sql =
            `insert into ${quote(w.table)} (${w.columns.map(quote).join(', ')}) values (${w.columns.map(() => '?').join(', ')})` +
            (w.upsert ? upsertClause(w.columns, w.upsert) : '');
          const statement = prepared(sql);
          for (const row of w.rows) statement.run(...row);
        }
      })();
    },
    async exec(sql, params = []) {
      prepared(sql).run(...params);
    },
    async close() {
      db.close();
    },
  };
}

/** A pg client on the database, int8 and numeric read as numbers (as paved does). */
export async function postgresDriver(url: string): Promise<Driver> {
  pg.types.setTypeParser(20, Number);
  pg.types.setTypeParser(1700, Number.parseFloat);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    engine: 'postgres',
    async select<T>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(numbered(sql), [...params])).rows as T[];
    },
    async write(writes) {
      await client.query('begin');
      try {
        for (const w of writes) {
          // Multi-row inserts under PostgreSQL's parameter limit: one round trip per chunk.
          const per = Math.max(1, Math.floor(30_000 / w.columns.length));
          for (let i = 0; i < w.rows.length; i += per) {
            const part = w.rows.slice(i, i + per);
            const params: unknown[] = [];
            const values = part
              .map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`)
              .join(', ');
            await client.query(
              `insert into ${quote(w.table)} (${w.columns.map(quote).join(', ')}) values ${values}` +
                (w.upsert ? upsertClause(w.columns, w.upsert) : ''),
              params,
            );
          }
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
    async exec(sql, params = []) {
      await client.query(numbered(sql), [...params]);
    },
    async close() {
      await client.end();
    },
  };
}

/** The driver for a paved database URL (`sqlite:<path>` or `postgres://…`). */
export async function openDriver(databaseUrl: string): Promise<Driver> {
  if (databaseUrl.startsWith('sqlite:')) return sqliteDriver(databaseUrl.slice('sqlite:'.length));
  return postgresDriver(databaseUrl);
}

/**
 * One sequential scan of the events table: every row read, its payload
 * measured. Answers milliseconds and what it read.
 */
export async function scanEvents(driver: Driver): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const [row] = await driver.select<{ n: number; bytes: number }>(
    'select count(*) as n, sum(length(payload)) as bytes from signal_events',
  );
  return { ms: performance.now() - started, rows: Number(row?.n ?? 0) };
}
