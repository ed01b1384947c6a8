import type { Kysely } from 'kysely';

// Frozen. The capability catalog, mandates, decision rights and the decision
// log, the adoption ledger (events only: current state is derived) and
// exceptions. Seeds the decision categories and the reasons for leaving.

export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();

  await db.schema
    .createTable('decision_categories')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('decider_role', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const categories: [string, string, string][] = [
    ['security', 'Security', 'leader'],
    ['compliance', 'Compliance', 'leader'],
    ['leadership', 'Leadership', 'leader'],
    ['cost', 'Cost', 'leader'],
    ['developer-experience', 'Developer experience', 'platform'],
    ['reliability', 'Reliability', 'platform'],
  ];
  await db
    .insertInto('decision_categories')
    .values(
      categories.map(([key, label, decider_role], position) => ({
        key,
        label,
        decider_role,
        position,
        updated_at: now,
      })),
    )
    .execute();

  await db.schema
    .createTable('capabilities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('owner_team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('docs_url', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('obligation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // No rows for a capability means every team is eligible.
  await db.schema
    .createTable('capability_eligible_teams')
    .addColumn('capability_id', 'text', (c) =>
      c.notNull().references('capabilities.id').onDelete('cascade'),
    )
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('capability_eligible_teams_pk', ['capability_id', 'team_id'])
    .execute();

  await db.schema
    .createTable('mandates')
    .addColumn('capability_id', 'text', (c) =>
      c.primaryKey().references('capabilities.id').onDelete('cascade'),
    )
    .addColumn('category', 'text', (c) => c.notNull().references('decision_categories.key'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('mitigation', 'text', (c) => c.notNull())
    .addColumn('review_on', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('adoption_reasons')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  const reasons: [string, string][] = [
    ['too-slow', 'Too slow'],
    ['missing-features', 'Missing something we need'],
    ['hard-to-use', 'Hard to use'],
    ['unreliable', 'Unreliable'],
    ['cost', 'Costs too much'],
    ['team-change', 'Our team or product changed'],
    ['other', 'Something else'],
  ];
  await db
    .insertInto('adoption_reasons')
    .values(reasons.map(([key, label], position) => ({ key, label, position })))
    .execute();

  await db.schema
    .createTable('exceptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('capability_id', 'text', (c) =>
      c.notNull().references('capabilities.id').onDelete('cascade'),
    )
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull().references('decision_categories.key'))
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requested_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('rationale', 'text')
    .addColumn('expires_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exceptions_capability_idx')
    .on('exceptions')
    .columns(['capability_id', 'status'])
    .execute();
  await db.schema
    .createIndex('exceptions_status_idx')
    .on('exceptions')
    .columns(['status', 'expires_on'])
    .execute();

  // Every transition is a row; `seq` numbers them per team and capability, so
  // two racing changes from the same state cannot both be written.
  await db.schema
    .createTable('adoption_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('capability_id', 'text', (c) =>
      c.notNull().references('capabilities.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.references('adoption_reasons.key'))
    .addColumn('reason_text', 'text')
    .addColumn('alternative', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('on_behalf', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exception_id', 'text', (c) => c.references('exceptions.id').onDelete('set null'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('adoption_events_seq_unique', ['capability_id', 'team_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('adoption_events_capability_at_idx')
    .on('adoption_events')
    .columns(['capability_id', 'at'])
    .execute();
  await db.schema
    .createIndex('adoption_events_team_idx')
    .on('adoption_events')
    .column('team_id')
    .execute();

  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('decider_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decider_name', 'text')
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_at_idx').on('decisions').columns(['at', 'id']).execute();
  await db.schema
    .createIndex('decisions_capability_idx')
    .on('decisions')
    .columns(['capability_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'decisions',
    'adoption_events',
    'exceptions',
    'adoption_reasons',
    'mandates',
    'capability_eligible_teams',
    'capabilities',
    'decision_categories',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
