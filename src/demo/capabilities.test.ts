import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngines, engines, freshDatabase, type TestDb } from '../../test/engines.ts';
import {
  type AdoptionState,
  type Obligation,
  replay,
  transitionProblem,
} from '../capabilities/model.ts';
import { isEligible } from '../capabilities/service.ts';
import { ledgerStates, listCapabilities } from '../capabilities/store.ts';
import { accountsPart } from './accounts.ts';
import { capabilitiesPart } from './capabilities.ts';
import { planCapabilities } from './capability-history.ts';
import { generateOrg, orgPart, runDemo } from './generator.ts';
import { createRandom } from './random.ts';

const TODAY = '2026-11-01';
const MIDNIGHT = `${TODAY}T00:00:00.000Z`;

interface EventRow {
  slug: string;
  obligation: Obligation;
  team: string;
  seq: number;
  from: AdoptionState;
  to: AdoptionState;
  reason: string | null;
  alternative: string | null;
  exceptionId: string | null;
  at: string;
}

/** Every adoption event with its capability's slug and team's ref, in ledger order. */
async function events(handle: TestDb): Promise<EventRow[]> {
  const rows = await handle.db
    .selectFrom('adoption_events as e')
    .innerJoin('capabilities as c', 'c.id', 'e.capability_id')
    .innerJoin('teams as t', 't.id', 'e.team_id')
    .select([
      'c.slug',
      'c.obligation',
      't.ref',
      'e.seq',
      'e.from_state',
      'e.to_state',
      'e.reason',
      'e.alternative',
      'e.exception_id',
      'e.at',
    ])
    .orderBy('c.slug')
    .orderBy('t.ref')
    .orderBy('e.seq')
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    obligation: r.obligation as Obligation,
    team: r.ref,
    seq: Number(r.seq),
    from: r.from_state as AdoptionState,
    to: r.to_state as AdoptionState,
    reason: r.reason,
    alternative: r.alternative,
    exceptionId: r.exception_id,
    at: r.at,
  }));
}

function byLedger<T extends { slug: string; team: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows)
    out.set(`${r.slug} ${r.team}`, [...(out.get(`${r.slug} ${r.team}`) ?? []), r]);
  return out;
}

/** Replays each ledger: seq 1..n, each event from the previous one's state, each step legal. */
function expectLegalLedgers(rows: readonly EventRow[]): void {
  for (const [key, ledger] of byLedger([...rows])) {
    let state: AdoptionState = 'none';
    let at = '';
    ledger.forEach((e, i) => {
      const where = `${key} #${e.seq}`;
      expect(e.seq, where).toBe(i + 1);
      expect(e.from, where).toBe(state);
      expect(
        transitionProblem({
          from: e.from,
          to: e.to,
          obligation: e.obligation,
          viaException: e.exceptionId !== null,
          reason: e.reason,
          alternative: e.alternative,
        }),
        where,
      ).toBeNull();
      expect(e.at > at, `${where} comes after the one before`).toBe(true);
      state = e.to;
      at = e.at;
    });
    expect(replay(ledger)).toBe(state);
  }
}

