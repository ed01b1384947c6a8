// What the demo's developers write in surveys and pulses: open comments and
// "one thing to fix" by how the platform felt at the time, the forced CI
// migration's complaints, and short pulse remarks. No names, no teams.

/** Where the platform stood: the first surveys, the middle ones, the recent ones. */
export type Phase = 'early' | 'middle' | 'late';
export type Tone = 'negative' | 'neutral' | 'positive';

export const SURVEY_COMMENTS: Record<Phase, Record<Tone, readonly string[]>> = {
  early: {
    negative: [
      'Deploys fail for reasons that have nothing to do with my change, and nobody owns the failures.',
      'It took me three weeks to get a working local setup. The onboarding docs describe a platform that no longer exists.',
      'Every quarter there is a new tool and the old one never goes away. I do not know which one is supported.',
      'The pipeline is slow enough that I batch changes, which is the opposite of what we want.',
      'I file tickets with the platform team and hear nothing for weeks.',
      'Half of my week goes to YAML I do not understand.',
      'Staging is broken more often than it works, so we test in production by accident.',
      'Nobody told us the build images changed; our builds just started failing.',
    ],
    neutral: [
      'Some of it works well, but I never know where to find the docs for the rest.',
      'The templates are a good start; they drift out of date quickly though.',
      'It would help to know what the platform team is working on and why.',
      'Getting access to things is slow, but once set up it mostly works.',
    ],
    positive: [
      'The people on the platform team are helpful when you reach them.',
      'The secrets vault finally removed the passwords from our CI variables. Thank you.',
      'Service templates saved us a week when we started our last service.',
    ],
  },
  middle: {
    negative: [
      'The pipeline is faster now, but rollbacks still need a platform engineer.',
      'Docs are better, yet the error messages still point nowhere.',
      'Preview environments take too long to start to be useful on small changes.',
      'We were asked for feedback and I am not sure anything changed because of it.',
      'Too many mandatory things at once this quarter; we had no time for product work.',
    ],
    neutral: [
      'Noticeably better than last year. The changelog helps me see what is coming.',
      'Office hours are useful; a recording for people in other time zones would help.',
      'The portal is the first place I look now, though search could be better.',
      'Deploys are reliable; what slows us down now is waiting for reviews, not the platform.',
      'The new runbooks are good. More examples for the less common languages, please.',
    ],
    positive: [
      'The deploy pipeline went from my biggest complaint to something I do not think about.',
      'I like that the roadmap shows what you heard from us and what you decided.',
      'The faster builds are the best thing that happened to our team this year.',
      'Onboarding a new hire took two days instead of two weeks. Big difference.',
    ],
  },
  late: {
    negative: [
      'Still too many steps to get a new database. Everything else is smooth.',
      'Flaky tests on the shared runners waste an hour or two a week.',
      'Feature flags cleanup is manual and nobody does it.',
    ],
    neutral: [
      'Mostly good. The remaining pain is in the corners, like cost dashboards.',
      'I would like the observability defaults to include traces for async jobs.',
      'Keep the quarterly survey short like this; I actually answered it.',
      'Solid. I would like to see the results of this survey shared with everyone again.',
    ],
    positive: [
      'The platform feels like a product now. I can ship on my first day with a new service.',
      'Thank you for listening. The things we asked for last year are the things you built.',
      'Deploys, secrets and dashboards just work. I rarely think about the platform, which is the point.',
      'The paved road is the easiest road now, so we take it.',
      'Best internal tooling I have worked with. Keep the changelog coming.',
      'New people on our team ship in their first week, without help.',
    ],
  },
};

export const FIX_ANSWERS: Record<Phase, readonly string[]> = {
  early: [
    'Make the pipeline fast and reliable before anything else.',
    'One page that says which tools are supported and which are going away.',
    'Onboarding: a working laptop setup in one command.',
    'Answer tickets within a day, even if the answer is "not yet".',
    'Stop breaking the build images without notice.',
    'Rollbacks without a platform engineer.',
  ],
  middle: [
    'Faster preview environments.',
    'Error messages that say what to do next.',
    'Self-service database provisioning.',
    'Search in the developer portal.',
    'Fewer mandates at the same time; give teams a quarter to move.',
  ],
  late: [
    'Self-service databases.',
    'Automatic clean-up of old feature flags.',
    'Cost per service in the portal.',
    'Traces for background jobs.',
    'Quarantine for flaky tests on the shared runners.',
  ],
};

/** What people wrote right after the forced move from the Jenkins build farm to the CI runners. */
export const MIGRATION_COMMENTS: readonly string[] = [
  'We were forced off the Jenkins build farm with two weeks notice. Our builds are twice as slow on the new runners and the queue is unpredictable.',
  'The move to CI runners broke our release for three days. I understand why Jenkins had to go, but the rollout was rushed.',
  'Shared runners run out of capacity every afternoon. Please fix the queue before mandating anything else.',
  'Caches on the CI runners are cold half the time, so the promised speed-up never shows up for us.',
  'Nobody asked how we used Jenkins before switching it off. Our matrix builds do not fit the new runners.',
  'Moving our pipelines off Jenkins cost our team most of a sprint.',
];

export const MIGRATION_FIXES: readonly string[] = [
  'CI runner queue times in the afternoon.',
  'Warm caches on the CI runners.',
  'Give teams time and help to migrate before switching things off.',
];

/** Short pulse remarks, by rating (low 1–2, mid 3, high 4–5); `{name}` is the capability. */
export const PULSE_COMMENTS: Record<'low' | 'mid' | 'high', readonly string[]> = {
  low: [
    '{name} failed again with an error that told me nothing.',
    'Took far too long today.',
    'Had to ask in the support channel to get past a step the docs skip.',
    'Worked on the third try.',
    '{name} was down for part of the morning.',
  ],
  mid: [
    'Fine, but slower than it should be.',
    'Worked; the docs were out of date on one step.',
    'OK. Took a while to find the right page.',
  ],
  high: [
    'Smooth, no surprises.',
    'Quick and easy this time.',
    '{name} just worked.',
    'Much better than last month.',
    'Exactly what I needed.',
  ],
};

export const MIGRATION_PULSES: readonly string[] = [
  'Queued for 20 minutes on the shared runners.',
  'Cache miss again; the build took three times as long as it did on Jenkins.',
  'Runner ran out of disk halfway through the build.',
];
