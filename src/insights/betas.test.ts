import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { expectRefused } from '../capabilities/service-testing.ts';
import { getCapabilityBySlug, ledgerState, listDecisions } from '../capabilities/store.ts';
import { parsePeriod } from '../core/period.ts';
import {
  betaDetail,
  betasForReport,
  joinBeta,
  leaveBeta,
  listBetaSummaries,
  reviewBeta,
} from './betas.ts';
import { getBeta, listReviews } from './betas-store.ts';
import { backdatedMove, day, instant, seedBetas, startPreviewBeta } from './betas-testing.ts';

const FORBIDDEN = { status: 403 };
const CONFLICT = { status: 409 };

describeEngines('beta programs: starting one', (handle) => {
  it('starts only for a capability in stage beta, naming the field, and writes nothing otherwise', async () => {
    const seed = await seedBetas(handle());
    await expectRefused(seed.db, () => startPreviewBeta(seed, { capability: 'feature-flags' }), {
      status: 400,
      errors: [
        {
          path: 'capability',
          message: 'Feature flags is in stage ga; a beta program is only for a capability in beta.',
        },
      ],
    });
    expect(await countRows(seed.db, 'beta_programs')).toBe(0);
  });

  it('fills in the default target, category and criteria', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    expect(beta).toMatchObject({
      targetTeams: 3,
      category: 'developer-experience',
      status: 'running',
    });
    const stored = await getBeta(seed.db, beta.id);
    expect(stored!.criteria).toEqual([
      { kind: 'csat', threshold: 70, minN: 5, afterWeeks: null },
      { kind: 'stay-rate', threshold: 2 / 3, minN: null, afterWeeks: 6 },
      { kind: 'open-problems', threshold: null, minN: null, afterWeeks: null },
    ]);
  });

  it('allows one running or iterating beta per capability', async () => {
    const seed = await seedBetas(handle());
    await startPreviewBeta(seed);
    await expect(startPreviewBeta(seed, { reviewOn: day(90) })).rejects.toMatchObject(CONFLICT);
    // Two at once: one wins, the other is refused.
    await seed.db.deleteFrom('beta_programs').execute();
    const both = await Promise.allSettled([startPreviewBeta(seed), startPreviewBeta(seed)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await countRows(seed.db, 'beta_programs')).toBe(1);
  });

  it('refuses anyone but the platform team and admins', async () => {
    const seed = await seedBetas(handle());
    for (const ctx of [seed.people.ada, seed.people.leader]) {
      await expect(
        startPreviewBeta({ ...seed, people: { ...seed.people, barbara: ctx } }),
      ).rejects.toMatchObject(FORBIDDEN);
    }
  });

  it('names each bad field', async () => {
    const seed = await seedBetas(handle());
    await expect(
      startPreviewBeta(seed, {
        startsOn: '2026-02-30',
        reviewOn: 'soon',
        targetTeams: 0,
        category: 'nonsense',
        criteria: [{ kind: 'csat', threshold: 120 }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      errors: [
        { path: 'startsOn' },
        { path: 'reviewOn' },
        { path: 'targetTeams' },
        { path: 'criteria.0.threshold' },
        { path: 'category' },
      ],
    });
  });
});

describeEngines('beta programs: joining and leaving through the ledger', (handle) => {
  it('joins with a trial event and leaves with a left event and its reason', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    const joined = await joinBeta(seed.db, seed.people.ada, beta.id, {
      teamId: seed.teams.payments,
    });
    expect(joined).toMatchObject({
      from: 'none',
      to: 'trial',
      actorId: seed.people.ada.actor.userId,
    });
    await expect(
      joinBeta(seed.db, seed.people.ada, beta.id, { teamId: seed.teams.payments }),
    ).rejects.toMatchObject({
      status: 409,
      message: 'Payments is already in this beta; nothing changed.',
    });

    await expectRefused(
      seed.db,
      () =>
        leaveBeta(seed.db, seed.people.ada, beta.id, {
          teamId: seed.teams.payments,
          reason: 'too-slow',
          alternative: '',
        }),
      { status: 400, errors: [{ path: 'alternative' }] },
    );
    await expectRefused(
      seed.db,
      () =>
        leaveBeta(seed.db, seed.people.ada, beta.id, {
          teamId: seed.teams.payments,
          reason: 'bored',
          alternative: 'staging',
        }),
      { status: 400, errors: [{ path: 'reason' }] },
    );
    const left = await leaveBeta(seed.db, seed.people.ada, beta.id, {
      teamId: seed.teams.payments,
      reason: 'too-slow',
      reasonText: 'Twenty minutes per preview.',
      alternative: 'a shared staging environment',
    });
    expect(left).toMatchObject({ from: 'trial', to: 'left', reason: 'too-slow' });
    expect((await ledgerState(seed.db, seed.teams.payments, seed.capabilityId)).state).toBe('left');
    const detail = await betaDetail(seed.db, beta.id);
    expect(detail.teamList).toEqual([
      expect.objectContaining({
        team: expect.objectContaining({ slug: 'payments' }),
        state: 'left',
      }),
    ]);
    expect(detail.moves.map((m) => m.to)).toEqual(['left', 'trial']);
    // Leaving twice: the team is no longer in the beta.
    await expect(
      leaveBeta(seed.db, seed.people.ada, beta.id, {
        teamId: seed.teams.payments,
        reason: 'too-slow',
        alternative: 'staging',
      }),
    ).rejects.toMatchObject(CONFLICT);
  });

  it('refuses a member acting for another team, and a join before the start', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    await expectRefused(
      seed.db,
      () => joinBeta(seed.db, seed.people.alan, beta.id, { teamId: seed.teams.platform }),
      FORBIDDEN,
    );
    await seed.db.deleteFrom('beta_programs').execute();
    const later = await startPreviewBeta(seed, { startsOn: day(3) });
    await expectRefused(
      seed.db,
      () => joinBeta(seed.db, seed.people.alan, later.id, { teamId: seed.teams.checkout }),
      { status: 409, message: `This beta starts on ${day(3)}; your team can join from then.` },
    );
  });

  it('does not count a team that was trying it before the beta started', async () => {
    const seed = await seedBetas(handle());
    await backdatedMove(seed.db, seed.capabilityId, seed.teams.payments, 'trial', instant(-30));
    const beta = await startPreviewBeta(seed);
    await expectRefused(
      seed.db,
      () => joinBeta(seed.db, seed.people.ada, beta.id, { teamId: seed.teams.payments }),
      CONFLICT,
    );
    expect((await betaDetail(seed.db, beta.id)).teams).toBe(0);
  });
});

