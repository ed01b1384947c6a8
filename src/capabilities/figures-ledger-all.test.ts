import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { parsePeriod } from '../core/period.ts';
import {
  choiceCountsFor,
  type EligibleCounts,
  eligibleCounts,
  type StayChurnCounts,
  stayChurnCounts,
} from './figures-ledger.ts';
import { addCapability, seedTeams, writeHistory } from './figures-testing.ts';

// Every expected count below is worked out by hand from the histories written
// in the test. A team's state at an instant is its event with the highest seq
// among those strictly before it, whatever their times say.

const Q3 = parsePeriod('2026-Q3'); // [2026-07-01, 2026-10-01)

const TREE = {
  Eng: null,
  Pay: 'Eng',
  Checkout: 'Pay',
  Gone: 'Pay',
  Web: null,
  Quiet: null,
  Loop1: null,
  Loop2: 'Loop1',
};

describeEngines('adoption counts of every capability at once', (handle) => {
  it('counts several capabilities in one call as by hand and as one at a time', async () => {
    const { db } = handle();
    // Active: Eng, Pay, Checkout, Web, Quiet, Loop1, Loop2 (7). Quiet has no event anywhere.
    const team = await seedTeams(db, TREE, ['Gone']);
    // Imported parents may form a cycle: Loop1 → Loop2 → Loop1.
    await db
      .updateTable('teams')
      .set({ parent_id: team.Loop2! })
      .where('id', '=', team.Loop1!)
      .execute();

    // A: offered to every team.
    const a = await addCapability(db, 'deploy', 'optional');
    // Adopted at the start, left inside the period: churn.
    await writeHistory(db, a.id, team.Eng!, [
      ['adopted', '2026-02-01T09:00:00.000Z'],
      ['left', '2026-08-10T09:00:00.000Z'],
    ]);
    // Backdated: seq 2 (adopted, June) was recorded after seq 1 (trial, September).
    // At the start only seq 2 is earlier → adopted; at the end seq 2 is the highest → adopted.
    await writeHistory(db, a.id, team.Pay!, [
      ['trial', '2026-09-01T09:00:00.000Z'],
      ['adopted', '2026-06-20T09:00:00.000Z'],
    ]);
    // Seq 2 (left) is dated after the end; seq 3 (adopted) is backdated into the period.
    await writeHistory(db, a.id, team.Checkout!, [
      ['adopted', '2026-05-01T09:00:00.000Z'],
      ['left', '2026-11-02T09:00:00.000Z'],
      ['adopted', '2026-08-01T09:00:00.000Z'],
    ]);
    // Time order says adopted last (20 Aug); seq order says left → left at the end.
    // Not adopted at the start, so its leaving is no churn.
    await writeHistory(db, a.id, team.Web!, [
      ['adopted', '2026-08-20T09:00:00.000Z'],
      ['left', '2026-07-10T09:00:00.000Z'],
    ]);
    await writeHistory(db, a.id, team.Loop1!, [['trial', '2026-07-05T09:00:00.000Z']]);
    await writeHistory(db, a.id, team.Loop2!, [
      ['adopted', '2026-03-01T09:00:00.000Z'],
      ['left', '2026-06-01T09:00:00.000Z'],
    ]);
    await writeHistory(db, a.id, team.Gone!, [['adopted', '2026-01-01T09:00:00.000Z']]);

    // B: mandatory, listed for Pay → Pay and Checkout (Gone is below Pay but inactive).
    const b = await addCapability(db, 'secrets', 'mandatory', [team.Pay!]);
    await writeHistory(db, b.id, team.Pay!, [['adopted', '2026-07-15T09:00:00.000Z']]);
    await writeHistory(db, b.id, team.Checkout!, [['exempt', '2026-06-01T09:00:00.000Z']]);
    // Not eligible, but counted for stay and churn: left exactly at the start → inside the period.
    await writeHistory(db, b.id, team.Web!, [
      ['adopted', '2026-04-01T09:00:00.000Z'],
      ['left', '2026-07-01T00:00:00.000Z'],
    ]);
    // Exactly at the (exclusive) end: not before it.
    await writeHistory(db, b.id, team.Eng!, [['adopted', '2026-10-01T00:00:00.000Z']]);
    await writeHistory(db, b.id, team.Gone!, [['adopted', '2026-01-01T09:00:00.000Z']]);

    // C: listed for Loop1 and Web → Loop1, Loop2 (below Loop1, despite the cycle), Web.
    const c = await addCapability(db, 'observability', 'optional', [team.Loop1!, team.Web!]);
    await writeHistory(db, c.id, team.Loop2!, [['adopted', '2026-09-30T23:59:59.999Z']]);
    await writeHistory(db, c.id, team.Web!, [
      ['trial', '2026-08-01T09:00:00.000Z'],
      ['opted-out', '2026-09-01T09:00:00.000Z'],
    ]);
    await writeHistory(db, c.id, team.Eng!, [['trial', '2026-08-01T09:00:00.000Z']]);

    // D: listed for an inactive team only → no eligible team (not every team).
    const d = await addCapability(db, 'lonely', 'optional', [team.Gone!]);
    await writeHistory(db, d.id, team.Gone!, [['adopted', '2026-02-01T09:00:00.000Z']]);
    await writeHistory(db, d.id, team.Pay!, [['trial', '2026-08-01T09:00:00.000Z']]);

    // E: offered to every team, no event.
    const e = await addCapability(db, 'quiet', 'optional');

    const eligible: Record<string, EligibleCounts> = {
      // Chosen: Pay, Checkout (adopted), Loop1 (trial).
      [a.id]: { eligible: 7, chosen: 3, adopted: 2 },
      [b.id]: { eligible: 2, chosen: 1, adopted: 1 },
      // Loop2 adopted; Web opted out.
      [c.id]: { eligible: 3, chosen: 1, adopted: 1 },
      [d.id]: { eligible: 0, chosen: 0, adopted: 0 },
      [e.id]: { eligible: 7, chosen: 0, adopted: 0 },
    };
    const stayChurn: Record<string, StayChurnCounts> = {
      // Ever: Eng, Pay, Checkout, Web, Loop2. At the end: Pay, Checkout.
      // At the start: Eng, Pay, Checkout. Churned: Eng.
      [a.id]: { everAdopted: 5, adoptedAtEnd: 2, adoptedAtStart: 3, churned: 1 },
      // Ever: Pay, Web. At the end: Pay. At the start: Web, which left at the start.
      [b.id]: { everAdopted: 2, adoptedAtEnd: 1, adoptedAtStart: 1, churned: 1 },
      [c.id]: { everAdopted: 1, adoptedAtEnd: 1, adoptedAtStart: 0, churned: 0 },
      [d.id]: { everAdopted: 0, adoptedAtEnd: 0, adoptedAtStart: 0, churned: 0 },
      [e.id]: { everAdopted: 0, adoptedAtEnd: 0, adoptedAtStart: 0, churned: 0 },
    };
    const ids = [a.id, b.id, c.id, d.id, e.id];

    const all = await choiceCountsFor(db, Q3, 'all');
    expect(new Set(all.keys())).toEqual(new Set(ids));
    for (const id of ids) {
      expect(all.get(id), id).toEqual({ eligible: eligible[id], stayChurn: stayChurn[id] });
      expect(await eligibleCounts(db, id, Q3), id).toEqual(eligible[id]);
      expect(await stayChurnCounts(db, id, Q3), id).toEqual(stayChurn[id]);
    }

    const some = [c.id, a.id, e.id];
    expect(await choiceCountsFor(db, Q3, some)).toEqual(
      new Map(some.map((id) => [id, { eligible: eligible[id], stayChurn: stayChurn[id] }])),
    );
    expect(await choiceCountsFor(db, Q3, [])).toEqual(new Map());
  });

  it('gives the same counts all at once as one capability at a time, in every quarter', async () => {
    const { db } = handle();
    const team = await seedTeams(db, TREE, ['Gone']);
    const a = await addCapability(db, 'deploy', 'optional');
    const b = await addCapability(db, 'secrets', 'mandatory', [team.Eng!]);
    for (const cap of [a, b]) {
      await writeHistory(db, cap.id, team.Pay!, [
        ['adopted', '2026-02-01T09:00:00.000Z'],
        ['left', '2026-05-10T09:00:00.000Z'],
        ['adopted', '2026-04-01T09:00:00.000Z'],
        ['left', '2026-08-01T09:00:00.000Z'],
      ]);
      await writeHistory(db, cap.id, team.Web!, [
        ['trial', '2026-03-01T09:00:00.000Z'],
        ['adopted', '2026-07-01T00:00:00.000Z'],
      ]);
      await writeHistory(db, cap.id, team.Gone!, [['adopted', '2026-01-01T09:00:00.000Z']]);
    }
    for (const key of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
      const period = parsePeriod(key);
      const all = await choiceCountsFor(db, period, 'all');
      for (const cap of [a, b]) {
        expect(all.get(cap.id), `${cap.slug} ${key}`).toEqual({
          eligible: await eligibleCounts(db, cap.id, period),
          stayChurn: await stayChurnCounts(db, cap.id, period),
        });
      }
    }
    // Q2 by hand for `secrets` (eligible: every active team under Eng; Web is not).
    // Pay at the start (1 Apr): seq 1 only → adopted; at the end (1 Jul): seqs 1–3 → adopted.
    const q2 = (await choiceCountsFor(db, parsePeriod('2026-Q2'), [b.id])).get(b.id);
    expect(q2).toEqual({
      eligible: { eligible: 3, chosen: 1, adopted: 1 },
      // Pay left on 10 May (from adopted, inside Q2) and was adopted at the start: churned.
      stayChurn: { everAdopted: 1, adoptedAtEnd: 1, adoptedAtStart: 1, churned: 1 },
    });
  });
});
