// `paved backup` and `paved restore` for SQLite. PostgreSQL has its own tools
// (pg_dump, pg_restore; see the README) and `paved export`.
//
// A backup is `VACUUM INTO` a file next to the target, fsynced and renamed
// into place: one read transaction, so it holds every row committed before
// it started and nothing half-written, while a running server keeps writing
// (WAL readers never block writers). A restore checks the file, writes it
// next to the database the same way, removes the old write-ahead log and
// renames it into place; migrations then bring it up to date.

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { DbHandle } from '../core/db/index.ts';
import { migrations } from '../core/db/migrations/index.ts';
import { Conflict, InvalidInput } from '../core/errors.ts';
import { siblingTemp, syncAndRename } from './files.ts';

export interface BackupResult {
  file: string;
  bytes: number;
  /** paved's tables in the copy (the migrator's own not counted). */
  tables: number;
}

/**
 * Copies a live SQLite database to `target` as one consistent snapshot.
 * Refuses to replace an existing file unless `force`.
 * @example await backupSqlite(handle, 'backups/paved-2026-11-01.db', { force: false })
 */
export async function backupSqlite(
  handle: DbHandle,
  target: string,
  opts: { force?: boolean } = {},
): Promise<BackupResult> {
  if (handle.engine !== 'sqlite') {
    throw new Conflict(
      'paved backup copies SQLite databases; on PostgreSQL use pg_dump (see README, Backups) or paved export <file>.',
    );
  }
  const file = resolve(target);
  if (file === handle.location) {
    throw new InvalidInput('The backup cannot be the database itself; name another file.');
  }
  if (existsSync(file) && !opts.force) {
    throw new Conflict(`${target} already exists; pass --force to replace it, or name a new file.`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = siblingTemp(file, 'backup');
  try {
    // One read transaction: every commit before it, none after, no writer blocked.
    await sql`vacuum into ${partial}`.execute(handle.db);
    syncAndRename(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  const check = inspectSqliteFile(file);
  return { file, bytes: statSync(file).size, tables: check.tables };
}

export interface BackupCheck {
  /** paved's tables in the file. */
  tables: number;
  /** The migrations it has. */
  migrations: string[];
  /** Migrations of this paved it does not have yet (restore applies them). */
  pending: string[];
}

/**
 * Checks that a file is a paved SQLite database this paved can run: SQLite's
 * integrity check passes, it has paved's migrations table, and none of its
 * migrations is newer than this code.
 */
export function inspectSqliteFile(path: string): BackupCheck {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InvalidInput(`Cannot read ${path}: no such file. Check the path.`);
  }
  let db: SQLite.Database;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new InvalidInput(`Cannot open ${path}: ${(error as Error).message}.`);
  }
  try {
    let integrity: { integrity_check: string }[];
    try {
      integrity = db.pragma('integrity_check') as { integrity_check: string }[];
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new InvalidInput(
        code === 'SQLITE_NOTADB'
          ? `${path} is not a SQLite database.`
          : `Cannot read ${path}: ${(error as Error).message}.`,
      );
    }
    const problems = integrity.map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new InvalidInput(
        `${path} fails SQLite's integrity check (${problems[0] ?? 'no answer'}); use another backup.`,
      );
    }
    const names = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'",
      )
      .all() as { name: string }[];
    const hasMigrations = db
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get();
    if (!hasMigrations) {
      throw new InvalidInput(`${path} is not a paved database: it has no migrations table.`);
    }
    const applied = (
      db.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((r) => r.name);
    const known = Object.keys(migrations);
    const unknown = applied.filter((m) => !known.includes(m));
    if (unknown.length > 0) {
      throw new InvalidInput(
        `${path} comes from a newer paved (migration ${unknown[0]} is unknown here): upgrade paved, then restore.`,
      );
    }
    return {
      tables: names.length,
      migrations: applied,
      pending: known.filter((m) => !applied.includes(m)),
    };
  } finally {
    db.close();
  }
}

/**
 * Replaces the SQLite database at `target` with a copy of `source` (checked
 * with `inspectSqliteFile` first by the caller). Refuses while another
 * process has the target open: a running server would write into the
 * replaced file.
 */
export function replaceSqliteFile(source: string, target: string): void {
  const file = resolve(target);
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) assertNobodyElseHasItOpen(file);
  const partial = siblingTemp(file, 'restore');
  try {
    const from = new SQLite(resolve(source), { readonly: true, fileMustExist: true });
    try {
      from.prepare('vacuum into ?').run(partial);
    } finally {
      from.close();
    }
    // The old database's write-ahead log must never be applied to the new file.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    syncAndRename(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Leaving WAL mode needs the only connection to the database: when another
 * process (a running `paved serve`) has it open, SQLite refuses.
 */
function assertNobodyElseHasItOpen(file: string): void {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true, timeout: 200 });
  } catch {
    return; // not a database we can open: it is replaced as it is
  }
  let mode: unknown;
  try {
    mode = db.pragma('journal_mode = delete', { simple: true });
  } catch {
    mode = 'busy';
  } finally {
    db.close();
  }
  if (mode !== 'delete') {
    throw new Conflict(
      `Another process has ${basename(file)} open (a running paved serve?). Stop every paved process using it, then restore.`,
    );
  }
}
