// The signals part of the demo: two years of events for the demo
// organisation, written through the ingest service (so every aggregate is
// the real one), and the outcome each planted capability's value is measured
// by. The plan and its planted effects are in signals-plan.ts.

import type { Db } from '../core/db/index.ts';
import { getSetting, setSetting } from '../core/settings.ts';
import { ingestResolved } from '../signals/service.ts';
import { ensureSource } from '../signals/store-sources.ts';
import type { OutcomeChoice } from '../signals/value-outcomes.ts';
import { valueOutcomes } from '../signals/value-outcomes.ts';
import type { DemoPart } from './generator.ts';
import { demoAccounts } from './model.ts';
import type { Random } from './random.ts';
import {
  planSignals,
  type SignalCapabilityInput,
  type SignalInputs,
  type TeamProfile,
  teamProfiles,
} from './signals-plan.ts';

/** The capabilities the effects are planted on, by slug. */
export const PLANTED_ON = {
  fasterTool: 'ci-runners',
  leadTimeCut: 'deploy-pipeline',
  onboarding: 'developer-portal',
} as const;

/** Events per ingest call: one transaction's batch. */
const CHUNK = 5000;

/** Each active team's first move to `adopted`, per capability id. */
async function firstAdoptions(db: Db): Promise<Map<string, Map<string, string>>> {
  const rows = await db
    .selectFrom('adoption_events')
    .where('to_state', '=', 'adopted')
    .groupBy(['capability_id', 'team_id'])
    .select((eb) => ['capability_id', 'team_id', eb.fn.min('at').as('first_at')])
    .execute();
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const teams = out.get(r.capability_id) ?? new Map<string, string>();
    teams.set(r.team_id, String(r.first_at));
    out.set(r.capability_id, teams);
  }
  return out;
}

/** When a capability reached GA, from its stage decision. */
async function gaAt(db: Db, capabilityId: string): Promise<string | null> {
  const row = await db
    .selectFrom('decisions')
    .select('at')
    .where('capability_id', '=', capabilityId)
    .where('kind', '=', 'stage.changed')
    .where('summary', 'like', '%→ ga')
    .orderBy('at')
    .executeTakeFirst();
  return row?.at ?? null;
}

export interface WrittenSignals {
  events: number;
  profiles: TeamProfile[];
}

/**
 * Writes the plan through the ingest service in chunks and returns the team
 * profiles (the truth the tests compare the figures with).
 */
export async function writeSignals(
  db: Db,
  rng: Random,
  inputs: Omit<SignalInputs, 'sourceId'>,
  opts: { large: boolean; scale?: number; progress?: (message: string) => void },
): Promise<WrittenSignals> {
  const source = await ensureSource(db, {
    name: 'demo-pipelines',
    kind: 'token',
    description: 'The demo organisation’s CI, incident tooling and onboarding checklist.',
  });
  const profiles = teamProfiles(rng, inputs.teams, opts.large, opts.scale);
  let events = 0;
  let pending: Parameters<typeof ingestResolved>[2][number][] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await ingestResolved(db, source.id, pending, { via: 'demo' });
    events += pending.length;
    pending = [];
  };
  const plan = { usageEveryMonths: opts.large ? 3 : 1, ...inputs, sourceId: source.id };
  for (const month of planSignals(rng, plan, profiles)) {
    pending.push(...month);
    if (pending.length >= CHUNK) {
      const before = events;
      await flush();
      // A line per 100,000 events: the large demo writes about two million.
      if (Math.floor(events / 100_000) > Math.floor(before / 100_000)) {
        opts.progress?.(`  ${events.toLocaleString('en')} events…`);
      }
    }
  }
  await flush();
  return { events, profiles };
}

/**
 * Two years of deploys, incidents, unplanned work, usage and onboarding
 * milestones for the demo's teams and people, with the three planted effects;
 * and the outcome of each planted capability's value figure, chosen by the
 * platform account before the history starts.
 */
export const signalsPart: DemoPart = {
  name: 'signals',
  async run(ctx) {
    const capabilities = ctx.produced.capabilities ?? [];
    const adoptions = await firstAdoptions(ctx.db);
    const inputOf = (id: string, slug: string): SignalCapabilityInput => ({
      id,
      slug,
      firstAdopted: adoptions.get(id) ?? new Map(),
    });
    const bySlug = new Map(capabilities.map((c) => [c.slug, inputOf(c.id, c.slug)]));
    const parents = new Set(ctx.produced.org.teams.map((t) => t.parentId));
    const teams = ctx.produced.org.teams
      .filter((t) => !parents.has(t.id) && !t.inactiveSince)
      .map((t) => ({ id: t.id, slug: t.slug }));
    const onboarding = bySlug.get(PLANTED_ON.onboarding);
    ctx.progress('Planning two years of deploys, incidents and onboarding milestones…');
    await writeSignals(
      ctx.db,
      ctx.rng,
      {
        today: ctx.today,
        teams,
        people: ctx.produced.org.people.map((p) => ({
          id: p.id,
          ref: p.ref,
          startDate: p.startDate,
        })),
        capabilities: [...bySlug.values()],
        fasterTool: bySlug.get(PLANTED_ON.fasterTool) ?? null,
        leadTimeCut: bySlug.get(PLANTED_ON.leadTimeCut) ?? null,
        onboardingShipsAt: onboarding ? await gaAt(ctx.db, onboarding.id) : null,
      },
      { large: ctx.size === 'large', scale: ctx.scale, progress: ctx.progress },
    );

    // The outcomes, fixed by the platform account the day the history starts.
    const platform = (await getSetting(ctx.db, demoAccounts)).find((a) => a.role === 'platform');
    const chosenAt = new Date(Date.parse(`${ctx.today}T00:00:00Z`) - 730 * 86_400_000)
      .toISOString()
      .replace('T00:00:00.000Z', 'T10:00:00.000Z');
    const choose = (slug: string, outcome: OutcomeChoice['outcome']) => {
      const capability = capabilities.find((c) => c.slug === slug);
      return capability
        ? [[capability.id, { outcome, chosenAt, chosenBy: platform?.name ?? null }] as const]
        : [];
    };
    await setSetting(ctx.db, valueOutcomes, {
      ...(await getSetting(ctx.db, valueOutcomes)),
      ...Object.fromEntries([
        ...choose(PLANTED_ON.fasterTool, 'deploy-duration'),
        ...choose(PLANTED_ON.leadTimeCut, 'lead-time'),
      ]),
    });
  },
};
