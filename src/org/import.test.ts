import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import type { Io } from '../core/cli.ts';
import type { Db, DbHandle } from '../core/db/index.ts';
import { run } from '../main.ts';
import { importBackstageCatalog, readBackstageCatalog } from './backstage.ts';
import { importPeopleCsv, PeopleCsvError } from './csv.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const catalogDir = `${fixtures}backstage`;
const brokenFile = `${fixtures}backstage-invalid/broken.yaml`;
const csv = (name: string) => readFileSync(`${fixtures}${name}`, 'utf8');

const storeWarnings = [
  'Team group:default/growth names parent group:default/marketing, which is neither in the import nor in paved; it is left without a parent.',
  'user:default/dave has the same email as user:default/alice (Alice@Example.com).',
  'user:default/carol is a member of group:default/ghost-team, which is neither in the import nor in paved; the person has no team.',
  'Service component:default/deploy-bot is owned by user:default/alice, which is not a team in the import or in paved; it has no owner team.',
];

/** Runs `fn` in one transaction, the way the CLI does. */
function inTransaction<T>(handle: DbHandle, fn: (db: Db) => Promise<T>): Promise<T> {
  return handle.db.transaction().execute(fn);
}

async function importFixture(handle: DbHandle, today = '2026-01-15') {
  const catalog = await readBackstageCatalog([catalogDir]);
  return inTransaction(handle, (db) => importBackstageCatalog(db, catalog, { full: true, today }));
}

async function rowCounts(db: Db) {
  const count = (table: 'teams' | 'people' | 'services') => countRows(db, table);
  return {
    teams: await count('teams'),
    people: await count('people'),
    services: await count('services'),
  };
}

/** Teams as slug → [name, parent slug, inactive since]. */
async function teamRows(db: Db) {
  const rows = await db
    .selectFrom('teams as t')
    .leftJoin('teams as p', 'p.id', 't.parent_id')
    .select(['t.slug', 't.name', 'p.slug as parent', 't.inactive_since'])
    .orderBy('t.slug')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.slug, [r.name, r.parent, r.inactive_since]]));
}

/** People as ref → their row with the team's slug. */
async function peopleRows(db: Db) {
  const rows = await db
    .selectFrom('people as p')
    .leftJoin('teams as t', 't.id', 'p.team_id')
    .select([
      'p.ref',
      'p.name',
      'p.email',
      't.slug as team',
      'p.start_date',
      'p.level',
      'p.location',
      'p.inactive_since',
    ])
    .orderBy('p.ref')
    .execute();
  return Object.fromEntries(rows.map(({ ref, ...rest }) => [ref, rest]));
}

/** An Io that keeps what a command prints, pointed at the test's database. */
function fakeIo(handle: DbHandle) {
  const url = (handle as DbHandle & { url?: string }).url;
  if (!url) throw new Error('the test database has no url');
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (text) => out.push(text),
    err: (text) => err.push(...text.replace(/\n$/, '').split('\n')),
    env: { PAVED_DATABASE_URL: url },
    isTty: false,
  };
  return { io, out, err };
}

