// The research area's share of the browser suite's seed (test/browser/seed.ts):
// two notes whose friction points recur (one linked to feedback and the
// roadmap) and a few office-hours sessions, written through the stores in the
// seed's transaction.

import type { Db } from '../core/db/index.ts';
import { addLink, insertFriction, insertNote } from './store.ts';
import { insertSession, setTopics } from './store-office-hours.ts';

const DAY = 86_400_000;

/** Returns `{researchNoteId, researchFrictionId, officeHoursSessionId}` for pages.ts. */
export async function seedBrowserResearch(
  db: Db,
  users: { adminId: string },
): Promise<Record<string, string>> {
  const now = Date.now();
  const day = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);
  const id = async (table: 'teams' | 'capabilities', slug: string) =>
    (await db.selectFrom(table).select('id').where('slug', '=', slug).executeTakeFirst())?.id ??
    null;
  const deploy = await id('capabilities', 'deploy-pipeline');
  const vault = await id('capabilities', 'secrets-vault');
  const payments = await id('teams', 'payments');
  const checkout = await id('teams', 'checkout');
  const steps = ['Open a pull request', 'Wait for the change approval', 'Watch the rollout'];
  const note = await insertNote(db, {
    kind: 'shadowing',
    heldOn: day(-20),
    teamId: payments,
    personas: ['cli-first', 'junior', 'remote-vpn'],
    workflow: 'deploy a service',
    steps,
    summary: 'The pipeline is fine; the approval is where the afternoon went.',
    createdBy: users.adminId,
  });
  const approval = await insertFriction(db, note, 0, {
    step: 'Wait for the change approval',
    capabilityId: deploy,
    severity: 3,
    minutesLost: 120,
    quote: 'I didn’t know who was supposed to approve it, so I pinged three channels.',
  });
  await insertFriction(db, note, 1, {
    step: 'Watch the rollout',
    capabilityId: deploy,
    severity: 2,
    minutesLost: null,
    quote: null,
  });
  const other = await insertNote(db, {
    kind: 'interview',
    heldOn: day(-50),
    teamId: null,
    personas: ['screen-reader', 'senior'],
    workflow: 'Deploy a service',
    steps,
    summary: null,
    createdBy: users.adminId,
  });
  await insertFriction(db, other, 0, {
    step: 'Wait for the change approval',
    capabilityId: deploy,
    severity: 2,
    minutesLost: 45,
    quote: 'Approvals sit there until someone notices.',
  });
  const feedback = await db
    .selectFrom('feedback_items')
    .select('id')
    .orderBy('created_at')
    .orderBy('title')
    .executeTakeFirst();
  if (feedback) await addLink(db, approval, { kind: 'feedback', id: feedback.id });
  const roadmap = await db
    .selectFrom('roadmap_items')
    .select('id')
    .orderBy('created_at')
    .orderBy('title')
    .executeTakeFirst();
  if (roadmap) await addLink(db, approval, { kind: 'roadmap', id: roadmap.id });

  let session = '';
  for (const [i, topics] of [
    [
      {
        teamId: checkout,
        capabilityId: vault,
        problem: 'Rotating a database password',
        outcome: 'solved',
      },
      {
        teamId: payments,
        capabilityId: vault,
        problem: 'Where are the rotation docs?',
        outcome: 'docs-gap',
      },
      {
        teamId: payments,
        capabilityId: deploy,
        problem: 'A rollout stuck at half way',
        outcome: 'feedback-filed',
        feedbackId: feedback?.id ?? null,
      },
    ],
    [
      {
        teamId: null,
        capabilityId: deploy,
        problem: 'Rolling back without a commit',
        outcome: 'solved',
      },
    ],
    [],
  ].entries()) {
    const s = await insertSession(db, {
      heldOn: day(-7 * (i + 1)),
      hosts: 'Barbara Liskov, Dennis Ritchie',
      notes: topics.length === 0 ? 'Nobody came this week.' : null,
      createdBy: users.adminId,
    });
    await setTopics(
      db,
      s,
      topics.map((t) => ({
        feedbackId: null,
        ...t,
        outcome: t.outcome as 'solved' | 'docs-gap' | 'feedback-filed',
      })),
    );
    if (i === 0) session = s;
  }
  return { researchNoteId: note, researchFrictionId: approval, officeHoursSessionId: session };
}
