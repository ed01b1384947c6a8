// Capabilities: the catalog, mandates, the adoption ledger's state machine,
// exceptions and decisions. Pure types and rules; no database here.

export const STAGES = ['idea', 'beta', 'ga', 'deprecated', 'retired'] as const;
export type Stage = (typeof STAGES)[number];

export const OBLIGATIONS = ['optional', 'mandatory'] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

export const ADOPTION_STATES = ['none', 'trial', 'adopted', 'left', 'opted-out', 'exempt'] as const;
export type AdoptionState = (typeof ADOPTION_STATES)[number];

export const DECIDER_ROLES = ['leader', 'platform'] as const;
export type DeciderRole = (typeof DECIDER_ROLES)[number];

export const EXCEPTION_KINDS = ['exception', 'policy-change'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const EXCEPTION_STATUSES = [
  'pending',
  'approved',
  'denied',
  'escalated',
  'expired',
  'revoked',
  // Closed without a decision: the mandate it asked about was lifted.
  'withdrawn',
] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/** The outcomes a decider can choose for a request. */
export const EXCEPTION_OUTCOMES = ['approved', 'denied', 'escalated'] as const;
export type ExceptionOutcome = (typeof EXCEPTION_OUTCOMES)[number];

export interface Capability {
  id: string;
  slug: string;
  name: string;
  summary: string;
  ownerTeamId: string | null;
  docsUrl: string | null;
  stage: Stage;
  obligation: Obligation;
  /** Teams it is offered to; empty means every team. */
  eligibleTeamIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Mandate {
  capabilityId: string;
  /** The decision category that required it; its decider rules on exceptions. */
  category: string;
  reason: string;
  /** What the platform does to limit the pain. */
  mitigation: string;
  reviewOn: string;
  recordedBy: string | null;
  recordedAt: string;
}

export interface DecisionCategory {
  key: string;
  label: string;
  deciderRole: DeciderRole;
}

export interface AdoptionReason {
  key: string;
  label: string;
}

export interface AdoptionEvent {
  id: string;
  teamId: string;
  capabilityId: string;
  seq: number;
  from: AdoptionState;
  to: AdoptionState;
  reason: string | null;
  reasonText: string | null;
  alternative: string | null;
  actorId: string | null;
  onBehalf: boolean;
  exceptionId: string | null;
  at: string;
}

export interface ExceptionRequest {
  id: string;
  kind: ExceptionKind;
  capabilityId: string;
  teamId: string;
  category: string;
  justification: string;
  evidence: string;
  requestedBy: string | null;
  status: ExceptionStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  rationale: string | null;
  expiresOn: string | null;
  createdAt: string;
}

export interface Decision {
  id: string;
  kind: string;
  category: string;
  deciderId: string | null;
  deciderName: string | null;
  rationale: string;
  capabilityId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  summary: string;
  at: string;
}

// The adoption state machine: exactly these transitions, and `exempt` only
// through an approved exception to a mandate (never chosen by hand).
const TRANSITIONS: Record<AdoptionState, readonly AdoptionState[]> = {
  none: ['trial', 'adopted', 'opted-out', 'exempt'],
  trial: ['adopted', 'left', 'exempt'],
  adopted: ['left', 'exempt'],
  'opted-out': ['trial', 'adopted'],
  left: ['trial', 'adopted'],
  exempt: ['none'],
};

/** States a team chooses by hand (the others come from exceptions). */
export const CHOSEN_STATES = ['trial', 'adopted', 'left', 'opted-out'] as const;

/** States that need a reason and the alternative the team uses. */
export const STATES_NEEDING_REASON: readonly AdoptionState[] = ['left', 'opted-out'];

export interface TransitionInput {
  from: AdoptionState;
  to: AdoptionState;
  obligation: Obligation;
  /** True when an approved exception (or its end) drives the change. */
  viaException?: boolean;
  reason?: string | null;
  alternative?: string | null;
}

/**
 * Why a transition is refused, saying what is allowed instead; null when it
 * is allowed.
 */
export function transitionProblem(input: TransitionInput): string | null {
  const { from, to, obligation } = input;
  const allowed = TRANSITIONS[from];
  if (to === from) return `The team is already in "${from}". ${movesFrom(from, obligation)}`;
  if (obligation === 'mandatory' && (to === 'left' || to === 'opted-out')) {
    return `This capability is mandatory, so a team cannot ${to === 'left' ? 'leave it' : 'opt out'}. Request an exception instead, or challenge the policy.`;
  }
  if ((to === 'exempt' || from === 'exempt') && !input.viaException) {
    return to === 'exempt'
      ? 'A team becomes exempt only when an exception is approved. Request an exception instead.'
      : 'An exemption ends when its exception expires or is revoked.';
  }
  if (to === 'exempt' && obligation !== 'mandatory') {
    return 'Only mandatory capabilities have exceptions.';
  }
  if (!allowed.includes(to)) {
    return `A team in "${from}" cannot move to "${to}". ${movesFrom(from, obligation)}`;
  }
  if (STATES_NEEDING_REASON.includes(to)) {
    if (!input.reason) return 'Say why the team is leaving: choose a reason.';
    if (!input.alternative?.trim()) return 'Say what the team uses instead (the alternative).';
  }
  return null;
}

/** What a team can do from a state: mandatory capabilities offer no way out but an exception. */
function movesFrom(from: AdoptionState, obligation: Obligation): string {
  const next = TRANSITIONS[from].filter((s) =>
    obligation === 'mandatory' ? s !== 'left' && s !== 'opted-out' : s !== 'exempt',
  );
  const named = next.map((s) => (s === 'exempt' ? 'exempt (when an exception is approved)' : s));
  return `From "${from}" it can move to: ${named.join(', ')}.`;
}

/** The state after replaying events in order (the ledger's one source of truth). */
export function replay(events: readonly Pick<AdoptionEvent, 'to'>[]): AdoptionState {
  return events.length === 0 ? 'none' : events[events.length - 1]!.to;
}

/** `Why this is required` words for a decision category's decider. */
export function deciderLabel(role: DeciderRole): string {
  return role === 'leader' ? 'Leadership decides' : 'The platform team decides';
}
