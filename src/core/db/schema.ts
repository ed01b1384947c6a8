// Table types: the one place that says what each table holds.
// Rows are snake_case here; each area's store maps them to camelCase once.

export interface TeamsTable {
  id: string;
  ref: string;
  slug: string;
  name: string;
  type: string | null;
  description: string | null;
  parent_id: string | null;
  inactive_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface PeopleTable {
  id: string;
  ref: string;
  name: string;
  email: string | null;
  team_id: string | null;
  start_date: string | null;
  level: string | null;
  location: string | null;
  inactive_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface ServicesTable {
  id: string;
  ref: string;
  slug: string;
  name: string;
  team_id: string | null;
  system: string | null;
  type: string | null;
  repository: string | null;
  annotations: string;
  inactive_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  /** Lower-cased; links the account to the person with the same email. */
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  /** Kept coarse (15 minutes) so it cannot mark the moment of an answer. */
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** The first characters of the token, so a person can tell tokens apart. */
  prefix: string;
  created_at: string;
  expires_at: string | null;
  /** A date, never a time: finer would tell when someone answered a survey. */
  last_used_on: string | null;
  revoked_at: string | null;
}

export interface OneTimeLinksTable {
  token_hash: string;
  purpose: string;
  user_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  hits: number;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string;
}

export interface Database {
  teams: TeamsTable;
  people: PeopleTable;
  services: ServicesTable;
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  one_time_links: OneTimeLinksTable;
  rate_limits: RateLimitsTable;
  audit_log: AuditLogTable;
}
