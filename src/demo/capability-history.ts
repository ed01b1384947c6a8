// The capabilities demo as a plan: the catalog's timelines and two years of
// adoption history per team and capability, with exception stories woven in.
// Pure: the same random stream, teams and day always give the same plan; the
// part (capabilities.ts) writes it.

import type { AdoptionState, DeciderRole, Stage } from '../capabilities/model.ts';
import {
  type CapabilitySpec,
  generatedSpecs,
  NAMED_CAPABILITIES,
  REASON_TEXTS,
} from './capability-catalog.ts';
import {
  type CapabilityPlan,
  Clock,
  HISTORY_DAYS as H,
  type PlanActors,
  type PlannedCapability,
  type PlannedDecision,
  type PlannedEvent,
  type PlannedException,
  type PlanTeam,
  type PlanUser,
  type Step,
  TeamIndex,
  type Timeline,
} from './capability-plan.ts';
import { assignStories, requestDayFor, tellStory } from './capability-stories.ts';
import type { DemoSize } from './model.ts';
import type { Random } from './random.ts';

/** Generated capabilities added to the named ones in the large demo. */
const LARGE_EXTRA = 48;
const REASON_KEYS = Object.keys(REASON_TEXTS);

function timeline(spec: CapabilitySpec, rng: Random): Timeline {
  const t: Timeline = {
    created: 0,
    launch: 0,
    ga: null,
    deprecated: null,
    retired: null,
    mandate: null,
  };
  if (spec.stage === 'idea') {
    t.created = H - rng.int(20, 120);
    t.launch = Number.POSITIVE_INFINITY;
    return t;
  }
  if (spec.stage === 'beta') {
    t.launch = H - rng.int(100, 200);
  } else if (spec.stage === 'ga') {
    t.launch = spec.obligation === 'mandatory' ? rng.int(-400, -100) : rng.int(-360, 420);
    t.ga = Math.min(t.launch + rng.int(60, 150), H - 20);
    if (spec.obligation === 'mandatory') t.mandate = Math.max(t.ga, 0) + rng.int(20, 110);
    // After the draws, so every other capability's history stays the same. A beta
    // launch is at most day 420, so GA still comes after it.
    if (spec.gaDaysAgo !== undefined) t.ga = Math.max(H - spec.gaDaysAgo, t.launch + 1);
  } else {
    t.launch = rng.int(-700, -400);
    t.ga = t.launch + 90;
    t.deprecated = spec.stage === 'retired' ? rng.int(120, 260) : rng.int(300, 450);
    if (spec.stage === 'retired') t.retired = Math.min(t.deprecated + rng.int(150, 250), H - 10);
  }
  t.created = t.launch - rng.int(30, 90);
  return t;
}

function stageRationale(spec: CapabilitySpec, from: Stage, to: Stage): string {
  const rationales: Record<string, string> = {
    'idea→beta':
      'Enough teams asked for it in the last survey; a beta with a few teams shows whether it fits.',
    'beta→ga': 'Beta teams kept it for three months and the issues they raised are fixed.',
    'ga→deprecated': `${spec.replacement ?? 'Its successor'} does the same job for less; we stop new adoptions and help teams move.`,
    'deprecated→retired': 'No team has used it for a quarter; we switch it off.',
  };
  return rationales[`${from}→${to}`] ?? `Moved from ${from} to ${to}.`;
}

/**
 * Plans the capabilities demo for `teams` as of `today`: ~12 capabilities for
 * `small`, ~60 for `large`, with two years of legal adoption history.
 */
