// The roadmap's share of the browser suite's seed (test/browser/seed.ts):
// every kind of item and page state, written through the stores in the
// seed's transaction.

import type { Db } from '../core/db/index.ts';
import { addVote, insertItem as insertFeedback, subscribe } from '../feedback/store.ts';
import { recordChangelogEntry } from './changelog.ts';
import type { Driver, Horizon, RoadmapStatus } from './model.ts';
import { insertComment, insertEvent, insertItem, moveItem, setLinks } from './store.ts';

const DAY = 86_400_000;

/**
 * Feedback with voters; a planned developer request, business work in
 * progress, a proposal open for comment (with support and a concern), a
 * security proposal whose window has closed (for the leader's decision form),
 * an item decided against, a shipped item and a breaking change in the
 * changelog. Returns the ids pages.ts names.
 */
export async function seedBrowserRoadmap(
  db: Db,
  users: { adminId: string; leaderId: string; developerId: string },
): Promise<Record<string, string>> {
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY).toISOString();
  const feedback = async (title: string, voters: string[]) => {
    const id = await insertFeedback(db, {
      kind: 'problem',
      title,
      body: `${title}. It costs us time every week.`,
      capabilityId: null,
      teamId: null,
      postedAs: 'name',
      authorId: users.developerId,
      authorName: 'Alan Turing',
      at: at(-40),
    });
    for (const userId of voters) {
      await addVote(db, id, userId, at(-30));
      await subscribe(db, id, userId, { explicit: false, at: at(-30) });
    }
    return id;
  };
  const slow = await feedback('Deploys wait 20 minutes in the queue', [
    users.developerId,
    users.leaderId,
  ]);
  const flaky = await feedback('Integration tests fail at random', [users.developerId]);

  const item = async (input: {
    title: string;
    driver: Driver;
    horizon: Horizon;
    status: RoadmapStatus;
    category?: string;
    rationale: string;
    closesInDays?: number;
    feedbackIds?: string[];
  }) => {
    const created = await insertItem(db, {
      title: input.title,
      description: 'What changes: **faster** feedback, [the plan](https://wiki.example.test/plan).',
      horizon: input.horizon,
      status: input.status === 'proposed' ? 'proposed' : 'planned',
      driver: input.driver,
      rationale: input.rationale,
      category: input.category ?? 'developer-experience',
      capabilityId: null,
      commentsCloseAt: input.closesInDays === undefined ? null : at(input.closesInDays),
      createdBy: users.adminId,
      at: at(-20),
    });
    await setLinks(db, created.id, input.feedbackIds ?? []);
    await insertEvent(db, {
      itemId: created.id,
      kind: 'created',
      fromStatus: null,
      toStatus: created.status,
      note: input.rationale,
      actorId: users.adminId,
      actorName: 'Barbara Liskov',
      at: at(-20),
    });
    if (input.status !== created.status) {
      await moveItem(db, created.id, {
        from: created.status,
        to: input.status,
        at: at(-5),
        decision:
          input.status === 'declined'
            ? { by: users.leaderId, rationale: 'The vendor contract runs until 2028.' }
            : undefined,
      });
      await insertEvent(db, {
        itemId: created.id,
        kind: 'status',
        fromStatus: created.status,
        toStatus: input.status,
        note: 'Moved along.',
        actorId: users.adminId,
        actorName: 'Barbara Liskov',
        at: at(-5),
      });
    }
    return created.id;
  };

  const planned = await item({
    title: 'A merge queue for the deploy pipeline',
    driver: 'developer-request',
    horizon: 'now',
    status: 'planned',
    rationale: 'The most voted problem this quarter: deploys wait in line.',
    feedbackIds: [slow, flaky],
  });
  await item({
    title: 'Cost per team in the monthly report',
    driver: 'business-priority',
    horizon: 'next',
    status: 'in-progress',
    category: 'cost',
    rationale: 'Finance needs cost per team before the budget round.',
  });
  const proposal = await item({
    title: 'Retire the old build agents',
    driver: 'platform-health',
    horizon: 'later',
    status: 'proposed',
    rationale: 'Two kinds of agents mean two sets of failures to chase.',
    closesInDays: 10,
  });
  await insertComment(db, {
    itemId: proposal,
    authorId: users.developerId,
    authorName: 'Alan Turing',
    stance: 'support',
    body: '',
    at: at(-2),
  });
  await insertComment(db, {
    itemId: proposal,
    authorId: users.leaderId,
    authorName: 'Frances Allen',
    stance: 'concern',
    body: 'Some teams still build on the old agents. Who moves them, and when?',
    at: at(-1),
  });
  const deciding = await item({
    title: 'Signed commits on every repository',
    driver: 'mandate',
    horizon: 'next',
    status: 'proposed',
    category: 'security',
    rationale: 'The audit asks for proof of who changed production code.',
    closesInDays: -1,
  });
  await item({
    title: 'Move CI to a new vendor',
    driver: 'developer-request',
    horizon: 'later',
    status: 'declined',
    category: 'cost',
    rationale: 'Several teams asked for faster runners.',
  });
  const shipped = await item({
    title: 'Cached dependencies in every build',
    driver: 'developer-request',
    horizon: 'now',
    status: 'planned',
    rationale: 'Builds downloaded the same packages every time.',
    feedbackIds: [flaky],
  });
  await moveItem(db, shipped, { from: 'planned', to: 'shipped', at: at(-3) });
  const { entry } = await recordChangelogEntry(db, {
    title: 'Builds reuse their dependencies',
    body: 'Builds are **twice as fast** on average. Nothing to change on your side.',
    roadmapItemId: shipped,
    feedbackIds: [flaky],
    author: { userId: users.adminId, name: 'Barbara Liskov' },
    now: new Date(now - 3 * DAY),
  });
  await recordChangelogEntry(db, {
    title: 'Pipeline syntax v1 is removed',
    body: 'Move your pipelines to the v2 syntax; `paved-lint` shows what to change.',
    breaking: true,
    effectiveOn: at(60).slice(0, 10),
    author: { userId: users.adminId, name: 'Barbara Liskov' },
    now: new Date(now - DAY),
  });
  return {
    roadmapPlannedId: planned,
    roadmapProposalId: proposal,
    roadmapDecidingId: deciding,
    changelogEntryId: entry.id,
  };
}
