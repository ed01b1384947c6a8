import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../../../test/engines.ts';
import { dataTables, deleteAllData, isUniqueViolation, newId, nowIso } from './helpers.ts';
import { DatabaseSetupError, type DbHandle, openDatabase } from './index.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';

const execFileAsync = promisify(execFile);

describe.each(engines)('database [%s]', (engine) => {
  const open: DbHandle[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });

  async function fresh(migrate = true) {
    const handle = await freshDatabase(engine, { migrate });
    open.push(handle);
    return handle;
  }

  function teamRow(slug: string) {
    const now = nowIso();
    return {
      id: newId(),
      ref: `group:default/${slug}`,
      slug,
      name: slug,
      created_at: now,
      updated_at: now,
    };
  }

  it('migrates an empty database up to the latest version, then has nothing left to apply', async () => {
    const handle = await fresh(false);
    expect(await migrateToLatest(handle)).toEqual(Object.keys(migrations));
    expect(await dataTables(handle.db, handle.engine)).toEqual([
      'adoption_events',
      'adoption_reasons',
      'api_tokens',
      'audit_log',
      'beta_criteria',
      'beta_programs',
      'beta_reviews',
      'capabilities',
      'capability_eligible_teams',
      'changelog_entries',
      'changelog_feedback',
      'decision_categories',
      'decisions',
      'exceptions',
      'feed_keys',
      'feedback_internal_notes',
      'feedback_items',
      'feedback_status_changes',
      'feedback_subscriptions',
      'feedback_votes',
      'mandates',
      'notification_preferences',
      'notifications',
      'office_hours_sessions',
      'office_hours_topics',
      'one_time_links',
      'people',
      'pulse_silenced',
      'pulse_throttle',
      'pulses',
      'rate_limits',
      'research_friction_links',
      'research_frictions',
      'research_notes',
      'roadmap_comments',
      'roadmap_events',
      'roadmap_feedback_links',
      'roadmap_items',
      'services',
      'sessions',
      'settings',
      'signal_capability_usage',
      'signal_change_lead_times',
      'signal_deploys',
      'signal_events',
      'signal_github_deliveries',
      'signal_incidents',
      'signal_ingest_batches',
      'signal_ingest_tokens',
      'signal_person_milestones',
      'signal_pull_requests',
      'signal_repository_teams',
      'signal_sources',
      'signal_team_days',
      'signal_team_months',
      'signal_unplanned_work',
      'survey_answers',
      'survey_audience_teams',
      'survey_comments',
      'survey_invitations',
      'survey_invitee_cells',
      'survey_participation',
      'survey_questions',
      'survey_ratings',
      'survey_responses',
      'survey_team_counts',
      'surveys',
      'teams',
      'users',
      'webhook_attempts',
      'webhook_deliveries',
      'webhooks',
    ]);
    expect(await migrateToLatest(handle)).toEqual([]);
  });

  it('keeps rows written before a later migration run', async () => {
    const handle = await fresh();
    await handle.db.insertInto('teams').values(teamRow('kept')).execute();
    await migrateToLatest(handle);
    const rows = await handle.db.selectFrom('teams').select('slug').execute();
    expect(rows).toEqual([{ slug: 'kept' }]);
  });

  it('lets several processes migrate the same database at once', async () => {
    const handle = await fresh(false);
    const migrate = () =>
      execFileAsync(process.execPath, ['bin/paved.js', 'migrate'], {
        env: { ...process.env, PAVED_DATABASE_URL: handle.url },
      });
    const [a, b] = await Promise.all([migrate(), migrate()]);
    const said = [a.stderr, b.stderr].sort();
    // Exactly one of them applied the migrations; the other found nothing to do.
    expect(said[0]).toMatch(/^Applied \d+ migration/);
    expect(said[1]).toMatch(/^The database is up to date/);
    expect(await dataTables(handle.db, handle.engine)).toContain('teams');
  });

  it('reports a unique violation by its driver code', async () => {
    const handle = await fresh();
    await handle.db.insertInto('teams').values(teamRow('dup')).execute();
    const error = await handle.db
      .insertInto('teams')
      .values(teamRow('dup'))
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed'))).toBe(false);
  });

  it('enforces foreign keys', async () => {
    const handle = await fresh();
    const row = { ...teamRow('orphan'), parent_id: 'no-such-team' };
    await expect(handle.db.insertInto('teams').values(row).execute()).rejects.toThrow();
  });

  it('returns counts as numbers', async () => {
    const handle = await fresh();
    await handle.db
      .insertInto('teams')
      .values([teamRow('a'), teamRow('b')])
      .execute();
    const row = await handle.db
      .selectFrom('teams')
      .select(handle.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(2);
  });

  it('deletes every row but keeps the schema', async () => {
    const handle = await fresh();
    const parent = teamRow('parent');
    await handle.db.insertInto('teams').values(parent).execute();
    await handle.db
      .insertInto('teams')
      .values({ ...teamRow('child'), parent_id: parent.id })
      .execute();
    await handle.db.transaction().execute((trx) => deleteAllData(trx, handle.engine));
    expect(await handle.db.selectFrom('teams').selectAll().execute()).toEqual([]);
    // Reference data seeded by migrations stays.
    const categories = await handle.db.selectFrom('decision_categories').select('key').execute();
    expect(categories.length).toBeGreaterThan(0);
    expect(await dataTables(handle.db, handle.engine)).toContain('teams');
  });
});

describe('SQLite settings', () => {
  it('runs with WAL, synchronous FULL, foreign keys and a busy timeout', async () => {
    const handle = await freshDatabase('sqlite');
    try {
      const read = async (pragma: string) =>
        Object.values((await sql.raw(`pragma ${pragma}`).execute(handle.db)).rows[0] as object)[0];
      expect(await read('journal_mode')).toBe('wal');
      expect(await read('synchronous')).toBe(2);
      expect(await read('foreign_keys')).toBe(1);
      expect(await read('busy_timeout')).toBe(5000);
    } finally {
      await handle.close();
    }
  });

  it('refuses an unsupported database URL', async () => {
    await expect(openDatabase('mysql://localhost/x')).rejects.toBeInstanceOf(DatabaseSetupError);
  });
});
