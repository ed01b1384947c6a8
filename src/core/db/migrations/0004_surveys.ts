import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Frozen. Survey campaigns and in-the-moment pulses, stored so that an answer
// cannot be linked to a person (shared/DESIGN.md, "Privacy rules").
//
// - Answer tables (survey_responses, survey_answers, survey_ratings,
//   survey_comments, pulses) hold a random id, the survey (or capability),
//   the answer and coarse segments only: no person, no invitation, no time
//   finer than the period. On SQLite they are WITHOUT ROWID tables keyed by
//   the random id, so a plain SELECT returns them in random order, not in the
//   order they were written.
// - Participation and invitations are keyed hashes (HMAC with the server
//   secret), deleted when the survey closes; the pulse throttle is a keyed
//   hash with the date of the last pulse, deleted once the cooldown passed.

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite: tables keyed by their random id instead of a rowid (insertion order).
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const anonymous = (name: string) => {
    const builder = db.schema.createTable(name);
    return sqlite ? builder.modifyEnd(sql`without rowid`) : builder;
  };

  await db.schema
    .createTable('surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    /** `all` or `teams` (then survey_audience_teams lists them, sub-teams included). */
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('opens_on', 'text')
    .addColumn('closes_on', 'text')
    // The thresholds in force when it opened; null while a draft.
    .addColumn('k', 'integer')
    .addColumn('k_comment', 'integer')
    .addColumn('invited', 'integer')
    .addColumn('responded', 'integer')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('reminded_at', 'text')
    .execute();
  await db.schema.createIndex('surveys_state_idx').on('surveys').columns(['state']).execute();
  await db.schema
    .createIndex('surveys_period_idx')
    .on('surveys')
    .columns(['period', 'id'])
    .execute();

  await db.schema
    .createTable('survey_audience_teams')
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('survey_audience_teams_pk', ['survey_id', 'team_id'])
    .execute();

  // Custom questions a platform member adds; never compared across periods.
  await db.schema
    .createTable('survey_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    /** `rating` (1–5) or `text` (held to k_comment like comments). */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('survey_questions_survey_idx')
    .on('survey_questions')
    .columns(['survey_id', 'position'])
    .execute();

  // Who was invited and who answered: keyed hashes over survey and person,
  // useless without the secret; both sets are deleted when the survey closes.
  for (const name of ['survey_invitations', 'survey_participation']) {
    await db.schema
      .createTable(name)
      .addColumn('survey_id', 'text', (c) =>
        c.notNull().references('surveys.id').onDelete('cascade'),
      )
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${name}_pk`, ['survey_id', 'hash'])
      .execute();
  }

  // Counts of invitees per segment cell at opening (no people), so answers
  // are stored with segments that at least k invitees share.
  await db.schema
    .createTable('survey_invitee_cells')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('team_id', 'text')
    .addColumn('tenure_band', 'text')
    .addColumn('level_band', 'text')
    .addColumn('invited', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_invitee_cells_survey_idx')
    .on('survey_invitee_cells')
    .column('survey_id')
    .execute();

  // Per-team invitations (at opening) and responses (at close), for response rates.
  await db.schema
    .createTable('survey_team_counts')
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('invited', 'integer', (c) => c.notNull())
    .addColumn('responded', 'integer')
    .addPrimaryKeyConstraint('survey_team_counts_pk', ['survey_id', 'team_id'])
    .execute();

  const segments = (name: string) =>
    anonymous(name)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('survey_id', 'text', (c) =>
        c.notNull().references('surveys.id').onDelete('cascade'),
      )
      .addColumn('team_id', 'text')
      .addColumn('tenure_band', 'text')
      .addColumn('level_band', 'text');

  // One row per respondent, with segments only: counts the cells at close.
  await segments('survey_responses').execute();
  // One row per scalar answer: NPS, cognitive load, hours lost, a custom rating.
  await segments('survey_answers')
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  // One row per capability rated: CSAT and effort together.
  await segments('survey_ratings')
    .addColumn('capability_id', 'text', (c) => c.notNull())
    .addColumn('csat', 'integer')
    .addColumn('effort', 'integer')
    .execute();
  // One row per comment: the open comment, "what one thing to fix", a custom text.
  await segments('survey_comments')
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  for (const name of ['survey_responses', 'survey_answers', 'survey_ratings', 'survey_comments']) {
    await db.schema.createIndex(`${name}_survey_idx`).on(name).column('survey_id').execute();
  }

  // Pulses: capability, touchpoint, rating, comment and month; nothing else.
  await anonymous('pulses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('capability_id', 'text', (c) =>
      c.notNull().references('capabilities.id').onDelete('cascade'),
    )
    .addColumn('touchpoint', 'text')
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('month', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pulses_capability_month_idx')
    .on('pulses')
    .columns(['capability_id', 'month'])
    .execute();

  // The throttle: a keyed hash of person and capability with the day of the
  // last pulse, never the answer; deleted once the cooldown has passed.
  await db.schema
    .createTable('pulse_throttle')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('last_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pulse_throttle_last_idx')
    .on('pulse_throttle')
    .column('last_on')
    .execute();

  // People who asked never to be prompted for pulses.
  await db.schema
    .createTable('pulse_silenced')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('since', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'pulse_silenced',
    'pulse_throttle',
    'pulses',
    'survey_comments',
    'survey_ratings',
    'survey_answers',
    'survey_responses',
    'survey_team_counts',
    'survey_invitee_cells',
    'survey_participation',
    'survey_invitations',
    'survey_questions',
    'survey_audience_teams',
    'surveys',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
