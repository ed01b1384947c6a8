import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import { InvalidInput } from '../core/errors.ts';
import { setSetting } from '../core/settings.ts';
import { valueFigures } from '../signals/figures-value.ts';
import { matrixFor, matrixGroups, matrixPeriod, matrixThreshold } from './matrix.ts';
import { MATRIX_NOW, seedMatrixOrg } from './matrix-testing.ts';

it('takes a quarter, the current one by default, and refuses anything else naming period', () => {
  expect(matrixPeriod(undefined, MATRIX_NOW).key).toBe('2026-Q4');
  expect(matrixPeriod('2025-Q1').key).toBe('2025-Q1');
  for (const bad of ['2026-11', '2026-Q5', 'Q4', 'soon']) {
    let error: unknown;
    try {
      matrixPeriod(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).errors.map((e) => e.path)).toEqual(['period']);
  }
});

describeEngines('matrix', (handle) => {
  it('places every capability on offer, with its usage figures beside it', async () => {
    await seedMatrixOrg(handle());
    const m = await matrixFor(handle().db, { period: '2026-Q4', now: MATRIX_NOW, replicates: 99 });
    expect(m).toMatchObject({
      period: '2026-Q4',
      pooled: ['2026-Q3', '2026-Q4'],
      pulseMonths: ['2026-07', '2026-08', '2026-09', '2026-10'],
      threshold: 60,
      k: 5,
    });
    const bySlug = Object.fromEntries(m.rows.map((r) => [r.capability.slug, r]));
    expect(m.rows.map((r) => [r.capability.slug, r.experience.status, r.quadrant])).toEqual([
      ['ci-runners', 'good', 'invest'],
      ['deploy-pipeline', 'good', 'grow'],
      ['feature-flags', 'unclear', null],
      ['log-search', 'poor', 'rethink'],
      ['secrets-vault', 'poor', 'fix-first'],
      ['service-mesh', 'no-data', null],
    ]);
    expect(m.notPlaced.map((c) => [c.slug, c.stage])).toEqual([
      ['chatops', 'idea'],
      ['old-ci', 'retired'],
    ]);

    // 18 of 20: 90%, Wilson 69.90 to 97.21.
    const ci = bySlug['ci-runners']!;
    expect(ci.experience.n).toBe(20);
    expect(ci.experience.csat).toBe(90);
    expect(ci.experience.low).toBeCloseTo(69.8962, 3);
    expect(ci.experience.high).toBeCloseTo(97.2134, 3);
    expect(ci.action).toMatch(/^Invest/);
    expect(ci.capability).toMatchObject({ stage: 'ga', obligation: 'mandatory' });
    expect(ci.adoption).toEqual({
      kind: 'coverage',
      rate: { value: (100 * 4) / 6, numerator: 4, denominator: 6 },
    });
    expect(ci.stayRate).toEqual({ value: 100, numerator: 4, denominator: 4 });
    expect(ci.exceptions).toEqual({ open: 3, approved: 1 });
    expect(ci.unplanned).toEqual({ hours: 0, reports: 0 });
    expect(ci.value).toBeNull();

    // The Q3 survey's 10 of 10 and October's 8 of 10 pulses; November's 30 do not count.
    const dp = bySlug['deploy-pipeline']!;
    expect(dp.experience).toMatchObject({ status: 'good', n: 20, csat: 90 });
    expect(dp.adoption).toEqual({
      kind: 'opt-in',
      rate: { value: (100 * 2) / 6, numerator: 2, denominator: 6 },
    });
    expect(dp.stayRate).toEqual({ value: 50, numerator: 1, denominator: 2 });
    expect(dp.exceptions).toEqual({ open: 0, approved: 0 });
    // The value is the value area's own figure.
    const own = await valueFigures(
      handle().db,
      (await getCapabilityBySlug(handle().db, 'deploy-pipeline'))!,
      { now: MATRIX_NOW, replicates: 99 },
    );
    expect(dp.value).toEqual({
      outcome: 'Lead time for changes',
      hoursPerWeek: own.perWeek?.hours ?? null,
      low: own.perWeek?.low ?? null,
      high: own.perWeek?.high ?? null,
      causal: own.estimate?.causal ?? false,
    });
    expect(dp.value?.hoursPerWeek).toBeNull();

    // 17 of 40: 42.5%, 28.51 to 57.81 → poor; 6 + 2.5 hours of unplanned work in Q4.
    const ls = bySlug['log-search']!;
    expect(ls.experience.high).toBeCloseTo(57.8052, 3);
    expect(ls.unplanned).toEqual({ hours: 8.5, reports: 2 });
    expect(ls.action).toMatch(/^Rethink or retire/);

    // 4 of 20: 8.07 to 41.60 → poor; 8 of 20: 21.88 to 61.34 → unclear.
    expect(bySlug['secrets-vault']!.experience.high).toBeCloseTo(41.6022, 3);
    expect(bySlug['feature-flags']!.experience.high).toBeCloseTo(61.3422, 3);
    expect(bySlug['feature-flags']!.action).toMatch(/^Unclear/);

    // Four answers: nothing about them is shown, not even how many.
    expect(bySlug['service-mesh']!.experience).toEqual({
      status: 'no-data',
      n: null,
      csat: null,
      low: null,
      high: null,
    });
    expect(bySlug['service-mesh']!.action).toMatch(/^Needs more answers/);

    expect(matrixGroups(m.rows).map((g) => [g.key, g.rows.map((r) => r.capability.slug)])).toEqual([
      ['invest', ['ci-runners']],
      ['fix-first', ['secrets-vault']],
      ['grow', ['deploy-pipeline']],
      ['rethink', ['log-search']],
      ['unclear', ['feature-flags']],
      ['no-data', ['service-mesh']],
    ]);
  });

  it('judges against the configured threshold, and pools the quarter before with the one asked for', async () => {
    await seedMatrixOrg(handle());
    await setSetting(handle().db, matrixThreshold, 55);
    const m = await matrixFor(handle().db, { period: '2026-Q4', now: MATRIX_NOW, replicates: 0 });
    expect(m.threshold).toBe(55);
    const status = (slug: string) => m.rows.find((r) => r.capability.slug === slug)!.experience;
    // Against 55: 8 of 20 (21.9 to 61.3) is still unclear, and 17 of 40 (28.5 to 57.8) is no longer poor.
    expect(status('feature-flags').status).toBe('unclear');
    expect(status('log-search').status).toBe('unclear');

    // 2026-Q3 pools Q2 and Q3: July to September only. October's pulses are out.
    const q3 = await matrixFor(handle().db, { period: '2026-Q3', now: MATRIX_NOW, replicates: 0 });
    expect(q3.pulseMonths).toEqual([
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
    ]);
    const q3Status = (slug: string) => q3.rows.find((r) => r.capability.slug === slug)!.experience;
    expect(q3Status('ci-runners').status).toBe('no-data');
    // The Q3 survey alone: 10 of 10.
    expect(q3Status('deploy-pipeline')).toMatchObject({ status: 'good', n: 10, csat: 100 });
    // At the end of Q3 the left team was still adopted: stay 2 of 2.
    expect(q3.rows.find((r) => r.capability.slug === 'deploy-pipeline')!.stayRate).toEqual({
      value: 100,
      numerator: 2,
      denominator: 2,
    });
  });

  it('shows an empty catalog as no rows', async () => {
    const m = await matrixFor(handle().db, { period: '2026-Q4', now: MATRIX_NOW });
    expect(m.rows).toEqual([]);
    expect(m.notPlaced).toEqual([]);
  });
});
