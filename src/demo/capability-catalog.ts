// The demo's capability catalog: what Acme's platform offers, with the
// mandates, reasons and alternatives that make its adoption history read true.

import type { Obligation, Stage } from '../capabilities/model.ts';
import type { Random } from './random.ts';

export const DOCS_BASE = 'https://docs.acme.example';

/** A mandate as the demo records it. */
export interface MandateSpec {
  category: 'security' | 'compliance' | 'cost' | 'reliability';
  reason: string;
  mitigation: string;
  rationale: string;
}

export interface CapabilitySpec {
  slug: string;
  name: string;
  summary: string;
  stage: Stage;
  obligation: Obligation;
  /** Platform team slugs that could own it, first choice first. */
  owners: readonly string[];
  mandate?: MandateSpec;
  /** What teams use instead when they leave or decline it. */
  alternatives: readonly string[];
  /** Reasons teams give most often for leaving it. */
  reasons: readonly string[];
  /** Share of teams that try it at all (optional capabilities). */
  popularity: number;
  /** Chance that an adopting team later leaves. */
  churn: number;
  /** Offered to product teams only (not the platform's own). */
  productOnly?: boolean;
  /** What replaces it (deprecated and retired capabilities). */
  replacement?: string;
  /**
   * Reaches GA this many days before today, whatever the random timeline says
   * (the signals demo's onboarding story: new starters' time to first deploy
   * falls once it ships).
   */
  gaDaysAgo?: number;
}

