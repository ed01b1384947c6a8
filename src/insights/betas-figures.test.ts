import { expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { insertCapability } from '../capabilities/store.ts';
import { addMonths } from '../core/period.ts';
import type { Actor } from '../core/policy.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from '../surveys/service.ts';
import { insertPulse } from '../surveys/store.ts';
import { type SurveyOrg, seedSurveyOrg, type TeamSpec } from '../surveys/testing.ts';
import { betaDetail, startBeta } from './betas.ts';
import { backdatedMove, day, instant } from './betas-testing.ts';

const HIDDEN = { status: 'hidden' };

/**
 * An organisation from `specs`, Preview environments in beta tried by
 * `beta` teams since three weeks ago and used (adopted) by `others` before
 * the beta, and a beta that started a month ago.
 */
async function setup(handle: TestDb, specs: TeamSpec[], beta: string[], others: string[]) {
  const org = await seedSurveyOrg(handle, specs);
  const { db } = handle;
  const capability = await insertCapability(db, {
    slug: 'preview-envs',
    name: 'Preview environments',
    summary: 'A live copy per pull request.',
    ownerTeamId: null,
    docsUrl: null,
    stage: 'beta',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
  for (const slug of others) {
    await backdatedMove(db, capability.id, org.teams[slug]!, 'adopted', instant(-90));
  }
  for (const slug of beta) {
    await backdatedMove(db, capability.id, org.teams[slug]!, 'trial', instant(-21));
  }
  const program = await startBeta(db, org.platform, {
    capability: 'preview-envs',
    startsOn: day(-30),
    reviewOn: day(30),
  });
  return { org, capabilityId: capability.id, betaId: program.id };
}

/** A closed survey where each listed person rated the capability (or answered without rating it). */
async function survey(
  handle: TestDb,
  org: SurveyOrg,
  ratings: Array<[Actor, number | null]>,
): Promise<string> {
  const draft = await createSurvey(handle.db, org.platform, {
    title: 'Platform survey',
    period: '2026-Q4',
    audience: 'all',
    questions: [],
  });
  const opened = await openSurvey(org.deps, org.platform, draft.id);
  for (const [actor, csat] of ratings) {
    await submitResponse(org.deps, actor, opened.id, {
      nps: 8,
      ...(csat === null ? {} : { capabilities: { 'preview-envs': { csat } } }),
    });
  }
  await closeSurvey(org.deps, org.platform, opened.id);
  return opened.id;
}

const rate = (people: Actor[] | undefined, values: Array<number | null>) =>
  values.map((v, i) => [people![i]!, v] as [Actor, number | null]);

describeEngines('beta comparison: beta teams’ CSAT against everyone else’s', (handle) => {
  it('shows both cuts with their hand-computed figures when each has at least k answers', async () => {
    const { org, betaId } = await setup(
      handle(),
      [
        { slug: 'engineering', people: 0 },
        { slug: 'payments', parent: 'engineering', people: 6 },
        { slug: 'platform', parent: 'engineering', people: 7 },
        { slug: 'search', parent: 'engineering', people: 6 },
      ],
      ['payments'],
      ['platform', 'search'],
    );
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, 4, 3, 2]),
      ...rate(org.people.platform, [5, 4, 3, 3, 2, 1, 1]),
      ...rate(org.people.search, [4, 4, 4, 4, 4, 1]),
    ]);
    const detail = await betaDetail(handle().db, betaId);
    // Beta: 4 of 6 satisfied. Everyone else: 2 of 7 + 5 of 6 = 7 of 13.
    expect(detail.comparison).toMatchObject({
      k: 5,
      beta: { status: 'shown', count: 4, n: 6, value: (100 * 4) / 6 },
      others: { status: 'shown', count: 7, n: 13, value: (100 * 7) / 13 },
      unplaced: { status: 'empty', n: null },
    });
    // The CSAT criterion reads the same beta cut: 66.7% of 6 against 70%.
    expect(detail.criteria[0]).toMatchObject({
      kind: 'csat',
      verdict: 'not-met',
      figures: { status: 'shown', n: 6 },
    });
    expect(detail.teamList.map((t) => t.team.slug)).toEqual(['payments']);
  });

  it('hides the beta cut below k, and the complement with it', async () => {
    const { org, betaId } = await setup(
      handle(),
      [
        { slug: 'engineering', people: 0 },
        { slug: 'payments', parent: 'engineering', people: 6 },
        { slug: 'platform', parent: 'engineering', people: 7 },
      ],
      ['payments'],
      ['platform'],
    );
    // Six in Payments answered (so their answers keep their team), three rated it.
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, null, null, null]),
      ...rate(org.people.platform, [5, 4, 3, 3, 2, 1, 1]),
    ]);
    const detail = await betaDetail(handle().db, betaId);
    expect(detail.comparison).toMatchObject({ beta: HIDDEN, others: HIDDEN });
    expect(JSON.stringify(detail.comparison)).not.toMatch(/"n":3\b/);
    expect(detail.criteria[0]).toMatchObject({
      verdict: 'not-yet',
      figures: { status: 'hidden', n: null, value: null },
    });
  });

  it('hides the complement below k (so it cannot be had by subtraction), and the beta cut with it', async () => {
    const { org, betaId } = await setup(
      handle(),
      [
        { slug: 'engineering', people: 0 },
        { slug: 'payments', parent: 'engineering', people: 7 },
        { slug: 'platform', parent: 'engineering', people: 6 },
      ],
      ['payments'],
      ['platform'],
    );
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, 4, 4, 3, 2]),
      ...rate(org.people.platform, [4, 2, null, null, null, null]),
    ]);
    const detail = await betaDetail(handle().db, betaId);
    expect(detail.comparison).toMatchObject({ beta: HIDDEN, others: HIDDEN });
  });

  it('leaves out answers coarsened above a beta team, with their count only when at least k', async () => {
    // Tiny has fewer than k people, so its answers are stored as Engineering's
    // own; at close Search's, the smallest team, joins them (that cell was under k).
    // Those answers could be from anyone under Engineering, Payments included.
    const specs = [
      { slug: 'engineering', people: 0 },
      { slug: 'payments', parent: 'engineering', people: 8 },
      { slug: 'platform', parent: 'engineering', people: 7 },
      { slug: 'search', parent: 'engineering', people: 6 },
      { slug: 'tiny', parent: 'engineering', people: 3 },
    ];
    const { org, betaId } = await setup(
      handle(),
      specs,
      ['payments'],
      ['platform', 'search', 'tiny'],
    );
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, 4, 4, 3, 2, 1]),
      ...rate(org.people.platform, [5, 4, 3, 3, 2, 1, 1]),
      ...rate(org.people.search, [4, 4, 4, 4, 4, 1]),
      ...rate(org.people.tiny, [1, 1, 5]),
    ]);
    expect((await betaDetail(handle().db, betaId)).comparison).toMatchObject({
      beta: { status: 'shown', n: 8, count: 5 },
      others: { status: 'shown', n: 7, count: 2 },
      unplaced: { status: 'shown', n: 9 },
    });
  });

  it('hides unplaced answers below k, and the next smallest cut with them', async () => {
    const specs = [
      { slug: 'engineering', people: 0 },
      { slug: 'payments', parent: 'engineering', people: 8 },
      { slug: 'platform', parent: 'engineering', people: 7 },
      { slug: 'search', parent: 'engineering', people: 6 },
      { slug: 'tiny', parent: 'engineering', people: 3 },
    ];
    const { org, betaId } = await setup(
      handle(),
      specs,
      ['payments'],
      ['platform', 'search', 'tiny'],
    );
    // The same storage, but only Tiny's three rated it among the unplaced.
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, 4, 4, 3, 2, 1]),
      ...rate(org.people.platform, [5, 4, 3, 3, 2, 1, 1]),
      ...rate(org.people.search, [null, null, null, null, null, null]),
      ...rate(org.people.tiny, [1, 1, 5]),
    ]);
    // Three unplaced answers are hidden; the complementary rule hides the next
    // smallest cut (everyone else's seven), so 3 is never had as 18 − 8 − 7.
    const detail = await betaDetail(handle().db, betaId);
    expect(detail.comparison).toMatchObject({
      beta: { status: 'shown', n: 8, count: 5 },
      others: HIDDEN,
      unplaced: { status: 'hidden', n: null },
    });
  });

  it('hides a beta cut that would subtract from the survey’s own team figures to a small group', async () => {
    // The survey hides Search (2 ratings) and, by the complementary rule, Platform;
    // it shows Payments (6). Beta teams Payments + Search would be 8 ≥ k, but
    // 8 − 6 gives Search's 2: the beta cut is hidden, and everyone else's with it.
    const { org, betaId } = await setup(
      handle(),
      [
        { slug: 'engineering', people: 0 },
        { slug: 'payments', parent: 'engineering', people: 6 },
        { slug: 'search', parent: 'engineering', people: 6 },
        { slug: 'platform', parent: 'engineering', people: 5 },
        { slug: 'growth', parent: 'engineering', people: 9 },
      ],
      ['payments', 'search'],
      ['platform', 'growth'],
    );
    await survey(handle(), org, [
      ...rate(org.people.payments, [5, 5, 4, 4, 3, 2]),
      ...rate(org.people.search, [5, 1, null, null, null, null]),
      ...rate(org.people.platform, [4, 4, 4, 2, 2]),
      ...rate(org.people.growth, [5, 5, 5, 4, 4, 3, 3, 2, 1]),
    ]);
    const detail = await betaDetail(handle().db, betaId);
    expect(detail.comparison).toMatchObject({ beta: HIDDEN, others: HIDDEN });
  });

  it('shows pulses for the capability as a whole, per completed month, through their own rules', async () => {
    const { betaId, capabilityId } = await setup(
      handle(),
      [{ slug: 'payments', people: 6 }],
      ['payments'],
      [],
    );
    const month = new Date().toISOString().slice(0, 7);
    const last = addMonths(month, -1);
    for (const rating of [5, 5, 4, 4, 2, 1]) {
      await insertPulse(handle().db, {
        capabilityId,
        touchpoint: 'deploy',
        rating,
        comment: null,
        month: last,
      });
    }
    // This month's pulses never show: nobody sees one arrive.
    for (const rating of [5, 5, 5, 5, 5]) {
      await insertPulse(handle().db, {
        capabilityId,
        touchpoint: null,
        rating,
        comment: null,
        month,
      });
    }
    const detail = await betaDetail(handle().db, betaId);
    expect(detail.comparison).toBeNull();
    expect(detail.pulses.at(-1)).toEqual({
      month: last,
      rating: expect.objectContaining({ status: 'shown', n: 6, count: 4 }),
    });
    expect(detail.pulses.map((p) => p.month)).not.toContain(month);
  });
});
