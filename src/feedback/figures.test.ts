import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { parsePeriod } from '../core/period.ts';
import { setSetting } from '../core/settings.ts';
import { type AckRecord, feedbackFigures, responsiveness } from './figures.ts';
import { seedFeedback } from './service-testing.ts';
import { ackSlaDays } from './settings.ts';
import { insertItem, setStatus } from './store.ts';

// Hand-computed: SLA 5 days.
// October 2026, seen on 15 Nov:
//   1  1 Oct 00:00 → ack 2 Oct 00:00     1 day    within
//   2  3 Oct 00:00 → ack 6 Oct 12:00     3.5 days within
//   3 10 Oct 00:00 → ack 17 Oct 00:00    7 days   late
//   4 20 Oct 00:00 → still new           26 days  open breach (age on 15 Nov)
//   5 31 Oct 12:00 → ack 3 Nov 12:00     3 days   within
//   7 29 Oct 00:00 → ack 5 Nov 00:00     7 days   late
//   6 28 Sep 00:00 → still new           (September: only in the overdue count)
// Sample sorted [1, 3, 3.5, 7, 7, 26]: median (3.5 + 7) / 2 = 5.25;
// p90 at rank 4.5 = 7 + 0.5 × 19 = 16.5. Within SLA 3 of 6 = 50%.
// Open overdue at 1 Nov: items 4 (due 25 Oct) and 6 (due 3 Oct) = 2; item 7
// was not yet due (3 Nov); item 3 was acknowledged on 17 Oct.
// November 2026, seen on 15 Nov:
//   a  1 Nov → still new   14 days open breach, due, late
//   b 12 Nov → still new   3 days: not yet known, not yet due
//   c  2 Nov → ack 4 Nov   2 days, due, within
//   d 13 Nov → ack 14 Nov  1 day, not yet due
//   e  6 Nov → ack 11 Nov  exactly 5 days: within (due 11 Nov)
// Sample [1, 2, 5, 14]: median 3.5; p90 at rank 2.7 = 5 + 0.7 × 9 = 11.3.
// Within SLA: due a, c, e → 2 of 3. Open overdue now: 4, 6, a = 3.
const RECORDS: (AckRecord & { label: string })[] = [
  { label: '1', createdAt: '2026-10-01T00:00:00.000Z', acknowledgedAt: '2026-10-02T00:00:00.000Z' },
  { label: '2', createdAt: '2026-10-03T00:00:00.000Z', acknowledgedAt: '2026-10-06T12:00:00.000Z' },
  { label: '3', createdAt: '2026-10-10T00:00:00.000Z', acknowledgedAt: '2026-10-17T00:00:00.000Z' },
  { label: '4', createdAt: '2026-10-20T00:00:00.000Z', acknowledgedAt: null },
  { label: '5', createdAt: '2026-10-31T12:00:00.000Z', acknowledgedAt: '2026-11-03T12:00:00.000Z' },
  { label: '6', createdAt: '2026-09-28T00:00:00.000Z', acknowledgedAt: null },
  { label: '7', createdAt: '2026-10-29T00:00:00.000Z', acknowledgedAt: '2026-11-05T00:00:00.000Z' },
  { label: 'a', createdAt: '2026-11-01T00:00:00.000Z', acknowledgedAt: null },
  { label: 'b', createdAt: '2026-11-12T00:00:00.000Z', acknowledgedAt: null },
  { label: 'c', createdAt: '2026-11-02T00:00:00.000Z', acknowledgedAt: '2026-11-04T00:00:00.000Z' },
  { label: 'd', createdAt: '2026-11-13T00:00:00.000Z', acknowledgedAt: '2026-11-14T00:00:00.000Z' },
  { label: 'e', createdAt: '2026-11-06T00:00:00.000Z', acknowledgedAt: '2026-11-11T00:00:00.000Z' },
];
const NOW = new Date('2026-11-15T00:00:00.000Z');

