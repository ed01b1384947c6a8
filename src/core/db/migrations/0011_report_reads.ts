import { type Kysely, sql } from 'kysely';

// Frozen. Reads for the quarterly report on a large organisation:
// - signal_team_months: the deploy duration and lead time sums of
//   signal_team_days per team and UTC month (`YYYY-MM`), kept at ingest in
//   the same transaction as the days, so it always equals the days summed by
//   month (a row for every team and month with a team-day row). The value
//   figures read a team's monthly means from here instead of grouping every
//   team-day. Backfilled below from the days already stored.
// - survey_ratings: the experience of a capability reads csat per survey
//   and capability from the index alone (this index starts with the column
//   of survey_ratings_survey_idx, which it replaces).
// - survey_answers: everyone's figure of one question (the report's NPS)
//   reads its values from the index alone (replacing
//   survey_answers_survey_idx the same way).
// - signal_events: the raw-event pruning walks, per type and time, only the
//   events that still hold their details (a partial index replacing
//   signal_events_type_at_idx, which nothing else read), so a run with
//   nothing to prune, at every start and every six hours, reads nothing
//   instead of every event pruned before. The literal is retention.ts's
//   PRUNED_PAYLOAD, copied: a migration never imports code that may change.

const PRUNED = '{"pruned":true}';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signal_team_months')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('deploy_seconds_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('deploy_seconds_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_seconds_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_seconds_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('signal_team_months_pk', ['team_id', 'month'])
    .execute();
  // A literal, so PostgreSQL sees the grouped expression as the selected one.
  const month = sql<string>`substr(day, 1, 7)`;
  await db
    .insertInto('signal_team_months')
    .columns([
      'team_id',
      'month',
      'deploy_seconds_sum',
      'deploy_seconds_count',
      'lead_seconds_sum',
      'lead_seconds_count',
    ])
    .expression(
      db
        .selectFrom('signal_team_days')
        .groupBy(['team_id', month])
        .select((eb) => [
          'team_id',
          month.as('month'),
          eb.fn.sum('deploy_seconds_sum').as('deploy_seconds_sum'),
          eb.fn.sum('deploy_seconds_count').as('deploy_seconds_count'),
          eb.fn.sum('lead_seconds_sum').as('lead_seconds_sum'),
          eb.fn.sum('lead_seconds_count').as('lead_seconds_count'),
        ]),
    )
    .execute();

  await db.schema
    .createIndex('survey_ratings_survey_capability_idx')
    .on('survey_ratings')
    .columns(['survey_id', 'capability_id', 'csat'])
    .execute();
  await db.schema.dropIndex('survey_ratings_survey_idx').execute();
  await db.schema
    .createIndex('survey_answers_survey_question_idx')
    .on('survey_answers')
    .columns(['survey_id', 'question', 'value'])
    .execute();
  await db.schema.dropIndex('survey_answers_survey_idx').execute();
  await db.schema
    .createIndex('signal_events_unpruned_idx')
    .on('signal_events')
    .columns(['type', 'at', 'id'])
    .where(sql.ref('payload'), '<>', sql.lit(PRUNED))
    .execute();
  await db.schema.dropIndex('signal_events_type_at_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('signal_events_type_at_idx')
    .on('signal_events')
    .columns(['type', 'at'])
    .execute();
  await db.schema.dropIndex('signal_events_unpruned_idx').execute();
  await db.schema
    .createIndex('survey_answers_survey_idx')
    .on('survey_answers')
    .column('survey_id')
    .execute();
  await db.schema.dropIndex('survey_answers_survey_question_idx').execute();
  await db.schema
    .createIndex('survey_ratings_survey_idx')
    .on('survey_ratings')
    .column('survey_id')
    .execute();
  await db.schema.dropIndex('survey_ratings_survey_capability_idx').execute();
  await db.schema.dropTable('signal_team_months').execute();
}