export function planCapabilities(
  rng: Random,
  size: DemoSize,
  today: string,
  teams: readonly PlanTeam[],
  actors: PlanActors,
  deciders: Readonly<Record<string, DeciderRole>>,
): CapabilityPlan {
  const clock = new Clock(today, rng);
  const index = new TeamIndex(teams);
  const specs =
    size === 'small'
      ? [...NAMED_CAPABILITIES]
      : [...NAMED_CAPABILITIES, ...generatedSpecs(rng, LARGE_EXTRA)];
  const deciderFor = (category: string): PlanUser | null =>
    deciders[category] === 'platform' ? actors.platform : actors.leader;

  const timelines = specs.map((spec) => timeline(spec, rng));
  const mandatory = specs.flatMap((s, i) => (s.mandate ? [i] : []));
  const dueSoon = new Set(rng.sample(mandatory, 2));
  const capabilities: PlannedCapability[] = specs.map((spec, i) => {
    const t = timelines[i]!;
    const platform = actors.platform;
    const decisions: PlannedDecision[] = [];
    const stage = (day: number | null, from: Stage, to: Stage) => {
      if (day === null || !Number.isFinite(day)) return;
      decisions.push({
        kind: 'stage.changed',
        category: 'developer-experience',
        decider: platform,
        rationale: stageRationale(spec, from, to),
        summary: `${spec.name}: stage ${from} → ${to}`,
        at: clock.at(day),
      });
    };
    stage(t.launch, 'idea', 'beta');
    stage(t.ga, 'beta', 'ga');
    stage(t.deprecated, 'ga', 'deprecated');
    stage(t.retired, 'deprecated', 'retired');
    let mandate: PlannedCapability['mandate'] = null;
    if (spec.mandate && t.mandate !== null) {
      const recordedBy = deciderFor(spec.mandate.category);
      const recordedAt = clock.at(t.mandate);
      const review = dueSoon.has(i) ? rng.int(5, 28) : rng.int(45, 360);
      mandate = { ...spec.mandate, reviewOn: clock.date(H + review), recordedAt, recordedBy };
      decisions.push({
        kind: 'mandate.recorded',
        category: spec.mandate.category,
        decider: recordedBy,
        rationale: spec.mandate.rationale,
        summary: `${spec.name} is required: ${spec.mandate.reason}`,
        at: recordedAt,
      });
    }
    decisions.sort((a, b) => a.at.localeCompare(b.at));
    let eligibleTeamIds: string[] = [];
    if (spec.productOnly) {
      const departments = index.productDepartments();
      eligibleTeamIds =
        size === 'small' ? departments : rng.sample(departments, rng.int(1, 3)).sort();
    }
    return {
      spec,
      ownerTeamId: index.owner(spec.owners),
      eligibleTeamIds,
      createdAt: clock.at(t.created),
      updatedAt: decisions.at(-1)?.at ?? clock.at(t.created),
      mandate,
      decisions,
    };
  });

  // Every team leans towards or away from the platform a little.
  const propensity = new Map(index.leaves.map((t) => [t.id, 0.6 + rng.next() * 0.8]));
  const stories = assignStories(rng, size, capabilities, index, deciders);
  const exceptions: PlannedException[] = [];
  const events: PlannedEvent[] = [];

  capabilities.forEach((cap, ci) => {
    const t = timelines[ci]!;
    for (const team of index.leaves) {
      if (!index.eligible(team.id, cap.eligibleTeamIds) || !Number.isFinite(t.launch)) continue;
      const story = stories.get(`${ci}/${team.id}`);
      const steps: Step[] = [];
      if (cap.spec.obligation === 'mandatory') {
        // An exception story cuts the team's own history at its request.
        const requestDay = story ? requestDayFor(rng, story, t) : H;
        const exceptionStory = story && !story.startsWith('policy');
        steps.push(...mandatoryHistory(rng, t, exceptionStory ? requestDay : H));
        if (story) {
          const told = { story, requestDay, state: steps.at(-1)?.to ?? 'none' };
          steps.push(
            ...tellStory(rng, told, cap, ci, team.id, exceptions, actors, deciderFor, clock),
          );
        }
      } else {
        steps.push(...optionalHistory(rng, cap.spec, t, propensity.get(team.id) ?? 1));
      }
      let from: AdoptionState = 'none';
      steps.forEach((step, i) => {
        const teamActs = step.actor === undefined;
        const byDeveloper = teamActs && team.id === actors.developerTeamId && actors.developer;
        const byPlatform = teamActs && !byDeveloper && rng.chance(0.2) ? actors.platform : null;
        events.push({
          capability: ci,
          teamId: team.id,
          seq: i + 1,
          from,
          to: step.to,
          reason: step.reason ?? null,
          reasonText: step.reasonText ?? null,
          alternative: step.alternative ?? null,
          actorId: teamActs ? ((byDeveloper || byPlatform)?.id ?? null) : (step.actor?.id ?? null),
          onBehalf: !teamActs || Boolean(byPlatform),
          exception: step.exception ?? null,
          // The expiry job runs at night; other moves happen in working hours.
          at:
            step.at ??
            (step.to === 'none' && step.actor === null
              ? clock.at(step.day, 2)
              : clock.at(step.day)),
        });
        from = step.to;
      });
    }
  });
  return { capabilities, exceptions, events };
}

