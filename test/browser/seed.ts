import type { AdoptionState } from '../../src/capabilities/model.ts';
import {
  appendEvent,
  getCapabilityBySlug,
  insertCapability,
  insertException,
  recordDecision,
  saveExceptionDecision,
  saveMandate,
  updateCapability,
} from '../../src/capabilities/store.ts';
import { recordAudit } from '../../src/core/audit.ts';
import type { Db } from '../../src/core/db/index.ts';
import { quarterOf } from '../../src/core/period.ts';
import { setSetting } from '../../src/core/settings.ts';
import { demoAccounts, demoMarker } from '../../src/demo/model.ts';
import { seedBrowserFeedback } from '../../src/feedback/browser-seed.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import {
  createLink,
  createToken,
  createUser,
  revokeToken,
  setDisabled,
} from '../../src/identity/store.ts';
import { seedBrowserBetas } from '../../src/insights/betas-browser-seed.ts';
import type { OrgSnapshot, PersonRecord } from '../../src/org/model.ts';
import { applyOrgSnapshot, getTeamBySlug } from '../../src/org/store.ts';
import { seedBrowserResearch } from '../../src/research/browser-seed.ts';
import { seedBrowserRoadmap } from '../../src/roadmap/browser-seed.ts';
import { seedBrowserSignals } from '../../src/signals/testing.ts';
import { seedBrowserFigures } from './seed-figures.ts';

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
  /** A leader, who decides security and compliance: for the decision and mandate forms. */
  leaderId: string;
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
    const account = (email: string, name: string, role: 'admin' | 'developer' | 'leader') =>
      createUser(trx, { email, name, role, passwordHash: role === 'admin' ? adminHash : null });
    const admin = await account(browserAdmin.email, 'Barbara Liskov', 'admin');
    const developer = await account('alan.turing@example.test', 'Alan Turing', 'developer');
    const gone = await account('ken.thompson@example.test', 'Ken Thompson', 'developer');
    const leader = await account('frances.allen@example.test', 'Frances Allen', 'leader');
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
    const capabilityParams = await seedBrowserCapabilities(trx);
    await seedBrowserSignals(trx);
    await seedBrowserFigures(trx);
    const roadmapParams = await seedBrowserRoadmap(trx, {
      adminId: admin.id,
      leaderId: leader.id,
      developerId: developer.id,
    });
    const feedbackParams = await seedBrowserFeedback(
      trx,
      {
        adminId: admin.id,
        adminName: admin.name,
        developerId: developer.id,
        leaderId: leader.id,
      },
      (await getCapabilityBySlug(trx, 'deploy-pipeline'))?.id ?? null,
    );
    const betaParams = await seedBrowserBetas(trx, { adminId: admin.id });
    const researchParams = await seedBrowserResearch(trx, { adminId: admin.id });
    return {
      adminId: admin.id,
      leaderId: leader.id,
      params: {
        developerId: developer.id,
        resetToken,
        ...capabilityParams,
        ...roadmapParams,
        ...feedbackParams,
        ...betaParams,
        ...researchParams,
      },
    };
  });
}

/**
 * The capability pages' data: an optional Deploy pipeline that Platform uses
 * and Payments left this quarter (so the reasons chart shows), a mandatory
 * Secrets vault with its mandate, a beta, a pending exception for Ledger, a
 * denied policy challenge and a few decisions. Returns `{exceptionId}`.
 */
