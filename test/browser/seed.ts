import type { Db } from '../../src/core/db/index.ts';
import { setSetting } from '../../src/core/settings.ts';
import { demoMarker } from '../../src/demo/model.ts';
import type { OrgSnapshot, PersonRecord } from '../../src/org/model.ts';
import { applyOrgSnapshot } from '../../src/org/store.ts';

const team = (name: string, parent?: string, description?: string) => ({
  ref: `group:default/${name}`,
  name: name.replace(
    /(^|-)(\w)/g,
    (_, dash: string, c: string) => (dash ? ' ' : '') + c.toUpperCase(),
  ),
  type: 'team',
  parentRef: parent ? `group:default/${parent}` : null,
  description: description ?? null,
});

const person = (
  name: string,
  teamName: string,
  startDate: string,
  level: string | null,
  location: string | null,
): PersonRecord => {
  const handle = name.toLowerCase().replace(/[^a-z]+/g, '.');
  return {
    ref: `user:default/${handle}`,
    name,
    email: `${handle}@example.test`,
    teamRef: `group:default/${teamName}`,
    startDate,
    level,
    location,
  };
};

/**
 * The small organisation the browser suite looks at: nested teams (Engineering
 * › Payments › Checkout, Ledger; Engineering › Platform), a dozen people, a
 * few services, and the demo marker so every page carries the demo banner.
 * It has the awkward cases on purpose: a team with no direct members, people
 * without level or location, and a long repository name for narrow screens.
 */
export const browserOrg: OrgSnapshot = {
  teams: [
    team('engineering', undefined, 'Everyone who builds and runs the product.'),
    team('payments', 'engineering', 'Takes the money: checkout, refunds and the ledger.'),
    team('checkout', 'payments'),
    team('ledger', 'payments'),
    team('platform', 'engineering', 'Builds the paved road: CI, deploys, observability.'),
    team('developer-experience', 'platform'),
  ],
  people: [
    person('Ada Lovelace', 'payments', '2023-02-01', 'Staff', 'London'),
    person('Grace Hopper', 'payments', '2025-10-13', 'Senior', 'Remote'),
    person('Katherine Johnson', 'payments', '2026-09-01', null, null),
    person('Alan Turing', 'checkout', '2024-05-20', 'Senior', 'Manchester'),
    person('Margaret Hamilton', 'checkout', '2026-08-15', 'Mid', 'Boston'),
    person('Edsger Dijkstra', 'ledger', '2024-01-08', 'Principal', 'Amsterdam'),
    person('Barbara Liskov', 'platform', '2023-06-12', 'Staff', 'Remote'),
    person('Dennis Ritchie', 'platform', '2025-03-03', 'Senior', null),
    person('Frances Allen', 'developer-experience', '2026-07-01', 'Mid', 'New York'),
    person('John Backus', 'developer-experience', '2026-10-20', 'Junior', 'Remote'),
    person('Radia Perlman', 'developer-experience', '2024-11-11', 'Senior', 'Seattle'),
    person('Ken Thompson', 'platform', '2026-09-28', null, 'Remote'),
  ],
  services: [
    {
      ref: 'component:default/payments-api',
      name: 'payments-api',
      ownerRef: 'group:default/payments',
      system: 'payments',
      type: 'service',
      repository: 'acme/payments-api',
      annotations: { 'github.com/project-slug': 'acme/payments-api' },
    },
    {
      ref: 'component:default/payments-ledger-reconciliation-worker',
      name: 'payments-ledger-reconciliation-worker',
      ownerRef: 'group:default/payments',
      system: 'payments',
      type: 'service',
      repository: 'acme-corporation/payments-ledger-reconciliation-worker',
      annotations: {
        'github.com/project-slug': 'acme-corporation/payments-ledger-reconciliation-worker',
      },
    },
    {
      ref: 'component:default/deploy-pipeline',
      name: 'deploy-pipeline',
      ownerRef: 'group:default/platform',
      system: 'delivery',
      type: 'service',
      repository: 'acme/deploy-pipeline',
      annotations: { 'github.com/project-slug': 'acme/deploy-pipeline' },
    },
  ],
};

/** Writes the browser suite's organisation into a migrated database and marks it as a demo. */
export async function seedBrowserOrg(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await applyOrgSnapshot(trx, browserOrg, { full: true, today: '2026-11-01' });
    await setSetting(trx, demoMarker, {
      seed: 1,
      size: 'small',
      createdAt: '2026-11-01T09:00:00.000Z',
    });
  });
}
