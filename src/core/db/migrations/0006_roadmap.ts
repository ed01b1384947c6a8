import type { Kysely } from 'kysely';

// Frozen. Roadmap items with their reasons and links to feedback, comments on
// proposals, each item's history, the changelog with the feedback each entry
// answers, and the per-person keys that open the Atom feeds in a feed reader.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roadmap_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('horizon', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('driver', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().references('decision_categories.key'))
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    // The end of the comment window while (and after) the item is a proposal.
    .addColumn('comments_close_at', 'text')
    // When the decider was told the window had closed: set once, by a conditional update.
    .addColumn('window_closed_notified_at', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decision_rationale', 'text')
    .addColumn('shipped_at', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('roadmap_items_status_idx')
    .on('roadmap_items')
    .columns(['status', 'horizon'])
    .execute();
  await db.schema
    .createIndex('roadmap_items_updated_idx')
    .on('roadmap_items')
    .columns(['updated_at', 'id'])
    .execute();

  await db.schema
    .createTable('roadmap_feedback_links')
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('roadmap_items.id').onDelete('cascade'),
    )
    .addColumn('feedback_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('roadmap_feedback_links_pk', ['item_id', 'feedback_id'])
    .execute();
  await db.schema
    .createIndex('roadmap_feedback_links_feedback_idx')
    .on('roadmap_feedback_links')
    .column('feedback_id')
    .execute();

  await db.schema
    .createTable('roadmap_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('roadmap_items.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    // The name at the time, so the discussion reads well after accounts go.
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('stance', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('roadmap_comments_item_idx')
    .on('roadmap_comments')
    .columns(['item_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('roadmap_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) =>
      c.notNull().references('roadmap_items.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('roadmap_events_item_idx')
    .on('roadmap_events')
    .columns(['item_id', 'at'])
    .execute();

  await db.schema
    .createTable('changelog_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // A roadmap item ships once, so it has at most one entry.
    .addColumn('roadmap_item_id', 'text', (c) =>
      c.unique().references('roadmap_items.id').onDelete('set null'),
    )
    .addColumn('feedback_id', 'text', (c) => c.references('feedback_items.id').onDelete('set null'))
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    .addColumn('breaking', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('effective_on', 'text')
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('changelog_entries_published_idx')
    .on('changelog_entries')
    .columns(['published_at', 'id'])
    .execute();

  await db.schema
    .createTable('changelog_feedback')
    .addColumn('entry_id', 'text', (c) =>
      c.notNull().references('changelog_entries.id').onDelete('cascade'),
    )
    .addColumn('feedback_id', 'text', (c) =>
      c.notNull().references('feedback_items.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('changelog_feedback_pk', ['entry_id', 'feedback_id'])
    .execute();

  // A feed key opens the Atom feeds only; the key in the address is an HMAC
  // over this row's id with the server secret, so the table holds no secret.
  // A new key (a new row id) makes the old address stop working.
  await db.schema
    .createTable('feed_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) =>
      c.notNull().unique().references('users.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_on', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'feed_keys',
    'changelog_feedback',
    'changelog_entries',
    'roadmap_events',
    'roadmap_comments',
    'roadmap_feedback_links',
    'roadmap_items',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
