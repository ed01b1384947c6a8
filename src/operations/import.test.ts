import { expect, it } from 'vitest';
import { testSecret } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows, seedOrg } from '../../test/factories.ts';
import { importPaved } from './import.ts';
import { schemaVersion } from './tables.ts';

const AT = '2026-10-01T09:00:00.000Z';
const header = () => ({
  paved: 'export',
  version: schemaVersion(),
  exportedAt: AT,
  engine: 'sqlite',
});

function team(id: string, parent: string | null) {
  return {
    table: 'teams',
    row: {
      id,
      ref: `group:default/${id}`,
      slug: id,
      name: id.toUpperCase(),
      type: 'team',
      description: null,
      parent_id: parent,
      inactive_since: null,
      created_at: AT,
      updated_at: AT,
    },
  };
}

const user = {
  table: 'users',
  row: {
    id: 'u1',
    email: 'ada@example.com',
    name: 'Ada',
    role: 'admin',
    disabled_at: null,
    created_at: AT,
    updated_at: AT,
  },
};

const webhook = {
  table: 'webhooks',
  row: {
    id: 'w1',
    name: 'Chat',
    url: 'https://chat.example.com/hook',
    format: 'json',
    events: '["feedback.created"]',
    active: 1,
    created_by: 'u1',
    created_at: AT,
    updated_at: AT,
  },
};

/** A file as lines: the header, these rows, and a trailer counting them. */
async function* file(rows: unknown[], opts: { trailer?: boolean; head?: unknown } = {}) {
  yield JSON.stringify(opts.head ?? header());
  for (const row of rows) yield JSON.stringify(row);
  if (opts.trailer !== false) yield JSON.stringify({ paved: 'end', rows: rows.length });
}

describeEngines('paved import paved', (db) => {
  it('inserts teams whose parent comes later in the file, users without passwords, webhooks switched off', async () => {
    const summary = await importPaved(
      db(),
      file([team('child', 'root'), team('root', null), user, webhook]),
      { secret: testSecret },
    );
    expect(summary).toMatchObject({
      rows: 4,
      tables: { teams: 2, users: 1, webhooks: 1 },
      webhooksSwitchedOff: 1,
    });
    const teams = await db()
      .db.selectFrom('teams')
      .select(['id', 'parent_id'])
      .orderBy('id')
      .execute();
    expect(teams).toEqual([
      { id: 'child', parent_id: 'root' },
      { id: 'root', parent_id: null },
    ]);
    const u = await db().db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(u).toMatchObject({ email: 'ada@example.com', password_hash: null });
    const w = await db().db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
    expect(w.active).toBe(0);
    expect(testSecret.decrypt('webhook-signing-secret', w.secret_sealed)).toMatch(/^whsec_/);
    const audit = await db().db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'database.import', actor_id: null })]);
  });

  it('refuses a database that holds data, naming the tables, and changes nothing', async () => {
    await seedOrg(db().db);
    const before = await countRows(db().db, 'teams');
    await expect(
      importPaved(db(), file([team('x', null)]), { secret: testSecret }),
    ).rejects.toThrow(/The database is not empty: .*teams \(\d+ rows\)/);
    expect(await countRows(db().db, 'teams')).toBe(before);
  });

  it('imports nothing from a file cut off before its last line', async () => {
    await expect(
      importPaved(db(), file([team('root', null), user], { trailer: false }), {
        secret: testSecret,
      }),
    ).rejects.toThrow(/cut off/);
    expect(await countRows(db().db, 'teams')).toBe(0);
    expect(await countRows(db().db, 'users')).toBe(0);
    expect(await countRows(db().db, 'audit_log')).toBe(0);
  });

  const refusals: [string, unknown[], { head?: unknown }, RegExp][] = [
    [
      'another program’s file',
      [],
      { head: { hello: 'world' } },
      /Line 1: this is not a paved export/,
    ],
    [
      'a newer schema',
      [],
      { head: { ...header(), version: schemaVersion() + 1 } },
      /newer than this paved .*upgrade paved first/,
    ],
    [
      'an older schema',
      [],
      { head: { ...header(), version: schemaVersion() - 1 } },
      /import it with the paved that made it/,
    ],
    [
      'a table never imported',
      [{ table: 'sessions', row: {} }],
      {},
      /Line 2: sessions is never imported/,
    ],
    ['an unknown table', [{ table: 'nope', row: {} }], {}, /Line 2: there is no table "nope"/],
    [
      'an unknown column',
      [{ table: 'teams', row: { ...team('a', null).row, __proto__x: 1 } }],
      {},
      /teams has no column "__proto__x"/,
    ],
    [
      'a password hash',
      [{ table: 'users', row: { ...user.row, password_hash: 'scrypt$x' } }],
      {},
      /users has no column "password_hash"/,
    ],
    [
      'an object as a value',
      [{ table: 'teams', row: { ...team('a', null).row, name: { x: 1 } } }],
      {},
      /teams.name must be text, a number or null/,
    ],
    [
      'tables out of order',
      [user, team('a', null)],
      {},
      /Line 3: teams comes after tables that depend on it/,
    ],
  ];
  for (const [what, rows, opts, message] of refusals) {
    it(`refuses ${what}, importing nothing`, async () => {
      await expect(importPaved(db(), file(rows, opts), { secret: testSecret })).rejects.toThrow(
        message,
      );
      expect(await countRows(db().db, 'teams')).toBe(0);
      expect(await countRows(db().db, 'users')).toBe(0);
    });
  }

  it('refuses a trailer whose count differs from the rows before it', async () => {
    async function* lines() {
      yield JSON.stringify(header());
      yield JSON.stringify(team('a', null));
      yield JSON.stringify({ paved: 'end', rows: 2 });
    }
    await expect(importPaved(db(), lines(), { secret: testSecret })).rejects.toThrow(
      /holds 2 rows, but 1 came before/,
    );
    expect(await countRows(db().db, 'teams')).toBe(0);
  });

  it('refuses anything after the trailer, a __proto__ key and a line that is not JSON', async () => {
    async function* after() {
      yield* file([]);
      yield JSON.stringify(team('a', null));
    }
    await expect(importPaved(db(), after(), { secret: testSecret })).rejects.toThrow(
      /more after the last line/,
    );
    async function* polluted() {
      yield JSON.stringify(header());
      yield `{"table":"teams","row":{"__proto__":{"admin":true},"id":"a"}}`;
    }
    await expect(importPaved(db(), polluted(), { secret: testSecret })).rejects.toThrow(
      /teams has no column "__proto__"/,
    );
    async function* broken() {
      yield JSON.stringify(header());
      yield '{"table": "teams", "row": {';
    }
    await expect(importPaved(db(), broken(), { secret: testSecret })).rejects.toThrow(
      /Line 2: this is not JSON/,
    );
  });
});
