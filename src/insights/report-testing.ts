// A small, fixed organisation for the report's tests (JSON, Markdown
// snapshot, API, CLI and pages): every date is fixed, so the same report
// comes out on every engine and every day. Written through the areas' own
// services and stores, never straight into their tables.

import type { TestDb } from '../../test/engines.ts';
import type { AdoptionState } from '../capabilities/model.ts';
import {
  appendEvent,
  insertCapability,
  recordDecision,
  saveMandate,
} from '../capabilities/store.ts';
import { addVote, insertItem as insertFeedback, setStatus } from '../feedback/store.ts';
import { createUser } from '../identity/store.ts';
import { createNote } from '../research/service.ts';
import { createSession } from '../research/service-office-hours.ts';
import { recordChangelogEntry } from '../roadmap/changelog.ts';
import { insertItem as insertRoadmapItem, moveItem } from '../roadmap/store.ts';
import { milestone, writeEvents } from '../signals/figures-testing.ts';
import type { Answers } from '../surveys/model.ts';
import { closeSurvey, createSurvey, openSurvey, submitResponse } from '../surveys/service.ts';
import { type SurveyOrg, seedSurveyOrg } from '../surveys/testing.ts';
import { reviewBeta, startBeta } from './betas.ts';

/** The quarter the fixed organisation's report is about, and the moment it is read. */
export const REPORT_PERIOD = '2026-Q3';
export const REPORT_NOW = new Date('2026-10-15T12:00:00.000Z');

const COMMENTS = [
  'The Deploy pipeline is slow on Mondays.',
  'Secrets vault rotation is confusing.',
  'Deploy pipeline caching saved me hours.',
  'Flaky integration tests block merges.',
  'Docs for the deploy pipeline are hard to find.',
  'Flaky tests again.',
  'Onboarding docs were great.',
  'The secrets vault CLI is slow.',
  'Builds are slow.',
  'More preview environments, please.',
  'Integration tests are flaky.',
  'Nothing to add.',
];

export interface ReportOrg {
  org: SurveyOrg;
  capabilities: { deploy: string; vault: string };
  feedback: { slow: string; flaky: string; docs: string };
}

async function history(
  db: TestDb['db'],
  capabilityId: string,
  teamId: string,
  steps: [AdoptionState, string][],
) {
  let from: AdoptionState = 'none';
  for (const [i, [to, at]] of steps.entries()) {
    const leaving = to === 'left';
    await appendEvent(db, {
      teamId,
      capabilityId,
      seq: i + 1,
      from,
      to,
      reason: leaving ? 'too-slow' : null,
      reasonText: null,
      alternative: leaving ? 'GitHub Actions' : null,
      actorId: null,
      onBehalf: true,
      exceptionId: null,
      at,
    });
    from = to;
  }
}

/**
 * Engineering › Payments (8 people) and Platform (6); an optional Deploy
 * pipeline both teams adopted (Payments left it in August) and a mandatory
 * Secrets vault; closed surveys for 2026-Q2 and 2026-Q3 answered by 12
 * people with comments; first deploys of this year's hires; feedback with
 * votes, a changelog entry answering it, roadmap moves and decisions in Q3.
 */
