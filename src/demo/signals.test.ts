import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { buildTeam, seedOrg } from '../../test/factories.ts';
import type { Capability } from '../capabilities/model.ts';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import { setSetting } from '../core/settings.ts';
import { kaplanMeier, survivalMedian } from '../core/survival.ts';
import { deliveryFigures } from '../signals/figures-delivery.ts';
import { observe } from '../signals/figures-onboarding.ts';
import { addCapability, adopt } from '../signals/figures-testing.ts';
import { valueFigures } from '../signals/figures-value.ts';
import { valueOutcomes } from '../signals/value-outcomes.ts';
import { accountsPart } from './accounts.ts';
import { capabilitiesPart } from './capabilities.ts';
import { orgPart, runDemo } from './generator.ts';
import { createRandom } from './random.ts';
import { PLANTED_ON, signalsPart, writeSignals } from './signals.ts';
import { PLANTED, planSignals, teamProfiles } from './signals-plan.ts';

const TODAY = '2026-11-01';
const NOW = new Date(`${TODAY}T00:00:00Z`);
const PARTS = [orgPart, accountsPart, capabilitiesPart, signalsPart];

async function capability(handle: TestDb, slug: string): Promise<Capability> {
  return (await getCapabilityBySlug(handle.db, slug))!;
}

/** Hires' days to first deploy, split by whether they started before the onboarding capability's GA. */
async function firstDeployBySide(handle: TestDb) {
  const portal = await capability(handle, PLANTED_ON.onboarding);
  const ga = await handle.db
    .selectFrom('decisions')
    .select('at')
    .where('capability_id', '=', portal.id)
    .where('summary', 'like', '%→ ga')
    .executeTakeFirstOrThrow();
  const people = await handle.db
    .selectFrom('people as p')
    .leftJoin('signal_person_milestones as m', (j) =>
      j.onRef('m.person_id', '=', 'p.id').on('m.milestone', '=', 'first_deploy'),
    )
    .select(['p.id', 'p.start_date', 'p.inactive_since', 'm.first_at'])
    .where('p.start_date', '>=', '2024-11-01')
    .execute();
  const side = (after: boolean) =>
    kaplanMeier(
      people
        .filter((p) => p.start_date! >= ga.at.slice(0, 10) === after)
        .map((p) =>
          observe(
            {
              id: p.id,
              startDate: p.start_date!,
              inactiveSince: p.inactive_since,
              reachedAt: p.first_at ? { first_deploy: p.first_at } : {},
            },
            'first_deploy',
            NOW.toISOString(),
          ),
        ),
    );
  return { before: side(false), after: side(true), ga: ga.at };
}

describeEngines('signals demo', (db) => {
  it('plants three effects in the small demo and the figures find each within its interval', async () => {
    await runDemo(db(), { size: 'small', seed: 42, today: TODAY }, PARTS);

    // The "faster" deploy tool: about +3 minutes a deploy. Six teams: a plain before/after.
    const tool = await valueFigures(db().db, await capability(db(), PLANTED_ON.fasterTool), {
      now: NOW,
    });
    expect(tool.outcome?.outcome).toBe('deploy-duration');
    const t = tool.estimate!;
    expect(t.causal).toBe(false);
    expect(t.interval!.low).toBeLessThan(PLANTED.extraDeployMinutes);
    expect(t.interval!.high).toBeGreaterThan(PLANTED.extraDeployMinutes);
    expect(tool.perWeek!.hours).toBeGreaterThan(0);

    // The deploy pipeline: lead time about 20% shorter than where the teams started.
    const pipeline = await valueFigures(db().db, await capability(db(), PLANTED_ON.leadTimeCut), {
      now: NOW,
    });
    expect(pipeline.outcome?.outcome).toBe('lead-time');
    const p = pipeline.estimate!;
    const cut = PLANTED.leadTimeFactor - 1;
    expect(p.interval!.low / p.baseline!).toBeLessThan(cut);
    expect(p.interval!.high / p.baseline!).toBeGreaterThan(cut);

    // The onboarding capability: about three weeks to a first deploy before it shipped, four days after.
    const { before, after } = await firstDeployBySide(db());
    expect(before.n).toBeGreaterThanOrEqual(10);
    expect(after.n).toBeGreaterThanOrEqual(5);
    expect(survivalMedian(before)).toBeGreaterThan(14);
    expect(survivalMedian(before)).toBeLessThan(28);
    expect(survivalMedian(after)).toBeGreaterThan(2);
    expect(survivalMedian(after)).toBeLessThan(7);

    // And delivery has something to show for every team.
    const delivery = await deliveryFigures(db().db, { days: 90, end: TODAY });
    expect(delivery.teams.length).toBeGreaterThanOrEqual(6);
    expect(delivery.bands.none).toBe(0);
    expect(delivery.overall.changeFailure.numerator).toBeGreaterThan(0);
  });

  it('with enough teams on both sides, the estimates are causal and hold the planted effects', async () => {
    // Thirty teams: a third never adopt, the rest adopt one of the capabilities in months 3–20.
    const teams = Array.from({ length: 30 }, (_, i) => buildTeam({ name: `Team ${i + 1}` }));
    await seedOrg(db().db, { teams, people: [], services: [] });
    const rows = await db().db.selectFrom('teams').select(['id', 'slug']).orderBy('slug').execute();
    const tool = await addCapability(db(), 'faster-tool');
    const pipeline = await addCapability(db(), 'pipeline');
    const rng = createRandom(7, 'staggered');
    const start = Date.parse(`${TODAY}T00:00:00Z`) - 730 * 86_400_000;
    const firstAdopted = new Map<string, Map<string, string>>([
      [tool.id, new Map()],
      [pipeline.id, new Map()],
    ]);
    for (const [i, team] of rows.entries()) {
      for (const cap of [tool, pipeline]) {
        if ((i + (cap === tool ? 0 : 1)) % 3 === 0) continue;
        const at = new Date(start + rng.int(90, 600) * 86_400_000).toISOString();
        await adopt(db(), cap.id, team.id, [{ to: 'adopted', at }]);
        firstAdopted.get(cap.id)!.set(team.id, at);
      }
    }
    const input = (cap: Capability) => ({
      id: cap.id,
      slug: cap.slug,
      firstAdopted: firstAdopted.get(cap.id)!,
    });
    await writeSignals(
      db().db,
      createRandom(7, 'signals'),
      {
        today: TODAY,
        teams: rows,
        people: [],
        capabilities: [input(tool), input(pipeline)],
        fasterTool: input(tool),
        leadTimeCut: input(pipeline),
        onboardingShipsAt: null,
      },
      // A large organisation's rates, scaled down to about one deploy a working day per team.
      { large: true, scale: 0.17 },
    );
    await setSetting(db().db, valueOutcomes, {
      [tool.id]: { outcome: 'deploy-duration', chosenAt: '2024-11-01T00:00:00Z', chosenBy: null },
      [pipeline.id]: { outcome: 'lead-time', chosenAt: '2024-11-01T00:00:00Z', chosenBy: null },
    });

    const t = (await valueFigures(db().db, tool, { now: NOW })).estimate!;
    expect(t.method).toBe('difference-in-differences');
    expect(t.adoptingTeams).toBeGreaterThanOrEqual(5);
    expect(t.comparisonTeams).toBeGreaterThanOrEqual(5);
    expect(t.interval!.low).toBeLessThan(PLANTED.extraDeployMinutes);
    expect(t.interval!.high).toBeGreaterThan(PLANTED.extraDeployMinutes);

    const p = (await valueFigures(db().db, pipeline, { now: NOW })).estimate!;
    expect(p.causal).toBe(true);
    const cut = PLANTED.leadTimeFactor - 1;
    expect(p.interval!.low / p.baseline!).toBeLessThan(cut);
    expect(p.interval!.high / p.baseline!).toBeGreaterThan(cut);
  });
});