describeEngines('Backstage import', (handle) => {
  it('writes teams with their parents, people with their teams and services with owners', async () => {
    const summary = await importFixture(handle());
    expect(summary.teams).toEqual({ created: 7, updated: 0, deactivated: 0 });
    expect(summary.people).toEqual({ created: 6, updated: 0, deactivated: 0 });
    expect(summary.services).toEqual({ created: 2, updated: 0, deactivated: 0 });
    expect(summary.skipped).toEqual({ API: 1, System: 1, Location: 1 });

    expect(await teamRows(handle().db)).toEqual({
      data: ['Data', 'engineering', null],
      'emea-berlin': ['Berlin Office', 'engineering', null],
      engineering: ['Engineering', null, null],
      growth: ['Growth', null, null],
      payments: ['payments', 'engineering', null],
      platform: ['Platform Team', 'engineering', null],
      sre: ['Site Reliability', 'platform', null],
    });
    const people = await peopleRows(handle().db);
    expect(Object.fromEntries(Object.entries(people).map(([ref, p]) => [ref, p.team]))).toEqual({
      'user:default/alice': 'platform',
      'user:default/bob': 'payments',
      'user:default/carol': null,
      'user:default/dave': 'data',
      'user:default/frank': 'emea-berlin',
      'user:emea/erin': 'emea-berlin',
    });
    expect(people['user:emea/erin']).toMatchObject({
      name: 'erin',
      email: null,
      inactive_since: null,
    });
    expect(Object.values(people).every((p) => p.inactive_since === null)).toBe(true);

    const services = await handle()
      .db.selectFrom('services as s')
      .leftJoin('teams as t', 't.id', 's.team_id')
      .select(['s.slug', 't.slug as team', 's.repository', 's.annotations', 's.inactive_since'])
      .orderBy('s.slug')
      .execute();
    expect(services).toEqual([
      {
        slug: 'checkout',
        team: 'payments',
        repository: 'acme/checkout',
        annotations: JSON.stringify({
          'github.com/project-slug': 'acme/checkout',
          'backstage.io/techdocs-ref': 'dir:.',
        }),
        inactive_since: null,
      },
      { slug: 'deploy-bot', team: null, repository: null, annotations: '{}', inactive_since: null },
    ]);
  });

  it('warns about dangling refs, shared emails and user owners after the catalog’s own warnings', async () => {
    const { warnings } = await importFixture(handle());
    expect(warnings.slice(-4)).toEqual(storeWarnings);
    expect(warnings).toHaveLength(9);
    expect(warnings[3]).toContain('group:default/sre names parent group:default/platform');
  });

  it('changes nothing when the same catalog is imported again', async () => {
    await importFixture(handle());
    const before = { counts: await rowCounts(handle().db), teams: await teamRows(handle().db) };
    const again = await importFixture(handle());
    for (const counts of [again.teams, again.people, again.services]) {
      expect(counts).toEqual({ created: 0, updated: 0, deactivated: 0 });
    }
    expect(await rowCounts(handle().db)).toEqual(before.counts);
    expect(await teamRows(handle().db)).toEqual(before.teams);
  });

  it('marks a team and a person missing from a later import inactive, and reactivates them when they return', async () => {
    await importFixture(handle());
    const catalog = await readBackstageCatalog([catalogDir]);
    const smaller = {
      ...catalog,
      snapshot: {
        ...catalog.snapshot,
        teams: catalog.snapshot.teams.filter((t) => t.ref !== 'group:default/growth'),
        people: catalog.snapshot.people.filter((p) => p.ref !== 'user:default/carol'),
      },
    };
    const later = await inTransaction(handle(), (db) =>
      importBackstageCatalog(db, smaller, { full: true, today: '2026-03-01' }),
    );
    expect(later.teams.deactivated).toBe(1);
    expect(later.people.deactivated).toBe(1);
    expect(await rowCounts(handle().db)).toEqual({ teams: 7, people: 6, services: 2 });
    expect((await teamRows(handle().db)).growth).toEqual(['Growth', null, '2026-03-01']);
    expect((await peopleRows(handle().db))['user:default/carol']?.inactive_since).toBe(
      '2026-03-01',
    );
    expect((await peopleRows(handle().db))['user:default/alice']?.inactive_since).toBeNull();

    const back = await importFixture(handle(), '2026-04-01');
    expect(back.teams).toEqual({ created: 0, updated: 1, deactivated: 0 });
    expect(back.people).toEqual({ created: 0, updated: 1, deactivated: 0 });
    expect((await teamRows(handle().db)).growth).toEqual(['Growth', null, null]);
    expect((await peopleRows(handle().db))['user:default/carol']?.inactive_since).toBeNull();
  });
});

