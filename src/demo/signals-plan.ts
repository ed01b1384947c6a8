// The signals demo as a plan: two years of deploys, incidents, unplanned work,
// capability usage and onboarding milestones, with three effects planted on
// purpose so the figures have something true to find:
//
// - the "faster" deploy tool (CI runners) adds about three minutes to every
//   deploy of a team from the month it first adopts it;
// - the deploy pipeline cuts the lead time of a team's changes by about 20%
//   from its first adoption;
// - new starters take about three weeks to their first deploy until the
//   onboarding capability (the developer portal) reaches GA, about four days
//   after.
//
// Pure: the same random stream and inputs always give the same events.

import type { ResolvedEvent, UnplannedCause } from '../signals/model.ts';
import type { Random } from './random.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Days of history; matches the capabilities demo. */
export const SIGNAL_DAYS = 730;

/** The planted effects, as the tests check them. */
export const PLANTED = {
  /** Minutes the faster deploy tool adds to a deploy (each team between 0.8 and 1.2 times this). */
  extraDeployMinutes: 3,
  /** Lead time after adopting the deploy pipeline, as a share of before. */
  leadTimeFactor: 0.8,
  /** Median days to first deploy before and after the onboarding capability ships. */
  firstDeployDaysBefore: 21,
  firstDeployDaysAfter: 4,
} as const;

export interface SignalTeamInput {
  id: string;
  slug: string;
}

export interface SignalPersonInput {
  id: string;
  /** The entity ref: stable across runs, so event ids are too. */
  ref: string;
  startDate: string | null;
}

export interface SignalCapabilityInput {
  id: string;
  slug: string;
  /** Each team's first move to `adopted`, ISO time. */
  firstAdopted: ReadonlyMap<string, string>;
}

export interface SignalInputs {
  today: string;
  teams: SignalTeamInput[];
  people: SignalPersonInput[];
  /** Every capability (for unplanned work and usage); the planted ones by role below. */
  capabilities: SignalCapabilityInput[];
  fasterTool: SignalCapabilityInput | null;
  leadTimeCut: SignalCapabilityInput | null;
  /** When the onboarding capability reached GA, ISO time. */
  onboardingShipsAt: string | null;
  /** The source id deploy links in incidents point at. */
  sourceId: string;
  /** Usage is reported every this many months (a large organisation reports less often). */
  usageEveryMonths?: number;
}

/** What each team is like: the truth behind its figures. */
export interface TeamProfile {
  teamId: string;
  /** Production deploys per working day. */
  rate: number;
  baseDeployMinutes: number;
  /** The team's share of the tool's extra minutes (0.8–1.2). */
  toolFactor: number;
  /** Median hours from commit to production before any effect. */
  baseLeadHours: number;
}

function lognormal(rng: Random, median: number, sigma: number): number {
  return median * Math.exp(rng.normal(0, sigma));
}

function poisson(rng: Random, mean: number): number {
  // Knuth's method: fine for the small means used here.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Draws each team's profile (in team order, so it is stable). A large
 * organisation's teams deploy two to seven times a working day (about two
 * million deploys in two years across its ~850 teams); `scale` multiplies
 * every team's rate, for 0.1× or 10× the events with the same organisation.
 */
export function teamProfiles(
  rng: Random,
  teams: readonly SignalTeamInput[],
  large: boolean,
  scale = 1,
) {
  return teams.map(
    (t): TeamProfile => ({
      teamId: t.id,
      rate: (large ? 2 + rng.next() * 5 : 0.6 + rng.next() * 1.2) * scale,
      baseDeployMinutes: 6 + rng.next() * 8,
      toolFactor: 0.8 + rng.next() * 0.4,
      baseLeadHours: 10 + rng.next() * 30,
    }),
  );
}

const CAUSES: readonly (readonly [UnplannedCause, number])[] = [
  ['breaking-change', 35],
  ['outage', 25],
  ['forced-migration', 30],
  ['other', 10],
];

/**
 * The plan, one month of history at a time (so a large demo never holds two
 * years of events at once). Day 0 is `SIGNAL_DAYS` before today.
 */
