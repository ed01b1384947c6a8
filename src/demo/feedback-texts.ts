// The words of the demo's feedback: what developers say about each kind of
// capability, what the platform team answers, and its internal notes.
// `{cap}` is the capability's name; `{n}` a number the generator picks.

import type { FeedbackKind, FeedbackStatus } from '../feedback/model.ts';

export interface ItemText {
  title: string;
  body: string;
}

/** What people say about any capability, by kind. */
export const GENERIC: Record<FeedbackKind, readonly ItemText[]> = {
  problem: [
    {
      title: 'Waiting on {cap} at peak times',
      body: 'Between 9:00 and 10:30 everything in {cap} takes about {n} minutes longer. We batch our work around it now.',
    },
    {
      title: 'The docs for {cap} do not match what it does',
      body: 'The getting-started page still shows the old flags. I lost an afternoon before asking in chat.\n\n- the config key was renamed\n- the example repository is archived',
    },
    {
      title: 'Error messages from {cap} do not say what to do',
      body: 'When it fails I get `exit status 1` and nothing else. I have to ask someone on the platform team each time.',
    },
    {
      title: '{cap} broke after the last upgrade',
      body: 'Since the upgrade our jobs fail about 1 in {n} runs. Rolling back our side did not help.',
    },
    {
      title: 'Getting access to {cap} takes days',
      body: 'New joiners wait {n} days for access. They cannot deploy anything in their first week.',
    },
    {
      title: 'No way to try changes to {cap} locally',
      body: 'Every change means a push and a {n}-minute wait to see whether it works.',
    },
    {
      title: 'Alerts from {cap} wake us up for nothing',
      body: 'We got {n} pages last month from {cap}; none needed action. People are starting to ignore them.',
    },
    {
      title: 'Migrating to {cap} costs more than we were told',
      body: 'The migration guide says a day. It took our team {n} days, mostly on undocumented edge cases.',
    },
    {
      title: 'Too many outages of {cap}',
      body: 'Three outages this month. The status page said everything was fine during two of them.',
    },
    {
      title: 'Nobody answers questions about {cap} in chat',
      body: 'Questions in the channel wait a day or more. We need to know who to ask.',
    },
  ],
  idea: [
    {
      title: 'Run {cap} on pull requests, not only on main',
      body: 'We would catch problems {n} hours earlier if {cap} ran before merge.',
    },
    {
      title: 'A command-line client for {cap}',
      body: 'Most of us live in the terminal. Clicking through the web UI for every change is slow.\n\nSomething like `paved-cli {cap} status` would do.',
    },
    {
      title: 'Templates for setting up {cap}',
      body: 'Every team copies the same {n} files from another repository. A template would save that.',
    },
    {
      title: 'Show the cost of {cap} per team',
      body: 'We would turn things off if we knew what they cost us.',
    },
    {
      title: 'Office hours for {cap}',
      body: 'Half an hour a week where we can bring problems would save a lot of chat threads.',
    },
    {
      title: 'Let teams try new versions of {cap} early',
      body: 'We would happily try new versions early if we could switch back in one step.',
    },
    {
      title: 'Publish the roadmap for {cap}',
      body: 'We plan our quarter around it, and we find out about changes when they land.',
    },
  ],
  question: [
    {
      title: 'Should new services still use {cap}?',
      body: 'The last release was a while ago. Should new services still use it?',
    },
    {
      title: 'How do I give another team access to {cap}?',
      body: 'We share a service with another team and cannot find where access is set.',
    },
    {
      title: 'What are the limits of {cap}?',
      body: 'We are planning a launch with about {n} times our usual traffic. Will {cap} cope?',
    },
    {
      title: 'Who owns {cap}?',
      body: 'The owner team in the catalog was reorganised. Who should we talk to?',
    },
  ],
  praise: [
    {
      title: 'The new set-up guide for {cap} is excellent',
      body: 'A new joiner on our team went from nothing to a working set-up in {n} minutes.',
    },
    {
      title: 'Thanks for the quick fix to {cap}',
      body: 'Reported in the morning, fixed by lunch. That is how it should work.',
    },
    {
      title: 'Hours saved every week thanks to {cap}',
      body: 'We used to do this by hand. Now we do not think about it.',
    },
  ],
};

/** A second wording of the same complaint: what a duplicate says. */
export const DUPLICATE_TITLES: readonly string[] = [
  'Same here: {title}',
  '{title} (again)',
  'Still seeing this: {title}',
  'Our team too — {title}',
];

