import { describe, expect, it } from 'vitest';
import { type DeployDay, frequencyBand } from './delivery-bands.ts';

const END = '2026-11-01';
/** Days counted back from the window's end: 1 is 31 Oct 2026. */
const back = (n: number, deploys = 1): DeployDay => ({
  day: new Date(Date.parse(`${END}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10),
  deploys,
});

// A 28-day window holds four weeks: days back 1–7, 8–14, 15–21, 22–28, and one "month".
describe('frequencyBand over 28 days', () => {
  it('is daily when the median week has deploys on 3 days', () => {
    // Days with deploys per week: 3, 3, 3, 2 → sorted 2 3 3 3 → median 3.
    const days = [1, 2, 3, 8, 9, 10, 15, 16, 17, 22, 23].map((n) => back(n));
    const f = frequencyBand(days, { end: END, days: 28 });
    expect(f).toMatchObject({
      band: 'daily',
      deploys: 11,
      weeks: 4,
      months: 1,
      medianDaysPerWeek: 3,
      medianDeploysPerWeek: 3,
    });
    expect(f.perWeek).toBeCloseTo(11 / 4, 12);
  });

  it('is weekly when the median week has 2.5 deploy days but at least one deploy', () => {
    // Days per week 3, 3, 2, 2 → median 2.5 (not daily); deploys per week 3, 3, 6, 2 → median 3.
    const days = [
      back(1),
      back(2),
      back(3),
      back(8),
      back(9),
      back(10),
      back(15, 5),
      back(16),
      back(22),
      back(23),
    ];
    const f = frequencyBand(days, { end: END, days: 28 });
    expect(f.medianDaysPerWeek).toBe(2.5);
    expect(f.medianDeploysPerWeek).toBe(3);
    expect(f.band).toBe('weekly');
  });

  it('is monthly when most weeks have none but the month has some', () => {
    // Deploys per week 0, 0, 4, 1 → median 0.5 (not weekly); the one month has 5.
    const f = frequencyBand([back(16, 4), back(25)], { end: END, days: 28 });
    expect(f.medianDeploysPerWeek).toBe(0.5);
    expect(f.medianDeploysPerMonth).toBe(5);
    expect(f.band).toBe('monthly');
  });
});

describe('frequencyBand over 90 days', () => {
  it('counts three 30-day months: 1, 0, 1 deploys is monthly; 0, 0, 2 is yearly', () => {
    // Months: days back 1–30, 31–60, 61–90.
    const monthly = frequencyBand([back(5), back(70)], { end: END, days: 90 });
    expect(monthly).toMatchObject({
      weeks: 12,
      months: 3,
      medianDeploysPerMonth: 1,
      band: 'monthly',
    });
    const yearly = frequencyBand([back(65), back(80)], { end: END, days: 90 });
    expect(yearly).toMatchObject({ medianDeploysPerMonth: 0, band: 'yearly' });
  });

  it('leaves out deploys outside the window and the days before the first whole week', () => {
    // 90 days = 12 weeks (84 days) + 6 older days; day 0 is the end itself (excluded), 91 is before.
    const f = frequencyBand([back(0, 9), back(91, 9), back(88, 2)], { end: END, days: 90 });
    expect(f.deploys).toBe(2);
    expect(f.medianDeploysPerWeek).toBe(0);
    expect(f.band).toBe('yearly');
  });

  it('says "no data" when there is no deploy at all', () => {
    const f = frequencyBand([], { end: END, days: 90 });
    expect(f).toMatchObject({ band: null, deploys: 0, perWeek: 0 });
  });
});
