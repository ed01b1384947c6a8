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

export interface DecisionCategoriesTable {
  key: string;
  label: string;
  /** The role that decides in this category: `leader` or `platform`. */
  decider_role: string;
  position: number;
  updated_at: string;
}

export interface CapabilitiesTable {
  id: string;
  slug: string;
  name: string;
  summary: string;
  owner_team_id: string | null;
  docs_url: string | null;
  stage: string;
  obligation: string;
  created_at: string;
  updated_at: string;
}

export interface CapabilityEligibleTeamsTable {
  capability_id: string;
  team_id: string;
}

export interface MandatesTable {
  capability_id: string;
  /** The decision category that required it; its decider rules on exceptions. */
  category: string;
  reason: string;
  /** What the platform does to limit the pain. */
  mitigation: string;
  review_on: string;
  recorded_by: string | null;
  recorded_at: string;
}

export interface AdoptionReasonsTable {
  key: string;
  label: string;
  position: number;
}

export interface ExceptionsTable {
  id: string;
  /** `exception` (not to use it) or `policy-change` (change the policy itself). */
  kind: string;
  capability_id: string;
  team_id: string;
  category: string;
  justification: string;
  evidence: string;
  requested_by: string | null;
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  rationale: string | null;
  expires_on: string | null;
  created_at: string;
}

export interface AdoptionEventsTable {
  id: string;
  team_id: string;
  capability_id: string;
  /** 1, 2, 3… per team and capability; unique, so racing changes conflict. */
  seq: number;
  from_state: string;
  to_state: string;
  reason: string | null;
  reason_text: string | null;
  alternative: string | null;
  actor_id: string | null;
  /** 1 when the platform team recorded it on the team's behalf. */
  on_behalf: number;
  exception_id: string | null;
  at: string;
}

export interface DecisionsTable {
  id: string;
  kind: string;
  category: string;
  decider_id: string | null;
  /** The decider's name at the time, so the log reads well after accounts go. */
  decider_name: string | null;
  rationale: string;
  capability_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  summary: string;
  at: string;
}