describeEngines('beta programs: the review', (handle) => {
  it('graduates: stage ga, status graduated, a review and a decision in the log, together', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    await joinBeta(seed.db, seed.people.ada, beta.id, { teamId: seed.teams.payments });
    const { review, decision } = await reviewBeta(seed.db, seed.people.barbara, beta.id, {
      outcome: 'graduate',
      rationale: 'Teams kept it and asked for more.',
    });
    expect((await getCapabilityBySlug(seed.db, 'preview-envs'))!.stage).toBe('ga');
    expect((await getBeta(seed.db, beta.id))!.status).toBe('graduated');
    expect(decision).toMatchObject({
      kind: 'beta.graduated',
      category: 'developer-experience',
      deciderName: 'Test platform',
      rationale: 'Teams kept it and asked for more.',
      summary: 'Preview environments graduates from beta: stage beta → ga',
      subjectType: 'beta',
      subjectId: beta.id,
    });
    expect(review).toMatchObject({ outcome: 'graduate', decisionId: decision.id });
    expect(review.criteriaResult.map((c) => [c.kind, c.verdict])).toEqual([
      ['csat', 'not-yet'],
      ['stay-rate', 'not-yet'],
      ['open-problems', 'met'],
    ]);
    const log = await listDecisions(seed.db, { capabilityId: seed.capabilityId, limit: 10 });
    expect(log.items.map((d) => d.kind)).toEqual(['beta.graduated']);
    // Graduated: nothing left to review, and no new volunteers.
    await expect(
      reviewBeta(seed.db, seed.people.barbara, beta.id, { outcome: 'graduate', rationale: 'x' }),
    ).rejects.toMatchObject(CONFLICT);
    await expect(
      joinBeta(seed.db, seed.people.alan, beta.id, { teamId: seed.teams.checkout }),
    ).rejects.toMatchObject(CONFLICT);
  });

  it('writes one decision when two reviews race', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    const results = await Promise.allSettled([
      reviewBeta(seed.db, seed.people.barbara, beta.id, { outcome: 'graduate', rationale: 'a' }),
      reviewBeta(seed.db, seed.people.admin, beta.id, {
        outcome: 'iterate',
        rationale: 'b',
        nextReviewOn: day(30),
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const log = await listDecisions(seed.db, { capabilityId: seed.capabilityId, limit: 10 });
    expect(log.items).toHaveLength(1);
    expect(await countRows(seed.db, 'beta_reviews')).toBe(1);
  });

  it('iterates with a new review date and keeps the capability in beta', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    await expect(
      reviewBeta(seed.db, seed.people.barbara, beta.id, { outcome: 'iterate', rationale: 'More' }),
    ).rejects.toMatchObject({ status: 400, errors: [{ path: 'nextReviewOn' }] });
    await reviewBeta(seed.db, seed.people.barbara, beta.id, {
      outcome: 'iterate',
      rationale: 'Only one team so far.',
      nextReviewOn: day(45),
    });
    expect(await getBeta(seed.db, beta.id)).toMatchObject({
      status: 'iterating',
      reviewOn: day(45),
    });
    expect((await getCapabilityBySlug(seed.db, 'preview-envs'))!.stage).toBe('beta');
    // Iterating is still under way: no second program, another review allowed.
    await expect(startPreviewBeta(seed)).rejects.toMatchObject(CONFLICT);
    await reviewBeta(seed.db, seed.people.barbara, beta.id, {
      outcome: 'graduate',
      rationale: 'Three teams now.',
    });
    expect((await listReviews(seed.db, { betaIds: [beta.id] })).map((r) => r.outcome)).toEqual([
      'iterate',
      'graduate',
    ]);
  });

  it('refuses anyone but the decider of the category, writing nothing', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed);
    for (const ctx of [seed.people.leader, seed.people.ada]) {
      await expectRefused(
        seed.db,
        () => reviewBeta(seed.db, ctx, beta.id, { outcome: 'graduate', rationale: 'Yes' }),
        FORBIDDEN,
      );
    }
    // A security beta is leadership's to decide.
    await seed.db.deleteFrom('beta_programs').execute();
    const security = await startPreviewBeta(seed, { category: 'security' });
    await expectRefused(
      seed.db,
      () =>
        reviewBeta(seed.db, seed.people.barbara, security.id, {
          outcome: 'graduate',
          rationale: 'Yes',
        }),
      FORBIDDEN,
    );
    await reviewBeta(seed.db, seed.people.leader, security.id, {
      outcome: 'graduate',
      rationale: 'Yes',
    });
    expect((await getCapabilityBySlug(seed.db, 'preview-envs'))!.stage).toBe('ga');
  });
});

