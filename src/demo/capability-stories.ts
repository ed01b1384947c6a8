// Exception stories for the capabilities demo: which mandatory ledgers get an
// exception, and how each request, decision, exemption and its end unfold.

import type { AdoptionState, DeciderRole } from '../capabilities/model.ts';
import { EVIDENCE, JUSTIFICATIONS, POLICY_CHALLENGES, RATIONALES } from './capability-catalog.ts';
import {
  type Clock,
  HISTORY_DAYS as H,
  type PlanActors,
  type PlannedCapability,
  type PlannedException,
  type PlanUser,
  type Step,
  type TeamIndex,
  type Timeline,
} from './capability-plan.ts';
import type { DemoSize } from './model.ts';
import type { Random } from './random.ts';

/** Exception stories told on mandatory capabilities, with how many of each a small demo gets. */
const STORIES = {
  'approved-soon': 1,
  approved: 1,
  expired: 2,
  revoked: 1,
  denied: 2,
  escalated: 1,
  pending: 1,
  'policy-pending': 1,
  'policy-denied': 1,
} as const;
export type Story = keyof typeof STORIES;

/** Picks which mandatory (capability, team) pairs get which exception story. */
export function assignStories(
  rng: Random,
  size: DemoSize,
  capabilities: readonly PlannedCapability[],
  index: TeamIndex,
  deciders: Readonly<Record<string, DeciderRole>>,
): Map<string, Story> {
  const pairs = capabilities.flatMap((cap, ci) =>
    cap.mandate
      ? index.leaves
          .filter((t) => index.eligible(t.id, cap.eligibleTeamIds))
          .map((t) => ({
            key: `${ci}/${t.id}`,
            platformDecides: deciders[cap.mandate!.category] === 'platform',
            platformTeam: index.underPlatform(t.id),
          }))
      : [],
  );
  // Product teams ask for exceptions; the platform's own teams rarely need to.
  const shuffled = rng.shuffle(pairs);
  const pool = [
    ...shuffled.filter((p) => !p.platformTeam),
    ...shuffled.filter((p) => p.platformTeam),
  ];
  const used = new Map<string, Story>();
  const scale = size === 'small' ? 1 : 10;
  for (const [story, count] of Object.entries(STORIES) as [Story, number][]) {
    // Escalations go up from the platform to leadership, so prefer platform-decided mandates.
    const ordered =
      story === 'escalated'
        ? [...pool.filter((p) => p.platformDecides), ...pool.filter((p) => !p.platformDecides)]
        : pool;
    const free = ordered.filter((p) => !used.has(p.key));
    for (const p of free.slice(0, count * scale)) used.set(p.key, story);
  }
  return used;
}

/** The day a story's request is made: after the mandate, early enough for the story to unfold. */
export function requestDayFor(rng: Random, story: Story, t: Timeline): number {
  const after = (t.mandate ?? 0) + 10;
  return {
    'approved-soon': () => H - rng.int(20, 150),
    approved: () => H - rng.int(20, 150),
    expired: () => rng.int(after, H - 260),
    revoked: () => rng.int(after, H - 200),
    denied: () => rng.int(after, H - 40),
    escalated: () => H - rng.int(15, 60),
    pending: () => H - rng.int(1, 14),
    'policy-pending': () => H - rng.int(3, 30),
    'policy-denied': () => rng.int(after, H - 60),
  }[story]();
}

/**
 * An exception story's decision and ledger steps after the request (the team
 * being in `state` by then); registers the exception in `exceptions`.
 */
export function tellStory(
  rng: Random,
  { story, requestDay, state }: { story: Story; requestDay: number; state: AdoptionState },
  cap: PlannedCapability,
  ci: number,
  teamId: string,
  exceptions: PlannedException[],
  actors: PlanActors,
  deciderFor: (category: string) => PlanUser | null,
  clock: Clock,
): Step[] {
  const { spec } = cap;
  const mandate = cap.mandate!;
  const decider = deciderFor(mandate.category);
  const policy = story.startsWith('policy');
  const index = exceptions.length;
  const requester =
    teamId === actors.developerTeamId && actors.developer ? actors.developer : actors.platform;
  const exception: PlannedException = {
    capability: ci,
    teamId,
    kind: policy ? 'policy-change' : 'exception',
    status: 'pending',
    justification: rng.pick(policy ? POLICY_CHALLENGES : JUSTIFICATIONS)(spec.name),
    evidence: rng.pick(EVIDENCE),
    requestedBy: requester?.id ?? null,
    createdAt: clock.at(requestDay),
    decidedAt: null,
    decidedBy: null,
    rationale: null,
    expiresOn: null,
    decisions: [],
  };
  exceptions.push(exception);
  const decide = (day: number, outcome: 'approved' | 'denied' | 'escalated', rationale: string) => {
    const at = clock.at(day);
    Object.assign(exception, {
      status: outcome,
      decidedAt: at,
      decidedBy: decider?.id ?? null,
      rationale,
    });
    const what = policy ? 'Policy change' : 'Exception';
    exception.decisions.push({
      kind: 'exception.decided',
      category: mandate.category,
      decider,
      rationale,
      summary: `${what} for ${spec.name} ${outcome}`,
      at,
    });
    return at;
  };
  const steps: Step[] = [];
  const decisionDay = Math.min(requestDay + rng.int(1, 10), H - 1);
  const adoptAfter = (day: number) => {
    const when = day + rng.int(3, 45);
    if (when < H) steps.push({ day: when, to: 'adopted' });
  };
  if (
    story === 'approved' ||
    story === 'approved-soon' ||
    story === 'expired' ||
    story === 'revoked'
  ) {
    const approvedAt = decide(decisionDay, 'approved', RATIONALES.approved);
    steps.push({
      day: decisionDay,
      to: 'exempt',
      exception: index,
      actor: decider,
      at: approvedAt,
    });
    if (story === 'expired') {
      const expires = decisionDay + rng.int(60, 180);
      exception.expiresOn = clock.date(expires);
      exception.status = 'expired';
      exception.rationale = `${RATIONALES.approved} — Expired on ${exception.expiresOn}.`;
      steps.push({ day: expires + 1, to: 'none', exception: index, actor: null });
      if (rng.chance(0.7)) adoptAfter(expires + 1);
    } else if (story === 'revoked') {
      exception.expiresOn = clock.date(decisionDay + rng.int(120, 240));
      const revokeDay = decisionDay + rng.int(20, 90);
      exception.status = 'revoked';
      exception.rationale = `${RATIONALES.approved} — ${RATIONALES.revoked}`;
      const revokedAt = clock.at(revokeDay);
      exception.decisions.push({
        kind: 'exception.revoked',
        category: mandate.category,
        decider,
        rationale: RATIONALES.revoked,
        summary: 'Exception revoked',
        at: revokedAt,
      });
      steps.push({ day: revokeDay, to: 'none', exception: index, actor: decider, at: revokedAt });
      adoptAfter(revokeDay);
    } else {
      exception.expiresOn = clock.date(
        H + (story === 'approved-soon' ? rng.int(4, 28) : rng.int(45, 200)),
      );
    }
  } else if (story === 'denied') {
    decide(Math.min(requestDay + rng.int(2, 20), H - 1), 'denied', RATIONALES.denied);
    if (state !== 'adopted' && rng.chance(0.8)) adoptAfter(requestDay + 20);
  } else if (story === 'escalated') {
    decide(decisionDay, 'escalated', RATIONALES.escalated);
  } else if (story === 'policy-denied') {
    decide(decisionDay, 'denied', RATIONALES.policyDenied);
  }
  return steps;
}
