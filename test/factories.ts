import type { Db } from '../src/core/db/index.ts';
import type { Database } from '../src/core/db/schema.ts';
import type { OrgSnapshot, PersonRecord, TeamRecord } from '../src/org/model.ts';
import { applyOrgSnapshot } from '../src/org/store.ts';

/** A team record with overrides; the ref derives from the name. */
export function buildTeam(overrides: Partial<TeamRecord> & { name: string }): TeamRecord {
  const slug = overrides.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return { ref: `group:default/${slug}`, ...overrides };
}

/** A person record with overrides; the ref and email derive from the name. */
export function buildPerson(overrides: Partial<PersonRecord> & { name: string }): PersonRecord {
  const handle = overrides.name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
  return { ref: `user:default/${handle}`, email: `${handle}@example.test`, ...overrides };
}

/**
 * A small organisation: Engineering › Payments (› Checkout) and Platform,
 * with people in each and one service.
 */
export function smallOrg(): OrgSnapshot {
  const eng = buildTeam({ name: 'Engineering', description: 'All of engineering' });
  const payments = buildTeam({ name: 'Payments', parentRef: eng.ref });
  const checkout = buildTeam({ name: 'Checkout', parentRef: payments.ref });
  const platform = buildTeam({ name: 'Platform', parentRef: eng.ref });
  const people = [
    buildPerson({
      name: 'Ada Lovelace',
      teamRef: payments.ref,
      startDate: '2024-03-01',
      level: 'Senior',
    }),
    buildPerson({ name: 'Grace Hopper', teamRef: payments.ref, startDate: '2026-10-01' }),
    buildPerson({ name: 'Alan Turing', teamRef: checkout.ref, location: 'London' }),
    buildPerson({ name: 'Barbara Liskov', teamRef: platform.ref }),
    buildPerson({ name: 'Edsger Dijkstra', teamRef: platform.ref }),
  ];
  return {
    teams: [eng, payments, checkout, platform],
    people,
    services: [
      {
        ref: 'component:default/checkout-api',
        name: 'checkout-api',
        ownerRef: checkout.ref,
        repository: 'acme/checkout-api',
        annotations: { 'github.com/project-slug': 'acme/checkout-api' },
      },
    ],
  };
}

/** Writes a snapshot (by default the small organisation) into a database. */
export async function seedOrg(db: Db, snapshot: OrgSnapshot = smallOrg()) {
  return applyOrgSnapshot(db, snapshot, { full: false, today: '2026-11-01' });
}

/** How many rows a table holds (tests check that refused writes leave them alone). */
export async function countRows(db: Db, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