export interface FeedbackItemsTable {
  id: string;
  /** problem, idea, question or praise. */
  kind: string;
  title: string;
  /** Markdown source; rendered by core/markdown, never trusted as HTML. */
  body: string;
  capability_id: string | null;
  team_id: string | null;
  /** Null when posted as "a developer in team X": then nothing here names the author. */
  author_id: string | null;
  author_name: string | null;
  /** `name` or `team`. */
  posted_as: string;
  status: string;
  duplicate_of: string | null;
  /** The first status change away from `new`. */
  acknowledged_at: string | null;
  status_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface FeedbackVotesTable {
  item_id: string;
  user_id: string;
  created_at: string;
}

export interface FeedbackSubscriptionsTable {
  item_id: string;
  user_id: string;
  /** 1 subscribed, 0 unsubscribed (kept so a later vote does not subscribe again). */
  active: number;
  updated_at: string;
}

export interface FeedbackStatusChangesTable {
  id: string;
  item_id: string;
  from_status: string;
  to_status: string;
  /** The public note every change carries. */
  note: string;
  /** For a merge: the item it was merged into. */
  into_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

export interface FeedbackInternalNotesTable {
  id: string;
  item_id: string;
  body: string;
  author_id: string | null;
  author_name: string | null;
  at: string;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  created_at: string;
  read_at: string | null;
  /** pending, sent, skipped or failed. */
  email_status: string;
  email_attempts: number;
  /** When the email may next be claimed (a claim pushes it forward: a lease). */
  email_next_at: string;
  email_claim: string | null;
  email_sent_at: string | null;
  email_error: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  /** digest (default), immediate or off. */
  email_mode: string;
  subscribe_on_vote: number;
  updated_at: string;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  /** json or slack. */
  format: string;
  /** JSON array of event types. */
  events: string;
  /** The signing secret, sealed with the server secret. */
  secret_sealed: string;
  active: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_type: string;
  /** The JSON event, signed and sent as it is stored. */
  payload: string;
  /** pending, delivered or failed. */
  status: string;
  attempts: number;
  next_at: string;
  claim: string | null;
  last_code: number | null;
  last_error: string | null;
  is_test: number;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  at: string;
  code: number | null;
  error: string | null;
  ms: number;
}

export interface SignalSourcesTable {
  id: string;
  /** Unique, such as `github` or `jenkins-prod`; events are unique per source and client id. */
  name: string;
  /** `token` (ingest tokens), `account` (a platform or admin account's API token) or `github` (the webhook). */
  kind: string;
  description: string;
  /** For `account` sources: the account whose API token sends. */
  user_id: string | null;
  created_by: string | null;
  created_at: string;
}

export interface SignalIngestTokensTable {
  id: string;
  source_id: string;
  /** SHA-256 of the token; the value is shown once. */
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: string;
  /** A date, never a time, like API tokens. */
  last_used_on: string | null;
  revoked_at: string | null;
}

export interface SignalIngestBatchesTable {
  id: string;
  source_id: string;
  /** `api`, `github`, `cli` or `demo`. */
  via: string;
  received_at: string;
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** JSON `[{line, reason}]`, the first 100 rejected lines. */
  rejected_lines: string;
}

export interface SignalEventsTable {
  id: string;
  source_id: string;
  /** The sender's `id`; unique per source. */
  client_id: string;
  /** deploy, pull_request, incident, unplanned_work, milestone or usage. */
  type: string;
  team_id: string | null;
  person_id: string | null;
  /** The event's own time (deploy finished, PR merged or opened, incident started, …). */
  at: string;
  /** The normalised event as JSON (refs resolved to ids). */
  payload: string;
  batch_id: string | null;
  received_at: string;
}

/** Per team and UTC day; the delivery and value figures read it. */
export interface SignalTeamDaysTable {
  team_id: string;
  day: string;
  /** Successful production deploys. */
  deploys: number;
  /** Production deploys whose outcome was failure. */
  failed_deploys: number;
  deploy_seconds_sum: number;
  deploy_seconds_count: number;
  lead_seconds_sum: number;
  lead_seconds_count: number;
  merged_prs: number;
  /** Incidents that started that day. */
  incidents: number;
}

/**
 * signal_team_days' duration and lead-time sums per team and UTC month
 * (`YYYY-MM`), kept with the days at ingest; the value figures read it.
 */
export interface SignalTeamMonthsTable {
  team_id: string;
  month: string;
  deploy_seconds_sum: number;
  deploy_seconds_count: number;
  lead_seconds_sum: number;
  lead_seconds_count: number;
}

/** One row per production deploy (change failure rate, median deploy duration). */
export interface SignalDeploysTable {
  event_id: string;
  source_id: string;
  client_id: string;
  team_id: string;
  service: string;
  /** `success` or `failure`. */
  outcome: string;
  finished_at: string;
  day: string;
  duration_seconds: number | null;
  capability_id: string | null;
  /** How many changes (commit times) it carried. */
  changes: number;
}

/** One row per change a production deploy carried, with a positive lead time (window medians). */
export interface SignalChangeLeadTimesTable {
  deploy_event_id: string;
  position: number;
  team_id: string;
  day: string;
  seconds: number;
}

/** One row per incident (change failure rate, recovery time). */
export interface SignalIncidentsTable {
  event_id: string;
  team_id: string;
  started_at: string;
  day: string;
  resolved_at: string | null;
  cause_deploy_source_id: string | null;
  cause_deploy_client_id: string | null;
  cause_capability_id: string | null;
}

/** One row per pull request event (merged PRs, tenth merged PR per author). */
export interface SignalPullRequestsTable {
  event_id: string;
  team_id: string;
  author_id: string | null;
  opened_at: string;
  merged_at: string | null;
}

/** Hours of unplanned work per team × quarter × capability × cause. */
export interface SignalUnplannedWorkTable {
  team_id: string;
  /** `YYYY-Qn`. */
  quarter: string;
  capability_id: string;
  /** breaking-change, outage, forced-migration or other. */
  cause: string;
  hours: number;
  reports: number;
}

/** The earliest time each person reached each onboarding milestone. */
export interface SignalPersonMilestonesTable {
  person_id: string;
  /** first_commit, first_pr, first_deploy or tenth_pr. */
  milestone: string;
  first_at: string;
}

/** Uses of a capability per team and UTC day. */
export interface SignalCapabilityUsageTable {
  team_id: string;
  capability_id: string;
  day: string;
  uses: number;
}

export interface SignalRepositoryTeamsTable {
  /** `owner/repo`, lower-cased. */
  repository: string;
  team_id: string;
  created_by: string | null;
  created_at: string;
}

export interface SignalGithubDeliveriesTable {
  /** X-GitHub-Delivery. */
  delivery_id: string;
  /** X-GitHub-Event. */
  event: string;
  action: string | null;
  /** `owner/repo`, lower-cased. */
  repository: string | null;
  /** processed, ignored, unmapped or rejected. */
  status: string;
  reason: string | null;
  /** JSON of the extracted event (without a team) for deliveries that carry one. */
  signal: string | null;
  received_at: string;
  processed_at: string | null;
}

/** The signals area's tables, part of `Database`. */
export interface SignalsTables {
  signal_sources: SignalSourcesTable;
  signal_ingest_tokens: SignalIngestTokensTable;
  signal_ingest_batches: SignalIngestBatchesTable;
  signal_events: SignalEventsTable;
  signal_team_days: SignalTeamDaysTable;
  signal_team_months: SignalTeamMonthsTable;
  signal_deploys: SignalDeploysTable;
  signal_change_lead_times: SignalChangeLeadTimesTable;
  signal_incidents: SignalIncidentsTable;
  signal_pull_requests: SignalPullRequestsTable;
  signal_unplanned_work: SignalUnplannedWorkTable;
  signal_person_milestones: SignalPersonMilestonesTable;
  signal_capability_usage: SignalCapabilityUsageTable;
  signal_repository_teams: SignalRepositoryTeamsTable;
  signal_github_deliveries: SignalGithubDeliveriesTable;
}

// ---- Surveys and pulses (anonymous by construction: see migration 0004) ----

export interface SurveysTable {
  id: string;
  title: string;
  period: string;
  /** `draft`, `open` or `closed`; a closed survey never reopens. */
  state: string;
  /** `all` or `teams`. */
  audience: string;
  opens_on: string | null;
  closes_on: string | null;
  /** The thresholds in force when it opened; null while a draft. */
  k: number | null;
  k_comment: number | null;
  invited: number | null;
  responded: number | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  closed_at: string | null;
  reminded_at: string | null;
}

export interface SurveyAudienceTeamsTable {
  survey_id: string;
  team_id: string;
}

export interface SurveyQuestionsTable {
  id: string;
  survey_id: string;
  position: number;
  /** `rating` (1–5) or `text`. */
  kind: string;
  prompt: string;
  required: number;
}

/** Keyed hashes over survey and person; deleted at close. */
export interface SurveyHashesTable {
  survey_id: string;
  hash: string;
}

export interface SurveyInviteeCellsTable {
  id: string;
  survey_id: string;
  team_id: string | null;
  tenure_band: string | null;
  level_band: string | null;
  invited: number;
}

export interface SurveyTeamCountsTable {
  survey_id: string;
  team_id: string;
  invited: number;
  responded: number | null;
}

/** The coarse segments every answer row carries, and nothing that names a person. */
export interface SegmentColumns {
  id: string;
  survey_id: string;
  team_id: string | null;
  tenure_band: string | null;
  level_band: string | null;
}

export type SurveyResponsesTable = SegmentColumns;

export interface SurveyAnswersTable extends SegmentColumns {
  /** `nps`, `cognitive-load`, `hours-lost`, or `custom:<question id>`. */
  question: string;
  value: number;
}

export interface SurveyRatingsTable extends SegmentColumns {
  capability_id: string;
  csat: number | null;
  effort: number | null;
}

export interface SurveyCommentsTable extends SegmentColumns {
  /** `comment`, `fix`, or `custom:<question id>`. */
  question: string;
  body: string;
}

export interface PulsesTable {
  id: string;
  capability_id: string;
  touchpoint: string | null;
  rating: number;
  comment: string | null;
  /** YYYY-MM: nothing finer. */
  month: string;
}

export interface PulseThrottleTable {
  hash: string;
  /** YYYY-MM-DD of the last pulse. */
  last_on: string;
}

export interface PulseSilencedTable {
  user_id: string;
  since: string;
}

export interface Database extends RoadmapTables, SignalsTables, InsightsTables, ResearchTables {
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
  decision_categories: DecisionCategoriesTable;
  capabilities: CapabilitiesTable;
  capability_eligible_teams: CapabilityEligibleTeamsTable;
  mandates: MandatesTable;
  adoption_reasons: AdoptionReasonsTable;
  exceptions: ExceptionsTable;
  adoption_events: AdoptionEventsTable;
  decisions: DecisionsTable;
  surveys: SurveysTable;
  survey_audience_teams: SurveyAudienceTeamsTable;
  survey_questions: SurveyQuestionsTable;
  survey_invitations: SurveyHashesTable;
  survey_participation: SurveyHashesTable;
  survey_invitee_cells: SurveyInviteeCellsTable;
  survey_team_counts: SurveyTeamCountsTable;
  survey_responses: SurveyResponsesTable;
  survey_answers: SurveyAnswersTable;
  survey_ratings: SurveyRatingsTable;
  survey_comments: SurveyCommentsTable;
  pulses: PulsesTable;
  pulse_throttle: PulseThrottleTable;
  pulse_silenced: PulseSilencedTable;
  feedback_items: FeedbackItemsTable;
  feedback_votes: FeedbackVotesTable;
  feedback_subscriptions: FeedbackSubscriptionsTable;
  feedback_status_changes: FeedbackStatusChangesTable;
  feedback_internal_notes: FeedbackInternalNotesTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

// ---- Roadmap, changelog and feeds (0006_roadmap) ----

export interface RoadmapItemsTable {
  id: string;
  title: string;
  /** Markdown source; rendered by core/markdown, never trusted as HTML. */
  description: string;
  /** now, next or later. */
  horizon: string;
  /** proposed, planned, in-progress, shipped or declined. */
  status: string;
  driver: string;
  rationale: string;
  /** A decision category key: its decider decides the item. */
  category: string;
  capability_id: string | null;
  comments_close_at: string | null;
  /** When the deciders were told the comment window had closed. */
  window_closed_notified_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decision_rationale: string | null;
  shipped_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface RoadmapFeedbackLinksTable {
  item_id: string;
  feedback_id: string;
  created_at: string;
}

export interface RoadmapCommentsTable {
  id: string;
  item_id: string;
  author_id: string | null;
  author_name: string;
  /** support, concern or comment. */
  stance: string;
  body: string;
  created_at: string;
}

export interface RoadmapEventsTable {
  id: string;
  item_id: string;
  /** created, status or edited. */
  kind: string;
  from_status: string | null;
  to_status: string;
  note: string;
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

export interface ChangelogEntriesTable {
  id: string;
  title: string;
  body: string;
  roadmap_item_id: string | null;
  feedback_id: string | null;
  capability_id: string | null;
  /** 1 for a breaking change, which carries its effective date. */
  breaking: number;
  effective_on: string | null;
  author_id: string | null;
  author_name: string | null;
  published_at: string;
}

export interface ChangelogFeedbackTable {
  entry_id: string;
  feedback_id: string;
}

export interface FeedKeysTable {
  id: string;
  user_id: string;
  created_at: string;
  /** A date, never a time, like API tokens. */
  last_used_on: string | null;
}

/** The roadmap area's tables, part of `Database`. */
export interface RoadmapTables {
  roadmap_items: RoadmapItemsTable;
  roadmap_feedback_links: RoadmapFeedbackLinksTable;
  roadmap_comments: RoadmapCommentsTable;
  roadmap_events: RoadmapEventsTable;
  changelog_entries: ChangelogEntriesTable;
  changelog_feedback: ChangelogFeedbackTable;
  feed_keys: FeedKeysTable;
}

export interface BetaProgramsTable {
  id: string;
  capability_id: string;
  target_teams: number;
  starts_on: string;
  review_on: string;
  /** `running`, `iterating` or `graduated`. */
  status: string;
  category: string;
  notes: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface BetaCriteriaTable {
  id: string;
  beta_id: string;
  position: number;
  /** `csat`, `stay-rate` or `open-problems`. */
  kind: string;
  threshold: number | null;
  min_n: number | null;
  after_weeks: number | null;
}

export interface BetaReviewsTable {
  id: string;
  beta_id: string;
  /** `graduate` or `iterate`. */
  outcome: string;
  rationale: string;
  next_review_on: string | null;
  /** JSON: the criteria as evaluated at the review. */
  criteria_result: string;
  decision_id: string | null;
  decided_by: string | null;
  decided_at: string;
}

/** The insights area's tables (beta programs), part of `Database`. */
export interface InsightsTables {
  beta_programs: BetaProgramsTable;
  beta_criteria: BetaCriteriaTable;
  beta_reviews: BetaReviewsTable;
}

export interface ResearchNotesTable {
  id: string;
  /** `interview`, `shadowing` or `usability-test`. */
  kind: string;
  held_on: string;
  team_id: string | null;
  /** Space-separated, sorted persona tags. */
  personas: string;
  workflow: string;
  /** One step per line. */
  steps: string;
  summary: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ResearchFrictionsTable {
  id: string;
  note_id: string;
  position: number;
  step: string;
  capability_id: string | null;
  /** 1–3. */
  severity: number;
  minutes_lost: number | null;
  quote: string | null;
}

export interface ResearchFrictionLinksTable {
  friction_id: string;
  feedback_id: string | null;
  roadmap_item_id: string | null;
  created_at: string;
}

export interface OfficeHoursSessionsTable {
  id: string;
  held_on: string;
  hosts: string;
  notes: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface OfficeHoursTopicsTable {
  id: string;
  session_id: string;
  position: number;
  team_id: string | null;
  capability_id: string | null;
  problem: string;
  /** `solved`, `feedback-filed` or `docs-gap`. */
  outcome: string;
  feedback_id: string | null;
}

/** The research area's tables, part of `Database`. */
export interface ResearchTables {
  research_notes: ResearchNotesTable;
  research_frictions: ResearchFrictionsTable;
  research_friction_links: ResearchFrictionLinksTable;
  office_hours_sessions: OfficeHoursSessionsTable;
  office_hours_topics: OfficeHoursTopicsTable;
}