export function* planSignals(
  rng: Random,
  inputs: SignalInputs,
  profiles: readonly TeamProfile[],
): Generator<ResolvedEvent[]> {
  const todayMs = Date.parse(`${inputs.today}T00:00:00Z`);
  const startMs = todayMs - SIGNAL_DAYS * DAY;
  const slug = new Map(inputs.teams.map((t) => [t.id, t.slug]));
  const adoptedAt = (cap: SignalCapabilityInput | null, teamId: string) => {
    const at = cap?.firstAdopted.get(teamId);
    return at ? Date.parse(at) : Number.POSITIVE_INFINITY;
  };
  const counter = new Map<string, number>();
  const nextId = (kind: string, team: string) => {
    const key = `${kind}-${team}`;
    const n = (counter.get(key) ?? 0) + 1;
    counter.set(key, n);
    return `${kind}-${team}-${n}`;
  };

  let month: ResolvedEvent[] = [];
  let monthKey = iso(startMs).slice(0, 7);
  for (let day = 0; day < SIGNAL_DAYS; day++) {
    const dayMs = startMs + day * DAY;
    const key = iso(dayMs).slice(0, 7);
    if (key !== monthKey) {
      yield month;
      month = [];
      monthKey = key;
    }
    const weekday = new Date(dayMs).getUTCDay();
    const working = weekday !== 0 && weekday !== 6;
    for (const p of profiles) {
      const team = slug.get(p.teamId)!;
      const deploys = working ? poisson(rng, p.rate) : rng.chance(0.05) ? 1 : 0;
      for (let d = 0; d < deploys; d++) {
        const finishedMs = dayMs + (9 * 60 + rng.int(0, 9 * 60)) * MINUTE;
        const toolOn = finishedMs >= adoptedAt(inputs.fasterTool, p.teamId);
        const pipelineOn = finishedMs >= adoptedAt(inputs.leadTimeCut, p.teamId);
        const minutes =
          lognormal(rng, p.baseDeployMinutes, 0.15) +
          (toolOn ? PLANTED.extraDeployMinutes * p.toolFactor : 0);
        const success = !rng.chance(0.05);
        const changes = success ? rng.int(1, 4) : 0;
        const commitTimes: string[] = [];
        for (let c = 0; c < changes; c++) {
          const hours =
            lognormal(rng, p.baseLeadHours, 0.6) * (pipelineOn ? PLANTED.leadTimeFactor : 1);
          commitTimes.push(iso(finishedMs - Math.round(hours * 3_600_000)));
        }
        const id = nextId('deploy', team);
        month.push({
          type: 'deploy',
          id,
          teamId: p.teamId,
          service: `${team}-api`,
          environment: 'production',
          started: iso(finishedMs - Math.round(minutes * MINUTE)),
          finished: iso(finishedMs),
          outcome: success ? 'success' : 'failure',
          commitTimes: commitTimes.sort(),
          capabilityId: toolOn ? (inputs.fasterTool?.id ?? null) : null,
        });
        // About one deploy in 25 causes an incident; the latest ones may still be open.
        if (success && rng.chance(0.04)) {
          const startedMs = finishedMs + rng.int(5, 180) * MINUTE;
          const resolvedMs = startedMs + Math.round(lognormal(rng, 2, 0.8) * 3_600_000);
          if (startedMs < todayMs) {
            month.push({
              type: 'incident',
              id: nextId('incident', team),
              teamId: p.teamId,
              started: iso(startedMs),
              resolved: resolvedMs < todayMs - 2 * DAY ? iso(resolvedMs) : null,
              causeDeploy: { sourceId: inputs.sourceId, clientId: id },
              causeCapabilityId: null,
            });
          }
        }
      }
    }
    // Once a month per team: unplanned work the platform caused, and capability usage.
    if (new Date(dayMs).getUTCDate() === 15) {
      for (const p of profiles) {
        const team = slug.get(p.teamId)!;
        const using = inputs.capabilities.filter((c) => adoptedAt(c, p.teamId) <= dayMs);
        if (using.length === 0) continue;
        for (let r = poisson(rng, 0.8); r > 0; r--) {
          month.push({
            type: 'unplanned_work',
            id: nextId('unplanned', team),
            teamId: p.teamId,
            capabilityId: rng.pick(using).id,
            hours: Math.round((1 + rng.next() * 11) * 2) / 2,
            cause: rng.weighted(CAUSES),
            at: iso(dayMs + rng.int(9, 17) * 3_600_000),
          });
        }
        const every = inputs.usageEveryMonths ?? 1;
        for (const c of new Date(dayMs).getUTCMonth() % every === 0 ? using : []) {
          month.push({
            type: 'usage',
            id: nextId(`usage-${c.slug}`, team),
            teamId: p.teamId,
            capabilityId: c.id,
            at: iso(dayMs + 12 * 3_600_000),
            count: rng.int(5, 200),
          });
        }
      }
    }
  }
  month.push(...milestones(rng, inputs, todayMs));
  yield month;
}

/**
 * Every person's onboarding milestones that have happened by today: first
 * commit, pull request and deploy, and the tenth merged pull request.
 */
function milestones(rng: Random, inputs: SignalInputs, todayMs: number): ResolvedEvent[] {
  const ships = inputs.onboardingShipsAt ? Date.parse(inputs.onboardingShipsAt) : null;
  const out: ResolvedEvent[] = [];
  for (const person of inputs.people) {
    if (!person.startDate) continue;
    const startMs = Date.parse(`${person.startDate}T00:00:00Z`);
    const fast = ships !== null && startMs >= ships;
    const firstDeploy = lognormal(
      rng,
      fast ? PLANTED.firstDeployDaysAfter : PLANTED.firstDeployDaysBefore,
      0.3,
    );
    const firstPr = Math.min(firstDeploy * 0.5, lognormal(rng, fast ? 2 : 6, 0.4));
    const plan: [ResolvedEvent & { type: 'milestone' }, number][] = (
      [
        ['first_commit', firstPr * 0.6],
        ['first_pr', firstPr],
        ['first_deploy', firstDeploy],
        ['tenth_pr', firstDeploy + lognormal(rng, fast ? 25 : 30, 0.3)],
      ] as const
    ).map(([milestone, days]) => [
      {
        type: 'milestone',
        id: `milestone-${person.ref}-${milestone}`,
        personId: person.id,
        milestone,
        at: iso(startMs + Math.round(days * DAY)),
      },
      startMs + days * DAY,
    ]);
    // A few people never deploy themselves; the rest reach each milestone in time.
    const deploys = rng.chance(0.95);
    for (const [event, atMs] of plan) {
      if (atMs >= todayMs) continue;
      if (!deploys && event.milestone === 'first_deploy') continue;
      out.push(event);
    }
  }
  return out;
}
