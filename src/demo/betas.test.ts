import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngines, freshDatabase, type TestDb } from '../../test/engines.ts';
import { type AdoptionState, transitionProblem } from '../capabilities/model.ts';
import { allEvents, getCapabilityById, listDecisions } from '../capabilities/store.ts';
import { betaDetail, listBetaSummaries } from '../insights/betas.ts';
import { listBetas, listReviews } from '../insights/betas-store.ts';
import { betasPart } from './betas.ts';
import { demoParts, runDemo } from './generator.ts';

const TODAY = '2026-11-01';
const NOW = new Date(`${TODAY}T12:00:00.000Z`);
/** Every part up to and including the betas. */
const PARTS = demoParts.slice(0, demoParts.indexOf(betasPart) + 1);

/** What the betas part wrote, without ids: enough to tell two runs apart. */
async function projection(handle: TestDb) {
  const teams = new Map(
    (await handle.db.selectFrom('teams').select(['id', 'ref']).execute()).map((t) => [t.id, t.ref]),
  );
  const out: unknown[] = [];
  for (const beta of await listBetas(handle.db)) {
    const capability = await getCapabilityById(handle.db, beta.capabilityId);
    const detail = await betaDetail(handle.db, beta.id, { now: NOW });
    out.push([
      capability!.slug,
      beta.status,
      beta.startsOn,
      beta.reviewOn,
      detail.moves.map((m) => [teams.get(m.teamId), m.to, m.at, m.reason, m.alternative]),
      (await listReviews(handle.db, { betaIds: [beta.id] })).map((r) => [
        r.outcome,
        r.decidedAt,
        r.nextReviewOn,
        r.criteriaResult.map((c) => c.verdict),
      ]),
    ]);
  }
  return out;
}

describeEngines('betas demo', (db) => {
  it('writes one graduated and one iterating beta, each with three volunteer teams and one that left', async () => {
    const { db: kysely } = db();
    await runDemo(db(), { size: 'small', seed: 42, today: TODAY }, PARTS);
    const betas = await listBetaSummaries(kysely, { now: NOW });
    expect(betas.map((b) => b.status).sort()).toEqual(['graduated', 'iterating']);

    for (const summary of betas) {
      const detail = await betaDetail(kysely, summary.id, { now: NOW });
      // Three teams joined with a trial in the beta's window; one left, saying why.
      expect(detail.teamList).toHaveLength(3);
      expect(detail.moves.filter((m) => m.to === 'trial')).toHaveLength(3);
      const left = detail.moves.filter((m) => m.to === 'left');
      expect(left).toHaveLength(1);
      expect(left[0]!.reason).toBeTruthy();
      expect(left[0]!.alternative).toBeTruthy();
      for (const t of detail.teamList)
        expect(t.joinedAt >= `${detail.startsOn}T00:00:00.000Z`).toBe(true);
      expect(detail.criteria.map((c) => c.kind)).toEqual(['csat', 'stay-rate', 'open-problems']);
      expect(detail.reviews).toHaveLength(1);
      expect(detail.reviews[0]!.rationale.length).toBeGreaterThan(20);
      expect(detail.reviews[0]!.decider).toBeTruthy();
    }

    const graduated = betas.find((b) => b.status === 'graduated')!;
    expect(graduated.capability.stage).toBe('ga');
    expect(graduated.reviews[0]!.outcome).toBe('graduate');
    // Two of three stayed (adopted) six weeks after joining: measured at graduation.
    expect(graduated.criteria[1]).toMatchObject({
      verdict: 'met',
      figures: { eligible: 3, stayed: 2 },
    });
    const log = await listDecisions(kysely, { capabilityId: graduated.capability.id, limit: 50 });
    expect(log.items.find((d) => d.kind === 'beta.graduated')).toMatchObject({
      rationale: graduated.reviews[0]!.rationale,
      category: 'developer-experience',
    });

    const iterating = betas.find((b) => b.status === 'iterating')!;
    expect(iterating.capability.stage).toBe('beta');
    expect(iterating.reviews[0]).toMatchObject({ outcome: 'iterate' });
    // The new review date is the program's, after the day the demo is made.
    expect(iterating.reviewOn).toBe(iterating.reviews[0]!.nextReviewOn);
    expect(iterating.reviewOn > TODAY).toBe(true);
    const iterated = await listDecisions(kysely, {
      capabilityId: iterating.capability.id,
      limit: 50,
    });
    expect(iterated.items.map((d) => d.kind)).toContain('beta.iterated');

    // Every ledger the part touched still replays legally, in time order, before today.
    for (const summary of betas) {
      const events = await allEvents(kysely, summary.capability.id);
      const byTeam = new Map<string, typeof events>();
      for (const e of events) byTeam.set(e.teamId, [...(byTeam.get(e.teamId) ?? []), e]);
      for (const ledger of byTeam.values()) {
        let state: AdoptionState = 'none';
        let at = '';
        ledger.forEach((e, i) => {
          expect(e.seq).toBe(i + 1);
          expect(e.from).toBe(state);
          expect(e.at > at).toBe(true);
          if (e.exceptionId === null) {
            expect(
              transitionProblem({
                from: e.from,
                to: e.to,
                obligation: 'optional',
                reason: e.reason,
                alternative: e.alternative,
              }),
            ).toBeNull();
          }
          state = e.to;
          at = e.at;
        });
      }
      for (const move of (await betaDetail(kysely, summary.id, { now: NOW })).moves) {
        expect(move.at < `${TODAY}T00:00:00.000Z`).toBe(true);
      }
    }
  }, 240_000);
});

describe('betas demo, seeded', () => {
  let a: TestDb;
  let b: TestDb;
  let c: TestDb;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      freshDatabase('sqlite'),
      freshDatabase('sqlite'),
      freshDatabase('sqlite'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('writes the same betas for the same seed, and others for another', async () => {
    await runDemo(a, { size: 'small', seed: 42, today: TODAY }, PARTS);
    await runDemo(b, { size: 'small', seed: 42, today: TODAY }, PARTS);
    await runDemo(c, { size: 'small', seed: 7, today: TODAY }, PARTS);
    const first = await projection(a);
    expect(first).toHaveLength(2);
    expect(await projection(b)).toEqual(first);
    expect(await projection(c)).not.toEqual(first);
  }, 240_000);
});