/** The public note of each step, by the status it moves to. */
export const NOTES: Record<Exclude<FeedbackStatus, 'new'>, readonly string[]> = {
  acknowledged: [
    'Thanks — we can reproduce this and are looking into the cause.',
    'Seen. We are collecting similar reports before we decide what to do.',
    'Thank you. We have added it to our next triage meeting and will update this item.',
    'Understood. We are talking to two teams affected to see how big this is.',
  ],
  planned: [
    'This is planned for next quarter: it is on the roadmap.',
    'We will work on this after the current migration finishes.',
    'Planned. The votes here moved it up our list.',
  ],
  'in-progress': [
    'Work has started; we expect a first version within a few weeks.',
    'In progress. A beta will be available to volunteer teams first.',
  ],
  shipped: [
    'Shipped. Thank you to everyone who voted and explained the problem.',
    'This is live for every team now. Tell us if it does not work for you.',
    'Done: the fix rolled out this week.',
  ],
  declined: [
    'We are not going to do this: the cost is too high for the few teams it would help. We documented a workaround instead.',
    'Declined for now. It conflicts with the security requirements for this capability; see the mandate on its page.',
    'We will not build this ourselves; the vendor plans to support it next year.',
  ],
  duplicate: ['Merged into the original report, where the conversation continues.'],
};

/** What the platform team notes for itself. */
export const INTERNAL_NOTES: readonly string[] = [
  'Linked to ticket PLAT-{n}.',
  'Talked to the author: they are happy to test a fix.',
  'Same root cause as the runner capacity problem; check before planning.',
  'Needs a decision from security before we promise anything.',
  'Cheap to fix; pick up in the next sprint.',
];

/** The demo developer's own items, so their home page and inbox have a story. */
export const DEVELOPER_ITEMS: readonly (ItemText & {
  kind: FeedbackKind;
  capability: string | null;
})[] = [
  {
    kind: 'problem',
    capability: 'Preview environments',
    title: 'Preview environments take too long to start',
    body: 'A preview takes about 15 minutes to come up. Reviewers give up and approve without looking.',
  },
  {
    kind: 'idea',
    capability: 'Deploy pipeline',
    title: 'Show deploy status in the pull request',
    body: 'Today I switch between three tabs to see whether my change is live.',
  },
  {
    kind: 'question',
    capability: 'CI runners',
    title: 'Can we keep our own runners for the mobile builds?',
    body: 'Mobile builds need macOS. The shared runners do not have it.',
  },
  {
    kind: 'problem',
    capability: null,
    title: 'On-call gets paged for the platform’s own maintenance',
    body: 'Planned maintenance pages product teams at night. Nobody warned us.',
  },
];

/**
 * What the roadmap makes of the generic problems and ideas, in the same
 * order as GENERIC: the roadmap item's title and what shipped ("we did").
 */
export const ANSWERS: Record<'problem' | 'idea', readonly (readonly [string, string])[]> = {
  problem: [
    [
      'Make {cap} fast at peak times',
      'We doubled the capacity behind {cap} at peak times and added a queue view; waits are under two minutes now.',
    ],
    [
      'Rewrite the {cap} getting-started guide',
      'The guide is rewritten and tested by three new joiners; every example runs as written.',
    ],
    [
      'Errors from {cap} that say what to do',
      'Every {cap} error now names the cause and links to the fix.',
    ],
    [
      'Stabilise {cap} after the upgrade',
      'We found the regression, fixed it and added the failing case to our tests.',
    ],
    [
      'Self-service access to {cap}',
      'Access to {cap} is granted from the developer portal in minutes, without a ticket.',
    ],
    [
      'Run {cap} locally',
      'A local mode for {cap} lets you try a change in seconds before you push.',
    ],
    [
      'Quieter {cap} alerts',
      'We removed the alerts nobody acted on and tuned the rest; pages from {cap} fell by two thirds.',
    ],
    [
      'An honest {cap} migration guide',
      'The migration guide now covers the edge cases teams hit, with a script for the common ones.',
    ],
    [
      'A more reliable {cap}',
      'We fixed the two causes of last month’s outages, and the status page now reads real health checks.',
    ],
    [
      'Named owners for {cap} questions',
      'Each week a named engineer answers {cap} questions in chat within four working hours.',
    ],
  ],
  idea: [
    [
      '{cap} on pull requests',
      '{cap} now runs on every pull request, so problems show before merge.',
    ],
    ['A command-line client for {cap}', 'The paved CLI now drives {cap} from the terminal.'],
    [
      'Set-up templates for {cap}',
      'Templates for the common {cap} set-ups are in the developer portal.',
    ],
    ['{cap} cost per team', 'Each team’s page shows what it spends on {cap}, updated daily.'],
    ['Office hours for {cap}', 'Office hours for {cap} run every Tuesday at 14:00.'],
    [
      'Early versions of {cap} for volunteer teams',
      'Teams can join {cap} betas and leave them in one step.',
    ],
    [
      'A public roadmap for {cap}',
      'The {cap} plans are on the paved roadmap, with the reasons for each.',
    ],
  ],
};
