import type { RoleName } from './config.ts';
import { Forbidden, Unauthorized } from './errors.ts';

export { ROLE_NAMES, type RoleName } from './config.ts';

/** Who is acting: a signed-in user, with the team they act for. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  role: RoleName;
  /** The imported person with the account's email, if any. */
  personId: string | null;
  teamId: string | null;
  /** The person's team and every team below it: members act for sub-teams too. */
  teamIds: string[];
  via: 'session' | 'token' | 'proxy';
}

/** What a policy may look at besides the actor. */
export interface PolicyObject {
  /** The team that owns the object or that the action is for. */
  teamId?: string | null;
  /** The user who owns the object (a token, a feedback item). */
  ownerId?: string | null;
  /** The role that decides the object's decision category (from the decision-rights table). */
  deciderRole?: string | null;
}

type Rule = (actor: Actor, object: PolicyObject) => boolean;

const anyone: Rule = () => true;
const roles =
  (...allowed: RoleName[]): Rule =>
  (actor) =>
    allowed.includes(actor.role);
const ownerOrAdmin: Rule = (actor, object) =>
  actor.role === 'admin' || (Boolean(object.ownerId) && object.ownerId === actor.userId);
const ownerOnly: Rule = (actor, object) =>
  Boolean(object.ownerId) && object.ownerId === actor.userId;
const forOwnTeam: Rule = (actor, object) =>
  Boolean(object.teamId) && actor.teamIds.includes(object.teamId as string);
const forOwnTeamOrPlatform: Rule = (actor, object) =>
  forOwnTeam(actor, object) || actor.role === 'platform' || actor.role === 'admin';
const theDecider: Rule = (actor, object) =>
  Boolean(object.deciderRole) && actor.role === object.deciderRole;
/** Machine routes: no person passes; the route admits its own credential (a signature) first. */
const nobody: Rule = () => false;

/**
 * Every named policy in paved. Handlers call one by name and never compare
 * roles themselves. `public` is the only policy that admits anonymous callers.
 * Areas add their policies here.
 */
export const policies = {
  public: null,
  'signed-in': anyone,
  'org.read': anyone,
  'account.manage': anyone,
  /** Revoking a token on one's own account page: its owner only, admins included. */
  'account.token.revoke.own': ownerOnly,
  'users.manage': roles('admin'),
  /** Revoking a token: its owner, or an admin (a lost laptop, a person who left). */
  'account.token.revoke': ownerOrAdmin,
  'audit.read': roles('admin'),
  'settings.manage': roles('admin'),
  'team.act': forOwnTeam,
  'capability.read': anyone,
  /** Curate the catalog: add capabilities, edit them, change their stage. */
  'capability.manage': roles('platform', 'admin'),
  /** Change a team's adoption: its members (and sub-teams'), or the platform on its behalf. */
  'adoption.change': forOwnTeamOrPlatform,
  'exception.request': forOwnTeamOrPlatform,
  /** Decide an exception or record a mandate: the role the decision-rights table names. */
  'exception.decide': theDecider,
  'mandate.record': theDecider,
  'decision.read': anyone,
  'decision-rights.manage': roles('admin'),
  /** See open and closed surveys (drafts: survey.manage). */
  'survey.read': anyone,
  /** Create, edit, open, close surveys, add custom questions, remind, see how many have not answered. */
  'survey.manage': roles('platform', 'admin'),
  /** Answer a survey: anyone signed in; the service checks they are in its audience. */
  'survey.answer': anyone,
  /** Read a closed survey's results and export: everyone, through the anonymity rules. */
  'survey.results': anyone,
  /** Send a pulse, silence prompts. */
  'pulse.submit': anyone,
  /** Read pulse results (completed months, through the anonymity rules). */
  'pulse.results': anyone,
  /** Read the roadmap, proposals, the changelog and their feeds: everyone signed in. */
  'roadmap.read': anyone,
  /** Add and edit roadmap items, move them along, ship them: the platform team. */
  'roadmap.manage': roles('platform', 'admin'),
  /** Comment on a proposal while its window is open: anyone signed in. */
  'roadmap.comment': anyone,
  /** Decide a roadmap item (a proposal, a decline): the role the decision-rights table names. */
  'roadmap.decide': theDecider,
  /** Read the feedback board, items, figures and the overdue queue. */
  'feedback.read': anyone,
  'feedback.post': anyone,
  'feedback.vote': anyone,
  'feedback.subscribe': anyone,
  /** Change status, merge duplicates, read and write internal notes. */
  'feedback.triage': roles('platform', 'admin'),
  /** One's own inbox and notification preferences. */
  'inbox.read': anyone,
  /** Configure outbound webhooks, read their delivery log, send a test. */
  'webhooks.manage': roles('admin'),
  /** Send events: an ingest token (checked by the route; it names a source), or a platform or admin account's own API token. */
  'events.ingest': roles('platform', 'admin'),
  /** A GitHub delivery signed with the webhook secret (checked by the route before this); never a person. */
  'hooks.github': nobody,
  /** Prometheus scraping /metrics with PAVED_METRICS_TOKEN (checked by the route before this); never a person. */
  'metrics.read': nobody,
  /** The ingestion status page: recent batches, rejected lines, webhook deliveries; map repositories to teams. */
  'signals.ingestion': roles('platform', 'admin'),
  /** Ingest sources, their tokens and the GitHub webhook secret. */
  'signals.sources': roles('admin'),
  /** Onboarding, delivery, unplanned work and value figures: anonymous or per team, so everyone. */
  'figures.read': anyone,
  /** Fix the outcome a capability's value is measured by. */
  'value.outcome': roles('platform', 'admin'),
  /** The mandate–choice matrix and the quarterly report: figures through the anonymity rules, so everyone. */
  'insights.read': anyone,
  /** Beta programs and how they compare: everyone. */
  'beta.read': anyone,
  /** Start a beta program, set its criteria and dates. */
  'beta.manage': roles('platform', 'admin'),
  /** Graduate or iterate at review: the decider of the program's decision category. */
  'beta.decide': theDecider,
  /** Research notes with their quotes and the office-hours log: the people who act on them. */
  'research.read': roles('platform', 'leader', 'admin'),
  /** Record research notes, friction points, office hours and their links. */
  'research.manage': roles('platform', 'admin'),
} satisfies Record<string, Rule | null>;

export type PolicyName = keyof typeof policies;

/** True when the actor may do `name` to the object. */
export function can(actor: Actor | null, name: PolicyName, object: PolicyObject = {}): boolean {
  const rule = policies[name];
  if (rule === null) return true;
  if (!actor) return false;
  return rule(actor, object);
}

/** Throws Unauthorized (nobody signed in) or Forbidden unless the actor may do `name`. */
export function authorize(actor: Actor | null, name: PolicyName, object: PolicyObject = {}): void {
  if (can(actor, name, object)) return;
  if (!actor) throw new Unauthorized('Sign in to continue.');
  throw new Forbidden('You do not have permission to do this.');
}
