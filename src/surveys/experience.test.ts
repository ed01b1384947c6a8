import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { addCapability } from '../capabilities/figures-testing.ts';
import { newId } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { parsePeriod } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { setSetting } from '../core/settings.ts';
import { capabilityExperience, completedMonths, mayShowPooled } from './experience.ts';
import { insertPulse } from './store.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const periods = [parsePeriod('2026-Q3'), parsePeriod('2026-Q4')];

/** A survey in a state, with CSAT answers (null: left blank) for capabilities. */
async function survey(
  db: Db,
  period: string,
  state: 'open' | 'closed',
  k: number,
  csat: Record<string, (number | null)[]>,
) {
  const id = newId();
  const at = '2026-01-01T00:00:00.000Z';
  await db
    .insertInto('surveys')
    .values({
      id,
      title: `Survey ${period}`,
      period,
      state,
      audience: 'all',
      k,
      k_comment: 10,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const rows = Object.entries(csat).flatMap(([capabilityId, values]) =>
    values.map((v) => ({
      id: newId(),
      survey_id: id,
      team_id: null,
      tenure_band: null,
      level_band: null,
      capability_id: capabilityId,
      csat: v,
      effort: null,
    })),
  );
  if (rows.length > 0) await db.insertInto('survey_ratings').values(rows).execute();
}

async function pulses(db: Db, capabilityId: string, month: string, ratings: number[]) {
  for (const rating of ratings) {
    await insertPulse(db, { capabilityId, touchpoint: null, rating, comment: null, month });
  }
}

it('counts the completed months of the periods, never the current one', () => {
  expect(completedMonths(periods, NOW)).toEqual(['2026-07', '2026-08', '2026-09', '2026-10']);
  expect(completedMonths(periods, new Date('2027-01-01T00:00:00Z'))).toEqual([
    '2026-07',
    '2026-08',
    '2026-09',
    '2026-10',
    '2026-11',
    '2026-12',
  ]);
  expect(completedMonths([parsePeriod('2026-Q4')], new Date('2026-10-31T23:59:59Z'))).toEqual([]);
});

describeEngines('capability experience', (handle) => {
  it('pools closed surveys of the periods and pulses of their completed months', async () => {
    const { db } = handle();
    const a = (await addCapability(db, 'deploy-pipeline', 'optional')).id;
    const b = (await addCapability(db, 'secrets-vault', 'mandatory')).id;
    // In: Q3 closed (blank answers are not counted), a closed October survey inside Q4.
    await survey(db, '2026-Q3', 'closed', 5, { [a]: [5, 4, 3, 2, 5, null] });
    await survey(db, '2026-10', 'closed', 5, { [a]: [4, 1] });
    // A Q3 survey opened with a larger k.
    await survey(db, '2026-Q3', 'closed', 8, { [b]: [5, 5, 5, 5, 5, 5] });
    // Out: an open survey of the quarter, a closed survey of an earlier quarter.
    await survey(db, '2026-Q4', 'open', 5, { [a]: [5, 5, 5], [b]: [1] });
    await survey(db, '2026-Q2', 'closed', 5, { [a]: [1, 1] });
    // Pulses: July and October count; November is the current month, June is outside.
    await pulses(db, a, '2026-07', [5, 4, 4, 2, 1]);
    await pulses(db, a, '2026-10', [5, 3]);
    await pulses(db, a, '2026-11', [5, 5, 5]);
    await pulses(db, a, '2026-06', [1]);

    const got = await capabilityExperience(db, { periods, now: NOW });
    // Pooled: the Q3 survey's 5 answers (3 top) and July's 5 pulses (3 top). Left out, as their
    // own results hide them: the October survey's 2 (below its k) and October's 2 pulses.
    expect(got.get(a)).toEqual({
      surveyN: 5,
      surveyTop: 3,
      pulseN: 5,
      pulseTop: 3,
      threshold: 5,
      leftOutN: 4,
    });
    // 6 answers from a survey that keeps groups under 8 hidden: left out.
    expect(got.get(b)).toEqual({
      surveyN: 0,
      surveyTop: 0,
      pulseN: 0,
      pulseTop: 0,
      threshold: 5,
      leftOutN: 6,
    });
    expect([...got.keys()].sort()).toEqual([a, b].sort());
    expect(mayShowPooled(got.get(a))).toEqual({ n: 10, top: 6 });
    expect(mayShowPooled(got.get(b))).toBeNull();
    expect(mayShowPooled(undefined)).toBeNull();

    // A September pulse is a month of 1: left out, the pool does not move.
    await pulses(db, a, '2026-09', [4]);
    const after = (await capabilityExperience(db, { periods, now: NOW })).get(a)!;
    expect(after).toMatchObject({ pulseN: 5, pulseTop: 3, leftOutN: 5 });
    expect(mayShowPooled(after)).toEqual({ n: 10, top: 6 });
  });

  it('reads k from the settings and pools nothing when there are no answers', async () => {
    const { db } = handle();
    const a = (await addCapability(db, 'deploy-pipeline', 'optional')).id;
    expect((await capabilityExperience(db, { periods, now: NOW })).size).toBe(0);
    await pulses(db, a, '2026-08', [5, 5, 4, 4, 1, 2]);
    const atFive = (await capabilityExperience(db, { periods, now: NOW })).get(a)!;
    expect(atFive).toMatchObject({ pulseN: 6, pulseTop: 4, threshold: 5, leftOutN: 0 });
    expect(mayShowPooled(atFive)).toEqual({ n: 6, top: 4 });
    await setSetting(db, anonymityK, 7);
    const atSeven = (await capabilityExperience(db, { periods, now: NOW })).get(a)!;
    expect(atSeven).toMatchObject({ pulseN: 0, threshold: 7, leftOutN: 6 });
    expect(mayShowPooled(atSeven)).toBeNull();
  });

  it('never shows two pools, read as months complete and surveys close, that differ by fewer than k answers', async () => {
    const { db } = handle();
    const a = (await addCapability(db, 'deploy-pipeline', 'optional')).id;
    // k = 5: a survey of 3 and months of 2 and 1 are each hidden by their own results.
    await pulses(db, a, '2026-07', [5, 1]);
    await pulses(db, a, '2026-08', [5, 5, 4, 2, 1, 3]);
    await pulses(db, a, '2026-10', [1]);
    const reads: { label: string; n: number }[] = [];
    const read = async (label: string, now: string) => {
      const pooled = mayShowPooled(
        (await capabilityExperience(db, { periods, now: new Date(now) })).get(a),
      );
      if (pooled) reads.push({ label, n: pooled.n });
    };
    await read('September', '2026-09-05T12:00:00Z');
    await survey(db, '2026-Q3', 'closed', 5, { [a]: [4, 4, 2] });
    await read('October, after the Q3 survey closed', '2026-10-05T12:00:00Z');
    await read('November, October complete', '2026-11-05T12:00:00Z');
    for (const x of reads) {
      for (const y of reads) {
        const d = Math.abs(x.n - y.n);
        expect(d === 0 || d >= 5, `${x.label} (${x.n}) against ${y.label} (${y.n})`).toBe(true);
      }
    }
    expect(reads.length).toBeGreaterThan(0);
  });
});