// One demo per engine for the tests that only read it.
describe.each(engines)('capabilities demo [%s]', (engine) => {
  let handle: TestDb | undefined;
  const db = (): TestDb => {
    if (!handle) throw new Error('the demo did not run (see the beforeAll error above)');
    return handle;
  };
  beforeAll(async () => {
    handle = await freshDatabase(engine);
    await runDemo(handle, { size: 'small', seed: 42, today: TODAY });
  }, 180_000);
  afterAll(async () => {
    await handle?.close();
  });

  it('writes ~12 capabilities with mandates for the mandatory ones, owned by platform teams', async () => {
    const capabilities = await listCapabilities(db().db);
    expect(capabilities).toHaveLength(12);
    expect(new Set(capabilities.map((c) => c.stage))).toEqual(
      new Set(['idea', 'beta', 'ga', 'deprecated']),
    );
    const mandatory = capabilities.filter((c) => c.obligation === 'mandatory');
    expect(mandatory.length).toBeGreaterThanOrEqual(3);
    const mandates = await db().db.selectFrom('mandates').selectAll().execute();
    expect(new Set(mandates.map((m) => m.capability_id))).toEqual(
      new Set(mandatory.map((c) => c.id)),
    );
    // Review dates over the next year, a couple of them due soon.
    const soon = '2026-12-01';
    for (const m of mandates) expect(m.review_on > TODAY && m.review_on <= '2027-11-01').toBe(true);
    expect(mandates.filter((m) => m.review_on <= soon).length).toBeGreaterThanOrEqual(1);
    const deploy = capabilities.find((c) => c.slug === 'deploy-pipeline')!;
    expect(mandates.find((m) => m.capability_id === deploy.id)).toMatchObject({
      category: 'compliance',
      reason: expect.stringContaining('SOC 2 change management'),
      mitigation: expect.any(String),
    });
    // Mandates are recorded by the demo account that decides their category.
    const users = await db().db.selectFrom('users').select(['id', 'role']).execute();
    const roleOf = new Map(users.map((u) => [u.id, u.role]));
    const deciders = await db().db.selectFrom('decision_categories').selectAll().execute();
    const deciderOf = new Map(deciders.map((d) => [d.key, d.decider_role]));
    for (const m of mandates)
      expect(roleOf.get(m.recorded_by ?? '')).toBe(deciderOf.get(m.category));

    const teams = await db().db.selectFrom('teams').select(['id', 'ref', 'parent_id']).execute();
    const platform = teams.find((t) => t.ref === 'group:default/platform')!;
    for (const c of capabilities) {
      expect(teams.find((t) => t.id === c.ownerTeamId)?.parent_id).toBe(platform.id);
      expect(c.docsUrl).toMatch(/^https:\/\/docs\.acme\.example\//);
      expect(c.createdAt < MIDNIGHT).toBe(true);
    }
  });

  it('gives most teams two years of legal adoption history, ending before today', async () => {
    const rows = await events(db());
    expectLegalLedgers(rows);
    for (const e of rows) expect(e.at < MIDNIGHT && e.at >= '2024-11-01', e.at).toBe(true);

    const teams = await db().db.selectFrom('teams').select(['id', 'ref', 'parent_id']).execute();
    const parents = new Set(teams.map((t) => t.parent_id));
    const leaves = teams.filter((t) => !parents.has(t.id));
    const withEvents = new Set(rows.map((e) => e.team));
    expect(leaves.filter((t) => withEvents.has(t.ref)).length / leaves.length).toBeGreaterThan(0.8);

    // Trials, adoptions, leaving with reasons and alternatives, declining, coming back.
    const moves = new Set(rows.map((e) => `${e.from}→${e.to}`));
    for (const move of ['none→trial', 'trial→adopted', 'adopted→left', 'none→opted-out']) {
      expect(moves).toContain(move);
    }
    expect([...moves].some((m) => m.startsWith('left→') || m.startsWith('opted-out→'))).toBe(true);
    for (const e of rows.filter((x) => x.to === 'left' || x.to === 'opted-out')) {
      expect(e.reason).toBeTruthy();
      expect(e.alternative).toBeTruthy();
    }
    // Mandatory capabilities are mostly adopted; ideas have no history.
    const capabilities = await listCapabilities(db().db);
    const idea = capabilities.find((c) => c.stage === 'idea')!;
    expect(rows.filter((e) => e.slug === idea.slug)).toEqual([]);
    const mandatory = capabilities.filter((x) => x.obligation === 'mandatory');
    let adopted = 0;
    for (const c of mandatory) {
      const states = await ledgerStates(db().db, { capabilityId: c.id });
      adopted += states.filter((s) => s.state === 'adopted').length;
    }
    expect(adopted / (mandatory.length * leaves.length)).toBeGreaterThanOrEqual(0.6);
    // Events only for teams the capability is offered to; the store's state is the replay.
    for (const c of capabilities) {
      const ledger = byLedger(rows.filter((e) => e.slug === c.slug));
      const states = await ledgerStates(db().db, { capabilityId: c.id });
      expect(states).toHaveLength(ledger.size);
      for (const s of states) {
        const ref = teams.find((t) => t.id === s.teamId)!.ref;
        expect(s.state).toBe(replay(ledger.get(`${c.slug} ${ref}`) ?? []));
        expect(await isEligible(db().db, c, s.teamId)).toBe(true);
      }
    }
  });

  it('holds exceptions in every state, with matching exemptions and decisions', async () => {
    const exceptions = await db().db.selectFrom('exceptions').selectAll().execute();
    const statuses = new Set(exceptions.map((x) => x.status));
    for (const s of ['pending', 'approved', 'denied', 'escalated', 'expired']) {
      expect(statuses).toContain(s);
    }
    const rows = await db()
      .db.selectFrom('adoption_events')
      .select(['team_id', 'capability_id', 'seq', 'from_state', 'to_state', 'exception_id', 'at'])
      .execute();
    const decisions = await db().db.selectFrom('decisions').selectAll().execute();
    const in30Days = '2026-12-01';
    const approved = exceptions.filter((x) => x.status === 'approved');
    expect(approved.some((x) => (x.expires_on ?? '') <= in30Days)).toBe(true);
    for (const x of exceptions) {
      const own = rows.filter((e) => e.exception_id === x.id).map((e) => e.to_state);
      expect(x.created_at < MIDNIGHT).toBe(true);
      if (x.status === 'approved') {
        expect(x.expires_on! > TODAY).toBe(true);
        expect(own).toEqual(['exempt']);
        // The exemption is written with the approval, at the same time.
        expect(rows.find((e) => e.exception_id === x.id)!.at).toBe(x.decided_at);
        const ledger = rows.filter(
          (e) => e.team_id === x.team_id && e.capability_id === x.capability_id,
        );
        expect(ledger.sort((a, b) => Number(b.seq) - Number(a.seq))[0]!.to_state).toBe('exempt');
      } else if (x.status === 'expired' || x.status === 'revoked') {
        expect(own).toEqual(['exempt', 'none']);
      } else {
        expect(own).toEqual([]);
      }
      if (x.status === 'expired') expect(x.expires_on! < TODAY).toBe(true);
      const decided = decisions.filter((d) => d.subject_id === x.id);
      if (x.status === 'pending') {
        expect(x.decided_at).toBeNull();
        expect(decided).toEqual([]);
      } else {
        expect(x.decided_at! > x.created_at).toBe(true);
        expect(decided.map((d) => d.kind)).toContain('exception.decided');
        expect(decided.every((d) => d.category === x.category && d.rationale)).toBe(true);
      }
    }
    // The decision log also holds the mandates and the stage changes.
    const kinds = new Set(decisions.map((d) => d.kind));
    for (const k of ['mandate.recorded', 'stage.changed', 'exception.decided']) {
      expect(kinds).toContain(k);
    }
    const mandates = await db().db.selectFrom('mandates').select('capability_id').execute();
    for (const m of mandates) {
      expect(
        decisions.some((d) => d.kind === 'mandate.recorded' && d.capability_id === m.capability_id),
      ).toBe(true);
    }
  });
});

/** The parts the capabilities' history comes from (later parts only add to it). */
const PARTS = [orgPart, accountsPart, capabilitiesPart];

describeEngines('capabilities demo, seeded', (db) => {
  it('gives the same history for the same seed, and another for another seed', async () => {
    const projection = async () =>
      (await events(db())).map((e) => [e.slug, e.team, e.seq, e.to, e.at].join(' '));
    await runDemo(db(), { size: 'small', seed: 42, today: TODAY }, PARTS);
    const first = await projection();
    await runDemo(db(), { size: 'small', seed: 42, today: TODAY, reset: true }, PARTS);
    expect(await projection()).toEqual(first);
    await runDemo(db(), { size: 'small', seed: 7, today: TODAY, reset: true }, PARTS);
    expect(await projection()).not.toEqual(first);
  });
});

describe('planCapabilities (large)', () => {
  it('plans ~60 capabilities over ~1,000 teams with legal ledgers and every exception state', () => {
    const org = generateOrg(createRandom(42, 'org'), 'large', TODAY);
    const teams = org.teams.map((t) => ({ id: t.ref, ref: t.ref, parentId: t.parentRef ?? null }));
    const leader = { id: 'leader', name: 'Leader' };
    const platform = { id: 'platform', name: 'Platform' };
    const plan = planCapabilities(
      createRandom(42, 'capabilities'),
      'large',
      TODAY,
      teams,
      { leader, platform, developer: null, developerTeamId: null },
      { security: 'leader', compliance: 'leader', cost: 'leader', reliability: 'platform' },
    );
    expect(plan.capabilities.length).toBeGreaterThanOrEqual(55);
    expect(plan.capabilities.length).toBeLessThanOrEqual(65);
    expect(new Set(plan.capabilities.map((c) => c.spec.slug)).size).toBe(plan.capabilities.length);
    expect(new Set(plan.capabilities.map((c) => c.spec.stage))).toEqual(
      new Set(['idea', 'beta', 'ga', 'deprecated', 'retired']),
    );
    const rows: EventRow[] = plan.events.map((e) => ({
      slug: plan.capabilities[e.capability]!.spec.slug,
      obligation: plan.capabilities[e.capability]!.spec.obligation,
      team: e.teamId,
      seq: e.seq,
      from: e.from,
      to: e.to,
      reason: e.reason,
      alternative: e.alternative,
      exceptionId: e.exception === null ? null : String(e.exception),
      at: e.at,
    }));
    expectLegalLedgers(rows);
    expect(rows.every((e) => e.at < MIDNIGHT)).toBe(true);
    expect(new Set(rows.map((e) => e.team)).size).toBeGreaterThan(800);
    const statuses = new Set(plan.exceptions.map((x) => x.status));
    for (const s of ['pending', 'approved', 'denied', 'escalated', 'expired', 'revoked']) {
      expect(statuses).toContain(s);
    }
    // A retired capability has no team left on it.
    for (const cap of plan.capabilities.filter((c) => c.spec.stage === 'retired')) {
      const ledgers = byLedger(rows.filter((e) => e.slug === cap.spec.slug));
      expect(ledgers.size).toBeGreaterThan(0);
      for (const ledger of ledgers.values()) {
        expect(['left', 'opted-out', 'none']).toContain(ledger.at(-1)!.to);
      }
    }
  });
});