it('sizes a large organisation for about two million deploys, and scales every team alike', () => {
  const teams = Array.from({ length: 852 }, (_, i) => ({ id: `t${i}`, slug: `team-${i}` }));
  const rate = (scale?: number) =>
    teamProfiles(createRandom(42, 'signals'), teams, true, scale).reduce((n, p) => n + p.rate, 0);
  // Two years hold about 522 working days.
  expect(rate() * 522).toBeGreaterThan(1_800_000);
  expect(rate() * 522).toBeLessThan(2_200_000);
  expect(rate(0.1)).toBeCloseTo(rate() * 0.1, 6);
  expect(rate(10)).toBeCloseTo(rate() * 10, 6);
  const small = teamProfiles(createRandom(42, 'signals'), teams.slice(0, 5), false);
  const scaled = teamProfiles(createRandom(42, 'signals'), teams.slice(0, 5), false, 10);
  expect(scaled.map((p) => p.rate)).toEqual(small.map((p) => p.rate * 10));
  expect(scaled.map((p) => p.baseLeadHours)).toEqual(small.map((p) => p.baseLeadHours));
});

it('plans the same events for the same seed, and others for another', () => {
  const teams = [
    { id: 't1', slug: 'alpha' },
    { id: 't2', slug: 'bravo' },
  ];
  const tool = {
    id: 'c1',
    slug: 'tool',
    firstAdopted: new Map([['t1', '2025-06-01T10:00:00.000Z']]),
  };
  const inputs = {
    today: TODAY,
    teams,
    people: [{ id: 'p1', ref: 'user:default/ada', startDate: '2026-09-14' }],
    capabilities: [tool],
    fasterTool: tool,
    leadTimeCut: null,
    onboardingShipsAt: '2026-09-02T10:00:00.000Z',
    sourceId: 's',
  };
  const plan = (seed: number) => {
    const rng = createRandom(seed, 'signals');
    return [...planSignals(rng, inputs, teamProfiles(rng, teams, false))].flat();
  };
  const first = plan(42);
  expect(first.length).toBeGreaterThan(500);
  expect(plan(42)).toEqual(first);
  expect(plan(43)).not.toEqual(first);
  // Every deploy of alpha after its adoption carries the tool; none before.
  for (const e of first) {
    if (e.type !== 'deploy' || e.teamId !== 't1') continue;
    expect(e.capabilityId === 'c1').toBe(e.finished >= '2025-06-01T10:00:00.000Z');
  }
  // Ada started after the onboarding capability shipped: her first deploy within days.
  const deploy = first.find((e) => e.type === 'milestone' && e.milestone === 'first_deploy');
  expect(deploy && deploy.type === 'milestone' && deploy.at < '2026-09-24').toBe(true);
});
