import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, postgresUrl, type TestDb } from '../../test/engines.ts';
import { backupSqlite, inspectSqliteFile, replaceSqliteFile } from './backup.ts';

const require = createRequire(import.meta.url);
const scratch: string[] = [];

function tempFile(name: string): string {
  const file = join(
    tmpdir(),
    `paved-ops-${process.pid}-${Math.random().toString(36).slice(2)}-${name}`,
  );
  scratch.push(file, `${file}-wal`, `${file}-shm`);
  return file;
}

afterEach(() => {
  for (const file of scratch.splice(0)) rmSync(file, { force: true });
});

/**
 * A second connection, in its own thread, inserting numbered rows one
 * transaction each; `committed` always holds the last number committed.
 */
function writer(file: string) {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const Database = require(workerData.module);
     const db = new Database(workerData.file);
     db.pragma('journal_mode = WAL');
     db.pragma('synchronous = FULL');
     db.pragma('busy_timeout = 5000');
     const insert = db.prepare("insert into rate_limits (key, window_start, hits) values (?, 'w', ?)");
     const state = new Int32Array(workerData.shared);
     for (let i = 1; Atomics.load(state, 1) === 0; i++) {
       insert.run('row-' + i, i);
       Atomics.store(state, 0, i);
     }
     db.close();`,
    {
      eval: true,
      workerData: { module: require.resolve('better-sqlite3'), file, shared: shared.buffer },
    },
  );
  const done = new Promise<void>((resolve, reject) => {
    worker.once('exit', () => resolve());
    worker.once('error', reject);
  });
  return {
    committed: () => Atomics.load(shared, 0),
    stop: async () => {
      Atomics.store(shared, 1, 1);
      await done;
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('paved backup on SQLite', () => {
  let handle: TestDb | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('copies every row committed before it started while another connection keeps writing', async () => {
    handle = await freshDatabase('sqlite');
    // Some bulk, so that the copy takes long enough for writes to land meanwhile.
    const filler = 'x'.repeat(2_000);
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 40; i++) {
        await trx
          .insertInto('audit_log')
          .values(
            Array.from({ length: 500 }, (_, j) => ({
              id: `filler-${i}-${j}`,
              at: '2026-01-01T00:00:00.000Z',
              actor_id: null,
              actor_email: null,
              action: 'filler',
              target_type: null,
              target_id: null,
              ip: null,
              details: filler,
            })),
          )
          .execute();
      }
    });
    const live = writer(handle.location);
    await until(() => live.committed() >= 50);
    const target = tempFile('backup.db');
    const acknowledged = live.committed();
    const result = await backupSqlite(handle, target);
    const during = live.committed();
    await until(() => live.committed() > during + 20);
    await live.stop();

    expect(acknowledged).toBeGreaterThanOrEqual(50);
    // Writes landed while the copy ran.
    expect(during).toBeGreaterThan(acknowledged);
    expect(result).toMatchObject({ file: target, tables: expect.any(Number) });
    expect(result.bytes).toBeGreaterThan(40 * 500 * 2_000);
    const copy = new SQLite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const { n, top } = copy
        .prepare('select count(*) as n, max(hits) as top from rate_limits')
        .get() as { n: number; top: number };
      // Every acknowledged row is there, and the copy is a prefix: no gaps, nothing half-done.
      expect(top).toBeGreaterThanOrEqual(acknowledged);
      expect(n).toBe(top);
      expect(top).toBeLessThanOrEqual(during);
      expect(copy.prepare('select count(*) as n from audit_log').get()).toEqual({ n: 20_000 });
    } finally {
      copy.close();
    }
    expect(inspectSqliteFile(target).pending).toEqual([]);
  }, 60_000);

  it('refuses to replace an existing file unless forced', async () => {
    handle = await freshDatabase('sqlite');
    const target = tempFile('exists.db');
    writeFileSync(target, 'keep me');
    await expect(backupSqlite(handle, target)).rejects.toThrow(/already exists; pass --force/);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    await backupSqlite(handle, target, { force: true });
    expect(inspectSqliteFile(target).tables).toBeGreaterThan(10);
  });

  it('refuses to write the copy over the database itself', async () => {
    handle = await freshDatabase('sqlite');
    await expect(backupSqlite(handle, handle.location, { force: true })).rejects.toThrow(
      /cannot be the database itself/,
    );
  });
});

describe('checking a backup before restoring it', () => {
  it('names a file that is missing, not SQLite, not paved, or from a newer paved', async () => {
    expect(() => inspectSqliteFile(tempFile('missing.db'))).toThrow(/no such file/);
    const junk = tempFile('junk.db');
    writeFileSync(junk, 'not a database '.repeat(500));
    expect(() => inspectSqliteFile(junk)).toThrow(/is not a SQLite database/);
    const other = tempFile('other.db');
    const db = new SQLite(other);
    db.exec('create table things (id text)');
    expect(() => inspectSqliteFile(other)).toThrow(/is not a paved database/);
    db.exec(
      "create table kysely_migration (name text primary key, timestamp text); insert into kysely_migration values ('0001_org', 'x'), ('9999_future', 'x')",
    );
    db.close();
    expect(() => inspectSqliteFile(other)).toThrow(/newer paved \(migration 9999_future/);
  });

  it('reports the migrations a restore will apply', async () => {
    const old = tempFile('old.db');
    const db = new SQLite(old);
    db.exec(
      "create table kysely_migration (name text primary key, timestamp text); insert into kysely_migration values ('0001_org', 'x')",
    );
    db.close();
    expect(inspectSqliteFile(old)).toMatchObject({
      migrations: ['0001_org'],
      pending: expect.arrayContaining(['0002_identity']),
    });
  });
});

describe('replacing the database file', () => {
  it('refuses while another connection has it open, then replaces it and its old log', async () => {
    const handle = await freshDatabase('sqlite');
    await handle.db
      .insertInto('rate_limits')
      .values({ key: 'old', window_start: 'w', hits: 1 })
      .execute();
    const backup = tempFile('source.db');
    await backupSqlite(handle, backup);
    await handle.db
      .insertInto('rate_limits')
      .values({ key: 'newer', window_start: 'w', hits: 2 })
      .execute();
    expect(() => replaceSqliteFile(backup, handle.location)).toThrow(/Another process has .* open/);
    const location = handle.location;
    await handle.close();
    // A stale log from the old database must not be applied to the restored one.
    writeFileSync(`${location}-wal`, 'stale');
    replaceSqliteFile(backup, location);
    expect(existsSync(`${location}-wal`)).toBe(false);
    const restored = new SQLite(location, { readonly: true });
    try {
      expect(restored.prepare('select key from rate_limits').all()).toEqual([{ key: 'old' }]);
    } finally {
      restored.close();
    }
    rmSync(location, { force: true });
  });
});

describe.runIf(postgresUrl)('paved backup on PostgreSQL', () => {
  it('points to pg_dump and paved export instead', async () => {
    const handle = await freshDatabase('postgres');
    try {
      await expect(backupSqlite(handle, tempFile('pg.db'))).rejects.toThrow(
        /pg_dump .* paved export/,
      );
      await sql`select 1`.execute(handle.db);
    } finally {
      await handle.close();
    }
  });
});
