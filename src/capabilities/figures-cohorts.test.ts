import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import type { Db } from '../core/db/index.ts';
import { parsePeriod } from '../core/period.ts';
import { capabilityFigures } from './figures.ts';
import { addCapability, seedTeams, writeHistory } from './figures-testing.ts';
import type { Capability } from './model.ts';

/** Expected retention, written as counts of a cohort of `size` (null: month not complete). */
function retained(size: number, counts: (number | null)[]) {
  return counts.map((n) =>
    n === null ? null : { value: (100 * n) / size, numerator: n, denominator: size },
  );
}

/**
 * Cohorts by month of first adoption (k = 3):
 * - 2025-01: J, K, L — K leaves in June 2025.
 * - 2026-01: A; B leaves in March and comes back in April; C leaves in May.
 * - 2026-02: D, E — two teams, below k.
 * - 2026-04: F (trial in March, adopted in April), G (leaves in May), H; the
 *   inactive team Legacy also adopted in April and is left out.
 * - I adopts at 2026-07-01T00:00, the end of Q2 (exclusive): no cohort in Q2.
 */
async function seedCohorts(db: Db): Promise<Capability> {
  const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'Legacy'];
  const team = await seedTeams(db, Object.fromEntries(names.map((n) => [n, null])), ['Legacy']);
  const cap = await addCapability(db, 'ci', 'optional');
  const history: Record<string, [string, string, string?][]> = {
    J: [['adopted', '2025-01-03T10:00:00.000Z']],
    K: [
      ['adopted', '2025-01-15T10:00:00.000Z'],
      ['left', '2025-06-10T10:00:00.000Z', 'too-slow'],
    ],
    L: [['adopted', '2025-01-31T23:59:59.999Z']],
    A: [['adopted', '2026-01-05T10:00:00.000Z']],
    B: [
      ['adopted', '2026-01-10T10:00:00.000Z'],
      ['left', '2026-03-10T10:00:00.000Z', 'unreliable'],
      ['adopted', '2026-04-15T10:00:00.000Z'],
    ],
    C: [
      ['adopted', '2026-01-20T10:00:00.000Z'],
      ['left', '2026-05-15T10:00:00.000Z', 'cost'],
    ],
    D: [['adopted', '2026-02-02T10:00:00.000Z']],
    E: [['adopted', '2026-02-20T10:00:00.000Z']],
    F: [
      ['trial', '2026-03-25T10:00:00.000Z'],
      ['adopted', '2026-04-02T10:00:00.000Z'],
    ],
    G: [
      ['adopted', '2026-04-10T10:00:00.000Z'],
      ['left', '2026-05-20T10:00:00.000Z', 'hard-to-use'],
    ],
    H: [['adopted', '2026-04-28T10:00:00.000Z']],
    Legacy: [['adopted', '2026-04-05T10:00:00.000Z']],
    I: [['adopted', '2026-07-01T00:00:00.000Z']],
  };
  for (const [name, steps] of Object.entries(history)) {
    await writeHistory(db, cap.id, team[name]!, steps as Parameters<typeof writeHistory>[3]);
  }
  return cap;
}

describeEngines('capability cohort retention', (handle) => {
  it('follows each cohort to the period end, leaves incomplete months null and hides cohorts below k', async () => {
    const { db } = handle();
    const cap = await seedCohorts(db);
    // Mid-June: May is complete, June is not.
    const now = new Date('2026-06-15T00:00:00.000Z');

    const { cohorts } = await capabilityFigures(db, cap, parsePeriod('2026-Q2'), { k: 3, now });

    expect(cohorts).toEqual([
      {
        month: '2025-01',
        size: 3,
        hidden: false,
        // m = 1…4 (ends of Feb…May 2025): J, K, L adopted → 3. K left on 10 June 2025,
        // so m = 5…12 (ends of Jun 2025…Jan 2026) → 2. Stops at 12 months although
        // later month-ends fall before the period end.
        retained: retained(3, [3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2]),
      },
      {
        month: '2026-01',
        size: 3,
        hidden: false,
        // m = 1, end of Feb: A, B, C → 3. m = 2, end of Mar: B left on 10 Mar → A, C = 2.
        // m = 3, end of Apr: B back on 15 Apr → 3. m = 4, end of May: C left on 15 May → 2.
        // m = 5, end of Jun: the period's last month-end, not complete by 15 June → null.
        retained: retained(3, [3, 2, 3, 2, null]),
      },
      // D and E: 2 < k, so no size and no figures.
      { month: '2026-02', size: null, hidden: true, retained: [] },
      {
        month: '2026-04',
        size: 3,
        hidden: false,
        // F's first adoption is in April (its March trial does not count); Legacy is inactive.
        // m = 1, end of May: F, H (G left on 20 May) → 2. m = 2, end of Jun: incomplete → null.
        retained: retained(3, [2, null]),
      },
    ]);
  });

  it('ends the table at a past period’s end and shows only cohorts up to it', async () => {
    const { db } = handle();
    const cap = await seedCohorts(db);

    // March 2026, looked at in November: every month-end up to 2026-04-01 is complete.
    const now = new Date('2026-11-01T00:00:00.000Z');
    const { cohorts } = await capabilityFigures(db, cap, parsePeriod('2026-03'), { k: 3, now });

    expect(cohorts).toEqual([
      // Unchanged: all twelve month-ends fall before April 2026.
      {
        month: '2025-01',
        size: 3,
        hidden: false,
        retained: retained(3, [3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2]),
      },
      // Only the ends of February and March fall within the period.
      { month: '2026-01', size: 3, hidden: false, retained: retained(3, [3, 2]) },
      { month: '2026-02', size: null, hidden: true, retained: [] },
      // No 2026-04 cohort: it starts after the period.
    ]);
  });

  it('shows a cohort of two when k allows it', async () => {
    const { db } = handle();
    const cap = await seedCohorts(db);
    const now = new Date('2026-06-15T00:00:00.000Z');

    const { cohorts } = await capabilityFigures(db, cap, parsePeriod('2026-Q2'), { k: 2, now });

    // D and E are both adopted at every complete month-end (Mar, Apr, May); June is not complete.
    expect(cohorts.find((c) => c.month === '2026-02')).toEqual({
      month: '2026-02',
      size: 2,
      hidden: false,
      retained: retained(2, [2, 2, 2, null]),
    });
  });
});
