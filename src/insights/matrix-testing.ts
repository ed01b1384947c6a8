// Test helpers for the matrix: a small organisation with one capability in
// each quadrant, one unclear, one with too few answers, an idea and a retired
// one, with adoption histories, exceptions, unplanned work and a value outcome.
// Every figure is small enough to work out by hand (see matrix.test.ts).

import { addCapability, seedTeams, writeHistory } from '../capabilities/figures-testing.ts';
import type { Obligation, Stage } from '../capabilities/model.ts';
import { insertException } from '../capabilities/store.ts';
import { newId } from '../core/db/helpers.ts';
import type { Db, DbHandle } from '../core/db/index.ts';
import { setSetting } from '../core/settings.ts';
import { unplanned, writeEvents } from '../signals/figures-testing.ts';
import { valueOutcomes } from '../signals/value-outcomes.ts';

/** The time the seeded figures are read at: mid-November 2026, so October is the last complete month. */
export const MATRIX_NOW = new Date('2026-11-15T12:00:00Z');

/** Ratings 1–5: `top` of them 5, the rest 2. */
const ratings = (n: number, top: number) => Array.from({ length: n }, (_, i) => (i < top ? 5 : 2));

async function pulses(db: Db, capabilityId: string, month: string, values: number[]) {
  if (values.length === 0) return;
  await db
    .insertInto('pulses')
    .values(
      values.map((rating) => ({
        id: newId(),
        capability_id: capabilityId,
        touchpoint: null,
        rating,
        comment: null,
        month,
      })),
    )
    .execute();
}

async function closedSurvey(db: Db, period: string, csat: Record<string, number[]>) {
  const id = newId();
  const at = '2026-09-30T00:00:00.000Z';
  await db
    .insertInto('surveys')
    .values({
      id,
      title: `Platform survey ${period}`,
      period,
      state: 'closed',
      audience: 'all',
      k: 5,
      k_comment: 10,
      created_at: at,
      updated_at: at,
      closed_at: at,
    })
    .execute();
  await db
    .insertInto('survey_ratings')
    .values(
      Object.entries(csat).flatMap(([capabilityId, values]) =>
        values.map((csat) => ({
          id: newId(),
          survey_id: id,
          team_id: null,
          tenure_band: null,
          level_band: null,
          capability_id: capabilityId,
          csat,
          effort: null,
        })),
      ),
    )
    .execute();
}

async function capability(db: Db, slug: string, obligation: Obligation, stage: Stage = 'ga') {
  const c = await addCapability(db, slug, obligation);
  if (stage !== 'ga')
    await db.updateTable('capabilities').set({ stage }).where('id', '=', c.id).execute();
  return c.id;
}

/**
 * Seeds the matrix organisation: six teams, and for 2026-Q4 (pooled with Q3):
 * - ci-runners, mandatory: 18 of 20 satisfied → invest; 4 of 6 teams adopted
 *   (coverage), all still there; exceptions 2 pending, 1 escalated, 1 approved, 1 denied.
 * - secrets-vault, mandatory: 4 of 20 → fix first.
 * - deploy-pipeline, optional: 10 of 10 in the Q3 survey + 8 of 10 October
 *   pulses = 18 of 20 → grow; opt-in 2 of 6 (one adopted, one trial), stay 1
 *   of 2 (one left in October); lead time fixed as its value outcome.
 * - log-search, optional: 17 of 40 → rethink; 8.5 hours of unplanned work in Q4
 *   from 2 reports (3 more hours in Q3 do not count).
 * - feature-flags, optional: 8 of 20 → unclear.
 * - service-mesh, optional: 4 answers → too few.
 * - chatops (idea) and old-ci (retired): not placed.
 */
export async function seedMatrixOrg(handle: DbHandle): Promise<Record<string, string>> {
  const { db } = handle;
  const teams = await seedTeams(db, { t1: null, t2: null, t3: null, t4: null, t5: null, t6: null });
  const ids: Record<string, string> = {
    'ci-runners': await capability(db, 'ci-runners', 'mandatory'),
    'secrets-vault': await capability(db, 'secrets-vault', 'mandatory'),
    'deploy-pipeline': await capability(db, 'deploy-pipeline', 'optional'),
    'log-search': await capability(db, 'log-search', 'optional'),
    'feature-flags': await capability(db, 'feature-flags', 'optional', 'beta'),
    'service-mesh': await capability(db, 'service-mesh', 'optional', 'deprecated'),
    chatops: await capability(db, 'chatops', 'optional', 'idea'),
    'old-ci': await capability(db, 'old-ci', 'mandatory', 'retired'),
  };
  const id = (slug: string) => ids[slug]!;

  await pulses(db, id('ci-runners'), '2026-10', ratings(20, 18));
  await pulses(db, id('secrets-vault'), '2026-09', ratings(20, 4));
  await closedSurvey(db, '2026-Q3', { [id('deploy-pipeline')]: ratings(10, 10) });
  await pulses(db, id('deploy-pipeline'), '2026-10', ratings(10, 8));
  // The current month never counts.
  await pulses(db, id('deploy-pipeline'), '2026-11', ratings(30, 0));
  await pulses(db, id('log-search'), '2026-07', ratings(40, 17));
  await pulses(db, id('feature-flags'), '2026-08', ratings(20, 8));
  await pulses(db, id('service-mesh'), '2026-10', ratings(4, 4));
  // Answers about capabilities not placed are not shown anywhere here.
  await pulses(db, id('old-ci'), '2026-10', ratings(10, 10));

  for (const team of ['t1', 't2', 't3', 't4']) {
    await writeHistory(db, id('ci-runners'), teams[team]!, [['adopted', '2026-01-10T00:00:00Z']]);
  }
  await writeHistory(db, id('deploy-pipeline'), teams.t1!, [['adopted', '2026-01-05T00:00:00Z']]);
  await writeHistory(db, id('deploy-pipeline'), teams.t2!, [['trial', '2026-10-01T00:00:00Z']]);
  await writeHistory(db, id('deploy-pipeline'), teams.t3!, [
    ['adopted', '2026-02-01T00:00:00Z'],
    ['left', '2026-10-05T00:00:00Z', 'too-slow'],
  ]);

  for (const [team, status] of [
    ['t5', 'pending'],
    ['t6', 'pending'],
    ['t5', 'escalated'],
    ['t6', 'approved'],
    ['t5', 'denied'],
  ] as const) {
    const x = await insertException(db, {
      kind: 'exception',
      capabilityId: id('ci-runners'),
      teamId: teams[team]!,
      category: 'security',
      justification: 'We run our own runners for the GPU jobs.',
      evidence: '',
      requestedBy: null,
    });
    if (status !== 'pending') {
      await db.updateTable('exceptions').set({ status }).where('id', '=', x.id).execute();
    }
  }

  await writeEvents(handle, [
    unplanned(teams.t1!, id('log-search'), 'outage', 6, '2026-10-10T09:00:00Z'),
    unplanned(teams.t2!, id('log-search'), 'breaking-change', 2.5, '2026-11-01T09:00:00Z'),
    unplanned(teams.t2!, id('log-search'), 'outage', 3, '2026-08-01T09:00:00Z'),
  ]);
  await setSetting(db, valueOutcomes, {
    [id('deploy-pipeline')]: {
      outcome: 'lead-time',
      chosenAt: '2025-12-01T00:00:00.000Z',
      chosenBy: 'Barbara Liskov',
    },
  });
  return { ...ids, ...Object.fromEntries(Object.entries(teams).map(([k, v]) => [`team:${k}`, v])) };
}
