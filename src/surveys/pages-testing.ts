// Helpers for the survey page and CLI tests: an organisation large enough to
// open a survey under small thresholds, accounts for some of its people, a
// capability Payments adopted, and surveys in each state.

import { signIn, type TestUser, testApp } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { addCapability } from '../capabilities/pages-testing.ts';
import { appendEvent } from '../capabilities/store.ts';
import { anonymityK, anonymityKComment } from '../core/privacy.ts';
import { setSetting } from '../core/settings.ts';
import type { Answers, Survey } from './model.ts';
import {
  closeSurvey,
  createSurvey,
  openSurvey,
  type SurveyInput,
  submitResponse,
} from './service.ts';
import { type SurveyOrg, seedSurveyOrg, type TeamSpec } from './testing.ts';

/**
 * Engineering › Payments (4 people, Checkout below it with 2) and Platform (4):
 * ten people. Thresholds k = 3 and k_comment = 3, so Payments and Platform show
 * on their own and Checkout never does.
 */
export const PAGE_ORG: TeamSpec[] = [
  { slug: 'engineering', people: 0 },
  {
    slug: 'payments',
    parent: 'engineering',
    people: 4,
    levels: ['Senior'],
    starts: ['2024-03-01'],
  },
  { slug: 'checkout', parent: 'payments', people: 2 },
  { slug: 'platform', parent: 'engineering', people: 4 },
];

export interface SurveyPagesSeed {
  org: SurveyOrg;
  deployId: string;
  /** Payments people 0 and 1, Checkout 0, a platform member (Platform 0), someone not in the org. */
  users: Record<'ada' | 'grace' | 'alan' | 'barbara' | 'outsider', TestUser>;
}

export async function seedSurveyPages(handle: TestDb): Promise<SurveyPagesSeed> {
  const org = await seedSurveyOrg(handle, PAGE_ORG);
  await setSetting(handle.db, anonymityK, 3);
  await setSetting(handle.db, anonymityKComment, 3);
  const deploy = await addCapability(handle, {
    slug: 'deploy-pipeline',
    name: 'Deploy pipeline',
  });
  await appendEvent(handle.db, {
    teamId: org.teams.payments!,
    capabilityId: deploy.id,
    seq: 1,
    from: 'none',
    to: 'adopted',
    reason: null,
    reasonText: null,
    alternative: null,
    actorId: null,
    onBehalf: false,
    exceptionId: null,
  });
  const users = {
    ada: await signIn(handle, 'developer', 'payments.0@example.test'),
    grace: await signIn(handle, 'developer', 'payments.1@example.test'),
    alan: await signIn(handle, 'developer', 'checkout.0@example.test'),
    barbara: await signIn(handle, 'platform', 'platform.0@example.test'),
    outsider: await signIn(handle, 'developer'),
  };
  return { org, deployId: deploy.id, users };
}

/** A day `days` from today, `YYYY-MM-DD`. */
export function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** An open survey of everyone, closing in two weeks. */
export async function openedSurvey(
  seed: SurveyPagesSeed,
  overrides: Partial<SurveyInput> = {},
): Promise<Survey> {
  const { org } = seed;
  const draft = await createSurvey(org.deps.handle.db, org.platform, {
    title: 'Q4 platform survey',
    period: '2026-Q4',
    audience: 'all',
    closesOn: dayFromNow(14),
    ...overrides,
  });
  return openSurvey(org.deps, org.platform, draft.id);
}

/**
 * A closed survey answered by eight people: NPS answers 10, 9, 9, 8, 7, 6, 3
 * and 10 (4 promoters, 2 passives, 2 detractors: NPS 25), a comment from each.
 */
export async function closedSurvey(
  seed: SurveyPagesSeed,
  overrides: Partial<SurveyInput> = {},
): Promise<Survey> {
  const survey = await openedSurvey(seed, overrides);
  const { org } = seed;
  const people = [
    ...org.people.payments!,
    ...org.people.checkout!,
    ...org.people.platform!.slice(0, 2),
  ];
  const scores = [10, 9, 9, 8, 7, 6, 3, 10];
  for (const [i, person] of people.entries()) {
    const answers: Answers = {
      nps: scores[i]!,
      cognitiveLoad: (i % 5) + 1,
      hoursLost: i % 2 === 0 ? '1-2' : '4-8',
      comment: `Comment number ${i + 1}.`,
    };
    if (person.teamId === org.teams.payments)
      answers.capabilities = { 'deploy-pipeline': { csat: 4, effort: 6 } };
    await submitResponse(org.deps, person, survey.id, answers);
  }
  return closeSurvey(org.deps, org.platform, survey.id);
}

/** A same-origin form post with repeated fields (checkboxes), as a browser sends it. */
export async function postForm(
  handle: TestDb,
  path: string,
  fields: [string, string][],
  user: TestUser,
) {
  const res = await testApp(handle).request(path, {
    method: 'POST',
    headers: {
      ...user.cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://localhost',
    },
    body: new URLSearchParams([['_csrf', user.csrfToken], ...fields]),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}