export async function seedReportOrg(handle: TestDb): Promise<ReportOrg> {
  const { db } = handle;
  const org = await seedSurveyOrg(handle, [
    { slug: 'engineering', people: 0 },
    {
      slug: 'payments',
      parent: 'engineering',
      people: 8,
      starts: ['2026-04-06', '2026-05-04', '2026-06-01', '2024-01-08'],
    },
    {
      slug: 'platform',
      parent: 'engineering',
      people: 6,
      starts: ['2026-04-13', '2026-05-11', '2023-09-04'],
    },
  ]);
  const payments = org.teams.payments!;
  const platform = org.teams.platform!;
  const capability = (slug: string, name: string, obligation: 'optional' | 'mandatory') =>
    insertCapability(db, {
      slug,
      name,
      summary: `${name} for the report tests.`,
      ownerTeamId: platform,
      docsUrl: null,
      stage: 'ga',
      obligation,
      eligibleTeamIds: [],
    });
  const deploy = await capability('deploy-pipeline', 'Deploy pipeline', 'optional');
  const vault = await capability('secrets-vault', 'Secrets vault', 'mandatory');
  await saveMandate(db, {
    capabilityId: vault.id,
    category: 'security',
    reason: 'Every secret read is logged in one place.',
    mitigation: 'We migrate secrets for you.',
    reviewOn: '2027-06-30',
    recordedBy: null,
  });
  await history(db, deploy.id, platform, [['adopted', '2026-01-05T09:00:00.000Z']]);
  await history(db, deploy.id, payments, [['adopted', '2026-01-12T09:00:00.000Z']]);
  await history(db, vault.id, payments, [['adopted', '2026-02-02T09:00:00.000Z']]);
  await history(db, vault.id, platform, [['adopted', '2026-02-02T09:00:00.000Z']]);

  // Two closed quarters, answered by the same 12 people.
  const answering = [...org.people.payments!, ...org.people.platform!.slice(0, 4)];
  const survey = async (period: string, opens: string, closes: string, scores: number[]) => {
    const draft = await createSurvey(db, org.platform, {
      title: `${period} platform survey`,
      period,
      audience: 'all',
    });
    await openSurvey(org.deps, org.platform, draft.id, new Date(opens));
    for (const [i, person] of answering.entries()) {
      const answers: Answers = {
        nps: scores[i % scores.length]!,
        cognitiveLoad: (i % 5) + 1,
        hoursLost: (['0', 'under-1', '1-2', '2-4'] as const)[i % 4],
        comment: COMMENTS[i % COMMENTS.length],
        capabilities: {
          'deploy-pipeline': { csat: (i % 5) + 1, effort: (i % 7) + 1 },
          'secrets-vault': { csat: ((i + 2) % 5) + 1, effort: ((i + 3) % 7) + 1 },
        },
      };
      await submitResponse(org.deps, person, draft.id, answers);
    }
    await closeSurvey(org.deps, org.platform, draft.id, new Date(closes));
  };
  await survey(
    '2026-Q2',
    '2026-06-01T09:00:00.000Z',
    '2026-06-20T09:00:00.000Z',
    [5, 6, 7, 8, 9, 3, 6, 7, 10, 4, 8, 6],
  );
  await survey(
    '2026-Q3',
    '2026-09-01T09:00:00.000Z',
    '2026-09-20T09:00:00.000Z',
    [9, 10, 9, 8, 10, 7, 9, 10, 6, 9, 10, 3],
  );

  // Payments leaves the Deploy pipeline in August (after answering, so its ratings count).
  await appendEvent(db, {
    teamId: payments,
    capabilityId: deploy.id,
    seq: 2,
    from: 'adopted',
    to: 'left',
    reason: 'too-slow',
    reasonText: null,
    alternative: 'GitHub Actions',
    actorId: null,
    onBehalf: true,
    exceptionId: null,
    at: '2026-08-17T09:00:00.000Z',
  });

  // First deploys: most of this year's hires within weeks, one still on the way.
  const people = await db
    .selectFrom('people')
    .select(['id', 'email', 'start_date'])
    .orderBy('email')
    .execute();
  await writeEvents(
    handle,
    people
      .filter(
        (p) => p.start_date && p.start_date >= '2026-01-01' && !p.email?.startsWith('payments.6'),
      )
      .map((p, i) =>
        milestone(
          p.id,
          'first_deploy',
          new Date(
            Date.parse(`${p.start_date}T09:00:00Z`) + (3 + 4 * (i % 5)) * 86_400_000,
          ).toISOString(),
        ),
      ),
  );

  // Feedback of the quarter, with votes from a few accounts.
  const voters: { id: string }[] = [];
  for (const name of ['Ada', 'Grace', 'Alan', 'Edsger']) {
    voters.push(
      await createUser(db, {
        email: `${name.toLowerCase()}@example.test`,
        name,
        role: 'developer',
        passwordHash: null,
      }),
    );
  }
  const feedback = async (
    title: string,
    at: string,
    votes: number,
    capabilityId: string | null,
  ) => {
    const id = await insertFeedback(db, {
      kind: 'problem',
      title,
      body: `${title} Details for the report tests.`,
      capabilityId,
      teamId: payments,
      postedAs: 'team',
      authorId: null,
      authorName: null,
      at,
    });
    for (const voter of voters.slice(0, votes)) await addVote(db, id, voter.id, at);
    return id;
  };
  const slow = await feedback(
    'Deploys are slow on Mondays',
    '2026-07-06T10:00:00.000Z',
    4,
    deploy.id,
  );
  const flaky = await feedback('Flaky integration tests', '2026-08-03T10:00:00.000Z', 2, null);
  const docs = await feedback(
    'Vault docs are hard to find',
    '2026-06-15T10:00:00.000Z',
    3,
    vault.id,
  );
  await setStatus(db, slow, { from: 'new', to: 'acknowledged', at: '2026-07-08T10:00:00.000Z' });
  await setStatus(db, flaky, { from: 'new', to: 'acknowledged', at: '2026-08-20T10:00:00.000Z' });

  // What the platform did: a roadmap item decided and shipped, with its changelog entry.
  const cache = await insertRoadmapItem(db, {
    title: 'Cache builds in the deploy pipeline',
    description: 'Reuse build layers between runs.',
    horizon: 'now',
    status: 'proposed',
    driver: 'developer-request',
    rationale: 'The most voted problem of the quarter.',
    category: 'developer-experience',
    capabilityId: deploy.id,
    commentsCloseAt: '2026-07-20T10:00:00.000Z',
    createdBy: null,
    at: '2026-07-09T10:00:00.000Z',
  });
  await moveItem(db, cache.id, {
    from: 'proposed',
    to: 'planned',
    at: '2026-07-21T10:00:00.000Z',
    decision: { by: null, rationale: 'Supported by every comment; small and safe.' },
  });
  await moveItem(db, cache.id, { from: 'planned', to: 'shipped', at: '2026-09-01T10:00:00.000Z' });
  await recordChangelogEntry(db, {
    title: 'Deploys reuse their build cache',
    body: 'Monday deploys take half the time.',
    roadmapItemId: cache.id,
    feedbackIds: [slow],
    capabilityId: deploy.id,
    author: { userId: null, name: 'Platform team' },
    notify: false,
    now: new Date('2026-09-01T10:00:00.000Z'),
  });
  await insertRoadmapItem(db, {
    title: 'Rotate secrets without downtime',
    description: 'Two keys live during a rotation.',
    horizon: 'next',
    status: 'planned',
    driver: 'mandate',
    rationale: 'Security asks for monthly rotation.',
    category: 'security',
    capabilityId: vault.id,
    commentsCloseAt: null,
    createdBy: null,
    at: '2026-08-10T10:00:00.000Z',
  });
  await insertRoadmapItem(db, {
    title: 'Fix flaky integration tests',
    description: 'Quarantine and fix the worst offenders.',
    horizon: 'now',
    status: 'in-progress',
    driver: 'platform-health',
    rationale: 'Flaky tests block merges for every team.',
    category: 'developer-experience',
    capabilityId: null,
    commentsCloseAt: null,
    createdBy: null,
    at: '2026-05-04T10:00:00.000Z',
  });
  for (const [summary, rationale, at] of [
    [
      'Deploy pipeline: build cache planned',
      'Supported by every comment.',
      '2026-07-21T10:00:00.000Z',
    ],
    [
      'Secrets vault is required',
      'Every secret read is logged in one place.',
      '2026-08-12T10:00:00.000Z',
    ],
    ['Older decision', 'Before the quarter.', '2026-06-01T10:00:00.000Z'],
  ] as const) {
    await recordDecision(db, {
      kind: summary.startsWith('Secrets') ? 'mandate.recorded' : 'roadmap.decided',
      category: summary.startsWith('Secrets') ? 'security' : 'developer-experience',
      deciderId: null,
      deciderName: 'Frances Allen',
      rationale,
      capabilityId: summary.startsWith('Secrets') ? vault.id : deploy.id,
      subjectType: 'capability',
      subjectId: summary.startsWith('Secrets') ? vault.id : deploy.id,
      summary,
      at,
    });
  }
  await seedBetaAndResearch(db, org, platform);
  return {
    org,
    capabilities: { deploy: deploy.id, vault: vault.id },
    feedback: { slow, flaky, docs },
  };
}

