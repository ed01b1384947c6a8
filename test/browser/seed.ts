import { recordAudit } from '../../src/core/audit.ts';
import type { Db } from '../../src/core/db/index.ts';
import { setSetting } from '../../src/core/settings.ts';
import { demoAccounts, demoMarker } from '../../src/demo/model.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import {
  createLink,
  createToken,
  createUser,
  revokeToken,
  setDisabled,
} from '../../src/identity/store.ts';
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

/** The admin every signed-in check of the browser suite acts as. */
export const browserAdmin = {
  email: 'barbara.liskov@example.test',
  password: 'browser suite admin passphrase',
};

/** What the seed made that page paths name: `{developerId}` and `{resetToken}` in pages.ts. */
export interface BrowserSeed {
  adminId: string;
  params: Record<string, string>;
}

/**
 * Writes the browser suite's organisation into a migrated database and marks
 * it as a demo; adds an admin (a person of the Platform team) with a known
 * password, a developer, a disabled account, tokens in every state, a
 * password-reset link and a few audit entries, so every identity page has
 * something to show.
 */
export async function seedBrowserOrg(db: Db): Promise<BrowserSeed> {
  const adminHash = await hashPassword(browserAdmin.password);
  return db.transaction().execute(async (trx) => {
    await applyOrgSnapshot(trx, browserOrg, { full: true, today: '2026-11-01' });
    await setSetting(trx, demoMarker, {
      seed: 1,
      size: 'small',
      createdAt: '2026-11-01T09:00:00.000Z',
    });
    const account = (email: string, name: string, role: 'admin' | 'developer') =>
      createUser(trx, { email, name, role, passwordHash: role === 'admin' ? adminHash : null });
    const admin = await account(browserAdmin.email, 'Barbara Liskov', 'admin');
    const developer = await account('alan.turing@example.test', 'Alan Turing', 'developer');
    const gone = await account('ken.thompson@example.test', 'Ken Thompson', 'developer');
    await setDisabled(trx, gone.id, true);
    await setSetting(trx, demoAccounts, [
      { ...browserAdmin, role: 'admin', name: 'Barbara Liskov' },
    ]);
    await createToken(trx, { userId: admin.id, name: 'laptop', expiresAt: null });
    const old = await createToken(trx, { userId: admin.id, name: 'old CI', expiresAt: null });
    await revokeToken(trx, old.token.id);
    await createToken(trx, {
      userId: admin.id,
      name: 'expired',
      expiresAt: '2026-01-01T00:00:00.000Z',
    });
    const resetToken = await createLink(trx, 'reset', developer.id, 24 * 365);
    const by = { userId: admin.id, email: admin.email };
    await recordAudit(trx, {
      actor: by,
      action: 'user.create',
      target: { type: 'user', id: developer.id },
      ip: '192.0.2.10',
      details: { role: 'developer' },
    });
    await recordAudit(trx, { actor: null, action: 'feedback.create', ip: '2001:db8::1' });
    return { adminId: admin.id, params: { developerId: developer.id, resetToken } };
  });
}

