import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { newId } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { parsePeriod } from '../core/period.ts';
import { capabilityFigures } from './figures.ts';
import { exceptionCountsFor } from './figures-exceptions.ts';
import { addCapability, seedTeams } from './figures-testing.ts';
import type { ExceptionStatus } from './model.ts';
import { recordDecision } from './store.ts';

async function addException(
  db: Db,
  row: {
    capabilityId: string;
    teamId: string;
    status: ExceptionStatus;
    createdAt: string;
    decidedAt: string | null;
  },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('exceptions')
    .values({
      id,
      kind: 'exception',
      capability_id: row.capabilityId,
      team_id: row.teamId,
      category: 'security',
      justification: 'We need it',
      evidence: '',
      requested_by: null,
      status: row.status,
      decided_by: null,
      decided_at: row.decidedAt,
      rationale: row.decidedAt ? 'Because' : null,
      expires_on: null,
      created_at: row.createdAt,
    })
    .execute();
  return id;
}

describeEngines('capability exception figures', (handle) => {
  it('counts requests by status and measures decision days for those decided in the period', async () => {
    const { db } = handle();
    const team = await seedTeams(db, { Payments: null });
    const secrets = await addCapability(db, 'secrets', 'mandatory');
    const other = await addCapability(db, 'other', 'mandatory');
    const base = { capabilityId: secrets.id, teamId: team.Payments! };
    const requests: [ExceptionStatus, string, string | null][] = [
      // Decided in Q2 2026 (from request to decision):
      ['approved', '2026-04-01T00:00:00.000Z', '2026-04-01T12:00:00.000Z'], // 0.5 days
      ['denied', '2026-04-10T00:00:00.000Z', '2026-04-12T00:00:00.000Z'], // 2
      ['denied', '2026-05-01T00:00:00.000Z', '2026-05-04T00:00:00.000Z'], // 3
      ['escalated', '2026-05-10T00:00:00.000Z', '2026-05-14T00:00:00.000Z'], // 4
      ['approved', '2026-06-01T00:00:00.000Z', '2026-06-11T00:00:00.000Z'], // 10
      // Outside the period: decided before it, still pending, decided after it.
      ['denied', '2026-03-20T00:00:00.000Z', '2026-03-30T00:00:00.000Z'],
      ['pending', '2026-06-25T00:00:00.000Z', null],
      ['approved', '2026-06-28T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ];
    for (const [status, createdAt, decidedAt] of requests) {
      await addException(db, { ...base, status, createdAt, decidedAt });
    }
    // Approved on 3 February (the decision log says so) and expired on 1 May, which
    // rewrote decided_at: its decision falls before the period, so it is left out.
    const expired = await addException(db, {
      ...base,
      status: 'expired',
      createdAt: '2026-02-01T00:00:00.000Z',
      decidedAt: '2026-05-01T00:00:00.000Z',
    });
    await recordDecision(db, {
      kind: 'exception.decided',
      category: 'security',
      deciderId: null,
      deciderName: 'Lee',
      rationale: 'Fine until May',
      capabilityId: secrets.id,
      subjectType: 'exception',
      subjectId: expired,
      summary: 'Exception for secrets approved',
      at: '2026-02-03T00:00:00.000Z',
    });
    // Another capability's request counts nowhere here.
    await addException(db, {
      capabilityId: other.id,
      teamId: team.Payments!,
      status: 'denied',
      createdAt: '2026-04-01T00:00:00.000Z',
      decidedAt: '2026-04-20T00:00:00.000Z',
    });

    const { exceptions } = await capabilityFigures(db, secrets, parsePeriod('2026-Q2'), { k: 3 });

    expect(exceptions.byStatus).toEqual({
      pending: 1,
      approved: 3, // 1 Apr, 1 Jun, 28 Jun
      denied: 3, // 10 Apr, 1 May, 20 Mar
      escalated: 1,
      expired: 1,
      revoked: 0,
      withdrawn: 0,
    });
    // Days: 0.5, 2, 3, 4, 10. Median: the middle value, 3. p90 by linear interpolation:
    // rank (5 − 1) × 0.9 = 3.6 → 4 + 0.6 × (10 − 4) = 7.6.
    expect(exceptions.decisionDays).toEqual({ median: 3, p90: 7.6, n: 5 });

    // Several capabilities in one statement: the same counts, and zeros for one without requests.
    const none = await addCapability(db, 'none', 'optional');
    const all = await exceptionCountsFor(db, [secrets.id, other.id, none.id]);
    expect(all.get(secrets.id)).toEqual(exceptions.byStatus);
    expect(all.get(other.id)).toEqual({
      pending: 0,
      approved: 0,
      denied: 1,
      escalated: 0,
      expired: 0,
      revoked: 0,
      withdrawn: 0,
    });
    expect(Object.values(all.get(none.id)!)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(await exceptionCountsFor(db, [])).toEqual(new Map());
  });
});
