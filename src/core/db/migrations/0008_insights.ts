import type { Kysely } from 'kysely';

// Frozen. Beta programs: a capability in stage `beta` tried by a few volunteer
// teams before everyone, with success criteria chosen from figures and a
// graduate-or-iterate decision at review. The volunteer teams are not stored
// here: a team joins with a `trial` adoption event and leaves with a `left`
// one, so the adoption ledger stays the one record of who uses what.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('beta_programs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('capability_id', 'text', (c) =>
      c.notNull().references('capabilities.id').onDelete('cascade'),
    )
    /** How many volunteer teams the program looks for (3 unless set). */
    .addColumn('target_teams', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('review_on', 'text', (c) => c.notNull())
    /** `running`, `iterating` (reviewed, carries on to a new review date) or `graduated`. */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The decision category whose decider rules on graduation. */
    .addColumn('category', 'text', (c) => c.notNull().references('decision_categories.key'))
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('beta_programs_capability_idx')
    .on('beta_programs')
    .columns(['capability_id', 'starts_on'])
    .execute();

  // Success criteria, each a figure with a threshold, in the order shown.
  await db.schema
    .createTable('beta_criteria')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('beta_id', 'text', (c) =>
      c.notNull().references('beta_programs.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    /** `csat` (top-2-box among beta teams), `stay-rate`, `open-problems` (none older than the SLA). */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** CSAT: percent; stay rate: a fraction (0.667); open problems: unused. */
    .addColumn('threshold', 'double precision')
    /** CSAT: the fewest answers that count (5 unless set). */
    .addColumn('min_n', 'integer')
    /** Stay rate: measured this many weeks after a team joined (6 unless set). */
    .addColumn('after_weeks', 'integer')
    .execute();
  await db.schema
    .createIndex('beta_criteria_beta_idx')
    .on('beta_criteria')
    .columns(['beta_id', 'position'])
    .execute();

  // Each review: the outcome, its rationale and the decision-log row it wrote.
  await db.schema
    .createTable('beta_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('beta_id', 'text', (c) =>
      c.notNull().references('beta_programs.id').onDelete('cascade'),
    )
    /** `graduate` or `iterate`. */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    /** For `iterate`: the next review date. */
    .addColumn('next_review_on', 'text')
    /** The criteria as evaluated at the review (JSON), so the record reads the same later. */
    .addColumn('criteria_result', 'text', (c) => c.notNull())
    .addColumn('decision_id', 'text', (c) => c.references('decisions.id').onDelete('set null'))
    .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('beta_reviews_beta_idx')
    .on('beta_reviews')
    .columns(['beta_id', 'decided_at'])
    .execute();
}
