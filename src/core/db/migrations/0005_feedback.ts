import type { Kysely } from 'kysely';

// Frozen. Feedback items, votes (one row per person: counts are derived),
// subscriptions, status history, internal notes; the notification outbox
// (which is also the in-app inbox), email preferences, and outbound webhooks
// with their delivery queue and log.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feedback_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    // Null when the author posted as "a developer in team X": the only link to
    // them is their subscription, which exists to send them updates.
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text')
    .addColumn('posted_as', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text', (c) => c.references('feedback_items.id'))
    // The first status change away from `new` (time to acknowledge).
    .addColumn('acknowledged_at', 'text')
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_items_status_idx')
    .on('feedback_items')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('feedback_items_created_idx')
    .on('feedback_items')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('feedback_items_capability_idx')
    .on('feedback_items')
    .columns(['capability_id', 'status'])
    .execute();
  await db.schema
    .createIndex('feedback_items_team_idx')
    .on('feedback_items')
    .column('team_id')
    .execute();

  // The primary key is the one-vote-per-person rule, on both engines.
  await db.schema
    .createTable('feedback_votes')
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_votes_pk', ['item_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('feedback_votes_user_idx')
    .on('feedback_votes')
    .column('user_id')
    .execute();

  // `active = 0` keeps an unsubscription, so a later vote does not subscribe again.
  await db.schema
    .createTable('feedback_subscriptions')
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_subscriptions_pk', ['item_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('feedback_subscriptions_user_idx')
    .on('feedback_subscriptions')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('feedback_status_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('into_id', 'text', (c) => c.references('feedback_items.id'))
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_status_changes_item_idx')
    .on('feedback_status_changes')
    .columns(['item_id', 'at'])
    .execute();

  await db.schema
    .createTable('feedback_internal_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_internal_notes_item_idx')
    .on('feedback_internal_notes')
    .columns(['item_id', 'at'])
    .execute();

  // The outbox and the inbox in one: a row is in the inbox from its commit;
  // its email goes out later (immediately or in the daily digest).
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    // pending, sent, skipped (no email wanted or no SMTP), failed (gave up)
    .addColumn('email_status', 'text', (c) => c.notNull())
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // When the email may next be claimed: a claim moves it forward (a lease),
    // so a crash between claim and send only delays the email.
    .addColumn('email_next_at', 'text', (c) => c.notNull())
    .addColumn('email_claim', 'text')
    .addColumn('email_sent_at', 'text')
    .addColumn('email_error', 'text')
    .execute();
  await db.schema
    .createIndex('notifications_user_idx')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('notifications_email_idx')
    .on('notifications')
    .columns(['email_status', 'email_next_at'])
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // digest (daily, the default), immediate, or off
    .addColumn('email_mode', 'text', (c) => c.notNull())
    // 0 after "unsubscribe from all": later votes no longer subscribe.
    .addColumn('subscribe_on_vote', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // json (paved's generic body) or slack (a Slack-compatible `text` body)
    .addColumn('format', 'text', (c) => c.notNull())
    // JSON array of event types
    .addColumn('events', 'text', (c) => c.notNull())
    // The signing secret, encrypted with the server secret.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending, delivered, failed (gave up after the last retry)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'text', (c) => c.notNull())
    .addColumn('claim', 'text')
    .addColumn('last_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('is_test', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();

  // One row per attempt: the delivery log with response codes.
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('code', 'integer')
    .addColumn('error', 'text')
    .addColumn('ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery_idx')
    .on('webhook_attempts')
    .columns(['delivery_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'webhook_attempts',
    'webhook_deliveries',
    'webhooks',
    'notification_preferences',
    'notifications',
    'feedback_internal_notes',
    'feedback_status_changes',
    'feedback_subscriptions',
    'feedback_votes',
    'feedback_items',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
