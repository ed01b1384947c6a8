// What `paved export` writes and `paved import paved` reads, table by table.
// Every data table is either carried (in an order that inserts parents before
// children) or left out with its reason; a test checks that no table is
// forgotten, so a new table must be placed here before an export can run.

import { migrations } from '../core/db/migrations/index.ts';
import type { Database } from '../core/db/schema.ts';

export type TableName = keyof Database & string;

/** How one carried table is read, written and read back. */
export interface CarriedTable {
  table: TableName;
  /** The primary key, for paging in a stable order; null pages by every column (no key). */
  key: string[] | null;
  /** Anonymous answer rows: written in a fresh random order, never by insertion or id. */
  shuffle?: boolean;
  /** Columns left out because they hold secrets. */
  omit?: string[];
  /** A column pointing at the same table: inserted empty, then set once the table is in. */
  selfRef?: string;
}

/**
 * The carried tables, parents first. Answer tables are shuffled; password
 * hashes and webhook signing secrets are left out (import gives each webhook
 * a new secret and switches it off).
 */
export const CARRIED: readonly CarriedTable[] = [
  { table: 'settings', key: ['key'] },
  { table: 'decision_categories', key: ['key'] },
  { table: 'adoption_reasons', key: ['key'] },
  { table: 'teams', key: ['id'], selfRef: 'parent_id' },
  { table: 'people', key: ['id'] },
  { table: 'services', key: ['id'] },
  { table: 'users', key: ['id'], omit: ['password_hash'] },
  { table: 'audit_log', key: ['id'] },
  { table: 'capabilities', key: ['id'] },
  { table: 'capability_eligible_teams', key: ['capability_id', 'team_id'] },
  { table: 'mandates', key: ['capability_id'] },
  { table: 'exceptions', key: ['id'] },
  { table: 'adoption_events', key: ['id'] },
  { table: 'decisions', key: ['id'] },
  { table: 'surveys', key: ['id'] },
  { table: 'survey_audience_teams', key: ['survey_id', 'team_id'] },
  { table: 'survey_questions', key: ['id'] },
  { table: 'survey_invitee_cells', key: ['id'] },
  { table: 'survey_team_counts', key: ['survey_id', 'team_id'] },
  { table: 'survey_responses', key: ['id'], shuffle: true },
  { table: 'survey_answers', key: ['id'], shuffle: true },
  { table: 'survey_ratings', key: ['id'], shuffle: true },
  { table: 'survey_comments', key: ['id'], shuffle: true },
  { table: 'pulses', key: ['id'], shuffle: true },
  { table: 'pulse_silenced', key: ['user_id'] },
  { table: 'feedback_items', key: ['id'], selfRef: 'duplicate_of' },
  { table: 'feedback_votes', key: ['item_id', 'user_id'] },
  { table: 'feedback_subscriptions', key: ['item_id', 'user_id'] },
  { table: 'feedback_status_changes', key: ['id'] },
  { table: 'feedback_internal_notes', key: ['id'] },
  { table: 'notification_preferences', key: ['user_id'] },
  { table: 'webhooks', key: ['id'], omit: ['secret_sealed'] },
  { table: 'webhook_deliveries', key: ['id'] },
  { table: 'webhook_attempts', key: ['id'] },
  { table: 'roadmap_items', key: ['id'] },
  { table: 'roadmap_feedback_links', key: ['item_id', 'feedback_id'] },
  { table: 'roadmap_comments', key: ['id'] },
  { table: 'roadmap_events', key: ['id'] },
  { table: 'changelog_entries', key: ['id'] },
  { table: 'changelog_feedback', key: ['entry_id', 'feedback_id'] },
  { table: 'signal_sources', key: ['id'] },
  { table: 'signal_ingest_batches', key: ['id'] },
  { table: 'signal_events', key: ['id'] },
  { table: 'signal_team_days', key: ['team_id', 'day'] },
  { table: 'signal_team_months', key: ['team_id', 'month'] },
  { table: 'signal_deploys', key: ['event_id'] },
  { table: 'signal_change_lead_times', key: ['deploy_event_id', 'position'] },
  { table: 'signal_incidents', key: ['event_id'] },
  { table: 'signal_pull_requests', key: ['event_id'] },
  { table: 'signal_unplanned_work', key: ['team_id', 'quarter', 'capability_id', 'cause'] },
  { table: 'signal_person_milestones', key: ['person_id', 'milestone'] },
  { table: 'signal_capability_usage', key: ['team_id', 'capability_id', 'day'] },
  { table: 'signal_repository_teams', key: ['repository'] },
  { table: 'signal_github_deliveries', key: ['delivery_id'] },
  { table: 'beta_programs', key: ['id'] },
  { table: 'beta_criteria', key: ['id'] },
  { table: 'beta_reviews', key: ['id'] },
  { table: 'research_notes', key: ['id'] },
  { table: 'research_frictions', key: ['id'] },
  { table: 'research_friction_links', key: null },
  { table: 'office_hours_sessions', key: ['id'] },
  { table: 'office_hours_topics', key: ['id'] },
];

/** Tables an export never carries, and why (the README lists them too). */
export const LEFT_OUT: Readonly<Partial<Record<TableName, string>>> = {
  sessions: 'sign-in sessions (their ids are secrets)',
  api_tokens: 'API tokens (their hashes are secrets; people make new ones)',
  one_time_links: 'one-time setup and reset links (secrets)',
  rate_limits: 'rate-limit counters (short-lived)',
  survey_invitations: 'keyed hashes of who was invited (anonymity)',
  survey_participation: 'keyed hashes of who answered (anonymity)',
  pulse_throttle: 'keyed hashes of who gave a pulse lately (anonymity)',
  signal_ingest_tokens: 'ingest tokens (their hashes are secrets; make new ones)',
  feed_keys: 'feed keys (with the server secret they open the Atom feeds)',
  notifications:
    'the inbox and email queue (delivery state; it could tell who wrote an item posted as a team)',
};

/** Settings that hold secrets: left out of every export. */
export const SECRET_SETTINGS: readonly string[] = [
  // Sealed GitHub webhook secrets.
  'signals.github_webhook_secret',
  // The demo's sign-in passwords.
  'demo.accounts',
];

/**
 * The tables a fresh, migrated database already fills (migration seeds).
 * An import replaces their rows; every other table must be empty.
 */
export const SEEDED_TABLES: readonly TableName[] = ['decision_categories', 'adoption_reasons'];

/** The schema version of this code: the number of its newest migration (0009_research → 9). */
export function schemaVersion(): number {
  const names = Object.keys(migrations).sort();
  return Number.parseInt(names.at(-1)?.slice(0, 4) ?? '0', 10);
}

/** The carried table with this name, if any. */
export function carried(table: string): CarriedTable | undefined {
  return CARRIED.find((t) => t.table === table);
}
