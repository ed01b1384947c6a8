import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/app.ts';
import { describeEngines, freshDatabase, postgresUrl } from '../../test/engines.ts';
import { countRows, seedOrg } from '../../test/factories.ts';
import type { Stdin } from '../core/cli.ts';
import { openDatabase } from '../core/db/index.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { run } from '../main.ts';
import { exportLines } from './testing.ts';

const SECRET = 'paved-operations-cli-secret-0123456789';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paved-ops-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `paved …` against a database URL, capturing what it writes. */
async function paved(url: string, args: string[], stdin?: Partial<Stdin>) {
  const io = captureIo({ PAVED_DATABASE_URL: url, PAVED_SECRET: SECRET });
  if (stdin)
    io.stdin = { isTty: false, read: async () => '', readHidden: async () => '', ...stdin };
  const code = await run(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** A migrated SQLite file holding the small org, closed (so only the command opens it). */
async function sqliteWithOrg(name: string): Promise<string> {
  const url = `sqlite:${join(dir, name)}`;
  const handle = await openDatabase(url);
  await migrateToLatest(handle);
  await seedOrg(handle.db);
  await handle.close();
  return url;
}

function teamsIn(file: string): number {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from teams').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('paved backup and paved restore on SQLite', () => {
  it('backs up, refuses to overwrite without --force, and restores into a new or, with --force, a filled database', async () => {
    const source = await sqliteWithOrg('live.db');
    const backup = join(dir, 'backup.db');
    const done = await paved(source, ['backup', backup, '--json']);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ file: backup, tables: expect.any(Number) });
    expect(done.stderr).toMatch(/^Backed up .*live\.db to .*backup\.db: \d+ kB, \d+ tables\.\n/m);
    expect(done.stderr).toContain(
      'The server secret is not in the backup: keep PAVED_SECRET with it.',
    );
    const teams = teamsIn(backup);
    expect(teams).toBeGreaterThan(0);

    const again = await paved(source, ['backup', backup]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/^paved: .*backup\.db already exists; pass --force to replace it/);
    expect((await paved(source, ['backup', backup, '--force'])).code).toBe(0);

    // Into a database that does not exist yet: no question asked.
    const fresh = join(dir, 'fresh', 'paved.db');
    const restored = await paved(`sqlite:${fresh}`, ['restore', backup]);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toMatch(/^Restored backup\.db into .*paved\.db: \d+ tables\./m);
    expect(teamsIn(fresh)).toBe(teams);

    // Into a database with data: --force, or a yes on a terminal.
    const filled = await sqliteWithOrg('filled.db');
    const refused = await paved(filled, ['restore', backup]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^paved: .*filled\.db holds data \(.*\); restoring replaces all of it\. Add --force to go ahead\.\n$/,
    );
    const no = await paved(filled, ['restore', backup], {
      isTty: true,
      readLine: async () => 'no',
    });
    expect(no).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Stopped; nothing was changed.'),
    });
    const yes = await paved(filled, ['restore', backup], {
      isTty: true,
      readLine: async () => 'yes',
    });
    expect(yes.code).toBe(0);
    const forced = await paved(filled, ['restore', backup, '--force']);
    expect(forced.code).toBe(0);
    const db = new SQLite(join(dir, 'filled.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const audit = db
        .prepare("select details from audit_log where action = 'database.restore'")
        .all();
      expect(audit).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('refuses to restore a file that is not a paved backup', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'hello '.repeat(1000));
    const target = join(dir, 'target.db');
    const result = await paved(`sqlite:${target}`, ['restore', junk]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `paved: ${junk} is not a SQLite database.\n`,
    });
    expect(existsSync(target)).toBe(false);
  });
});

describe.runIf(postgresUrl)('paved backup and restore on PostgreSQL', () => {
  it('point to pg_dump, pg_restore and paved export or import, in one line, exit 1', async () => {
    const handle = await freshDatabase('postgres');
    try {
      const backup = await paved(handle.url, ['backup', join(dir, 'b.db')]);
      expect(backup).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'paved: paved backup works on SQLite only; with PostgreSQL use pg_dump (see README, Backups) or paved export <file>.\n',
      });
      const restore = await paved(handle.url, ['restore', join(dir, 'b.db')]);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(
        /^paved: paved restore works on SQLite only; with PostgreSQL use pg_restore .*paved import paved <file>/,
      );
      expect(restore.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });
});

