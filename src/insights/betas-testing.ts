// Helpers for the beta tests: the capability service's small organisation
// with a capability in beta, dates relative to today, and back-dated ledger
// moves for figures that need weeks to pass.

import { signIn } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { seedOrg } from '../../test/factories.ts';
import type { AdoptionState } from '../capabilities/model.ts';
import { createCapability } from '../capabilities/service.ts';
import { seedService } from '../capabilities/service-testing.ts';
import {
  appendEvent,
  getCapabilityBySlug,
  insertCapability,
  ledgerState,
} from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { getTeamBySlug } from '../org/store.ts';
import { addDays } from './betas-model.ts';
import { type StartBetaInput, startBeta } from './betas-service.ts';

/** `YYYY-MM-DD`, `n` days from today (negative: ago). */
export const day = (n: number) => addDays(new Date().toISOString().slice(0, 10), n);

/** An instant `n` days from now. */
export const instant = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/**
 * The capability service's organisation (Engineering › Payments › Checkout,
 * Platform; Ada in Payments, Alan in Checkout, Barbara on the platform team, a
 * leader, an admin) and Preview environments in stage beta.
 */
export async function seedBetas(handle: TestDb) {
  const seeded = await seedService(handle);
  await createCapability(seeded.db, seeded.people.barbara, {
    slug: 'preview-envs',
    name: 'Preview environments',
    summary: 'A live copy of your service per pull request.',
    ownerTeamId: seeded.teams.platform,
    docsUrl: null,
    stage: 'beta',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
  const capabilityId = (await getCapabilityBySlug(seeded.db, 'preview-envs'))!.id;
  return { ...seeded, capabilityId };
}

export type BetaSeed = Awaited<ReturnType<typeof seedBetas>>;

/** Starts a beta on Preview environments that began a week ago, as Barbara. */
export function startPreviewBeta(seed: BetaSeed, over: Partial<StartBetaInput> = {}) {
  return startBeta(seed.db, seed.people.barbara, {
    capability: 'preview-envs',
    startsOn: day(-7),
    reviewOn: day(60),
    ...over,
  });
}

/** Appends a back-dated move to a team's ledger (reason and alternative for leaving). */
export async function backdatedMove(
  db: Db,
  capabilityId: string,
  teamId: string,
  to: AdoptionState,
  at: string,
): Promise<void> {
  const current = await ledgerState(db, teamId, capabilityId);
  const leaving = to === 'left' || to === 'opted-out';
  await appendEvent(db, {
    teamId,
    capabilityId,
    seq: current.seq + 1,
    from: current.state,
    to,
    reason: leaving ? 'too-slow' : null,
    reasonText: leaving ? 'Each preview took twenty minutes to come up.' : null,
    alternative: leaving ? 'a shared staging environment' : null,
    actorId: null,
    onBehalf: true,
    exceptionId: null,
    at,
  });
}

/**
 * For the API, pages and CLI: the small organisation with signed-in users
 * (Ada in Payments, Alan in Checkout, Barbara on the platform team, a leader),
 * Preview environments in beta and Feature flags generally available.
 */
export async function seedBetaUsers(handle: TestDb) {
  await seedOrg(handle.db);
  const users = {
    ada: await signIn(handle, 'developer', 'ada.lovelace@example.test'),
    alan: await signIn(handle, 'developer', 'alan.turing@example.test'),
    barbara: await signIn(handle, 'platform', 'barbara.liskov@example.test'),
    leader: await signIn(handle, 'leader', 'boss@example.test'),
  };
  const capability = (slug: string, name: string, stage: 'beta' | 'ga') =>
    insertCapability(handle.db, {
      slug,
      name,
      summary: `${name} for every team.`,
      ownerTeamId: null,
      docsUrl: null,
      stage,
      obligation: 'optional',
      eligibleTeamIds: [],
    });
  const preview = await capability('preview-envs', 'Preview environments', 'beta');
  await capability('feature-flags', 'Feature flags', 'ga');
  const team = async (slug: string) => (await getTeamBySlug(handle.db, slug))!.id;
  const teams = {
    payments: await team('payments'),
    checkout: await team('checkout'),
    platform: await team('platform'),
  };
  return { users, teams, capabilityId: preview.id };
}
