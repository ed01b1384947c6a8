import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.
// Times are ISO 8601 UTC text and dates are YYYY-MM-DD text on both engines,
// so ordering and comparison behave the same everywhere.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('description', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('inactive_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('teams_parent_idx').on('teams').column('parent_id').execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('start_date', 'text')
    .addColumn('level', 'text')
    .addColumn('location', 'text')
    .addColumn('inactive_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('people_team_idx').on('people').column('team_id').execute();
  await db.schema.createIndex('people_email_idx').on('people').column('email').execute();
  await db.schema.createIndex('people_name_idx').on('people').columns(['name', 'id']).execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('system', 'text')
    .addColumn('type', 'text')
    .addColumn('repository', 'text')
    .addColumn('annotations', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('inactive_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_team_idx').on('services').column('team_id').execute();
  await db.schema
    .createIndex('services_repository_idx')
    .on('services')
    .column('repository')
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('services').execute();
  await db.schema.dropTable('people').execute();
  await db.schema.dropTable('teams').execute();
}