const EXPECTED = {
  '2026-10': {
    created: 6,
    n: 6,
    openBreaches: 1,
    medianDays: 5.25,
    p90Days: 16.5,
    withinSla: { numerator: 3, denominator: 6, value: 50 },
    openOverdue: 2,
    evaluatedAt: '2026-11-01T00:00:00.000Z',
  },
  '2026-11': {
    created: 5,
    n: 4,
    openBreaches: 1,
    medianDays: 3.5,
    p90Days: 11.3,
    withinSla: { numerator: 2, denominator: 3, value: 200 / 3 },
    openOverdue: 3,
    evaluatedAt: NOW.toISOString(),
  },
  '2026-Q4': {
    created: 11,
    n: 10,
    openBreaches: 2,
    // [1, 1, 2, 3, 3.5, 5, 7, 7, 14, 26]: median (3.5 + 5) / 2; p90 at rank 8.1 = 14 + 0.1 × 12
    medianDays: 4.25,
    p90Days: 15.2,
    withinSla: { numerator: 5, denominator: 9, value: 500 / 9 },
    openOverdue: 3,
    evaluatedAt: NOW.toISOString(),
  },
  '2026-08': {
    created: 0,
    n: 0,
    openBreaches: 0,
    medianDays: null,
    p90Days: null,
    withinSla: { numerator: 0, denominator: 0, value: null },
    openOverdue: 0,
    evaluatedAt: '2026-09-01T00:00:00.000Z',
  },
} as const;

function flatten(f: ReturnType<typeof responsiveness>) {
  return {
    created: f.created,
    n: f.timeToAcknowledge.n,
    openBreaches: f.timeToAcknowledge.openBreaches,
    medianDays: f.timeToAcknowledge.medianDays,
    p90Days: f.timeToAcknowledge.p90Days,
    withinSla: f.withinSla,
    openOverdue: f.openOverdue,
    evaluatedAt: f.evaluatedAt,
  };
}

function close(
  actual: ReturnType<typeof flatten>,
  expected: (typeof EXPECTED)[keyof typeof EXPECTED],
) {
  expect({
    ...actual,
    medianDays: null,
    p90Days: null,
    withinSla: { ...actual.withinSla, value: null },
  }).toEqual({
    ...expected,
    medianDays: null,
    p90Days: null,
    withinSla: { ...expected.withinSla, value: null },
  });
  for (const key of ['medianDays', 'p90Days'] as const) {
    if (expected[key] === null) expect(actual[key]).toBeNull();
    else expect(actual[key]).toBeCloseTo(expected[key], 9);
  }
  if (expected.withinSla.value === null) expect(actual.withinSla.value).toBeNull();
  else expect(actual.withinSla.value).toBeCloseTo(expected.withinSla.value, 9);
}

describe('responsiveness', () => {
  it.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])(
    'matches the hand-computed figures for %s',
    (key) => {
      close(flatten(responsiveness(RECORDS, parsePeriod(key), 5, NOW)), EXPECTED[key]);
    },
  );

  it('counts an open item as a breach from the moment it passes the SLA, not before', () => {
    const item = [{ createdAt: '2026-11-01T00:00:00.000Z', acknowledgedAt: null }];
    const at = (iso: string) => responsiveness(item, parsePeriod('2026-11'), 5, new Date(iso));
    expect(at('2026-11-06T00:00:00.000Z').timeToAcknowledge.n).toBe(0);
    expect(at('2026-11-06T00:00:00.000Z').openOverdue).toBe(0);
    expect(at('2026-11-06T00:00:01.000Z').timeToAcknowledge.openBreaches).toBe(1);
    expect(at('2026-11-06T00:00:01.000Z').openOverdue).toBe(1);
    expect(at('2026-11-06T00:00:01.000Z').withinSla).toMatchObject({
      numerator: 0,
      denominator: 1,
    });
  });
});

describeEngines('feedback figures', (handle) => {
  it('reads the same figures from the database, with the SLA setting', async () => {
    const { db, people } = await seedFeedback(handle());
    for (const r of RECORDS) {
      const id = await insertItem(db, {
        kind: 'problem',
        title: `Item ${r.label}`,
        body: '',
        capabilityId: null,
        teamId: null,
        postedAs: 'name',
        authorId: people.ada.actor.userId,
        authorName: 'Ada',
        at: r.createdAt,
      });
      if (r.acknowledgedAt)
        await setStatus(db, id, { from: 'new', to: 'acknowledged', at: r.acknowledgedAt });
    }
    close(
      flatten(await feedbackFigures(db, people.ada.actor, '2026-10', NOW)),
      EXPECTED['2026-10'],
    );
    close(
      flatten(await feedbackFigures(db, people.ada.actor, '2026-11', NOW)),
      EXPECTED['2026-11'],
    );
    await setSetting(db, ackSlaDays, 10);
    const longer = await feedbackFigures(db, people.ada.actor, '2026-10', NOW);
    // With 10 days, items 3 and 7 (7 days) are within: 5 of 6; item 4 is still a breach.
    expect(longer.withinSla).toMatchObject({ numerator: 5, denominator: 6 });
    expect(longer.slaDays).toBe(10);
    await expect(feedbackFigures(db, people.ada.actor, '2026-13', NOW)).rejects.toMatchObject({
      errors: [{ path: 'period' }],
    });
  });
});
