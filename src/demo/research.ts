// The research part of the demo: a dozen research notes (interviews,
// shadowing, usability tests) over the last year with friction points that
// recur across notes, some already filed as feedback or on the roadmap; and a
// year of weekly office hours with the topics teams brought.
//
// Participants are described by team and persona tags only, never named.

import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { getSetting } from '../core/settings.ts';
import type { Outcome } from '../research/model.ts';
import { addLink, insertFriction, insertNote } from '../research/store.ts';
import { insertSession, setTopics } from '../research/store-office-hours.ts';
import type { DemoContext, DemoPart } from './generator.ts';
import { type DemoSize, demoAccounts } from './model.ts';
import { PLATFORM_TEAM_REF } from './org.ts';
import type { Random } from './random.ts';
import { TOPICS, WORKFLOWS } from './research-texts.ts';

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface PlannedFriction {
  step: string;
  capability: string | null;
  severity: 1 | 2 | 3;
  minutesLost: number | null;
  quote: string | null;
}

export interface PlannedNote {
  kind: 'interview' | 'shadowing' | 'usability-test';
  heldOn: string;
  team: number | null;
  personas: string[];
  workflow: string;
  steps: string[];
  summary: string;
  frictions: PlannedFriction[];
}

export interface PlannedTopic {
  team: number | null;
  capability: string | null;
  problem: string;
  outcome: Outcome;
}

export interface PlannedSession {
  heldOn: string;
  hosts: string;
  notes: string | null;
  topics: PlannedTopic[];
}

export interface ResearchPlan {
  notes: PlannedNote[];
  sessions: PlannedSession[];
}

/** Persona tags for one participant: level, way of working, and now and then access needs. */
function personas(rng: Random): string[] {
  const tags: string[] = [];
  const level = rng.weighted([
    ['junior', 4],
    ['senior', 4],
    [null, 2],
  ] as const);
  if (level) tags.push(level);
  if (rng.chance(level === 'junior' ? 0.5 : 0.05)) tags.push('new-joiner');
  const style = rng.weighted([
    ['cli-first', 45],
    ['gui-first', 35],
    [null, 20],
  ] as const);
  if (style) tags.push(style);
  if (rng.chance(0.08)) tags.push('screen-reader');
  if (rng.chance(0.08)) tags.push('keyboard-only');
  if (rng.chance(0.2)) tags.push('remote-vpn');
  return tags.sort();
}

function planNotes(rng: Random, size: DemoSize, end: number, teams: number): PlannedNote[] {
  const scale = size === 'large' ? 2 : 1;
  const kinds = rng.shuffle(
    (['interview', 'shadowing', 'usability-test'] as const).flatMap((k, i) =>
      Array.from({ length: [5, 4, 3][i]! * scale }, () => k),
    ),
  );
  const count = kinds.length;
  const notes: PlannedNote[] = [];
  for (const [i, kind] of kinds.entries()) {
    const spec = rng.weighted(WORKFLOWS.map((w) => [w, w.weight] as const));
    const frictions: PlannedFriction[] = [];
    for (const f of spec.frictions) {
      const hit = rng.chance(f.chance);
      const shift = rng.chance(0.2) ? rng.pick([-1, 1]) : 0;
      const minutes = Math.round(rng.int(f.minutes[0], f.minutes[1]) / 5) * 5;
      const withMinutes = rng.chance(0.85);
      const quote = rng.chance(0.7) ? rng.pick(f.quotes) : null;
      if (!hit) continue;
      frictions.push({
        step: f.step,
        capability: f.capability,
        severity: Math.min(3, Math.max(1, f.severity + shift)) as 1 | 2 | 3,
        minutesLost: withMinutes ? minutes : null,
        quote,
      });
    }
    if (frictions.length === 0) {
      const f = spec.frictions[0]!;
      frictions.push({
        step: f.step,
        capability: f.capability,
        severity: f.severity as 1 | 2 | 3,
        minutesLost: f.minutes[0],
        quote: f.quotes[0]!,
      });
    }
    // Spread over the last year, oldest first.
    const daysAgo = Math.round(((count - i - 1 + rng.next()) * 355) / count) + 3;
    notes.push({
      kind,
      heldOn: day(end - daysAgo * DAY),
      team: teams > 0 && rng.chance(0.8) ? rng.int(0, teams - 1) : null,
      personas: personas(rng),
      workflow: spec.workflow,
      steps: spec.steps,
      summary: rng.pick(spec.summaries),
      frictions,
    });
  }
  return notes;
}

