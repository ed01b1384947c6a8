import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { signIn, testApp } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { memoryLogger } from '../../test/security/support.ts';
import type { Db, Engine } from '../core/db/index.ts';
import { closeSurvey, createSurvey, openSurvey } from './service.ts';
import { ANONYMOUS_TABLES, insertResponse } from './store.ts';
import { seedSurveyOrg } from './testing.ts';

/**
 * Every column an answer table may have. A new column fails this test: it
 * must be shown not to join to a person (ids of people, users, invitations,
 * sessions, tokens) nor to carry a time finer than the period.
 */
const ALLOWED: Record<(typeof ANONYMOUS_TABLES)[number], string[]> = {
  survey_responses: ['id', 'survey_id', 'team_id', 'tenure_band', 'level_band'],
  survey_answers: ['id', 'survey_id', 'team_id', 'tenure_band', 'level_band', 'question', 'value'],
  survey_ratings: [
    'id',
    'survey_id',
    'team_id',
    'tenure_band',
    'level_band',
    'capability_id',
    'csat',
    'effort',
  ],
  survey_comments: ['id', 'survey_id', 'team_id', 'tenure_band', 'level_band', 'question', 'body'],
  pulses: ['id', 'capability_id', 'touchpoint', 'rating', 'comment', 'month'],
};

/** Tables an answer table may point at (teams, capabilities and surveys name no person). */
const ALLOWED_REFERENCES = ['surveys', 'capabilities', 'teams'];

async function columns(db: Db, engine: Engine, table: string): Promise<string[]> {
  if (engine === 'sqlite') {
    const { rows } = await sql<{
      name: string;
    }>`select name from pragma_table_info(${table})`.execute(db);
    return rows.map((r) => r.name).sort();
  }
  const { rows } = await sql<{
    name: string;
  }>`select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return rows.map((r) => r.name).sort();
}

async function references(db: Db, engine: Engine, table: string): Promise<string[]> {
  if (engine === 'sqlite') {
    const { rows } = await sql<{
      table: string;
    }>`select "table" from pragma_foreign_key_list(${table})`.execute(db);
    return rows.map((r) => r.table);
  }
  const { rows } = await sql<{ table: string }>`
    select ccu.table_name as "table"
    from information_schema.table_constraints tc
    join information_schema.constraint_column_usage ccu
      on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
    where tc.table_schema = current_schema() and tc.table_name = ${table} and tc.constraint_type = 'FOREIGN KEY'`.execute(
    db,
  );
  return rows.map((r) => r.table);
}

/** Spearman's rank correlation of two equally long lists of distinct ranks. */
function spearman(a: number[], b: number[]): number {
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (a[i]! - b[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describeEngines('anonymity by construction', (handle) => {
  it('keeps answer tables to the columns that cannot join to a person or mark a moment', async () => {
    const { db, engine } = handle();
    for (const [table, allowed] of Object.entries(ALLOWED)) {
      expect(await columns(db, engine, table), table).toEqual([...allowed].sort());
      for (const target of await references(db, engine, table)) {
        expect(ALLOWED_REFERENCES, `${table} references ${target}`).toContain(target);
      }
    }
    if (engine === 'sqlite') {
      // Keyed by the random id, not by an insertion-ordered rowid.
      for (const table of ANONYMOUS_TABLES) {
        const { rows } = await sql<{
          sql: string;
        }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
        expect(rows[0]?.sql.toLowerCase(), table).toMatch(/without rowid\s*$/);
      }
    }
  });

  it('stores answers so that neither ids nor the order of a plain SELECT follow the order they came in', async () => {
    const { db, engine } = handle();
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 12 }]);
    const draft = await createSurvey(db, org.platform, {
      title: 'Order',
      period: '2026-Q4',
      audience: 'all',
    });
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    const N = 2000;
    const segment = { teamId: org.teams.everyone!, tenureBand: null, levelBand: null };
    for (let i = 0; i < N; i++) {
      // The comment carries the submission order, so the test can find it again.
      await insertResponse(db, survey.id, segment, {
        answers: [],
        ratings: [],
        comments: [{ question: 'comment', body: String(i) }],
      });
    }
    const rows = await db
      .selectFrom('survey_comments')
      .select(['id', 'body'])
      .where('survey_id', '=', survey.id)
      .execute();
    expect(rows).toHaveLength(N);
    const submitted = rows.map((r) => Number(r.body));
    // By id: the rank of each row's id against the rank of its submission.
    const byId = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const idRank = new Map(byId.map((r, i) => [r.id, i]));
    const rhoIds = spearman(
      submitted,
      rows.map((r) => idRank.get(r.id)!),
    );
    // For 2000 independent orders ρ has a standard deviation of 1/√1999 ≈ 0.022:
    // |ρ| < 0.1 fails by chance less than once in 10⁵ runs.
    expect(Math.abs(rhoIds)).toBeLessThan(0.1);
    if (engine === 'sqlite') {
      // A plain SELECT, no ORDER BY: the natural order of the table.
      const { rows: plain } = await sql<{ body: string }>`select body from survey_comments`.execute(
        db,
      );
      const rhoPlain = spearman(
        plain.map((r) => Number(r.body)),
        plain.map((_, i) => i),
      );
      expect(Math.abs(rhoPlain)).toBeLessThan(0.1);
    }
  }, 300_000);

  it('after an answering run, request logs and the audit log hold nothing that links an answer', async () => {
    const { db } = handle();
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 12 }]);
    const draft = await createSurvey(db, org.platform, {
      title: 'Logs',
      period: '2026-Q4',
      audience: 'all',
    });
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    const memory = memoryLogger('trace');
    const app = testApp(handle(), {}, memory.log);
    const secrets: string[] = [];
    for (const [i, person] of org.all.slice(0, 6).entries()) {
      const user = await signIn(handle(), 'developer', person.email);
      secrets.push(user.user.id, user.user.email, user.token, person.personId!);
      const comment = `secret comment number ${i}`;
      secrets.push(comment);
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await app.request(`/api/v1/surveys/${survey.id}/responses`, {
          method: 'POST',
          headers: { ...user.bearer, 'Content-Type': 'application/json' },
          body: JSON.stringify({ answers: { nps: i, comment } }),
        });
        expect(res.status).toBe(attempt === 0 ? 201 : 409);
      }
    }
    const hashes = await db.selectFrom('survey_participation').select('hash').execute();
    secrets.push(...hashes.map((h) => h.hash));
    const logged = memory.text();
    const requests = memory.records().filter((r) => r.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(12);
    for (const r of requests)
      expect(Object.keys(r).sort()).toEqual([
        'level',
        'method',
        'ms',
        'msg',
        'reqId',
        'route',
        'service',
        'status',
        'time',
      ]);
    const audit = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    for (const s of secrets) {
      expect(logged).not.toContain(s);
      expect(audit).not.toContain(s);
    }
    expect(audit).not.toMatch(/response|answer/i);
    await closeSurvey(org.deps, org.platform, survey.id);
    expect(await db.selectFrom('survey_participation').selectAll().execute()).toEqual([]);
  });
});
