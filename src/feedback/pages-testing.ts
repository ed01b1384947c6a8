// Helpers for the feedback page tests (pages-*.test.tsx): the small
// organisation with two capabilities, people with real names in each role,
// their service contexts, and the GET/POST helpers of the capability pages.

import type { TestUser } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import { addCapability } from '../capabilities/pages-testing.ts';
import { loadConfig } from '../core/config.ts';
import { sessionCookieName } from '../core/http/auth.ts';
import type { RoleName } from '../core/policy.ts';
import { actorFor, createSession, createToken, createUser } from '../identity/store.ts';
import type { Ctx } from './service.ts';

export { get, post } from '../capabilities/pages-testing.ts';

/** A person with a name of their own, signed in for pages (cookie) and the service (ctx). */
export interface Person extends TestUser {
  ctx: Ctx;
}

let counter = 0;

/** Creates an account named `name` (linked to the seeded person with that email, if any). */
export async function person(
  handle: TestDb,
  role: RoleName,
  name: string,
  email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.test`,
): Promise<Person> {
  const user = await createUser(handle.db, { email, name, role, passwordHash: null });
  const { value } = await createToken(handle.db, {
    userId: user.id,
    name: `test ${++counter}`,
    expiresAt: null,
  });
  const session = await createSession(handle.db, user.id, { maxDays: 7 });
  const cookieName = sessionCookieName(loadConfig({}).baseUrl).name;
  const actor = await actorFor(handle.db, user, 'session');
  if (actor === 'deactivated') throw new Error(`${email} is deactivated`);
  return {
    user,
    token: value,
    csrfToken: session.csrfToken,
    bearer: { Authorization: `Bearer ${value}` },
    cookie: { Cookie: `${cookieName}=${session.cookieValue}` },
    ctx: { actor, ip: '203.0.113.9' },
  };
}

/**
 * The small organisation (Engineering › Payments › Checkout, Platform), a
 * Deploy pipeline and a Secrets vault, and Ada (Payments), Alan (Checkout),
 * Barbara (Platform, platform role) and an admin.
 */
export async function seedPages(handle: TestDb) {
  await seedOrg(handle.db);
  const deploy = await addCapability(handle, {
    slug: 'deploy-pipeline',
    name: 'Deploy pipeline',
  });
  const vault = await addCapability(handle, { slug: 'secrets-vault', name: 'Secrets vault' });
  return {
    deploy,
    vault,
    ada: await person(handle, 'developer', 'Ada Lovelace'),
    alan: await person(handle, 'developer', 'Alan Turing'),
    barbara: await person(handle, 'platform', 'Barbara Liskov'),
    admin: await person(handle, 'admin', 'Ida Admin', 'ida.admin@example.test'),
  };
}
