// Shared set-up for the signals tests: the small organisation, two
// capabilities and an ingest source with a token.

import { seedOrg } from '../../test/factories.ts';
import { insertCapability } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import type { Source } from './model.ts';
import { ingestEvents } from './service.ts';
import { insertDelivery } from './store-github.ts';
import { insertIngestToken, insertSource } from './store-sources.ts';

export interface SignalsFixture {
  source: Source;
  token: string;
  team: Record<'payments' | 'checkout' | 'platform', string>;
  person: Record<'ada' | 'grace', string>;
  capability: Record<'ci' | 'deploy-tool', string>;
}

/** Seeds the small org, capabilities `ci` and `deploy-tool`, and the source `jenkins-prod`. */
export async function seedSignals(db: Db): Promise<SignalsFixture> {
  await seedOrg(db);
  const teams = await db.selectFrom('teams').select(['id', 'slug']).execute();
  const teamId = (slug: string) => teams.find((t) => t.slug === slug)!.id;
  const people = await db.selectFrom('people').select(['id', 'email']).execute();
  const personId = (email: string) => people.find((p) => p.email === email)!.id;
  const capability = async (slug: string) =>
    (
      await insertCapability(db, {
        slug,
        name: slug,
        summary: `The ${slug}`,
        ownerTeamId: teamId('platform'),
        docsUrl: null,
        stage: 'ga',
        obligation: 'optional',
        eligibleTeamIds: [],
      })
    ).id;
  const source = await insertSource(db, { name: 'jenkins-prod', kind: 'token' });
  const { value } = await insertIngestToken(db, source.id, null);
  return {
    source,
    token: value,
    team: {
      payments: teamId('payments'),
      checkout: teamId('checkout'),
      platform: teamId('platform'),
    },
    person: {
      ada: personId('ada.lovelace@example.test'),
      grace: personId('grace.hopper@example.test'),
    },
    capability: { ci: await capability('ci'), 'deploy-tool': await capability('deploy-tool') },
  };
}

/** A valid event of each type, for Payments, in November 2026. */
export function sampleEvents(): Record<string, unknown>[] {
  return [
    {
      type: 'deploy',
      id: 'd1',
      team: 'payments',
      service: 'checkout-api',
      started: '2026-11-02T10:00:00Z',
      finished: '2026-11-02T10:05:00Z',
      outcome: 'success',
      commitTimes: ['2026-11-01T10:05:00Z', '2026-11-02T09:05:00Z'],
      capability: 'deploy-tool',
    },
    {
      type: 'pull_request',
      id: 'p1',
      team: 'group:default/payments',
      author: 'ada.lovelace@example.test',
      opened: '2026-11-01T08:00:00Z',
      merged: '2026-11-02T08:00:00Z',
    },
    {
      type: 'incident',
      id: 'i1',
      team: 'payments',
      started: '2026-11-02T11:00:00Z',
      causedBy: { deploy: 'd1' },
    },
    {
      type: 'unplanned_work',
      id: 'u1',
      team: 'payments',
      capability: 'ci',
      hours: 2.5,
      cause: 'breaking-change',
      at: '2026-11-03T12:00:00Z',
    },
    {
      type: 'milestone',
      id: 'm1',
      person: 'user:default/grace.hopper',
      milestone: 'first_deploy',
      at: '2026-10-08T12:00:00+02:00',
    },
    {
      type: 'usage',
      id: 'x1',
      team: 'payments',
      capability: 'ci',
      at: '2026-11-02T10:00:00Z',
      count: 3,
    },
  ];
}

/**
 * The browser suite's ingestion data (test/browser/seed.ts): the source
 * `jenkins-prod` with a token, a batch with one rejected line, and a GitHub
 * delivery waiting for its repository's team. Needs the team `platform` and
 * the capability `deploy-pipeline`.
 */
export async function seedBrowserSignals(db: Db): Promise<void> {
  const source = await insertSource(db, {
    name: 'jenkins-prod',
    kind: 'token',
    description: 'Jenkins',
  });
  await insertIngestToken(db, source.id, null);
  await ingestEvents(
    db,
    source.id,
    [
      {
        type: 'usage',
        id: 'u1',
        team: 'platform',
        capability: 'deploy-pipeline',
        at: '2026-10-30T10:00:00Z',
      },
      {
        type: 'usage',
        id: 'u2',
        team: 'nobody',
        capability: 'deploy-pipeline',
        at: '2026-10-30T10:00:00Z',
      },
    ],
    { via: 'api', now: new Date('2026-11-01T00:00:00Z') },
  );
  await insertDelivery(db, {
    deliveryId: '8f2c0d52-0b1e-4c2a-9a55-3f0b1c2d3e4f',
    event: 'deployment_status',
    action: 'created',
    repository: 'acme/payments-web',
    status: 'unmapped',
    reason: 'no team for acme/payments-web; map the repository to recover it',
    signal: {
      type: 'deploy',
      id: 'deployment_status:1',
      service: 'payments-web',
      environment: 'production',
      started: null,
      finished: '2026-10-31T10:00:00.000Z',
      outcome: 'success',
    },
    receivedAt: '2026-10-31T10:00:01.000Z',
    processedAt: null,
  });
}
