import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngines, engines, freshDatabase, type TestDb } from '../../test/engines.ts';
import { getSetting } from '../core/settings.ts';
import { demoAccounts } from '../demo/model.ts';
import { exportPaved, shuffle, unplacedTables } from './export.ts';
import { CARRIED, LEFT_OUT, SECRET_SETTINGS, schemaVersion } from './tables.ts';
import { exportLines, exportText, plantSecrets, rowsOf, seedDemo } from './testing.ts';

describeEngines('paved export', (db) => {
  it('places every table of the schema: carried, or left out with a reason', async () => {
    expect(await unplacedTables(db())).toEqual([]);
    const carried = new Set(CARRIED.map((t) => t.table));
    expect(Object.keys(LEFT_OUT).filter((t) => carried.has(t as never))).toEqual([]);
  });

  it('refuses a database with a table it does not know, writing nothing', async () => {
    await sql`create table notes_from_elsewhere (id text primary key)`.execute(db().db);
    const written: string[] = [];
    await expect(exportPaved(db(), async (t) => void written.push(t))).rejects.toThrow(
      /does not know the table notes_from_elsewhere/,
    );
    expect(written).toEqual([]);
  });
});

describe.each(engines)('paved export of the demo [%s]', (engine) => {
  let handle: TestDb | undefined;
  let planted: string[] = [];
  let first = '';
  let second = '';
  const db = () => handle!;
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    await seedDemo(handle);
    planted = await plantSecrets(handle);
    first = await exportText(handle);
    second = await exportText(handle);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
  });

  it('writes a header, one line per row in parent-first order, and a trailer with the count', async () => {
    const lines = exportLines(first);
    expect(lines[0]).toMatchObject({
      paved: 'export',
      version: schemaVersion(),
      engine: db().engine,
    });
    expect(Date.parse(String(lines[0]!.exportedAt))).not.toBeNaN();
    const rows = lines.slice(1, -1);
    expect(lines.at(-1)).toEqual({ paved: 'end', rows: rows.length });
    const order = CARRIED.map((t) => t.table as string);
    const positions = rows.map((l) => order.indexOf(String(l.table)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Everything the database holds in a carried table comes out (teams, for one).
    const teams = await db().db.selectFrom('teams').select('id').execute();
    expect(rows.filter((l) => l.table === 'teams')).toHaveLength(teams.length);
  });

  it('leaves out sessions, tokens, links, rate limits, keyed hashes, passwords and every secret', async () => {
    const secrets = [...planted];
    for (const account of await getSetting(db().db, demoAccounts)) secrets.push(account.password);
    expect(secrets.length).toBeGreaterThan(12);
    const text = first;
    const tables = new Set(exportLines(text).map((l) => l.table));
    for (const table of Object.keys(LEFT_OUT)) expect(tables.has(table)).toBe(false);
    for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
    expect(text).not.toContain('password_hash');
    expect(text).not.toContain('secret_sealed');
    const settings = rowsOf(text, 'settings').map((r) => r.key);
    for (const key of SECRET_SETTINGS) expect(settings).not.toContain(key);
    expect(settings).toContain('demo.organisation');
    // The planted webhook is there, without its secret.
    expect(rowsOf(text, 'webhooks')).toEqual([
      expect.objectContaining({ id: 'planted-webhook', url: 'https://chat.example.com/hook' }),
    ]);
  });

  it('carries no author and no follower of feedback posted as a team', async () => {
    const anonymous = await db()
      .db.selectFrom('feedback_items')
      .select(['id', 'author_id', 'author_name'])
      .where('posted_as', '=', 'team')
      .execute();
    expect(anonymous.length).toBeGreaterThan(0);
    const followed = await db()
      .db.selectFrom('feedback_subscriptions')
      .select('item_id')
      .where(
        'item_id',
        'in',
        anonymous.map((i) => i.id),
      )
      .execute();
    expect(followed.length).toBeGreaterThan(0);
    const text = first;
    const ids = new Set(anonymous.map((i) => i.id));
    const subscriptions = rowsOf(text, 'feedback_subscriptions');
    expect(subscriptions.length).toBeGreaterThan(0);
    expect(subscriptions.filter((s) => ids.has(String(s.item_id)))).toEqual([]);
    for (const item of rowsOf(text, 'feedback_items').filter((i) => ids.has(String(i.id)))) {
      expect(item).toMatchObject({ author_id: null, author_name: null, posted_as: 'team' });
    }
  });

  it('writes answers and pulses in a fresh random order each time, not by id or as stored', async () => {
    for (const table of ['survey_answers', 'survey_responses', 'survey_comments', 'pulses']) {
      const a = rowsOf(first, table).map((r) => String(r.id));
      const b = rowsOf(second, table).map((r) => String(r.id));
      expect(a.length, table).toBeGreaterThan(20);
      expect([...a].sort()).toEqual([...b].sort());
      expect(a, table).not.toEqual(b);
      expect(a, table).not.toEqual([...a].sort());
      const { rows } = await sql<{ id: string }>`select id from ${sql.table(table)}`.execute(
        db().db,
      );
      expect(a, table).not.toEqual(rows.map((r) => r.id));
    }
  });

  it('shuffles large answer tables in groups by id prefix without losing or repeating a row', async () => {
    const parts: string[] = [];
    const summary = await exportPaved(db(), async (t) => void parts.push(t), { shuffleGroup: 7 });
    const ids = rowsOf(parts.join(''), 'survey_answers').map((r) => String(r.id));
    const stored = await db().db.selectFrom('survey_answers').select('id').execute();
    expect(summary.tables.survey_answers).toBe(stored.length);
    expect([...ids].sort()).toEqual(stored.map((r) => r.id).sort());
  });

  it('pages through tables with composite keys without losing a row', async () => {
    const parts: string[] = [];
    await exportPaved(db(), async (t) => void parts.push(t), { pageSize: 97 });
    const text = parts.join('');
    for (const table of ['feedback_votes', 'signal_team_days', 'capability_eligible_teams']) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from ${sql.table(table)}`.execute(db().db);
      const exported = rowsOf(text, table);
      expect(exported.length, table).toBe(Number(rows[0]!.n));
      expect(new Set(exported.map((r) => JSON.stringify(r))).size, table).toBe(exported.length);
    }
  });
});

it('shuffle returns a permutation of its input', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const shuffled = shuffle([...items]);
  expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  expect(shuffled).not.toEqual(items);
});
