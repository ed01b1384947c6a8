// The betas part of the demo: two beta programs written into the history the
// capabilities part left. One graduated: the capability that most recently
// went from beta to GA, with three volunteer teams before it (one left with
// its reason) and the graduate review in the decision log. One iterating: a
// capability still in beta, three teams since a recent start (one left), and
// an iterate review that set a new date. Joins and leaves are real `trial`
// and `left` adoption events, appended after each team's own history.

import type { AdoptionState, Capability } from '../capabilities/model.ts';
import { allEvents, appendEvent, listCapabilities, listDecisions } from '../capabilities/store.ts';
import { getSetting } from '../core/settings.ts';
import { getUserByEmail } from '../identity/store.ts';
import { betaReader, evaluateBeta } from '../insights/betas-figures.ts';
import {
  addDays,
  BETA_DEFAULTS,
  type CriterionInput,
  dayStart,
  normalizeCriteria,
} from '../insights/betas-model.ts';
import { writeReview } from '../insights/betas-service.ts';
import { insertBeta } from '../insights/betas-store.ts';
import type { Team } from '../org/model.ts';
import type { DemoContext, DemoPart } from './generator.ts';
import { demoAccounts } from './model.ts';

const DAY = 86_400_000;
const CRITERIA: CriterionInput[] = [
  { kind: 'csat' },
  { kind: 'stay-rate' },
  { kind: 'open-problems' },
];
/** The shortest window worth showing: long enough for three joins and a leave. */
const MIN_WINDOW_DAYS = 21;

const REASONS: Array<[string, string]> = [
  ['too-slow', 'It took twenty minutes to come up on a busy afternoon.'],
  ['unreliable', 'It failed twice in our release week.'],
  ['missing-features', 'We need it for our background workers, and it does not do those yet.'],
  ['hard-to-use', 'Nobody on the team could find where its settings live.'],
];
const ALTERNATIVES = ['our own scripts', 'the tool we had before', 'a shared staging environment'];