/** The twelve capabilities of the small demo; the large one starts with these too. */
export const NAMED_CAPABILITIES: readonly CapabilitySpec[] = [
  {
    slug: 'deploy-pipeline',
    name: 'Deploy pipeline',
    summary:
      'Builds, tests and ships every service to production through one audited pipeline: progressive rollouts, automatic rollback and a change record for every deploy.',
    stage: 'ga',
    obligation: 'mandatory',
    owners: ['delivery-tooling'],
    mandate: {
      category: 'compliance',
      reason:
        'SOC 2 change management: every production change is traceable to a reviewed commit, an approver and a deploy record.',
      mitigation:
        'We keep the pipeline under 10 minutes at p90 and publish its speed every week; teams keep their own test stages; we pair with any team whose move takes more than a day.',
      rationale:
        'The 2025 SOC 2 audit found four services deployed from laptops; the auditors accept one pipeline with change records as the control.',
    },
    alternatives: ['GitHub Actions', 'Argo CD we run ourselves'],
    reasons: ['too-slow', 'missing-features'],
    popularity: 0.95,
    churn: 0,
  },
  {
    slug: 'secrets-manager',
    name: 'Secrets manager',
    summary:
      'Stores, rotates and injects credentials at runtime, so no secret lives in a repository, a CI variable or a config file.',
    stage: 'ga',
    obligation: 'mandatory',
    owners: ['security-engineering', 'developer-experience'],
    mandate: {
      category: 'security',
      reason:
        'No long-lived credentials outside the vault: the 2025 leaked-token incident started with a token in a CI variable.',
      mitigation:
        'Client libraries for Go, Java, Node and Python, automatic rotation, and a script that moves CI variables into the vault in one run.',
      rationale:
        'The incident review named scattered credentials as the root cause; a single vault with rotation closes it.',
    },
    alternatives: ['AWS Secrets Manager on the team account'],
    reasons: ['hard-to-use', 'missing-features'],
    popularity: 0.95,
    churn: 0,
  },
  {
    slug: 'service-templates',
    name: 'Service templates',
    summary:
      'Starts a new service with CI, deploys, dashboards and on-call wired up, in one command.',
    stage: 'ga',
    obligation: 'optional',
    owners: ['developer-experience'],
    alternatives: [
      'our own cookiecutter template',
      'copying an existing service',
      'Spring Initializr',
    ],
    reasons: ['missing-features', 'hard-to-use'],
    popularity: 0.7,
    churn: 0.15,
  },
  {
    slug: 'observability-stack',
    name: 'Observability stack',
    summary:
      'Metrics, logs and traces in one place, with a dashboard and alert rules for every service out of the box.',
    stage: 'ga',
    obligation: 'optional',
    owners: ['observability', 'developer-experience'],
    alternatives: ['Datadog on the team’s own contract', 'Grafana Cloud', 'CloudWatch dashboards'],
    reasons: ['missing-features', 'unreliable', 'cost'],
    popularity: 0.75,
    churn: 0.2,
  },
  {
    slug: 'preview-environments',
    name: 'Preview environments',
    summary:
      'A short-lived copy of your service and its dependencies for every pull request, torn down on merge.',
    stage: 'beta',
    obligation: 'optional',
    owners: ['delivery-tooling'],
    alternatives: ['a shared staging environment', 'docker compose on laptops'],
    reasons: ['too-slow', 'unreliable'],
    popularity: 0.6,
    churn: 0.25,
    productOnly: true,
  },
  {
    slug: 'feature-flags',
    name: 'Feature flags',
    summary:
      'Turns features on per customer, percentage or region without a deploy; flags expire, so they do not pile up.',
    stage: 'ga',
    obligation: 'optional',
    owners: ['developer-experience'],
    alternatives: ['LaunchDarkly', 'config flags in our own service', 'environment variables'],
    reasons: ['missing-features', 'hard-to-use'],
    popularity: 0.55,
    churn: 0.2,
  },
  {
    slug: 'developer-portal',
    name: 'Developer portal',
    summary:
      'One catalog of services, owners, docs and scorecards, with the paved CLI behind it; new starters get a first-week path from laptop to first deploy.',
    stage: 'ga',
    obligation: 'optional',
    owners: ['developer-experience'],
    alternatives: ['the team wiki', 'a README in each repository', 'Notion'],
    reasons: ['hard-to-use', 'other'],
    popularity: 0.8,
    churn: 0.08,
    gaDaysAgo: 60,
  },
  {
    slug: 'ci-runners',
    name: 'CI runners',
    summary:
      'Autoscaled build machines with warm caches for every repository; pay-per-minute hosted runners are switched off.',
    stage: 'ga',
    obligation: 'mandatory',
    owners: ['delivery-tooling'],
    mandate: {
      category: 'cost',
      reason:
        'Hosted CI minutes cost $38k a month in 2025; shared runners with caches do the same work for a third of that.',
      mitigation:
        'Runners scale to zero at night and up in seconds; queue times and cache hit rates are published per team; the platform funds any pipeline move that takes more than a day.',
      rationale: 'CI spend doubled in a year; the finance review asked for one shared fleet.',
    },
    alternatives: ['GitHub-hosted runners'],
    reasons: ['too-slow'],
    popularity: 0.95,
    churn: 0,
  },
  {
    slug: 'internal-docs-search',
    name: 'Internal docs search',
    summary:
      'Search across runbooks, ADRs, READMEs and the wiki from one box. An idea so far: tell us whether you would use it.',
    stage: 'idea',
    obligation: 'optional',
    owners: ['developer-experience'],
    alternatives: [],
    reasons: [],
    popularity: 0,
    churn: 0,
  },
  {
    slug: 'legacy-build-farm',
    name: 'Legacy build farm',
    summary:
      'The Jenkins build farm. Deprecated: CI runners replace it, and it takes no new projects.',
    stage: 'deprecated',
    obligation: 'optional',
    owners: ['delivery-tooling'],
    alternatives: ['CI runners', 'GitHub Actions'],
    reasons: ['team-change', 'too-slow', 'unreliable'],
    popularity: 0.85,
    churn: 0.3,
    replacement: 'CI runners',
  },
  {
    slug: 'database-as-a-service',
    name: 'Database as a service',
    summary:
      'PostgreSQL and MySQL on demand, with backups, failover, upgrades and connection pooling run by the platform.',
    stage: 'ga',
    obligation: 'optional',
    owners: ['databases', 'delivery-tooling'],
    alternatives: [
      'Amazon RDS managed by the team',
      'our own Terraform modules',
      'a database in the team’s Kubernetes namespace',
    ],
    reasons: ['missing-features', 'cost', 'too-slow'],
    popularity: 0.45,
    churn: 0.25,
  },
  {
    slug: 'incident-tooling',
    name: 'Incident tooling',
    summary:
      'Declare, page, coordinate and review incidents in one place: a Slack channel, a status page and a postmortem template for each.',
    stage: 'ga',
    obligation: 'mandatory',
    owners: ['observability', 'developer-experience'],
    mandate: {
      category: 'reliability',
      reason:
        'Every sev-1 and sev-2 incident is declared, paged and reviewed in one place, so on-call can hand over across teams and postmortems can be found.',
      mitigation:
        'One Slack command declares an incident; pager rotations are imported from your schedule; postmortems are pre-filled from the incident timeline.',
      rationale:
        'Three cross-team incidents in 2025 lost an hour each finding who was on call; one tool fixes the hand-over.',
    },
    alternatives: ['PagerDuty on the team account'],
    reasons: ['hard-to-use'],
    popularity: 0.95,
    churn: 0,
  },
];

