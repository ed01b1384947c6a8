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

export interface Database {
  teams: TeamsTable;
  people: PeopleTable;
  services: ServicesTable;
  settings: SettingsTable;
}
