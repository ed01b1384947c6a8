import type { Kysely } from 'kysely';

// Frozen once shipped. Signal events (deploys, pull requests, incidents,
// unplanned work, onboarding milestones, capability usage): ingest sources
// and their tokens, the raw events (unique per source and client id, so a
// resend never counts twice), the ingest log, GitHub deliveries and the
// repository → team mapping, and the aggregates the figures read. The
// aggregates are written in the same transaction as the raw event that feeds
// them, only for rows actually inserted, so they always equal a recomputation.
// Durations are whole seconds (integers, so sums are exact on both engines).

export async function up(db: Kysely<any>): Promise<void> {
  // A named origin of events (`github`, `jenkins-prod`). Events are unique per
  // source, never per token, so rotating a token keeps resends idempotent.
  await db.schema
    .createTable('signal_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // `token` (sends with ingest tokens), `account` (a platform or admin account's own API
    // token, user_id set) or `github` (the signed webhook).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('signal_sources_user_idx')
    .on('signal_sources')
    .column('user_id')
    .execute();

  // Bearer tokens that name their source; stored as SHA-256 hashes like API tokens.
  await db.schema
    .createTable('signal_ingest_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) =>
      c.notNull().references('signal_sources.id').onDelete('cascade'),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_on', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('signal_ingest_tokens_source_idx')
    .on('signal_ingest_tokens')
    .column('source_id')
    .execute();

  // One row per ingest request (API batch, GitHub delivery, CLI deploy): the
  // ingestion status page. Rejected lines are kept for the first 100 only.
  await db.schema
    .createTable('signal_ingest_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) =>
      c.notNull().references('signal_sources.id').onDelete('cascade'),
    )
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    // JSON [{line, reason}], at most 100 entries.
    .addColumn('rejected_lines', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createIndex('signal_ingest_batches_received_idx')
    .on('signal_ingest_batches')
    .columns(['received_at', 'id'])
    .execute();
  await db.schema
    .createIndex('signal_ingest_batches_source_idx')
    .on('signal_ingest_batches')
    .columns(['source_id', 'received_at'])
    .execute();

  // Raw events, normalised (refs resolved to ids) in `payload`; the source of
  // truth every aggregate below can be recomputed from.
  await db.schema
    .createTable('signal_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) =>
      c.notNull().references('signal_sources.id').onDelete('cascade'),
    )
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    // The event's own time: deploy finished, PR merged (or opened), incident
    // started, unplanned work, milestone or usage time.
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('signal_events_source_client_unique', ['source_id', 'client_id'])
    .execute();
  await db.schema
    .createIndex('signal_events_type_at_idx')
    .on('signal_events')
    .columns(['type', 'at'])
    .execute();
  await db.schema
    .createIndex('signal_events_team_idx')
    .on('signal_events')
    .columns(['team_id', 'type', 'at'])
    .execute();

  // ---- Aggregates (maintained at ingest) ----

  // Per team and UTC day. Delivery figures (deployment frequency band, deploys
  // per week, mean deploy duration and lead time, merged PRs, incidents) and
  // the value figure's per-deploy conversion read this instead of raw events.
  // `deploys` counts successful production deploys, `failed_deploys` the
  // production deploys whose outcome was failure; durations and lead times
  // are sums in seconds with their counts over successful production deploys.
  await db.schema
    .createTable('signal_team_days')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('deploys', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_deploys', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deploy_seconds_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('deploy_seconds_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_seconds_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_seconds_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_prs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('incidents', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('signal_team_days_pk', ['team_id', 'day'])
    .execute();
  await db.schema
    .createIndex('signal_team_days_day_idx')
    .on('signal_team_days')
    .column('day')
    .execute();

  // One row per production deploy. Delivery (change failure rate: deploys
  // linked to an incident through source + client id) and value (median deploy
  // duration per team and month, the capability a deploy used) read it.
  await db.schema
    .createTable('signal_deploys')
    .addColumn('event_id', 'text', (c) =>
      c.primaryKey().references('signal_events.id').onDelete('cascade'),
    )
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer')
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id'))
    .addColumn('changes', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('signal_deploys_team_day_idx')
    .on('signal_deploys')
    .columns(['team_id', 'day'])
    .execute();
  await db.schema
    .createIndex('signal_deploys_client_idx')
    .on('signal_deploys')
    .columns(['source_id', 'client_id'])
    .execute();

  // One row per change a production deploy carried, with its positive lead
  // time (deploy finished − commit time; non-positive ones are dropped, as
  // METRICS.md says). Delivery reads the window median from here.
  await db.schema
    .createTable('signal_change_lead_times')
    .addColumn('deploy_event_id', 'text', (c) =>
      c.notNull().references('signal_events.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('seconds', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('signal_change_lead_times_pk', ['deploy_event_id', 'position'])
    .execute();
  await db.schema
    .createIndex('signal_change_lead_times_team_day_idx')
    .on('signal_change_lead_times')
    .columns(['team_id', 'day'])
    .execute();

  // One row per incident (a resend of the same id may add `resolved` or the
  // cause). Delivery reads change failure rate (cause_deploy_*) and recovery
  // time (resolved − started; open incidents counted); unplanned work reads
  // capability causes.
  await db.schema
    .createTable('signal_incidents')
    .addColumn('event_id', 'text', (c) =>
      c.primaryKey().references('signal_events.id').onDelete('cascade'),
    )
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    // The deploy that caused it, by the deploy's source and client id (it may arrive later).
    .addColumn('cause_deploy_source_id', 'text')
    .addColumn('cause_deploy_client_id', 'text')
    .addColumn('cause_capability_id', 'text', (c) => c.references('capabilities.id'))
    .execute();
  await db.schema
    .createIndex('signal_incidents_team_idx')
    .on('signal_incidents')
    .columns(['team_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('signal_incidents_cause_idx')
    .on('signal_incidents')
    .columns(['cause_deploy_source_id', 'cause_deploy_client_id'])
    .execute();

  // One row per pull request event: merged PRs per team (through
  // signal_team_days) and the tenth merged PR of each author (onboarding).
  await db.schema
    .createTable('signal_pull_requests')
    .addColumn('event_id', 'text', (c) =>
      c.primaryKey().references('signal_events.id').onDelete('cascade'),
    )
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('author_id', 'text', (c) => c.references('people.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'text')
    .execute();
  await db.schema
    .createIndex('signal_pull_requests_author_idx')
    .on('signal_pull_requests')
    .columns(['author_id', 'merged_at'])
    .execute();

  // Hours of unplanned work caused by the platform per team × quarter ×
  // capability × cause: the unplanned-work figure.
  await db.schema
    .createTable('signal_unplanned_work')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('quarter', 'text', (c) => c.notNull())
    .addColumn('capability_id', 'text', (c) => c.notNull().references('capabilities.id'))
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('hours', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('reports', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('signal_unplanned_work_pk', [
      'team_id',
      'quarter',
      'capability_id',
      'cause',
    ])
    .execute();
  await db.schema
    .createIndex('signal_unplanned_work_quarter_idx')
    .on('signal_unplanned_work')
    .column('quarter')
    .execute();

  // The first time each person reached each onboarding milestone (the
  // earliest kept): `first_commit`, `first_pr`, `first_deploy`, `tenth_pr`,
  // from milestone events and from pull request events (first opened, tenth
  // merged). The onboarding figure (Kaplan–Meier per hire cohort) reads it.
  await db.schema
    .createTable('signal_person_milestones')
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('signal_person_milestones_pk', ['person_id', 'milestone'])
    .execute();

  // Uses of a capability per team and UTC day (usage events): the value
  // figure's adoption context and the capability page.
  await db.schema
    .createTable('signal_capability_usage')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('capability_id', 'text', (c) => c.notNull().references('capabilities.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('signal_capability_usage_pk', ['team_id', 'capability_id', 'day'])
    .execute();
  await db.schema
    .createIndex('signal_capability_usage_capability_idx')
    .on('signal_capability_usage')
    .columns(['capability_id', 'day'])
    .execute();

  // ---- GitHub ----

  // Repository (`owner/repo`, lower-cased) → team, edited on the ingestion
  // page; it wins over the `github.com/project-slug` annotation of services.
  await db.schema
    .createTable('signal_repository_teams')
    .addColumn('repository', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Every signed delivery, by X-GitHub-Delivery (a redelivery is a duplicate).
  // `status`: processed, ignored, unmapped (kept with its extracted event in
  // `signal`, so mapping the repository later recovers it) or rejected.
  await db.schema
    .createTable('signal_github_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('repository', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('signal', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text')
    .execute();
  await db.schema
    .createIndex('signal_github_deliveries_received_idx')
    .on('signal_github_deliveries')
    .columns(['received_at', 'delivery_id'])
    .execute();
  await db.schema
    .createIndex('signal_github_deliveries_status_idx')
    .on('signal_github_deliveries')
    .columns(['status', 'repository'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'signal_github_deliveries',
    'signal_repository_teams',
    'signal_capability_usage',
    'signal_person_milestones',
    'signal_unplanned_work',
    'signal_pull_requests',
    'signal_incidents',
    'signal_change_lead_times',
    'signal_deploys',
    'signal_team_days',
    'signal_events',
    'signal_ingest_batches',
    'signal_ingest_tokens',
    'signal_sources',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