/** Domains of the large demo's generated capabilities, with the platform team that owns each. */
export const GENERATED_DOMAINS: readonly { name: string; what: string; owner: string }[] = [
  { name: 'Build', what: 'builds', owner: 'delivery-tooling' },
  { name: 'Test', what: 'test runs', owner: 'delivery-tooling' },
  { name: 'Release', what: 'releases', owner: 'delivery-tooling' },
  { name: 'Config', what: 'service configuration', owner: 'developer-experience' },
  { name: 'Queue', what: 'message queues', owner: 'cloud-infrastructure' },
  { name: 'Cache', what: 'caches', owner: 'databases' },
  { name: 'Storage', what: 'object storage', owner: 'cloud-infrastructure' },
  { name: 'Search', what: 'search indexes', owner: 'data-platform' },
  { name: 'Metrics', what: 'metrics', owner: 'observability' },
  { name: 'Logging', what: 'logs', owner: 'observability' },
  { name: 'Tracing', what: 'traces', owner: 'observability' },
  { name: 'API', what: 'APIs', owner: 'networking' },
  { name: 'Mobile', what: 'mobile apps', owner: 'developer-experience' },
  { name: 'Data', what: 'data pipelines', owner: 'data-platform' },
  { name: 'ML', what: 'machine-learning models', owner: 'data-platform' },
  { name: 'Access', what: 'access control', owner: 'security-engineering' },
];

/** Kinds of generated capability: a summary for a domain and what teams use instead. */
export const GENERATED_KINDS: readonly {
  name: string;
  summary: (what: string) => string;
  alternatives: readonly string[];
  reasons: readonly string[];
}[] = [
  {
    name: 'Service',
    summary: (w) => `Managed ${w}: provisioned on request, patched and watched by the platform.`,
    alternatives: ['the cloud provider’s managed offering', 'a setup we run on our own VMs'],
    reasons: ['missing-features', 'cost'],
  },
  {
    name: 'SDK',
    summary: (w) =>
      `Client libraries for ${w} in Go, Java, Node and Python, with retries built in.`,
    alternatives: ['calling the API directly', 'an open-source client'],
    reasons: ['hard-to-use', 'missing-features'],
  },
  {
    name: 'Templates',
    summary: (w) => `Ready-made setups for ${w} you copy into a repository and own from there.`,
    alternatives: ['our own Terraform modules', 'our own templates'],
    reasons: ['missing-features', 'team-change'],
  },
  {
    name: 'Dashboard',
    summary: (w) => `One dashboard for ${w} across every team, with per-service drill-down.`,
    alternatives: ['Grafana dashboards we maintain', 'a weekly spreadsheet'],
    reasons: ['unreliable', 'hard-to-use'],
  },
  {
    name: 'Operator',
    summary: (w) =>
      `A Kubernetes operator that runs ${w} for you: provisioning, upgrades, backups.`,
    alternatives: ['Helm charts we maintain', 'our own Terraform modules'],
    reasons: ['unreliable', 'too-slow'],
  },
  {
    name: 'Gateway',
    summary: (w) => `A shared gateway for ${w} with rate limits, authentication and audit logs.`,
    alternatives: ['the cloud provider’s API gateway', 'nginx we run ourselves'],
    reasons: ['too-slow', 'missing-features'],
  },
  {
    name: 'Policies',
    summary: (w) => `Checks for ${w} that run in CI and explain how to fix what they flag.`,
    alternatives: ['manual review', 'our own linters'],
    reasons: ['too-slow', 'hard-to-use'],
  },
  {
    name: 'Playbooks',
    summary: (w) => `Runbooks and one-click automation for ${w} incidents.`,
    alternatives: ['runbooks in our wiki', 'PagerDuty runbooks'],
    reasons: ['missing-features', 'other'],
  },
];

/** A generated mandate for a category and domain. */
export function generatedMandate(category: MandateSpec['category'], what: string): MandateSpec {
  const byCategory: Record<MandateSpec['category'], [string, string]> = {
    security: [
      `Security baseline: ${what} must go through audited, access-controlled tooling.`,
      'A pen test found unaudited access paths; one audited path closes them.',
    ],
    compliance: [
      `Audit requirement: records of ${what} are kept for seven years and traceable to a person.`,
      'The external auditors asked for one retained record instead of each team’s own.',
    ],
    cost: [
      `Running ${what} on one shared setup costs about a third of separate setups.`,
      'The cloud cost review found twelve near-identical setups.',
    ],
    reliability: [
      `Shared tooling for ${what} lets on-call help any team during an incident.`,
      'Incident reviews kept finding each team’s setup unknown to the others.',
    ],
  };
  const [reason, rationale] = byCategory[category];
  return {
    category,
    reason,
    rationale,
    mitigation:
      'Migration guides for each language, office hours twice a week, and the owning team moves the first service with you.',
  };
}

