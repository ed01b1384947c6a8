// Helpers for the research tests: the capability tests' organisation and
// catalog, inputs with defaults, and the row counts a refused write must keep.

import { expect } from 'vitest';
import { signIn, type TestUser } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { countRows, seedOrg } from '../../test/factories.ts';
import { seedService } from '../capabilities/service-testing.ts';
import { insertCapability } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import type { RoleName } from '../core/policy.ts';
import { actorFor } from '../identity/store.ts';
import type { FrictionInput, NoteInput, SessionInput, TopicInput } from './model.ts';
import type { Ctx } from './service.ts';

export { actingAs } from '../capabilities/service-testing.ts';

/**
 * Engineering › Payments › Checkout and Platform; Barbara on the platform
 * team (research.manage), a leader (research.read), Ada a developer; the
 * catalog secrets-manager, service-templates, feature-flags, payments-sdk.
 */
export async function seedResearch(handle: TestDb) {
  return seedService(handle);
}

export function frictionInput(overrides: Partial<FrictionInput> = {}): FrictionInput {
  return {
    step: 'Wait for the approval',
    capability: 'service-templates',
    severity: 2,
    minutesLost: 30,
    quote: 'I never know who approves it.',
    ...overrides,
  };
}

/** A note with two friction points, for what a test does not care about. */
export function noteInput(overrides: Partial<NoteInput> = {}): NoteInput {
  return {
    kind: 'interview',
    heldOn: '2026-10-14',
    team: 'payments',
    personas: ['junior', 'cli-first'],
    workflow: 'create a new service',
    steps: ['Pick a template', 'Wait for the approval', 'First deploy'],
    summary: 'Templates are fine; the approval is where the day goes.',
    frictions: [
      frictionInput(),
      frictionInput({
        step: 'Find the secrets',
        capability: 'secrets-manager',
        severity: 3,
        minutesLost: 60,
      }),
    ],
    ...overrides,
  };
}

export function topicInput(overrides: Partial<TopicInput> = {}): TopicInput {
  return {
    team: 'checkout',
    capability: 'secrets-manager',
    problem: 'Rotating a database password by hand',
    outcome: 'solved',
    feedbackId: null,
    ...overrides,
  };
}

export function sessionInput(overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    heldOn: '2026-10-13',
    hosts: 'Barbara Liskov, Dennis Ritchie',
    notes: 'A quiet week.',
    topics: [topicInput()],
    ...overrides,
  };
}

/** Rows in the research tables (and the audit log) a refused write must leave alone. */
export async function researchRows(db: Db) {
  return {
    notes: await countRows(db, 'research_notes'),
    frictions: await countRows(db, 'research_frictions'),
    links: await countRows(db, 'research_friction_links'),
    sessions: await countRows(db, 'office_hours_sessions'),
    topics: await countRows(db, 'office_hours_topics'),
    feedback: await countRows(db, 'feedback_items'),
    audit: await countRows(db, 'audit_log'),
  };
}

/** Runs a refused operation and checks that it throws `matching` and writes nothing. */
export async function expectRefused(
  db: Db,
  operation: () => Promise<unknown>,
  matching: object,
): Promise<void> {
  const before = await researchRows(db);
  await expect(operation()).rejects.toMatchObject(matching);
  expect(await researchRows(db)).toEqual(before);
}

/** A person for page, API and CLI tests: cookies and token, and the service context. */
export type Person = TestUser & { ctx: Ctx };

async function person(handle: TestDb, role: RoleName, email: string): Promise<Person> {
  const user = await signIn(handle, role, email);
  const actor = await actorFor(handle.db, user.user, 'session');
  if (actor === 'deactivated') throw new Error(`${email} is deactivated`);
  return { ...user, ctx: { actor, ip: '203.0.113.9' } };
}

/**
 * The small organisation, the capabilities service-templates, secrets-manager
 * and feature-flags, and people who sign in: Barbara (platform), a leader, Ada
 * (developer) and an admin.
 */
export async function seedPeople(handle: TestDb) {
  await seedOrg(handle.db);
  for (const [slug, name] of [
    ['service-templates', 'Service templates'],
    ['secrets-manager', 'Secrets manager'],
    ['feature-flags', 'Feature flags'],
  ] as const) {
    await insertCapability(handle.db, {
      slug,
      name,
      summary: `${name} for every team.`,
      ownerTeamId: null,
      docsUrl: null,
      stage: 'ga',
      obligation: 'optional',
      eligibleTeamIds: [],
    });
  }
  return {
    barbara: await person(handle, 'platform', 'barbara.liskov@example.test'),
    leader: await person(handle, 'leader', 'lead@example.test'),
    ada: await person(handle, 'developer', 'ada.lovelace@example.test'),
    admin: await person(handle, 'admin', 'root@example.test'),
  };
}