/** A holiday week with no office hours (the last week of the year). */
const holiday = (iso: string) => iso.slice(5) >= '12-24' || iso.slice(5) <= '01-01';

function planSessions(
  rng: Random,
  size: DemoSize,
  end: number,
  teams: number,
  hosts: string[],
): PlannedSession[] {
  let tuesday = end;
  while (new Date(tuesday).getUTCDay() !== 2) tuesday -= DAY;
  const counts: [number, number][] =
    size === 'large'
      ? [0, 1, 2, 3, 4, 5, 6, 7].map((n) => [n, [1, 2, 4, 4, 3, 2, 1, 1][n]!])
      : [0, 1, 2, 3, 4, 5].map((n) => [n, [1, 3, 4, 4, 2, 1][n]!]);
  const sessions: PlannedSession[] = [];
  for (let w = 51; w >= 0; w--) {
    const heldOn = day(tuesday - w * 7 * DAY);
    const n = rng.weighted(counts);
    const topics: PlannedTopic[] = [];
    for (let t = 0; t < n; t++) {
      const spec = rng.weighted(TOPICS.map((s) => [s, s.weight] as const));
      const outcome = rng.weighted([
        ['solved', spec.outcomes[0]],
        ['feedback-filed', spec.outcomes[1]],
        ['docs-gap', spec.outcomes[2]],
      ] as const);
      topics.push({
        team: teams > 0 && rng.chance(0.9) ? rng.int(0, teams - 1) : null,
        capability: spec.capability,
        problem: rng.pick(spec.problems),
        outcome,
      });
    }
    const pair =
      hosts.length === 0
        ? 'The platform team'
        : hosts.length === 1
          ? hosts[0]!
          : `${hosts[w % hosts.length]}, ${hosts[(w + 1) % hosts.length]}`;
    if (holiday(heldOn)) continue;
    sessions.push({
      heldOn,
      hosts: pair,
      notes: n === 0 ? 'Nobody came; the room was booked for the hour.' : null,
      topics,
    });
  }
  return sessions;
}

/**
 * The research demo's content for a seed, without ids: notes with friction
 * points and a year of weekly office hours. Teams are indexes into the
 * caller's list, capabilities are slugs.
 */
export function planResearch(
  rng: Random,
  input: { size: DemoSize; today: string; teams: number; hosts: string[] },
): ResearchPlan {
  const end = Date.parse(`${input.today}T00:00:00.000Z`);
  return {
    notes: planNotes(rng, input.size, end, input.teams),
    sessions: planSessions(rng, input.size, end, input.teams, input.hosts),
  };
}

/** Teams whose people take part: product teams without sub-teams, not the platform's own. */
function productTeams(ctx: DemoContext): string[] {
  const { teams } = ctx.produced.org;
  const byId = new Map(teams.map((t) => [t.id, t]));
  const platform = teams.find((t) => t.ref === PLATFORM_TEAM_REF)?.id;
  const underPlatform = (id: string | null): boolean => {
    for (let at = id; at; at = byId.get(at)?.parentId ?? null) if (at === platform) return true;
    return false;
  };
  const parents = new Set(teams.map((t) => t.parentId));
  const leaves = teams
    .filter((t) => t.parentId && !parents.has(t.id) && !underPlatform(t.id) && !t.inactiveSince)
    .sort((a, b) => a.ref.localeCompare(b.ref));
  return leaves.map((t) => t.id);
}

/** The platform team's people, who host office hours. */
function hostNames(ctx: DemoContext): string[] {
  const { teams, people } = ctx.produced.org;
  const platform = new Set<string>();
  const root = teams.find((t) => t.ref === PLATFORM_TEAM_REF);
  if (root) platform.add(root.id);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of teams)
      if (t.parentId && platform.has(t.parentId) && !platform.has(t.id)) {
        platform.add(t.id);
        grew = true;
      }
  }
  return people
    .filter((p) => p.teamId && platform.has(p.teamId) && !p.inactiveSince)
    .sort((a, b) => a.ref.localeCompare(b.ref))
    .slice(0, 6)
    .map((p) => p.name);
}