describeEngines('paved export, import paved, person forget and event prune', (db) => {
  it('exports to a file or standard output and imports into an empty database only', async () => {
    await seedOrg(db().db);
    await db()
      .db.insertInto('surveys')
      .values({
        id: 'open-1',
        title: 'Q4 survey',
        period: '2026-Q4',
        state: 'open',
        audience: 'all',
        opens_on: null,
        closes_on: null,
        k: 5,
        k_comment: 10,
        invited: 0,
        responded: null,
        created_by: null,
        created_at: '2026-10-01T00:00:00.000Z',
        updated_at: '2026-10-01T00:00:00.000Z',
        opened_at: null,
        closed_at: null,
        reminded_at: null,
      })
      .execute();
    const file = join(dir, 'export.ndjson');
    const exported = await paved(db().url, ['export', file]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toMatch(
      /^Exported \d+ rows from \d+ tables to .*export\.ndjson \(schema version \d+\)\.\n/m,
    );
    expect(exported.stderr).toContain(
      'Survey “Q4 survey” is open: who has answered is not exported',
    );
    const lines = exportLines(readFileSync(file, 'utf8'));
    expect(lines[0]).toMatchObject({ paved: 'export' });
    expect(lines.at(-1)).toMatchObject({ paved: 'end' });

    const exists = await paved(db().url, ['export', file]);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/already exists; pass --force/);

    const stdout = await paved(db().url, ['export', '-']);
    expect(stdout.code).toBe(0);
    expect(exportLines(stdout.stdout)).toHaveLength(lines.length);

    const target = await freshDatabase(db().engine);
    try {
      const imported = await paved(target.url, ['import', 'paved', file, '--json']);
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ rows: lines.length - 2 });
      expect(imported.stderr).toContain('Accounts have no passwords');
      expect(await countRows(target.db, 'teams')).toBe(await countRows(db().db, 'teams'));
      const twice = await paved(target.url, ['import', 'paved', file]);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/^paved: The database is not empty: .*teams/);
      const piped = await freshDatabase(db().engine);
      try {
        const fromStdin = await paved(piped.url, ['import', 'paved', '-'], {
          read: async () => stdout.stdout,
        });
        expect(fromStdin.code).toBe(0);
        expect(await countRows(piped.db, 'people')).toBe(await countRows(db().db, 'people'));
      } finally {
        await piped.close();
      }
      const missing = await paved(target.url, ['import', 'paved', join(dir, 'nope.ndjson')]);
      expect(missing).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/Cannot read .*nope\.ndjson: no such file/),
      });
    } finally {
      await target.close();
    }
  });

  it('forgets a person with --force or a typed yes, never silently without a terminal', async () => {
    await seedOrg(db().db);
    const person = await db()
      .db.selectFrom('people')
      .select(['id', 'email', 'name'])
      .where('email', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const email = person.email!;
    const refused = await paved(db().url, ['person', 'forget', email]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^paved: Forgetting .* removes their name and email; what they wrote stays as “a former member.*”\. This cannot be undone\. Add --force to go ahead\.\n$/,
    );
    const no = await paved(db().url, ['person', 'forget', email], {
      isTty: true,
      readLine: async () => 'n',
    });
    expect(no.code).toBe(1);
    const unchanged = await db()
      .db.selectFrom('people')
      .select('name')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.name).toBe(person.name);

    const done = await paved(db().url, ['person', 'forget', email, '--force', '--json']);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ people: 1, account: false });
    expect(done.stderr).toMatch(/^Forgot .*: 1 person record\(s\) renamed, no account/);
    const after = await db()
      .db.selectFrom('people')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ email: null, name: expect.stringMatching(/^a former member/) });

    const unknown = await paved(db().url, ['person', 'forget', email, '--force']);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Nobody in paved has the email'),
    });
  });

  it('prunes raw events from the command line; a retention below 30 days is bad usage', async () => {
    const bad = await paved(db().url, ['event', 'prune', '--days', '7']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'paved: --days must be a whole number from 30 to 36500; got "7".\n',
    });
    const refused = await paved(db().url, ['event', 'prune']);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'paved: Pruning removes the details of raw events older than the days in signals.raw_event_retention_days for good; the figures stay. Add --force to go ahead.\n',
    });
    const none = await paved(db().url, ['event', 'prune', '--force']);
    expect(none).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No raw events older than 730 days left to prune.\n',
    });
    await db()
      .db.insertInto('signal_sources')
      .values({
        id: 's1',
        name: 'ci',
        kind: 'token',
        description: '',
        user_id: null,
        created_by: null,
        created_at: '2020-01-01T00:00:00.000Z',
      })
      .execute();
    await db()
      .db.insertInto('signal_events')
      .values({
        id: 'e1',
        source_id: 's1',
        client_id: 'use-1',
        type: 'usage',
        team_id: null,
        person_id: null,
        at: '2020-01-01T00:00:00.000Z',
        payload: '{"type":"usage"}',
        batch_id: null,
        received_at: '2020-01-01T00:00:00.000Z',
      })
      .execute();
    const pruned = await paved(db().url, ['event', 'prune', '--days', '30', '--json', '--force']);
    expect(pruned.code).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ pruned: 1, days: 30 });
    expect(pruned.stderr).toMatch(
      /^Pruned the details of 1 raw event\(s\) from before \d{4}-\d\d-\d\d \(kept 30 days\); the figures are unchanged\.\n$/,
    );
  });
});