/**
 * Preview environments in beta from July with Platform as its volunteer,
 * reviewed in September (iterate); two research notes and an office-hours
 * session in August.
 */
async function seedBetaAndResearch(db: TestDb['db'], org: SurveyOrg, platformTeam: string) {
  const preview = await insertCapability(db, {
    slug: 'preview-environments',
    name: 'Preview environments',
    summary: 'A live copy per pull request.',
    ownerTeamId: platformTeam,
    docsUrl: null,
    stage: 'beta',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
  const beta = await startBeta(db, org.platform, {
    capability: 'preview-environments',
    startsOn: '2026-07-06',
    reviewOn: '2026-09-21',
    targetTeams: 2,
  });
  await history(db, preview.id, platformTeam, [['trial', '2026-07-08T09:00:00.000Z']]);
  await reviewBeta(db, org.platform, beta.id, {
    outcome: 'iterate',
    rationale: 'Previews take too long to start; one more round before everyone gets them.',
    nextReviewOn: '2026-11-16',
    now: new Date('2026-09-21T10:00:00.000Z'),
  });
  const friction = (
    step: string,
    capability: string | null,
    severity: number,
    minutes: number,
  ) => ({
    step,
    capability,
    severity,
    minutesLost: minutes,
    quote: 'A quote that never leaves the research pages.',
  });
  await createNote(db, org.platform, {
    kind: 'interview',
    heldOn: '2026-08-04',
    team: 'payments',
    personas: ['cli-first'],
    workflow: 'Deploy a service',
    steps: ['Open the pipeline', 'Wait for the build', 'Check the release'],
    summary: null,
    frictions: [
      friction('Wait for the build', 'deploy-pipeline', 3, 40),
      friction('Check the release', null, 1, 5),
    ],
  });
  await createNote(db, org.platform, {
    kind: 'shadowing',
    heldOn: '2026-08-18',
    team: 'platform',
    personas: ['gui-first'],
    workflow: 'Deploy a service',
    steps: ['Open the pipeline', 'Wait for the build'],
    summary: null,
    frictions: [friction('Wait for the build', 'deploy-pipeline', 2, 25)],
  });
  await createSession(db, org.platform, {
    heldOn: '2026-08-11',
    hosts: 'Platform team',
    notes: null,
    topics: [
      {
        team: 'payments',
        capability: 'secrets-vault',
        problem: 'Rotating a key',
        outcome: 'solved',
        feedbackId: null,
      },
      {
        team: 'payments',
        capability: 'secrets-vault',
        problem: 'Where are the docs?',
        outcome: 'docs-gap',
        feedbackId: null,
      },
      {
        team: 'platform',
        capability: 'deploy-pipeline',
        problem: 'Slow builds',
        outcome: 'solved',
        feedbackId: null,
      },
    ],
  });
}