/** Free text teams add to a reason for leaving or opting out, now and then. */
export const REASON_TEXTS: Record<string, readonly string[]> = {
  'too-slow': [
    'Builds took twice as long as on our own setup.',
    'Every change waited in a queue for ten minutes.',
  ],
  'missing-features': [
    'No support for our Elixir services.',
    'We need per-region rollouts, which it does not do yet.',
  ],
  'hard-to-use': [
    'New joiners needed a week to get productive with it.',
    'The configuration format kept tripping us up.',
  ],
  unreliable: ['Two outages during our release week.', 'Flaky in the afternoons, when load peaks.'],
  cost: ['Our share of the bill grew faster than our traffic.'],
  'team-change': ['The product we built it for was sunset.', 'We merged with another team.'],
  other: ['We consolidated on what our new parent team uses.'],
};

/** Why a team asks for an exception to a mandate. */
export const JUSTIFICATIONS: readonly ((name: string) => string)[] = [
  (n) =>
    `We run a vendor appliance that ${n} cannot reach; we keep the same records by hand until the vendor contract ends.`,
  (n) =>
    `This service is being shut down next quarter; moving it to ${n} first would be wasted work.`,
  (n) => `Our batch jobs run inside a customer network where ${n} is not available.`,
  (n) => `${n} has no client for our Elixir services yet; we need time to write one.`,
];

/** What a team says when it asks for the policy itself to change. */
export const POLICY_CHALLENGES: readonly ((name: string) => string)[] = [
  (n) =>
    `Our approach is faster: our own pipeline meets the same control and deploys in 4 minutes at p90, against 11 with ${n}.`,
  (n) =>
    `The mandate for ${n} should allow equivalent tools: ours already keeps the records the policy asks for.`,
];

export const EVIDENCE = [
  'https://grafana.acme.example/d/deploy-times?team=ours — p90 over the last 90 days',
  'https://docs.acme.example/adr/0042-own-pipeline',
  '',
];

/** Rationales for each outcome of an exception request. */
export const RATIONALES = {
  approved:
    'Approved for a limited time: the team has a dated migration plan and the risk is contained to one service.',
  denied:
    'Denied: the same result is reachable with the documented escape hatch; the owning team will pair on the move.',
  escalated:
    'Escalated to leadership: the request touches budget outside the platform’s decision rights.',
  revoked: 'The team finished its migration early.',
  policyDenied:
    'The evidence covers one service; we will revisit at the mandate review with figures from every team.',
};

/** The large demo's extra capabilities: sampled domains × kinds with stages and a few mandates. */
export function generatedSpecs(rng: Random, count: number): CapabilitySpec[] {
  const combos = GENERATED_DOMAINS.flatMap((d) => GENERATED_KINDS.map((k) => [d, k] as const));
  const picked = rng.sample(combos, count);
  const categories = ['security', 'compliance', 'cost', 'reliability'] as const;
  return picked.map(([domain, kind], i) => {
    const stage = rng.weighted<Stage>([
      ['ga', 70],
      ['beta', 12],
      ['idea', 7],
      ['deprecated', 8],
      ['retired', 3],
    ]);
    // The first one is always retired, so the large demo shows every stage.
    const finalStage: Stage = i === 0 ? 'retired' : stage;
    const mandatory = finalStage === 'ga' && rng.chance(0.15);
    return {
      slug: `${domain.name}-${kind.name}`.toLowerCase(),
      name: `${domain.name} ${kind.name}`.replace('Templates', 'templates'),
      summary: kind.summary(domain.what),
      stage: finalStage,
      obligation: mandatory ? 'mandatory' : 'optional',
      owners: [domain.owner],
      mandate: mandatory ? generatedMandate(rng.pick(categories), domain.what) : undefined,
      alternatives: kind.alternatives,
      reasons: kind.reasons,
      popularity: 0.1 + rng.next() * 0.4,
      churn: 0.05 + rng.next() * 0.25,
      productOnly: rng.chance(0.5),
      replacement:
        finalStage === 'deprecated' || finalStage === 'retired' ? kind.alternatives[0] : undefined,
    };
  });
}