/** Feedback problems or roadmap items about a capability, oldest first (a stable order for the seed). */
async function itemsAbout(db: Db, table: 'feedback_items' | 'roadmap_items', capabilityId: string) {
  if (table === 'feedback_items') {
    // Problems only: a friction point is filed as one.
    return db
      .selectFrom('feedback_items')
      .select(['id', 'created_at', 'title'])
      .where('capability_id', '=', capabilityId)
      .where('kind', '=', 'problem')
      .orderBy('created_at')
      .orderBy('title')
      .execute();
  }
  return db
    .selectFrom('roadmap_items')
    .select(['id', 'created_at', 'title'])
    .where('capability_id', '=', capabilityId)
    .orderBy('created_at')
    .orderBy('title')
    .execute();
}

export const researchPart: DemoPart = {
  name: 'research',
  async run(ctx) {
    const teams = productTeams(ctx);
    const plan = planResearch(ctx.rng, {
      size: ctx.size,
      today: ctx.today,
      teams: teams.length,
      hosts: hostNames(ctx),
    });
    const capabilities = new Map(
      (ctx.produced.capabilities ?? (await listCapabilities(ctx.db))).map((c) => [c.slug, c.id]),
    );
    const platformEmail = (await getSetting(ctx.db, demoAccounts))
      .find((a) => a.role === 'platform')
      ?.email.toLowerCase();
    const author = platformEmail
      ? ((
          await ctx.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', platformEmail)
            .executeTakeFirst()
        )?.id ?? null)
      : null;
    const capId = (slug: string | null) => (slug ? (capabilities.get(slug) ?? null) : null);
    const teamId = (i: number | null) => (i === null ? null : (teams[i] ?? null));

    for (const note of plan.notes) {
      const at = `${note.heldOn}T17:00:00.000Z`;
      const id = await insertNote(ctx.db, {
        kind: note.kind,
        heldOn: note.heldOn,
        teamId: teamId(note.team),
        personas: note.personas,
        workflow: note.workflow,
        steps: note.steps,
        summary: note.summary,
        createdBy: author,
        at,
      });
      for (const [position, f] of note.frictions.entries()) {
        const capabilityId = capId(f.capability);
        const frictionId = await insertFriction(ctx.db, id, position, { ...f, capabilityId });
        // The worst friction points were often filed as feedback or put on the roadmap since.
        const fileIt = ctx.rng.chance(f.severity === 3 ? 0.5 : 0.2);
        const roadmapIt = ctx.rng.chance(f.severity === 3 ? 0.3 : 0.1);
        const pick = ctx.rng.next();
        if (!capabilityId) continue;
        if (fileIt) {
          const items = (await itemsAbout(ctx.db, 'feedback_items', capabilityId)).filter(
            (r) => r.created_at <= at,
          );
          const item = items[Math.floor(pick * items.length)];
          if (item) await addLink(ctx.db, frictionId, { kind: 'feedback', id: item.id }, at);
        }
        if (roadmapIt) {
          const items = await itemsAbout(ctx.db, 'roadmap_items', capabilityId);
          const item = items[Math.floor(pick * items.length)];
          if (item) await addLink(ctx.db, frictionId, { kind: 'roadmap', id: item.id }, at);
        }
      }
    }
    ctx.progress(`research: ${plan.notes.length} notes`);

    const feedbackCache = new Map<string, { id: string; created_at: string }[]>();
    for (const s of plan.sessions) {
      const at = `${s.heldOn}T16:00:00.000Z`;
      const id = await insertSession(ctx.db, {
        heldOn: s.heldOn,
        hosts: s.hosts,
        notes: s.notes,
        createdBy: author,
        at,
      });
      const topics = [];
      for (const t of s.topics) {
        const capabilityId = capId(t.capability);
        let feedbackId: string | null = null;
        const linkIt = ctx.rng.chance(0.7);
        if (t.outcome === 'feedback-filed' && capabilityId && linkIt) {
          if (!feedbackCache.has(capabilityId))
            feedbackCache.set(
              capabilityId,
              await itemsAbout(ctx.db, 'feedback_items', capabilityId),
            );
          // The feedback filed that day or just before.
          const before = feedbackCache.get(capabilityId)!.filter((r) => r.created_at <= at);
          feedbackId = before.at(-1)?.id ?? null;
        }
        topics.push({
          teamId: teamId(t.team),
          capabilityId,
          problem: t.problem,
          outcome: t.outcome,
          feedbackId,
        });
      }
      await setTopics(ctx.db, id, topics);
    }
    ctx.progress(`research: ${plan.sessions.length} office-hours sessions`);
  },
};
