import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { buildPerson, buildTeam } from '../../test/factories.ts';
import { applyOrgSnapshot, getTeamBySlug, listPeople } from './store.ts';

describeEngines('org store', (handle) => {
  const today = '2026-11-01';

  it('keeps fields an import does not carry, and clears fields it sets to null', async () => {
    const { db } = handle();
    const team = buildTeam({ name: 'Payments' });
    const ada = buildPerson({ name: 'Ada Lovelace', teamRef: team.ref });
    await applyOrgSnapshot(
      db,
      { teams: [team], people: [ada], services: [] },
      { full: false, today },
    );
    // A CSV-style update sets the start date and level.
    await applyOrgSnapshot(
      db,
      { teams: [], people: [{ ...ada, startDate: '2025-01-06', level: 'Senior' }], services: [] },
      { full: false, today },
    );
    // A catalog re-import carries neither: both survive.
    const summary = await applyOrgSnapshot(
      db,
      { teams: [team], people: [ada], services: [] },
      { full: true, today },
    );
    expect(summary.people).toEqual({ created: 0, updated: 0, deactivated: 0 });
    let [person] = (await listPeople(db, { limit: 10 })).items;
    expect(person).toMatchObject({ startDate: '2025-01-06', level: 'Senior' });
    // An explicit null clears.
    await applyOrgSnapshot(
      db,
      { teams: [], people: [{ ...ada, level: null }], services: [] },
      { full: false, today },
    );
    [person] = (await listPeople(db, { limit: 10 })).items;
    expect(person).toMatchObject({ startDate: '2025-01-06', level: null });
  });

  it('deactivates on a full import only the kinds of record that import brings', async () => {
    const { db } = handle();
    const team = buildTeam({ name: 'Payments' });
    const fromCatalog = buildPerson({ name: 'Ada Lovelace', teamRef: team.ref });
    const fromCsv = {
      ref: 'email:grace@example.test',
      name: 'Grace Hopper',
      email: 'grace@example.test',
    };
    await applyOrgSnapshot(
      db,
      { teams: [team], people: [fromCatalog, fromCsv], services: [] },
      { full: false, today },
    );
    const summary = await applyOrgSnapshot(
      db,
      { teams: [team], people: [], services: [] },
      { full: true, today },
    );
    // Ada came from the catalog and is gone from it; Grace came from a CSV and stays.
    expect(summary.people.deactivated).toBe(0);
    const next = await applyOrgSnapshot(
      db,
      {
        teams: [team],
        people: [buildPerson({ name: 'Alan Turing', teamRef: team.ref })],
        services: [],
      },
      { full: true, today },
    );
    expect(next.people.deactivated).toBe(1);
    const names = (await listPeople(db, { limit: 10 })).items.map((p) => p.name);
    expect(names).toEqual(['Alan Turing', 'Grace Hopper']);
    expect(await getTeamBySlug(db, 'payments')).toMatchObject({ inactiveSince: null });
  });
});
