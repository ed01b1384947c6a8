import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import type { Io } from '../core/cli.ts';
import type { DbHandle } from '../core/db/index.ts';
import { getSetting } from '../core/settings.ts';
import { verifyPassword } from '../identity/passwords.ts';
import { personStatus } from '../identity/store.ts';
import { run } from '../main.ts';
import { type DemoPart, generateOrg, orgPart, runDemo } from './generator.ts';
import { demoAccounts, demoMarker } from './model.ts';
import { createRandom } from './random.ts';

const TODAY = '2026-11-01';
const expected = generateOrg(createRandom(42, 'org'), 'small', TODAY);

async function counts(handle: DbHandle) {
  const count = (table: 'teams' | 'people' | 'services') => countRows(handle.db, table);
  return {
    teams: await count('teams'),
    people: await count('people'),
    services: await count('services'),
  };
}

/** Runs `paved …` against the test database, capturing what it writes. */
async function cli(handle: DbHandle, args: string[]) {
  const url = (handle as DbHandle & { url: string }).url;
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    // PostgreSQL needs the server secret: the demo's open survey keys its invitations with it.
    env: {
      PAVED_DATABASE_URL: url,
      PAVED_DEMO_TODAY: TODAY,
      PAVED_SECRET: 'paved-demo-test-secret-0123456789',
    },
    isTty: false,
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const smallCounts = {
  teams: expected.teams.length,
  people: expected.people.length,
  services: expected.services.length,
};

describeEngines('demo', (db) => {
  it('runDemo writes the small org and marks the database as a demo', async () => {
    const summary = await runDemo(db(), { size: 'small', seed: 42, today: TODAY });
    expect(summary).toEqual({ size: 'small', seed: 42, ...smallCounts });
    expect(await counts(db())).toEqual(smallCounts);
    const marker = await getSetting(db().db, demoMarker);
    expect(marker).toMatchObject({ size: 'small', seed: 42 });
    expect(Date.parse(marker?.createdAt ?? '')).not.toBeNaN();
    const stored = await db().db.selectFrom('people').select(['ref', 'start_date']).execute();
    expect(new Map(stored.map((p) => [p.ref, p.start_date]))).toEqual(
      new Map(expected.people.map((p) => [p.ref, p.startDate])),
    );
  });

  it('gives later parts the stored org with ids, and their own random stream', async () => {
    let seen: { people: number; ids: boolean; draw: number } | undefined;
    const probe: DemoPart = {
      name: 'probe',
      async run(ctx) {
        const { people } = ctx.produced.org;
        seen = { people: people.length, ids: people.every((p) => p.id), draw: ctx.rng.next() };
      },
    };
    await runDemo(db(), { size: 'small', seed: 42, today: TODAY }, [orgPart, probe]);
    expect(seen).toEqual({ people: 60, ids: true, draw: createRandom(42, 'probe').next() });
    // Adding a part leaves the org part's data as it would be alone.
    const refs = await db().db.selectFrom('people').select('ref').orderBy('ref').execute();
    expect(refs.map((r) => r.ref)).toEqual(expected.people.map((p) => p.ref).sort());
  });

  it('writes nothing when a part fails: the demo is one transaction', async () => {
    const failing: DemoPart = {
      name: 'failing',
      async run() {
        throw new Error('boom');
      },
    };
    await expect(
      runDemo(db(), { size: 'small', seed: 42, today: TODAY }, [orgPart, failing]),
    ).rejects.toThrow('boom');
    expect(await counts(db())).toEqual({ teams: 0, people: 0, services: 0 });
    expect(await getSetting(db().db, demoMarker)).toBeNull();
  });

  it('paved demo --if-empty fills an empty database once and leaves a filled one alone', async () => {
    const first = await cli(db(), ['demo', '--if-empty', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ size: 'small', seed: 42, ...smallCounts });
    expect(first.err).toContain('60 people');

    const second = await cli(db(), ['demo', '--if-empty', '--json']);
    expect(second.code).toBe(0);
    expect(second.out).toBe('');
    // It leaves the data alone and still says how to sign in.
    expect(second.err).toMatch(
      /^The database already holds people; leaving it as it is\.\nDemo sign-ins \(demo only\) at http:\/\/127\.0\.0\.1:3000\/login:\n {2}admin\s+admin@acme\.example {2}password: paved-demo-admin\n/,
    );
    expect(second.err.match(/password: paved-demo-/g)).toHaveLength(4);
    expect(await counts(db())).toEqual(smallCounts);
  });

  it('creates one demo account per role that can sign in, linked to demo people', async () => {
    await cli(db(), ['demo']);
    // The other people's accounts came through single sign-on: no password.
    const users = await db()
      .db.selectFrom('users')
      .select(['email', 'role', 'password_hash'])
      .where('password_hash', 'is not', null)
      .orderBy('role')
      .execute();
    expect(users.map((u) => u.role)).toEqual(['admin', 'developer', 'leader', 'platform']);
    const accounts = await getSetting(db().db, demoAccounts);
    for (const account of accounts) {
      const user = users.find((u) => u.email === account.email)!;
      expect(await verifyPassword(account.password, user.password_hash!)).toBe(true);
      if (account.role !== 'admin') {
        expect(await personStatus(db().db, account.email)).toBe('active');
      }
    }
  });

  it('paved demo --reset rebuilds the demo from scratch', async () => {
    expect((await cli(db(), ['demo'])).code).toBe(0);
    const before = await db().db.selectFrom('people').select('id').execute();
    // Without a terminal to confirm on, --reset needs --force and deletes nothing.
    const refused = await cli(db(), ['demo', '--reset']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^paved: --reset deletes all data .*Add --force to go ahead/);
    expect(refused.err.split('\n')).toHaveLength(1);
    expect(await counts(db())).toEqual(smallCounts);
    const reset = await cli(db(), ['demo', '--reset', '--force', '--json']);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.out)).toMatchObject(smallCounts);
    expect(await counts(db())).toEqual(smallCounts);
    const after = await db().db.selectFrom('people').select('id').execute();
    expect(after.some((p) => before.some((b) => b.id === p.id))).toBe(false);
    expect(await getSetting(db().db, demoMarker)).toMatchObject({ size: 'small', seed: 42 });
  });

  it('paved demo refuses a database that holds people without --reset or --if-empty', async () => {
    await cli(db(), ['demo']);
    const again = await cli(db(), ['demo', '--seed', '7']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds people.*--reset.*--if-empty/);
    expect(await counts(db())).toEqual(smallCounts);
  });

  it('paved demo rejects bad usage with exit 2 and one line', async () => {
    for (const args of [
      ['demo', '--if-empty', '--reset'],
      ['demo', '--size', 'huge'],
      ['demo', '--seed', 'abc'],
      ['demo', '--seed', '-1'],
      ['demo', '--scale', '0.05'],
      ['demo', '--scale', 'ten'],
    ]) {
      const result = await cli(db(), args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err.split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(await counts(db())).toEqual({ teams: 0, people: 0, services: 0 });
  });
});
