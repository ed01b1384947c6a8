// Helpers for the capability page tests (pages-*.test.tsx): a small catalog
// over the small organisation, signed-in callers, GETs and form posts.

import { signIn, type TestUser, testApp } from '../../test/app.ts';
import { seedOrg } from '../../test/factories.ts';
import type { DbHandle } from '../core/db/index.ts';
import type { RoleName } from '../core/policy.ts';
import { getTeamBySlug } from '../org/store.ts';
import type { Capability, Stage } from './model.ts';
import { insertCapability, saveMandate, updateCapability } from './store.ts';

/** A GET as a signed-in user: status, headers and HTML. */
export async function get(handle: DbHandle, path: string, user?: TestUser) {
  const res = await testApp(handle).request(path, { headers: user?.cookie ?? {} });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** A same-origin form post with the user's CSRF token, as a browser sends it. */
export async function post(
  handle: DbHandle,
  path: string,
  fields: Record<string, string>,
  user: TestUser,
) {
  const res = await testApp(handle).request(path, {
    method: 'POST',
    headers: {
      ...user.cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://localhost',
    },
    body: new URLSearchParams({ _csrf: user.csrfToken, ...fields }),
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    html: await res.text(),
  };
}

/** The id of a team of the small organisation. */
export async function teamId(handle: DbHandle, slug: string): Promise<string> {
  return (await getTeamBySlug(handle.db, slug))!.id;
}

/** Adds a capability straight to the store (optionally mandatory, with a mandate). */
export async function addCapability(
  handle: DbHandle,
  input: {
    slug: string;
    name: string;
    summary?: string;
    stage?: Stage;
    mandate?: { category: string; reason: string; mitigation: string };
  },
): Promise<Capability> {
  const capability = await insertCapability(handle.db, {
    slug: input.slug,
    name: input.name,
    summary: input.summary ?? `${input.name} for every team.`,
    ownerTeamId: await teamId(handle, 'platform'),
    docsUrl: `https://docs.example.test/${input.slug}`,
    stage: input.stage ?? 'ga',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
  if (!input.mandate) return capability;
  await saveMandate(handle.db, {
    capabilityId: capability.id,
    ...input.mandate,
    reviewOn: '2027-06-30',
    recordedBy: null,
  });
  await updateCapability(handle.db, capability.id, { obligation: 'mandatory' });
  return { ...capability, obligation: 'mandatory' };
}

/**
 * The small organisation with an optional Deploy pipeline and a mandatory
 * Secrets vault (security: leadership decides), and Ada of Payments signed in.
 */
export async function seedCatalog(handle: DbHandle) {
  await seedOrg(handle.db);
  const deploy = await addCapability(handle, {
    slug: 'deploy-pipeline',
    name: 'Deploy pipeline',
    summary: 'Build, test and ship to production in one click.',
  });
  const vault = await addCapability(handle, {
    slug: 'secrets-vault',
    name: 'Secrets vault',
    stage: 'ga',
    mandate: {
      category: 'security',
      reason: 'SOC 2 access reviews need every secret read to be logged.',
      mitigation: 'We migrate your secrets for you and hold office hours every Tuesday.',
    },
  });
  const ada = await signIn(handle, 'developer', 'ada.lovelace@example.test');
  return { deploy, vault, ada };
}

/** A signed-in user with a role (not linked to a team unless given a seeded email). */
export const as = (handle: DbHandle, role: RoleName, email?: string) => signIn(handle, role, email);
