// The research demo's words: the workflows developers were watched doing,
// where they got stuck (with what they said), and what teams bring to
// office hours. Capabilities are the demo catalog's slugs.

export interface FrictionSpec {
  step: string;
  capability: string | null;
  /** Typical severity 1–3; the demo varies it by one now and then. */
  severity: number;
  /** Minutes lost, low and high. */
  minutes: [number, number];
  /** How likely a session of this workflow hits it. */
  chance: number;
  quotes: string[];
}

export interface WorkflowSpec {
  workflow: string;
  /** How often the team studies it. */
  weight: number;
  steps: string[];
  summaries: string[];
  frictions: FrictionSpec[];
}

export const WORKFLOWS: WorkflowSpec[] = [
  {
    workflow: 'deploy a service',
    weight: 4,
    steps: [
      'Open a pull request',
      'Wait for CI',
      'Get a review',
      'Merge and start the pipeline',
      'Wait for the change approval',
      'Watch the rollout',
      'Check the dashboards',
    ],
    summaries: [
      'The pipeline itself is fine; the waiting around it is where the afternoon went.',
      'Deploying is routine for them, but approvals and an unclear rollout status still cost time every week.',
      'They deploy daily and have learned the workarounds; a newcomer would not know them.',
    ],
    frictions: [
      {
        step: 'Wait for the change approval',
        capability: 'deploy-pipeline',
        severity: 3,
        minutes: [30, 240],
        chance: 0.8,
        quotes: [
          'I didn’t know who was supposed to approve it, so I pinged three channels.',
          'The approval sits there until someone notices. There is no reminder.',
          'On Fridays I just don’t deploy, because nobody approves after lunch.',
        ],
      },
      {
        step: 'Wait for CI',
        capability: 'ci-runners',
        severity: 2,
        minutes: [10, 45],
        chance: 0.6,
        quotes: [
          'The queue for a runner is longer than the build itself.',
          'I start the build and go for coffee, every time.',
        ],
      },
      {
        step: 'Watch the rollout',
        capability: 'deploy-pipeline',
        severity: 2,
        minutes: [5, 30],
        chance: 0.5,
        quotes: [
          'It says “progressing” for ten minutes and I can’t tell whether it is stuck.',
          'I refresh the page until it turns green. There is no notification.',
        ],
      },
      {
        step: 'Check the dashboards',
        capability: 'observability-stack',
        severity: 1,
        minutes: [5, 20],
        chance: 0.4,
        quotes: [
          'I had to guess which dashboard belongs to my service.',
          'The default dashboard shows every service at once; mine is a thin line at the bottom.',
        ],
      },
    ],
  },
  {
    workflow: 'create a new service',
    weight: 3,
    steps: [
      'Find the right template',
      'Fill in the template',
      'Create the repository',
      'Request secrets',
      'Register it in the portal',
      'First deploy',
    ],
    summaries: [
      'The template gets them to a repository quickly; secrets and the first deploy take the rest of the week.',
      'A new joiner did it alone for the first time; every step needed a question in chat.',
    ],
    frictions: [
      {
        step: 'Request secrets',
        capability: 'secrets-manager',
        severity: 3,
        minutes: [60, 480],
        chance: 0.75,
        quotes: [
          'I opened a ticket for a database password and waited until the next day.',
          'The docs say “ask the platform team”, but not how.',
        ],
      },
      {
        step: 'Find the right template',
        capability: 'service-templates',
        severity: 1,
        minutes: [5, 20],
        chance: 0.55,
        quotes: [
          'There are three Go templates and nothing says which one is current.',
          'I copied the service next door instead, because I trust it more.',
        ],
      },
      {
        step: 'Register it in the portal',
        capability: 'developer-portal',
        severity: 2,
        minutes: [10, 40],
        chance: 0.45,
        quotes: [
          'The catalog file format is only explained in a chat thread.',
          'It failed validation and the error message pointed at line 1.',
        ],
      },
      {
        step: 'First deploy',
        capability: 'deploy-pipeline',
        severity: 2,
        minutes: [20, 90],
        chance: 0.4,
        quotes: [
          'The first deploy failed because the template pins an old base image.',
          'Nobody told me the first deploy needs a change approval too.',
        ],
      },
    ],
  },
  {
    workflow: 'get access to logs',
    weight: 3,
    steps: [
      'Find where the logs live',
      'Request access',
      'Wait for the access group',
      'Search the logs',
      'Share a link with the team',
    ],
    summaries: [
      'Once in, searching works well; getting in is the hard part.',
      'They were debugging an incident and lost most of the first hour to access.',
    ],
    frictions: [
      {
        step: 'Request access',
        capability: 'observability-stack',
        severity: 3,
        minutes: [30, 300],
        chance: 0.7,
        quotes: [
          'The access form asks for a cost centre I don’t have.',
          'During an incident I had to borrow a colleague’s screen to read our own logs.',
        ],
      },
      {
        step: 'Find where the logs live',
        capability: 'internal-docs-search',
        severity: 2,
        minutes: [5, 30],
        chance: 0.5,
        quotes: [
          'Searching for “logs” finds the retired logging docs first.',
          'Every page I found described the old system.',
        ],
      },
      {
        step: 'Search the logs',
        capability: 'observability-stack',
        severity: 2,
        minutes: [10, 40],
        chance: 0.5,
        quotes: [
          'The query language is new to me and there is no cheat sheet.',
          'The VPN dropped whenever a query ran for more than a minute.',
        ],
      },
    ],
  },
  {
    workflow: 'test a change in a preview environment',
    weight: 2,
    steps: [
      'Open a pull request',
      'Wait for the preview to build',
      'Seed test data',
      'Share the preview link',
    ],
    summaries: [
      'Previews are loved when they work; seeding data is the missing piece.',
      'Product managers now review in previews, which raises the stakes when they are slow.',
    ],
    frictions: [
      {
        step: 'Wait for the preview to build',
        capability: 'preview-environments',
        severity: 2,
        minutes: [10, 40],
        chance: 0.6,
        quotes: [
          'Twenty minutes for a preview of a one-line change.',
          'When two previews build at once, one of them times out.',
        ],
      },
      {
        step: 'Seed test data',
        capability: 'database-as-a-service',
        severity: 2,
        minutes: [15, 60],
        chance: 0.55,
        quotes: [
          'Every preview starts with an empty database, so I paste SQL from a wiki page.',
          'I asked in chat for a snapshot and got three different answers.',
        ],
      },
    ],
  },
  {
    workflow: 'roll out a feature behind a flag',
    weight: 1,
    steps: ['Create the flag', 'Target one team', 'Watch the metrics', 'Remove the flag'],
    summaries: ['Flags work well; cleaning them up is nobody’s job yet.'],
    frictions: [
      {
        step: 'Target one team',
        capability: 'feature-flags',
        severity: 1,
        minutes: [5, 15],
        chance: 0.5,
        quotes: ['Targeting by team needs the team’s internal id, which I had to look up.'],
      },
      {
        step: 'Remove the flag',
        capability: 'feature-flags',
        severity: 1,
        minutes: [5, 20],
        chance: 0.5,
        quotes: ['We have forty flags nobody dares to delete.'],
      },
    ],
  },
];