export async function seedBrowserCapabilities(db: Db): Promise<Record<string, string>> {
  const team = async (slug: string) => (await getTeamBySlug(db, slug))!.id;
  const platform = await team('platform');
  const add = (slug: string, name: string, summary: string, stage: 'beta' | 'ga') =>
    insertCapability(db, {
      slug,
      name,
      summary,
      ownerTeamId: platform,
      docsUrl: `https://docs.example.test/platform/${slug}/getting-started-with-a-very-long-path`,
      stage,
      obligation: 'optional',
      eligibleTeamIds: [],
    });
  const deploy = await add(
    'deploy-pipeline',
    'Deploy pipeline',
    'Build, test and ship to production from one pipeline definition.',
    'ga',
  );
  const vault = await add(
    'secrets-vault',
    'Secrets vault',
    'Store and rotate secrets; every read is logged.',
    'ga',
  );
  await add(
    'preview-environments',
    'Preview environments',
    'A live copy per pull request.',
    'beta',
  );
  await saveMandate(db, {
    capabilityId: vault.id,
    category: 'security',
    reason: 'SOC 2 access reviews need every secret read to be logged in one place.',
    mitigation: 'We migrate your secrets for you and hold office hours every Tuesday.',
    reviewOn: '2027-06-30',
    recordedBy: null,
  });
  await updateCapability(db, vault.id, { obligation: 'mandatory' });
  const thisQuarter = Date.parse(quarterOf(new Date()).start);
  const history = async (
    teamSlug: string,
    capabilityId: string,
    steps: [AdoptionState, string][],
  ) => {
    const teamId = await team(teamSlug);
    let from: AdoptionState = 'none';
    for (const [i, [to, at]] of steps.entries()) {
      const leaving = to === 'left' || to === 'opted-out';
      await appendEvent(db, {
        teamId,
        capabilityId,
        seq: i + 1,
        from,
        to,
        reason: leaving ? 'too-slow' : null,
        reasonText: leaving ? 'Builds took 40 minutes on a busy day.' : null,
        alternative: leaving ? 'GitHub Actions' : null,
        actorId: null,
        onBehalf: false,
        exceptionId: null,
        at,
      });
      from = to;
    }
  };
  const soon = new Date(thisQuarter + 3_600_000).toISOString();
  await history('platform', deploy.id, [['adopted', '2025-06-02T09:00:00.000Z']]);
  await history('payments', deploy.id, [
    ['trial', '2025-09-01T09:00:00.000Z'],
    ['adopted', '2025-10-01T09:00:00.000Z'],
    ['left', soon],
  ]);
  await history('checkout', deploy.id, [['opted-out', soon]]);
  await history('payments', vault.id, [['adopted', '2025-03-03T09:00:00.000Z']]);
  const pending = await insertException(db, {
    kind: 'exception',
    capabilityId: vault.id,
    teamId: await team('ledger'),
    category: 'security',
    justification: 'The ledger runs in an isolated network with its own hardware security module.',
    evidence: 'https://wiki.example.test/ledger/hsm-audit-2026',
    requestedBy: null,
  });
  const challenge = await insertException(db, {
    kind: 'policy-change',
    capabilityId: vault.id,
    teamId: await team('checkout'),
    category: 'security',
    justification: 'Short-lived credentials from the cloud provider would be safer.',
    evidence: '',
    requestedBy: null,
  });
  await saveExceptionDecision(db, challenge.id, {
    status: 'denied',
    decidedBy: null,
    rationale: 'Not every workload can use short-lived credentials yet.',
    expiresOn: null,
    from: ['pending'],
  });
  for (const [kind, category, summary, rationale] of [
    ['mandate.recorded', 'security', 'Secrets vault is required', 'SOC 2 access reviews.'],
    [
      'stage.changed',
      'developer-experience',
      'Deploy pipeline: stage beta → ga',
      'Three teams used it for a quarter without incidents.',
    ],
    [
      'exception.decided',
      'security',
      'Policy change for Secrets vault denied',
      'Not every workload can use short-lived credentials yet.',
    ],
  ] as const) {
    await recordDecision(db, {
      kind,
      category,
      deciderId: null,
      deciderName: 'Ada Lovelace',
      rationale,
      capabilityId: summary.startsWith('Deploy') ? deploy.id : vault.id,
      subjectType: kind === 'exception.decided' ? 'exception' : 'capability',
      subjectId:
        kind === 'exception.decided'
          ? challenge.id
          : summary.startsWith('Deploy')
            ? deploy.id
            : vault.id,
      summary,
    });
  }
  return { exceptionId: pending.id };
}