/** A capability's window for a beta: trials from `startsOn` to `end` belong to it. */
interface Window {
  capability: Capability;
  startsOn: string;
  end: number;
  teams: Team[];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const at = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/** The demo's platform account, who starts and reviews the betas (null without accounts). */
async function platformUser(ctx: DemoContext) {
  const email = (await getSetting(ctx.db, demoAccounts)).find((a) => a.role === 'platform')?.email;
  const user = email ? await getUserByEmail(ctx.db, email) : undefined;
  return user ? { id: user.id, name: user.name } : { id: null, name: null };
}

/**
 * Where a beta of `capability` ending at `end` can start: about `days` before
 * it, and after any trial the history already has before `end` (so the beta's
 * teams are the ones this part adds); with the leaf teams that can join then.
 */
async function windowFor(
  ctx: DemoContext,
  capability: Capability,
  end: number,
  days: number,
  graduated: boolean,
): Promise<Window | null> {
  const moves = await allEvents(ctx.db, capability.id);
  const trials = moves
    .filter((m) => m.to === 'trial' && (!graduated || Date.parse(m.at) < end))
    .map((m) => Date.parse(m.at));
  const nominal = day(end - days * DAY);
  const afterTrials = trials.length ? addDays(day(Math.max(...trials)), 1) : nominal;
  // The later of the two days (YYYY-MM-DD sorts as it reads).
  const startsOn = [nominal, afterTrials].sort()[1]!;
  if (Date.parse(dayStart(startsOn)) + MIN_WINDOW_DAYS * DAY > end) return null;
  const all = ctx.produced.org.teams;
  const parents = new Set(all.map((t) => t.parentId));
  const parentOf = new Map(all.map((t) => [t.id, t.parentId]));
  const eligible = (id: string) => {
    if (capability.eligibleTeamIds.length === 0) return true;
    for (let t: string | null | undefined = id; t; t = parentOf.get(t)) {
      if (capability.eligibleTeamIds.includes(t)) return true;
    }
    return false;
  };
  const last = new Map<string, { to: AdoptionState; at: string }>();
  for (const m of moves) last.set(m.teamId, { to: m.to, at: m.at });
  const teams = all
    .filter((t) => !parents.has(t.id) && !t.inactiveSince && eligible(t.id))
    .filter((t) => {
      const l = last.get(t.id);
      const free = !l || l.to === 'none' || l.to === 'left' || l.to === 'opted-out';
      return free && (!l || l.at < dayStart(startsOn));
    })
    .sort((a, b) => a.ref.localeCompare(b.ref));
  return teams.length >= 3 ? { capability, startsOn, end, teams } : null;
}

/** Appends a team's moves to its ledger, each after the one before. */
async function moveTeam(
  ctx: DemoContext,
  capabilityId: string,
  teamId: string,
  steps: Array<{ to: AdoptionState; at: number; reason?: [string, string]; alternative?: string }>,
  actorId: string | null,
) {
  const moves = await allEvents(ctx.db, capabilityId);
  const own = moves.filter((m) => m.teamId === teamId);
  let from: AdoptionState = own.at(-1)?.to ?? 'none';
  let seq = own.at(-1)?.seq ?? 0;
  for (const step of steps) {
    await appendEvent(ctx.db, {
      teamId,
      capabilityId,
      seq: ++seq,
      from,
      to: step.to,
      reason: step.reason?.[0] ?? null,
      reasonText: step.reason?.[1] ?? null,
      alternative: step.alternative ?? null,
      actorId,
      onBehalf: false,
      exceptionId: null,
      at: at(step.at),
    });
    from = step.to;
  }
}

/**
 * Three teams join over the first third of the window; one leaves with a
 * reason before six weeks are up; the others stay (adopting when `adopt`).
 */
async function volunteer(ctx: DemoContext, w: Window, adopt: boolean, actorId: string | null) {
  const start = Date.parse(dayStart(w.startsOn));
  const span = w.end - start;
  const [a, b, c] = ctx.rng.sample(w.teams, 3) as [Team, Team, Team];
  const hour = () => ctx.rng.int(9, 16) * 3_600_000;
  const joins = [0.04, 0.12, 0.2].map((f) => start + Math.floor((f * span) / DAY) * DAY + hour());
  const reason = ctx.rng.pick(REASONS);
  const alternative = ctx.rng.pick(ALTERNATIVES);
  await moveTeam(
    ctx,
    w.capability.id,
    a.id,
    [
      { to: 'trial', at: joins[0]! },
      ...(adopt ? [{ to: 'adopted' as const, at: joins[0]! + Math.floor(0.45 * span) }] : []),
    ],
    actorId,
  );
  await moveTeam(
    ctx,
    w.capability.id,
    b.id,
    [
      { to: 'trial', at: joins[1]! },
      ...(adopt ? [{ to: 'adopted' as const, at: joins[1]! + Math.floor(0.5 * span) }] : []),
    ],
    actorId,
  );
  await moveTeam(
    ctx,
    w.capability.id,
    c.id,
    [
      { to: 'trial', at: joins[2]! },
      {
        to: 'left',
        at: joins[2]! + Math.min(Math.floor(0.25 * span), 30 * DAY),
        reason,
        alternative,
      },
    ],
    actorId,
  );
}

/** The graduated beta: the most recent beta → GA in the decision log that leaves room for one. */
async function graduated(ctx: DemoContext, capabilities: Capability[]) {
  const candidates: Array<{ capability: Capability; gaAt: string }> = [];
  for (const capability of capabilities.filter((c) => c.stage === 'ga')) {
    const log = await listDecisions(ctx.db, { capabilityId: capability.id, limit: 100 });
    const ga = log.items.find((d) => d.kind === 'stage.changed' && d.summary.endsWith('beta → ga'));
    if (ga && ga.at < dayStart(ctx.today)) candidates.push({ capability, gaAt: ga.at });
  }
  candidates.sort(
    (a, b) => b.gaAt.localeCompare(a.gaAt) || a.capability.slug.localeCompare(b.capability.slug),
  );
  for (const { capability, gaAt } of candidates) {
    const w = await windowFor(ctx, capability, Date.parse(gaAt), ctx.rng.int(84, 98), true);
    if (w) return { w, gaAt };
  }
  return null;
}

/** The iterating beta: a capability still in beta whose history leaves the longest window. */
async function iterating(ctx: DemoContext, capabilities: Capability[]) {
  const end = Date.parse(dayStart(ctx.today));
  const days = ctx.rng.int(63, 77);
  let best: Window | null = null;
  for (const capability of capabilities.filter((c) => c.stage === 'beta')) {
    const w = await windowFor(ctx, capability, end, days, false);
    if (w && (!best || w.startsOn < best.startsOn)) best = w;
  }
  return best;
}

/** Beta programs: one graduated, one iterating. */
export const betasPart: DemoPart = {
  name: 'betas',
  async run(ctx) {
    const capabilities = [...(ctx.produced.capabilities ?? (await listCapabilities(ctx.db)))].sort(
      (a, b) => a.slug.localeCompare(b.slug),
    );
    const platform = await platformUser(ctx);
    const { criteria } = normalizeCriteria(CRITERIA);
    ctx.progress('Writing two beta programs: one graduated, one iterating…');

    const done = await graduated(ctx, capabilities);
    if (done) {
      const { w, gaAt } = done;
      await volunteer(ctx, w, true, null);
      const beta = await insertBeta(ctx.db, {
        capabilityId: w.capability.id,
        targetTeams: BETA_DEFAULTS.targetTeams,
        startsOn: w.startsOn,
        reviewOn: gaAt.slice(0, 10),
        category: BETA_DEFAULTS.category,
        notes: `Is ${w.capability.name} ready for every team? Three volunteer teams use it in their daily work first.`,
        criteria,
        createdBy: platform.id,
        at: at(Date.parse(dayStart(w.startsOn)) - 2 * DAY + 10 * 3_600_000),
      });
      const { evaluation } = await evaluateBeta(betaReader(ctx.db, new Date(gaAt)), beta);
      await writeReview(ctx.db, {
        beta,
        capability: w.capability,
        outcome: 'graduate',
        rationale:
          'Two of the three volunteer teams kept it past six weeks and adopted it. The problems still open are known and on the roadmap, and the team that left told us why. Ready for everyone.',
        nextReviewOn: null,
        criteriaResult: evaluation,
        decider: platform,
        at: gaAt,
      });
    }

    const w = await iterating(ctx, capabilities);
    if (w) {
      await volunteer(ctx, w, false, null);
      const start = Date.parse(dayStart(w.startsOn));
      const reviewedAt = start + Math.floor((0.85 * (w.end - start)) / DAY) * DAY + 14 * 3_600_000;
      const beta = await insertBeta(ctx.db, {
        capabilityId: w.capability.id,
        targetTeams: BETA_DEFAULTS.targetTeams,
        startsOn: w.startsOn,
        reviewOn: day(reviewedAt),
        category: BETA_DEFAULTS.category,
        notes: `Does ${w.capability.name} fit how teams work before we offer it to everyone?`,
        criteria,
        createdBy: platform.id,
        at: at(start - DAY + 11 * 3_600_000),
      });
      const { evaluation } = await evaluateBeta(betaReader(ctx.db, new Date(reviewedAt)), beta);
      await writeReview(ctx.db, {
        beta,
        capability: w.capability,
        outcome: 'iterate',
        rationale:
          'One of the three volunteer teams left within weeks, for a reason we can fix. Keep it in beta, fix that, and look again with the teams that stayed.',
        nextReviewOn: addDays(ctx.today, ctx.rng.int(21, 42)),
        criteriaResult: evaluation,
        decider: platform,
        at: at(reviewedAt),
      });
    }
  },
};