/** A mandatory capability's history before `cutoff`: most teams adopt, some try it first. */
function mandatoryHistory(rng: Random, t: Timeline, cutoff: number): Step[] {
  const start = Math.max(t.launch, 0);
  let day = start + rng.int(1, 200);
  if (rng.chance(0.03) || day >= cutoff) return [];
  const steps: Step[] = [];
  if (rng.chance(0.3)) {
    steps.push({ day, to: 'trial' });
    day += rng.int(14, 60);
    if (day >= cutoff || rng.chance(0.1)) return steps;
  }
  steps.push({ day, to: 'adopted' });
  return steps;
}

function leaving(rng: Random, spec: CapabilitySpec, day: number, to: 'left' | 'opted-out'): Step {
  const reason =
    spec.reasons.length > 0 && rng.chance(0.7) ? rng.pick(spec.reasons) : rng.pick(REASON_KEYS);
  const texts = REASON_TEXTS[reason] ?? [];
  const reasonText = reason === 'other' || rng.chance(0.4) ? rng.pick(texts) : null;
  return { day, to, reason, reasonText, alternative: rng.pick(spec.alternatives) };
}

/** An optional capability's history: trials, adoptions, leaving, declining, coming back. */
function optionalHistory(rng: Random, spec: CapabilitySpec, t: Timeline, lean: number): Step[] {
  const noNew = t.deprecated ?? Number.POSITIVE_INFINITY;
  // On a retired capability every team is gone the day before it is switched off.
  const end = t.retired === null ? H : t.retired - 1;
  const interest = Math.min(0.95, spec.popularity * lean);
  let day = Math.max(t.launch, 0) + rng.int(1, 160);
  if (day >= Math.min(end, noNew)) return [];
  const steps: Step[] = [];
  const r = rng.next();
  if (r < interest) {
    const trialShare = spec.stage === 'beta' ? 0.9 : 0.6;
    steps.push({ day, to: rng.chance(trialShare) ? 'trial' : 'adopted' });
  } else if (r < interest + (1 - interest) * 0.35) {
    steps.push(leaving(rng, spec, day, 'opted-out'));
  } else {
    return [];
  }
  for (let n = 0; n < 8; n++) {
    const state = steps.at(-1)!.to;
    let next: Step;
    if (state === 'trial') {
      day += rng.int(14, 75);
      next = rng.chance(spec.stage === 'beta' ? 0.5 : 0.72)
        ? { day, to: 'adopted' }
        : leaving(rng, spec, day, 'left');
    } else if (state === 'adopted') {
      if (!rng.chance(spec.churn)) break;
      day += rng.int(60, 420);
      next = leaving(rng, spec, day, 'left');
    } else {
      if (!rng.chance(0.25)) break;
      day += rng.int(45, 300);
      next = { day, to: rng.chance(0.5) ? 'trial' : 'adopted' };
    }
    if (day >= end || (day >= noNew && next.to !== 'left')) break;
    steps.push(next);
  }
  // A deprecated capability loses most of its teams; a retired one all of them.
  const last = steps.at(-1)!;
  if (t.deprecated !== null && (last.to === 'adopted' || last.to === 'trial')) {
    const from = Math.max(last.day, t.deprecated) + 1;
    const until = (t.retired ?? H) - 1;
    if (from <= until && (t.retired !== null || rng.chance(0.75))) {
      const step = leaving(rng, spec, rng.int(from, until), 'left');
      steps.push({ ...step, alternative: spec.replacement ?? step.alternative });
    }
  }
  return steps;
}
