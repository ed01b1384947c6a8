// The survey pages' data for the browser suite (test/browser), written
// through the service so invitations, coarsening and counts are real:
// two closed quarters with enough answers to show figures, comments and a
// change; an open survey the admin has not answered (the answer form and the
// home banner) and one they have ("you answered", the thank-you page); a
// draft; pulses over a completed quarter and one throttled pulse.

import { getCapabilityBySlug } from '../capabilities/store.ts';
import { quarterOf } from '../core/period.ts';
import type { Actor } from '../core/policy.ts';
import type { Answers } from './model.ts';
import {
  closeSurvey,
  createSurvey,
  openSurvey,
  type SurveyDeps,
  submitPulse,
  submitResponse,
} from './service.ts';
import { insertPulse } from './store.ts';

const DAY = 86_400_000;

/** Every active person as an actor that can answer (no account needed). */
async function peopleActors(deps: SurveyDeps): Promise<Actor[]> {
  const rows = await deps.handle.db
    .selectFrom('people')
    .select(['id', 'email', 'name', 'team_id'])
    .where('inactive_since', 'is', null)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    userId: `person:${r.id}`,
    email: r.email ?? '',
    name: r.name,
    role: 'developer' as const,
    personId: r.id,
    teamId: r.team_id,
    teamIds: r.team_id ? [r.team_id] : [],
    via: 'session' as const,
  }));
}

const COMMENTS = [
  'Deploys got much faster this quarter.',
  'The docs for the pipeline are hard to find.',
  'Preview environments save me an hour a week.',
  'Flaky integration tests still block merges.',
  'Secrets rotation is confusing.',
  'Thanks for the office hours.',
  'I would like faster feedback on pull requests.',
  'Onboarding was smooth.',
  'The CLI is great.',
  'Too many dashboards.',
  'Build caching works well now.',
];

/**
 * Writes the surveys; `adminEmail` names the person whose account the suite
 * signs in with (they answer one open survey and pulse the Secrets vault).
 * Returns `{draftSurveyId}`, `{openSurveyId}`, `{answeredSurveyId}`, `{closedSurveyId}`.
 */
export async function seedBrowserSurveys(
  deps: SurveyDeps,
  admin: { userId: string; email: string },
): Promise<Record<string, string>> {
  const { db } = deps.handle;
  const platform = {
    actor: {
      userId: admin.userId,
      email: admin.email,
      name: 'Admin',
      role: 'admin' as const,
      personId: null,
      teamId: null,
      teamIds: [],
      via: 'session' as const,
    },
    ip: null,
  };
  const people = await peopleActors(deps);
  const adminPerson = people.find((p) => p.email === admin.email)!;
  const others = people.filter((p) => p !== adminPerson);
  const now = new Date();
  const closesOn = new Date(now.getTime() + 14 * DAY).toISOString().slice(0, 10);

  const closed = async (title: string, period: string, scores: number[]) => {
    const draft = await createSurvey(db, platform, {
      title,
      period,
      audience: 'all',
      questions: [{ kind: 'rating', prompt: 'How useful were the platform office hours?' }],
    });
    const survey = await openSurvey(deps, platform, draft.id, now);
    for (const [i, person] of others.entries()) {
      const answers: Answers = {
        nps: scores[i % scores.length]!,
        cognitiveLoad: (i % 5) + 1,
        hoursLost: (['0', 'under-1', '1-2', '2-4', '4-8'] as const)[i % 5],
        comment: COMMENTS[i % COMMENTS.length],
        custom: { [survey.questions[0]!.id]: (i % 5) + 1 },
      };
      if (i % 3 === 0) answers.fix = 'Make the integration tests reliable.';
      await submitResponse(deps, person, survey.id, answers);
    }
    return closeSurvey(deps, platform, survey.id, now);
  };
  await closed('Q2 platform survey', '2026-Q2', [3, 5, 6, 7, 8, 9, 10, 4, 6, 8, 2]);
  const q3 = await closed('Q3 platform survey', '2026-Q3', [9, 10, 9, 8, 10, 7, 9, 10, 6, 9, 10]);

  const current = quarterOf(now).key;
  const openDraft = await createSurvey(db, platform, {
    title: 'Q4 platform survey',
    period: current,
    audience: 'all',
    closesOn,
    questions: [{ kind: 'text', prompt: 'Which tool would you miss most?' }],
  });
  const open = await openSurvey(deps, platform, openDraft.id, now);
  const checkDraft = await createSurvey(db, platform, {
    title: 'Deploy check-in',
    period: current,
    audience: 'all',
    closesOn,
  });
  const answered = await openSurvey(deps, platform, checkDraft.id, now);
  await submitResponse(deps, adminPerson, answered.id, { nps: 8 });
  const draft = await createSurvey(db, platform, {
    title: 'Q1 platform survey',
    period: '2027-Q1',
    audience: 'teams',
    teamIds: [adminPerson.teamId!],
    questions: [{ kind: 'rating', prompt: 'How clear is the roadmap?', required: true }],
  });

  // Pulses: a completed quarter of Deploy pipeline ratings, and the admin's own
  // recent Secrets vault rating (so its pulse page says when they can rate again).
  const deploy = await getCapabilityBySlug(db, 'deploy-pipeline');
  if (deploy) {
    for (const [m, month] of ['2026-07', '2026-08', '2026-09'].entries()) {
      for (let i = 0; i < 12; i++) {
        await insertPulse(db, {
          capabilityId: deploy.id,
          touchpoint: i % 3 === 0 ? 'docs' : 'deploy',
          rating: ((i + m) % 5) + 1,
          comment: i % 2 === 0 ? COMMENTS[(i + m) % COMMENTS.length]! : null,
          month,
        });
      }
    }
  }
  if (await getCapabilityBySlug(db, 'secrets-vault')) {
    await submitPulse(
      deps,
      { ...adminPerson, userId: admin.userId },
      { capability: 'secrets-vault', rating: 4 },
      now,
    );
  }
  return {
    draftSurveyId: draft.id,
    openSurveyId: open.id,
    answeredSurveyId: answered.id,
    closedSurveyId: q3.id,
  };
}
