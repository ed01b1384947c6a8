import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import type { Db } from '../core/db/index.ts';
import { monthOf } from '../core/period.ts';
import { closeSurvey, createSurvey, openSurvey, reshuffleRecentAnswers } from './service.ts';
import { insertPulse, insertResponse } from './store.ts';
import { capabilityFor, seedSurveyOrg } from './testing.ts';

/** Spearman's ρ between the order rows came in (their text) and a plain SELECT's order. */
async function plainOrder(db: Db, table: 'survey_comments' | 'pulses', column: string) {
  const { rows } = await sql<Record<string, string>>`select * from ${sql.table(table)}`.execute(db);
  const seen = rows.map((r) => Number(r[column]));
  const n = seen.length;
  let d2 = 0;
  for (const [i, v] of seen.entries()) d2 += (i - v) ** 2;
  return { n, rho: 1 - (6 * d2) / (n * (n * n - 1)) };
}

describeEngines('the order answers came in', (handle) => {
  it('is not what a plain SELECT returns once the background reshuffle has run, nor after close, on either engine', async () => {
    const { db } = handle();
    const org = await seedSurveyOrg(handle(), [{ slug: 'everyone', people: 12 }]);
    const capability = await capabilityFor(db, 'deploy-pipeline', [org.teams.everyone!]);
    const draft = await createSurvey(db, org.platform, {
      title: 'Order',
      period: '2026-Q4',
      audience: 'all',
    });
    const survey = await openSurvey(org.deps, org.platform, draft.id);
    const N = 400;
    const segment = { teamId: org.teams.everyone!, tenureBand: null, levelBand: null };
    const month = monthOf(new Date().toISOString());
    for (let i = 0; i < N; i++) {
      // The text carries the order each row came in, so the test can find it again.
      await insertResponse(db, survey.id, segment, {
        answers: [],
        ratings: [],
        comments: [{ question: 'comment', body: String(i) }],
      });
      await insertPulse(db, {
        capabilityId: capability,
        touchpoint: null,
        rating: 3,
        comment: String(i),
        month,
      });
    }
    // For 400 independent orders ρ has a standard deviation of 1/√399 = 0.05.
    await reshuffleRecentAnswers(handle());
    const comments = await plainOrder(db, 'survey_comments', 'body');
    const pulses = await plainOrder(db, 'pulses', 'comment');
    expect(comments.n).toBe(N);
    expect(pulses.n).toBe(N);
    expect(Math.abs(comments.rho)).toBeLessThan(0.25);
    expect(Math.abs(pulses.rho)).toBeLessThan(0.25);

    // Rows written after the last reshuffle come last; closing the survey mixes them in.
    for (let i = N; i < 2 * N; i++) {
      await insertResponse(db, survey.id, segment, {
        answers: [],
        ratings: [],
        comments: [{ question: 'comment', body: String(i) }],
      });
    }
    await closeSurvey(org.deps, org.platform, survey.id);
    const closed = await plainOrder(db, 'survey_comments', 'body');
    expect(closed.n).toBe(2 * N);
    expect(Math.abs(closed.rho)).toBeLessThan(0.25);
  }, 300_000);
});