/** What teams bring to office hours, per capability slug (null: the platform in general). */
export interface TopicSpec {
  capability: string | null;
  weight: number;
  /** Outcome weights: solved on the spot, feedback filed, docs gap. */
  outcomes: [number, number, number];
  problems: string[];
}

export const TOPICS: TopicSpec[] = [
  {
    capability: 'deploy-pipeline',
    weight: 5,
    outcomes: [6, 2, 2],
    problems: [
      'A rollout stuck at 50%',
      'Who approves a change on a Friday',
      'Rolling back without a new commit',
      'A deploy marked failed that actually succeeded',
    ],
  },
  {
    capability: 'ci-runners',
    weight: 4,
    outcomes: [5, 3, 1],
    problems: [
      'Builds waiting long for a runner',
      'Caching dependencies between builds',
      'A runner out of disk space',
    ],
  },
  {
    capability: 'secrets-manager',
    weight: 4,
    outcomes: [4, 1, 4],
    problems: [
      'Rotating a database password',
      'Reading a secret from a cron job',
      'Sharing a secret between two services',
    ],
  },
  {
    capability: 'observability-stack',
    weight: 4,
    outcomes: [4, 1, 4],
    problems: [
      'Getting access to production logs',
      'Writing a log query for a request id',
      'An alert that fires every night',
    ],
  },
  {
    capability: 'service-templates',
    weight: 3,
    outcomes: [6, 1, 2],
    problems: ['Which template for a worker service', 'Upgrading a service to the new template'],
  },
  {
    capability: 'developer-portal',
    weight: 2,
    outcomes: [6, 1, 2],
    problems: ['Registering a service in the catalog', 'Changing the owner of a service'],
  },
  {
    capability: 'preview-environments',
    weight: 2,
    outcomes: [4, 3, 1],
    problems: ['A preview that never becomes ready', 'Previews for a service with a database'],
  },
  {
    capability: 'database-as-a-service',
    weight: 2,
    outcomes: [5, 1, 3],
    problems: ['Restoring a snapshot into staging', 'Connection limits on a small instance'],
  },
  {
    capability: 'feature-flags',
    weight: 1,
    outcomes: [7, 1, 1],
    problems: ['Targeting a flag at one team'],
  },
  {
    capability: null,
    weight: 2,
    outcomes: [6, 1, 2],
    problems: [
      'Where to start as a new joiner',
      'How to ask the platform team for help',
      'What the platform roadmap means for our team',
    ],
  },
];
