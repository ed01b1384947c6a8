import type { Kysely } from 'kysely';

// Frozen. Qualitative input: research notes (interviews, shadowing, usability
// tests) with the friction points found at each step of a workflow, the
// feedback and roadmap items made from them, and office hours with the
// topics teams brought. A participant is described, never named: a team and
// persona tags at most.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('research_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** `interview`, `shadowing` or `usability-test`. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    /** Persona tags, space-separated and sorted (`cli-first junior`). */
    .addColumn('personas', 'text', (c) => c.notNull())
    /** The workflow walked through, e.g. "deploy a service". */
    .addColumn('workflow', 'text', (c) => c.notNull())
    /** The steps walked through, one per line. */
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('research_notes_held_idx')
    .on('research_notes')
    .columns(['held_on', 'id'])
    .execute();

  await db.schema
    .createTable('research_frictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('note_id', 'text', (c) =>
      c.notNull().references('research_notes.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    /** 1 (annoying) to 3 (blocked). */
    .addColumn('severity', 'integer', (c) => c.notNull())
    .addColumn('minutes_lost', 'integer')
    .addColumn('quote', 'text')
    .execute();
  await db.schema
    .createIndex('research_frictions_note_idx')
    .on('research_frictions')
    .columns(['note_id', 'position'])
    .execute();
  await db.schema
    .createIndex('research_frictions_capability_idx')
    .on('research_frictions')
    .column('capability_id')
    .execute();

  // The feedback and roadmap items made from a friction point.
  await db.schema
    .createTable('research_friction_links')
    .addColumn('friction_id', 'text', (c) =>
      c.notNull().references('research_frictions.id').onDelete('cascade'),
    )
    .addColumn('feedback_id', 'text', (c) => c.references('feedback_items.id').onDelete('cascade'))
    .addColumn('roadmap_item_id', 'text', (c) =>
      c.references('roadmap_items.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('research_friction_links_friction_idx')
    .on('research_friction_links')
    .column('friction_id')
    .execute();

  await db.schema
    .createTable('office_hours_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('held_on', 'text', (c) => c.notNull())
    /** Who hosted, as written (names, comma-separated). */
    .addColumn('hosts', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('office_hours_sessions_held_idx')
    .on('office_hours_sessions')
    .columns(['held_on', 'id'])
    .execute();

  await db.schema
    .createTable('office_hours_topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) =>
      c.notNull().references('office_hours_sessions.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('capability_id', 'text', (c) => c.references('capabilities.id').onDelete('set null'))
    .addColumn('problem', 'text', (c) => c.notNull())
    /** `solved` (on the spot), `feedback-filed` or `docs-gap`. */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('feedback_id', 'text', (c) => c.references('feedback_items.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('office_hours_topics_session_idx')
    .on('office_hours_topics')
    .columns(['session_id', 'position'])
    .execute();
  await db.schema
    .createIndex('office_hours_topics_capability_idx')
    .on('office_hours_topics')
    .column('capability_id')
    .execute();
}
