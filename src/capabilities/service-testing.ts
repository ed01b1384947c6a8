import { countRows } from '../../test/factories.ts';
// Helpers for the capability service tests (service*.test.ts): the small
// organisation, people acting in each role, a small catalog, and row counts.

import { expect } from 'vitest';
import { signIn } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import type { Db } from '../core/db/index.ts';
import type { RoleName } from '../core/policy.ts';
import { actorFor } from '../identity/store.ts';
import { getTeamBySlug } from '../org/store.ts';
import { type Ctx, createCapability, recordMandate } from './service.ts';

/** A caller of the service: a signed-in user resolved to an actor, as the edge does. */
export async function actingAs(handle: TestDb, role: RoleName, email?: string): Promise<Ctx> {
  const { user } = await signIn(handle, role, email);
  const actor = await actorFor(handle.db, user, 'session');
  if (actor === 'deactivated') throw new Error(`${email} is deactivated`);
  return { actor, ip: '203.0.113.7' };
}

const capability = (slug: string, name: string) => ({
  slug,
  name,
  summary: `${name} for every team.`,
  ownerTeamId: null,
  docsUrl: `https://docs.example.test/${slug}`,
  stage: 'ga' as const,
  obligation: 'optional' as const,
  eligibleTeamIds: [] as string[],
});

/**
 * Engineering › Payments › Checkout and Platform, with Ada (Payments), Alan
 * (Checkout), Barbara (Platform, platform role), a leader, an admin and a
 * developer without a person; and a catalog: secrets-manager (mandatory,
 * security), service-templates (mandatory, developer-experience),
 * feature-flags (optional) and payments-sdk (optional, Payments only).
 */
export async function seedService(handle: TestDb) {
  await seedOrg(handle.db);
  const id = async (slug: string) => (await getTeamBySlug(handle.db, slug))!.id;
  const teams = {
    engineering: await id('engineering'),
    payments: await id('payments'),
    checkout: await id('checkout'),
    platform: await id('platform'),
  };
  const people = {
    ada: await actingAs(handle, 'developer', 'ada.lovelace@example.test'),
    alan: await actingAs(handle, 'developer', 'alan.turing@example.test'),
    barbara: await actingAs(handle, 'platform', 'barbara.liskov@example.test'),
    leader: await actingAs(handle, 'leader'),
    admin: await actingAs(handle, 'admin'),
    nobody: await actingAs(handle, 'developer'),
  };
  const { db } = handle;
  await createCapability(db, people.barbara, capability('secrets-manager', 'Secrets manager'));
  await recordMandate(db, people.leader, 'secrets-manager', {
    category: 'security',
    reason: 'No long-lived credentials outside the vault.',
    mitigation: 'A script moves CI variables into the vault.',
    reviewOn: '2027-06-01',
  });
  await createCapability(db, people.barbara, {
    ...capability('service-templates', 'Service templates'),
    obligation: 'mandatory',
    mandate: {
      category: 'developer-experience',
      reason: 'One way to start a service, so on-call can read any of them.',
      mitigation: 'Templates for every language we run.',
      reviewOn: '2027-03-01',
    },
  });
  await createCapability(db, people.barbara, capability('feature-flags', 'Feature flags'));
  await createCapability(db, people.barbara, {
    ...capability('payments-sdk', 'Payments SDK'),
    eligibleTeamIds: [teams.payments],
  });
  return { db, teams, people };
}

/** Rows in the tables a refused operation must leave alone. */
export async function rowCounts(db: Db) {
  const count = (
    table: 'adoption_events' | 'decisions' | 'audit_log' | 'exceptions' | 'mandates',
  ) => countRows(db, table);
  return {
    events: await count('adoption_events'),
    decisions: await count('decisions'),
    audit: await count('audit_log'),
    exceptions: await count('exceptions'),
    mandates: await count('mandates'),
  };
}

/** Runs a refused operation and checks that it throws `matching` and writes nothing. */
export async function expectRefused(
  db: Db,
  operation: () => Promise<unknown>,
  matching: object,
): Promise<void> {
  const before = await rowCounts(db);
  await expect(operation()).rejects.toMatchObject(matching);
  expect(await rowCounts(db)).toEqual(before);
}