describeEngines('people CSV import', (handle) => {
  it('updates people matched by email and adds the others, leaving everyone else active', async () => {
    await importFixture(handle());
    const summary = await inTransaction(handle(), (db) =>
      importPeopleCsv(db, csv('people.csv'), { today: '2026-02-01' }),
    );
    expect(summary.people).toEqual({ created: 2, updated: 1, deactivated: 0 });
    expect(summary.teams).toEqual({ created: 0, updated: 0, deactivated: 0 });
    const people = await peopleRows(handle().db);
    expect(people['user:default/bob']).toEqual({
      name: 'Bob Baker',
      email: 'bob@example.com',
      team: 'platform',
      start_date: '2024-03-04',
      level: 'senior',
      location: 'Lisbon',
      inactive_since: null,
    });
    expect(people['email:new.person@example.com']).toEqual({
      name: 'Newman, Nora',
      email: 'new.person@example.com',
      team: 'payments',
      start_date: '2026-01-12',
      level: 'junior',
      location: 'Berlin\nMitte',
      inactive_since: null,
    });
    expect(people['email:zed@example.com']).toMatchObject({ name: 'Zed "Z" Zimmer', team: null });
    expect(Object.values(people).filter((p) => p.inactive_since !== null)).toEqual([]);
    expect(Object.keys(people)).toHaveLength(8);
  });

  it('changes nothing when the same CSV is imported again', async () => {
    await importFixture(handle());
    const importCsv = () =>
      inTransaction(handle(), (db) =>
        importPeopleCsv(db, csv('people.csv'), { today: '2026-02-01' }),
      );
    await importCsv();
    const again = await importCsv();
    expect(again.people).toEqual({ created: 0, updated: 0, deactivated: 0 });
    expect((await rowCounts(handle().db)).people).toBe(8);
  });

  it('keeps what paved has for columns the file leaves out', async () => {
    await importFixture(handle());
    await inTransaction(handle(), (db) =>
      importPeopleCsv(db, csv('people.csv'), { today: '2026-02-01' }),
    );
    await inTransaction(handle(), (db) =>
      importPeopleCsv(db, 'email,name\nbob@example.com,Robert Baker\n', { today: '2026-02-01' }),
    );
    expect((await peopleRows(handle().db))['user:default/bob']).toMatchObject({
      name: 'Robert Baker',
      team: 'platform',
      start_date: '2024-03-04',
      level: 'senior',
    });
  });

  it('writes nothing and reports every bad row, unknown teams included', async () => {
    await importFixture(handle());
    const before = await peopleRows(handle().db);
    const error = await inTransaction(handle(), (db) =>
      importPeopleCsv(db, csv('people-bad.csv'), { today: '2026-02-01' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeopleCsvError);
    const rowErrors = (error as PeopleCsvError).rowErrors;
    expect(rowErrors.map((e) => e.row)).toEqual([3, 4, 5, 6, 8, 9, 10]);
    expect(rowErrors[2]).toEqual({
      row: 5,
      column: 'team',
      message: 'team "no-such-team" is neither a team slug nor a group ref in paved',
    });
    expect(await peopleRows(handle().db)).toEqual(before);
  });

  it('refuses a team that is no longer active', async () => {
    await importFixture(handle());
    await handle()
      .db.updateTable('teams')
      .set({ inactive_since: '2026-01-01' })
      .where('slug', '=', 'growth')
      .execute();
    const error = await inTransaction(handle(), (db) =>
      importPeopleCsv(db, 'name,email,team\nG,g@example.com,growth\n', { today: '2026-02-01' }),
    ).catch((e: unknown) => e);
    expect((error as PeopleCsvError).rowErrors).toEqual([
      { row: 2, column: 'team', message: 'team "growth" is inactive since 2026-01-01' },
    ]);
  });
});

describeEngines('paved import (CLI)', (handle) => {
  it('prints the summary as JSON with --json', async () => {
    const { io, out, err } = fakeIo(handle());
    expect(await run(['import', 'backstage', catalogDir, '--json'], io)).toBe(0);
    const summary = JSON.parse(out.join('\n'));
    expect(summary.teams).toEqual({ created: 7, updated: 0, deactivated: 0 });
    expect(summary.skipped).toEqual({ API: 1, System: 1, Location: 1 });
    expect(summary.warnings.slice(-4)).toEqual(storeWarnings);
    expect(err).toEqual([]);
    expect(await rowCounts(handle().db)).toEqual({ teams: 7, people: 6, services: 2 });
    // The import is audited as an operator change, with its counts.
    const audit = await handle().db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'org.import', actor_id: null });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      source: 'backstage',
      teamsCreated: 7,
      peopleCreated: 6,
    });
  });

  it('prints a human summary on stderr, one warning a line', async () => {
    const { io, out, err } = fakeIo(handle());
    expect(await run(['import', 'backstage', catalogDir], io)).toBe(0);
    expect(out).toEqual([]);
    expect(err).toContain('  teams:    7 created, 0 updated, 0 marked inactive');
    expect(err).toContain('  skipped:  API 1, Location 1, System 1');
    expect(err).toContain('9 warnings:');
    for (const warning of storeWarnings) expect(err).toContain(`  - ${warning}`);
  });

  it('fails on invalid YAML with file:line in one line and writes nothing', async () => {
    const { io, err } = fakeIo(handle());
    expect(await run(['import', 'backstage', catalogDir, brokenFile], io)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toBe(
      `paved: Invalid YAML at ${brokenFile}:15: Map keys must be unique. Nothing was imported; fix this and run the import again.`,
    );
    expect(await rowCounts(handle().db)).toEqual({ teams: 0, people: 0, services: 0 });
  });

  it('fails on a missing file with one line on stderr', async () => {
    const { io, err } = fakeIo(handle());
    expect(await run(['import', 'people', `${fixtures}nowhere.csv`], io)).toBe(1);
    expect(err).toEqual([
      `paved: Cannot read ${fixtures}nowhere.csv: no such file. Check the path and run the import again.`,
    ]);
  });

  it('prints every bad CSV row, then one failure line, and writes nothing', async () => {
    expect(await run(['import', 'backstage', catalogDir], fakeIo(handle()).io)).toBe(0);
    const { io, err } = fakeIo(handle());
    const file = `${fixtures}people-bad.csv`;
    expect(await run(['import', 'people', file], io)).toBe(1);
    expect(err).toHaveLength(8);
    expect(err[0]).toBe(`${file}: row 3: name is empty`);
    expect(err[2]).toBe(
      `${file}: row 5: team "no-such-team" is neither a team slug nor a group ref in paved`,
    );
    expect(err[7]).toBe(
      `paved: ${file} has 7 problems (listed above); nothing was imported. Fix them and run the import again.`,
    );
    expect((await rowCounts(handle().db)).people).toBe(6);
    // Only the catalog import was audited; the failed CSV import wrote nothing at all.
    expect(await handle().db.selectFrom('audit_log').select('action').execute()).toEqual([
      { action: 'org.import' },
    ]);
  });

  it('imports a good CSV and reports it as JSON', async () => {
    expect(await run(['import', 'backstage', catalogDir], fakeIo(handle()).io)).toBe(0);
    const { io, out } = fakeIo(handle());
    expect(await run(['import', 'people', `${fixtures}people.csv`, '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n')).people).toEqual({ created: 2, updated: 1, deactivated: 0 });
    expect((await rowCounts(handle().db)).people).toBe(8);
  });
});
