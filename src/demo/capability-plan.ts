// The shapes of the capabilities demo plan, and the clock and team index its
// history is built with.

import type { AdoptionState, ExceptionKind, ExceptionStatus } from '../capabilities/model.ts';
import type { CapabilitySpec, MandateSpec } from './capability-catalog.ts';
import type { Random } from './random.ts';

const DAY = 86_400_000;
/** Days of adoption history; day 0 is this many days before today, day HISTORY_DAYS is today. */
export const HISTORY_DAYS = 730;

export interface PlanTeam {
  id: string;
  ref: string;
  parentId: string | null;
}

export interface PlanUser {
  id: string;
  name: string;
}

/** The demo accounts that act in the history (null when the accounts part did not run). */
export interface PlanActors {
  leader: PlanUser | null;
  platform: PlanUser | null;
  developer: PlanUser | null;
  developerTeamId: string | null;
}

export interface PlannedDecision {
  kind: string;
  category: string;
  decider: PlanUser | null;
  rationale: string;
  summary: string;
  at: string;
}

export interface PlannedCapability {
  spec: CapabilitySpec;
  ownerTeamId: string | null;
  eligibleTeamIds: string[];
  createdAt: string;
  updatedAt: string;
  mandate:
    | (MandateSpec & { reviewOn: string; recordedAt: string; recordedBy: PlanUser | null })
    | null;
  /** Stage changes and the mandate, in time order. */
  decisions: PlannedDecision[];
}

export interface PlannedException {
  capability: number;
  teamId: string;
  kind: ExceptionKind;
  status: ExceptionStatus;
  justification: string;
  evidence: string;
  requestedBy: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  rationale: string | null;
  expiresOn: string | null;
  decisions: PlannedDecision[];
}

export interface PlannedEvent {
  capability: number;
  teamId: string;
  seq: number;
  from: AdoptionState;
  to: AdoptionState;
  reason: string | null;
  reasonText: string | null;
  alternative: string | null;
  actorId: string | null;
  onBehalf: boolean;
  /** Index into the plan's exceptions for exemptions and their end. */
  exception: number | null;
  at: string;
}

export interface CapabilityPlan {
  capabilities: PlannedCapability[];
  exceptions: PlannedException[];
  events: PlannedEvent[];
}

/** When a capability moved through its stages, in days of the history (negative: before it). */
export interface Timeline {
  created: number;
  launch: number;
  ga: number | null;
  deprecated: number | null;
  retired: number | null;
  mandate: number | null;
}

/** Times of the history: day numbers to timestamps and dates. */
export class Clock {
  private readonly startMs: number;
  constructor(
    today: string,
    private readonly rng: Random,
  ) {
    this.startMs = Date.parse(`${today}T00:00:00Z`) - HISTORY_DAYS * DAY;
  }
  /** A time during working hours on `day`. */
  at(day: number, hour?: number): string {
    const h = hour ?? this.rng.int(8, 17);
    const minute = this.rng.int(0, 59);
    return new Date(this.startMs + day * DAY + (h * 60 + minute) * 60_000).toISOString();
  }
  date(day: number): string {
    return new Date(this.startMs + day * DAY).toISOString().slice(0, 10);
  }
}

/** Teams and their ancestors, for eligibility and ownership. */
export class TeamIndex {
  readonly byRef = new Map<string, PlanTeam>();
  readonly leaves: PlanTeam[];
  readonly platformId: string | null;
  private readonly ancestors = new Map<string, Set<string>>();

  constructor(teams: readonly PlanTeam[]) {
    const byId = new Map(teams.map((t) => [t.id, t]));
    for (const t of teams) this.byRef.set(t.ref, t);
    const parents = new Set(teams.map((t) => t.parentId));
    this.leaves = teams
      .filter((t) => !parents.has(t.id))
      .sort((a, b) => a.ref.localeCompare(b.ref));
    for (const t of teams) {
      const up = new Set<string>();
      for (let p: PlanTeam | undefined = t; p && !up.has(p.id); p = byId.get(p.parentId ?? '')) {
        up.add(p.id);
      }
      this.ancestors.set(t.id, up);
    }
    this.platformId = this.byRef.get('group:default/platform')?.id ?? null;
  }

  /** The team itself or a team above it is listed (or nothing is). */
  eligible(teamId: string, listed: readonly string[]): boolean {
    if (listed.length === 0) return true;
    const up = this.ancestors.get(teamId);
    return listed.some((id) => up?.has(id));
  }

  underPlatform(teamId: string): boolean {
    return Boolean(this.platformId && this.ancestors.get(teamId)?.has(this.platformId));
  }

  /** Departments outside the platform: what "product teams only" lists. */
  productDepartments(): string[] {
    const root = [...this.byRef.values()].find((t) => t.parentId === null);
    return [...this.byRef.values()]
      .filter((t) => root && t.parentId === root.id && t.id !== this.platformId)
      .sort((a, b) => a.ref.localeCompare(b.ref))
      .map((t) => t.id);
  }

  /** The first of the preferred platform teams that exists, else the platform's first sub-team. */
  owner(preferred: readonly string[]): string | null {
    for (const slug of preferred) {
      const team = this.byRef.get(`group:default/${slug}`);
      if (team && this.underPlatform(team.id)) return team.id;
    }
    const subTeams = [...this.byRef.values()]
      .filter((t) => t.parentId && t.parentId === this.platformId)
      .sort((a, b) => a.ref.localeCompare(b.ref));
    return subTeams[0]?.id ?? this.platformId;
  }
}

/** One move in a team's ledger, before it is numbered. */
export interface Step {
  day: number;
  to: AdoptionState;
  reason?: string;
  reasonText?: string | null;
  alternative?: string;
  exception?: number;
  /** Who recorded it: the team (default), the decider of an exception, or nobody (the expiry job). */
  actor?: PlanUser | null;
  /** The exact time, when a decision written with the event sets it. */
  at?: string;
}
