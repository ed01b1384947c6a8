import type { Kysely } from 'kysely';

// Frozen. Indexes for reading feedback on a large organisation, so the board
// and an item's page read what they show and not whole tables:
// - the board finds a page of ids by status and creation time from the index
//   alone (this index starts with the columns of feedback_items_status_idx,
//   which it replaces);
// - the responsiveness figures read creation and acknowledgement times from
//   the index alone (this index starts with the columns of
//   feedback_items_created_idx, which it replaces);
// - an item's page finds the items merged into it, and the changelog
//   entries that answer it, without scanning.
// Votes stay rows; nothing here counts them.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('feedback_items_status_created_idx')
    .on('feedback_items')
    .columns(['status', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('feedback_items_status_idx').execute();
  await db.schema
    .createIndex('feedback_items_created_ack_idx')
    .on('feedback_items')
    .columns(['created_at', 'id', 'acknowledged_at'])
    .execute();
  await db.schema.dropIndex('feedback_items_created_idx').execute();
  await db.schema
    .createIndex('feedback_items_duplicate_idx')
    .on('feedback_items')
    .column('duplicate_of')
    .execute();
  await db.schema
    .createIndex('changelog_feedback_feedback_idx')
    .on('changelog_feedback')
    .column('feedback_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('changelog_feedback_feedback_idx').execute();
  await db.schema.dropIndex('feedback_items_duplicate_idx').execute();
  await db.schema
    .createIndex('feedback_items_created_idx')
    .on('feedback_items')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.dropIndex('feedback_items_created_ack_idx').execute();
  await db.schema
    .createIndex('feedback_items_status_idx')
    .on('feedback_items')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema.dropIndex('feedback_items_status_created_idx').execute();
}