describeEngines('beta programs: figures from the ledger and the report', (handle) => {
  it('measures the stay rate six weeks after each team joined', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed, { startsOn: day(-70) });
    const { capabilityId, teams, db } = seed;
    await backdatedMove(db, capabilityId, teams.payments, 'trial', instant(-65));
    await backdatedMove(db, capabilityId, teams.payments, 'adopted', instant(-40));
    await backdatedMove(db, capabilityId, teams.checkout, 'trial', instant(-60));
    await backdatedMove(db, capabilityId, teams.checkout, 'left', instant(-50));
    await backdatedMove(db, capabilityId, teams.platform, 'trial', instant(-50));
    // Joined ten days ago: not yet six weeks in.
    await backdatedMove(db, capabilityId, teams.engineering, 'trial', instant(-10));
    const [summary] = await listBetaSummaries(db);
    expect(summary).toMatchObject({ teams: 4, activeTeams: 3, targetTeams: 3 });
    expect(summary!.criteria[1]).toMatchObject({
      kind: 'stay-rate',
      verdict: 'met',
      figures: { eligible: 3, stayed: 2, waiting: 1 },
    });
    expect(summary!.criteriaSummary).toBe('2 of 3 met, 1 not yet measurable');
    expect(beta.id).toBe(summary!.id);
  });

  it('reports the betas running in the period or reviewed in it, with the reviews of the period', async () => {
    const seed = await seedBetas(handle());
    const beta = await startPreviewBeta(seed, { startsOn: day(-20) });
    await reviewBeta(seed.db, seed.people.barbara, beta.id, {
      outcome: 'iterate',
      rationale: 'Wait for the survey.',
      nextReviewOn: day(40),
    });
    const now = new Date();
    const thisMonth = parsePeriod(now.toISOString().slice(0, 7));
    const [row] = await betasForReport(seed.db, { period: thisMonth });
    expect(row).toMatchObject({
      capability: { slug: 'preview-envs', name: 'Preview environments', stage: 'beta' },
      status: 'iterating',
      teams: 0,
      targetTeams: 3,
      reviews: [
        { outcome: 'iterate', rationale: 'Wait for the survey.', decider: 'Test platform' },
      ],
    });
    expect(row!.criteria.map((c) => c.verdict)).toEqual(['not-yet', 'not-yet', 'met']);
    // A period long before the start holds nothing.
    expect(await betasForReport(seed.db, { period: parsePeriod('2020-Q1') })).toEqual([]);
    // A later period shows it running, without this period's review.
    const later = await betasForReport(seed.db, {
      period: parsePeriod('2099-Q1'),
      now,
    });
    expect(later).toHaveLength(1);
    expect(later[0]!.reviews).toEqual([]);
  });
});
