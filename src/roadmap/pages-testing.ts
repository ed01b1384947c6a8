// Helpers for the roadmap page, API, feed and CLI tests: people who can both
// sign in (cookies, tokens) and act through the service.

import { signIn, type TestUser } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { insertCapability } from '../capabilities/store.ts';
import type { RoleName } from '../core/policy.ts';
import { actorFor } from '../identity/store.ts';
import type { Ctx } from './service.ts';
import { listeningWebhook } from './service-testing.ts';

export { get, post } from '../capabilities/pages-testing.ts';

/** A person for page tests: their cookies and token, and the service context for the same account. */
export type Person = TestUser & { ctx: Ctx };

async function person(handle: TestDb, role: RoleName, email: string): Promise<Person> {
  const user = await signIn(handle, role, email);
  const actor = await actorFor(handle.db, user.user, 'session');
  if (actor === 'deactivated') throw new Error(`${email} is deactivated`);
  return { ...user, ctx: { actor, ip: '203.0.113.9' } };
}

/**
 * The small organisation with a Feature flags capability, and people who sign
 * in: Ada and Alan (developers), Barbara (platform), a leader and an admin.
 */
export async function seedPages(handle: TestDb) {
  await seedOrg(handle.db);
  await insertCapability(handle.db, {
    slug: 'feature-flags',
    name: 'Feature flags',
    summary: 'Turn features on per team.',
    ownerTeamId: null,
    docsUrl: null,
    stage: 'ga',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
  await listeningWebhook(handle.db);
  return {
    ada: await person(handle, 'developer', 'ada.lovelace@example.test'),
    alan: await person(handle, 'developer', 'alan.turing@example.test'),
    barbara: await person(handle, 'platform', 'barbara.liskov@example.test'),
    leader: await person(handle, 'leader', 'lead@example.test'),
    admin: await person(handle, 'admin', 'root@example.test'),
  };
}

/** Closes a proposal's comment window now (as if its days had passed). */
export async function closeWindow(handle: TestDb, itemId: string): Promise<void> {
  await handle.db
    .updateTable('roadmap_items')
    .set({ comments_close_at: new Date(Date.now() - 60_000).toISOString() })
    .where('id', '=', itemId)
    .execute();
}
