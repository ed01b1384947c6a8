// The main journeys through paved, each written once against the actor of
// journey-kit.ts and run in every way of working (keyboard only, without
// JavaScript, narrow and zoomed, forced colours with reduced motion, a slow
// link). Each ends at its real outcome, read back from the database rows or
// the page it leads to. journeys.test.ts and journeys-more.test.ts each run
// part of the list with their own seeded server and browser, side by side.

import { describe, expect, it } from 'vitest';
import { getCapabilityBySlug, listReasons } from '../../src/capabilities/store.ts';
import { insertItem } from '../../src/feedback/store.ts';
import { type BrowserSuite, describeWithBrowser, TEST_MS } from './harness.ts';
import {
  type Actor,
  actorFor,
  adopted,
  type Person,
  personFor,
  WAYS,
  type Way,
} from './journey-kit.ts';

export interface JourneyRun {
  suite: BrowserSuite;
  way: Way;
  /** A developer made for this way, in their own team. */
  person: Person;
  /** Opens an actor of this way, as the developer (default) or as the platform team's admin. */
  actor(as?: 'developer' | 'platform'): Promise<Actor>;
}

export interface Journey {
  name: string;
  run(run: JourneyRun): Promise<void>;
}

/** Where the actor is: path and query (a keyboard user's skip link may add #main). */
const address = (a: Actor) => {
  const url = new URL(a.page.url());
  return url.pathname + url.search;
};

const count = async (
  suite: BrowserSuite,
  query: (db: BrowserSuite['database']['db']) => Promise<{ n: number | string | bigint }>,
) => Number((await query(suite.database.db)).n);

export const surveyJourney: Journey = {
  name: 'answers the quarterly survey from the home banner',
  async run({ suite, way, actor }) {
    const surveyId = suite.seed.params.openSurveyId!;
    const db = suite.database.db;
    const participation = () =>
      count(suite, (d) =>
        d
          .selectFrom('survey_participation')
          .select(d.fn.countAll<number>().as('n'))
          .where('survey_id', '=', surveyId)
          .executeTakeFirstOrThrow(),
      );
    const comment = `Answered in the ${way} way.`;
    const before = await participation();
    const a = await actor();
    await a.go('/');
    await a.activate(
      a.page.getByRole('link', { name: /^Q4 platform survey — 4 minutes — closes / }),
    );
    await a.expectHeading('Q4 platform survey');
    await a.choose(
      a.page
        .getByRole('group', {
          name: 'How likely are you to recommend the platform to a colleague?',
        })
        .getByRole('radio', { name: '9', exact: true }),
    );
    await a.choose(
      a.page
        .getByRole('group', { name: /how many hours do you lose/ })
        .getByRole('radio', { name: '1 to 2 hours' }),
    );
    await a.fill(
      a.page.getByLabel('Anything else you want the platform team to know? (optional)'),
      comment,
    );
    await a.activate(a.page.getByRole('button', { name: 'Send my answers' }));
    await a.expectHeading('Thank you: your answers are in');
    expect(new URL(a.page.url()).pathname).toBe(`/surveys/${surveyId}/thanks`);
    await a.finish();
    expect(await participation()).toBe(before + 1);
    const stored = await db
      .selectFrom('survey_comments')
      .select('question')
      .where('survey_id', '=', surveyId)
      .where('body', '=', comment)
      .execute();
    expect(stored.map((r) => r.question)).toEqual(['comment']);
  },
};

export const feedbackJourney: Journey = {
  name: 'posts feedback, then votes for someone else’s',
  async run({ suite, way, person, actor }) {
    const db = suite.database.db;
    const title = `Logs vanish after a redeploy (${way})`;
    const other = suite.seed.params.feedbackId!;
    const a = await actor();
    await a.go('/feedback/new');
    await a.expectHeading('Give feedback');
    await a.choose(a.page.getByLabel('Problem', { exact: true }));
    await a.fill(a.page.getByLabel('Title', { exact: true }), title);
    await a.fill(
      a.page.getByLabel('Description (optional)'),
      'The last hour of logs is gone after each redeploy.',
    );
    await a.choose(a.page.getByLabel('Which capability is it about?'), 'Deploy pipeline');
    await a.activate(a.page.getByRole('button', { name: 'Post your feedback', exact: true }));
    await a.expectHeading(title);
    expect(address(a)).toMatch(/^\/feedback\/[^/?]+\?done=posted$/);
    const posted = await db
      .selectFrom('feedback_items')
      .select(['kind', 'status', 'author_id', 'capability_id'])
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
    const deploy = await getCapabilityBySlug(db, 'deploy-pipeline');
    expect(posted).toEqual({
      kind: 'problem',
      status: 'new',
      author_id: person.userId,
      capability_id: deploy!.id,
    });

    // Then someone else's item, from the board, gets their vote.
    await a.go('/feedback');
    await a.expectHeading('Feedback');
    await a.activate(
      a.page.getByRole('link', {
        name: 'Deploy pipeline runs wait for a free runner every morning',
        exact: true,
      }),
    );
    await a.expectHeading('Deploy pipeline runs wait for a free runner every morning');
    await a.activate(a.page.getByRole('button', { name: 'Vote for this', exact: true }));
    expect(await a.page.getByRole('status').textContent()).toContain('Your vote counts.');
    await a.finish();
    const vote = await db
      .selectFrom('feedback_votes')
      .select('item_id')
      .where('user_id', '=', person.userId)
      .execute();
    expect(vote.map((v) => v.item_id)).toEqual([other]);
  },
};

export const leaveJourney: Journey = {
  name: 'leaves a capability with a reason, and asks for an exception to a mandate',
  async run({ suite, way, person, actor }) {
    const db = suite.database.db;
    await adopted(suite, person.teamId, 'deploy-pipeline');
    const reason = (await listReasons(db)).find((r) => r.key === 'too-slow')!;
    const a = await actor();
    await a.go('/capabilities/deploy-pipeline');
    await a.expectHeading('Deploy pipeline');
    await a.activate(a.page.getByRole('link', { name: 'Leave Deploy pipeline', exact: true }));
    await a.expectHeading('Leave Deploy pipeline?');
    await a.choose(a.page.getByLabel('Why is the team leaving?'), reason.label);
    await a.fill(
      a.page.getByLabel('Tell the platform team more (optional)'),
      `Deploys took 30 minutes (${way}).`,
    );
    await a.fill(a.page.getByLabel('What does the team use instead?'), 'GitHub Actions');
    await a.activate(a.page.getByRole('button', { name: 'Leave Deploy pipeline', exact: true }));
    await a.expectHeading('Deploy pipeline');
    expect(address(a)).toBe('/capabilities/deploy-pipeline?done=left');
    const deploy = (await getCapabilityBySlug(db, 'deploy-pipeline'))!;
    const last = await db
      .selectFrom('adoption_events')
      .select(['from_state', 'to_state', 'reason', 'reason_text', 'alternative', 'actor_id'])
      .where('team_id', '=', person.teamId)
      .where('capability_id', '=', deploy.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last).toEqual({
      from_state: 'adopted',
      to_state: 'left',
      reason: 'too-slow',
      reason_text: `Deploys took 30 minutes (${way}).`,
      alternative: 'GitHub Actions',
      actor_id: person.userId,
    });

    // The Secrets vault is required: the team asks for an exception instead.
    await a.go('/capabilities/secrets-vault');
    await a.expectHeading('Secrets vault');
    await a.activate(a.page.getByRole('link', { name: 'Request an exception', exact: true }));
    await a.expectHeading('Ask for an exception or challenge a policy');
    await a.fill(
      a.page.getByLabel('Why', { exact: true }),
      `Our jobs run offline with no route to the vault (${way}).`,
    );
    await a.fill(
      a.page.getByLabel('Evidence (optional)'),
      'https://wiki.example.test/offline-jobs',
    );
    await a.activate(
      a.page.getByRole('button', { name: 'Send the request for a decision', exact: true }),
    );
    expect(address(a)).toMatch(/^\/exceptions\/[^/?]+\?done=requested$/);
    await a.finish();
    const vault = (await getCapabilityBySlug(db, 'secrets-vault'))!;
    const requests = await db
      .selectFrom('exceptions')
      .select(['kind', 'status', 'requested_by', 'justification'])
      .where('team_id', '=', person.teamId)
      .where('capability_id', '=', vault.id)
      .execute();
    expect(requests).toEqual([
      {
        kind: 'exception',
        status: 'pending',
        requested_by: person.userId,
        justification: `Our jobs run offline with no route to the vault (${way}).`,
      },
    ]);
  },
};

export const roadmapJourney: Journey = {
  name: 'reads the roadmap and comments on a proposal open for comment',
  async run({ suite, way, person, actor }) {
    const body = `Please keep one old agent for the release branch (${way}).`;
    const a = await actor();
    await a.go('/roadmap');
    await a.expectHeading('Roadmap');
    // It shows twice: open for comment, and in its horizon; the first is the one to comment on.
    await a.activate(
      a.page.getByRole('link', { name: 'Retire the old build agents', exact: true }).first(),
    );
    await a.expectHeading('Retire the old build agents');
    await a.choose(
      a.page
        .getByRole('group', { name: 'Where you stand' })
        .getByRole('radio', { name: 'I have concerns' }),
    );
    await a.fill(a.page.getByLabel('Your comment'), body);
    await a.activate(a.page.getByRole('button', { name: 'Post your comment', exact: true }));
    await a.expectHeading('Retire the old build agents');
    expect(await a.page.locator('ol.comments').textContent()).toContain(body);
    await a.finish();
    const rows = await suite.database.db
      .selectFrom('roadmap_comments')
      .select(['item_id', 'stance', 'author_name'])
      .where('author_id', '=', person.userId)
      .execute();
    expect(rows).toEqual([
      { item_id: suite.seed.params.roadmapProposalId, stance: 'concern', author_name: person.name },
    ]);
  },
};

export const pulseJourney: Journey = {
  name: 'rates a capability in a pulse',
  async run({ suite, way, actor }) {
    const db = suite.database.db;
    const comment = `The deploy took a while (${way}).`;
    const a = await actor();
    await a.go('/pulse/deploy-pipeline?touchpoint=deploy');
    await a.expectHeading('How was this deploy?');
    await a.choose(
      a.page
        .getByRole('group', { name: 'How was your experience with Deploy pipeline just now?' })
        .getByRole('radio', { name: /^4/ }),
    );
    await a.fill(a.page.getByLabel('What made it so? (optional)'), comment);
    await a.activate(a.page.getByRole('button', { name: 'Send my rating', exact: true }));
    await a.expectHeading('Thank you for your rating');
    await a.finish();
    const deploy = (await getCapabilityBySlug(db, 'deploy-pipeline'))!;
    const rows = await db
      .selectFrom('pulses')
      .select(['capability_id', 'touchpoint', 'rating'])
      .where('comment', '=', comment)
      .execute();
    expect(rows).toEqual([{ capability_id: deploy.id, touchpoint: 'deploy', rating: 4 }]);
  },
};

export const triageJourney: Journey = {
  name: 'triages new feedback as the platform team: acknowledged, with a public note',
  async run({ suite, way, actor }) {
    const db = suite.database.db;
    const title = `Night builds time out (${way})`;
    const id = await insertItem(db, {
      kind: 'problem',
      title,
      body: 'Every build after 22:00 times out.',
      capabilityId: null,
      teamId: null,
      postedAs: 'name',
      authorId: suite.seed.params.developerId!,
      authorName: 'Alan Turing',
    });
    const note = `Thanks: we are looking at the night runners (${way}).`;
    const a = await actor('platform');
    await a.go('/feedback/triage');
    await a.expectHeading('Triage queue');
    await a.activate(a.page.getByRole('link', { name: title, exact: true }));
    await a.expectHeading(title);
    await a.choose(a.page.getByLabel('New status', { exact: true }), 'Acknowledged');
    await a.fill(a.page.getByLabel('Public note', { exact: true }), note);
    await a.activate(a.page.getByRole('button', { name: 'Change the status', exact: true }));
    expect(await a.page.getByRole('status').textContent()).toContain('The status is changed');
    expect(await a.page.locator('dl.facts .status').first().textContent()).toBe('Acknowledged');
    await a.finish();
    const item = await db
      .selectFrom('feedback_items')
      .select(['status', 'acknowledged_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(item.status).toBe('acknowledged');
    expect(item.acknowledged_at).not.toBeNull();
    const changes = await db
      .selectFrom('feedback_status_changes')
      .select(['from_status', 'to_status', 'note', 'actor_id'])
      .where('item_id', '=', id)
      .execute();
    expect(changes).toEqual([
      { from_status: 'new', to_status: 'acknowledged', note, actor_id: suite.seed.adminId },
    ]);
  },
};

export const reportJourney: Journey = {
  name: 'reads the quarterly report: every part and its tables',
  async run({ actor }) {
    const a = await actor('platform');
    await a.go('/insights');
    await a.expectHeading('Insights');
    await a.activate(a.page.getByRole('link', { name: /^Platform report, / }));
    await a.expectHeading(/^Platform report, /);
    expect(new URL(a.page.url()).pathname).toMatch(/^\/report\/\d{4}-Q[1-4]$/);
    const parts = await a.page.locator('article.report h2').allTextContents();
    expect(parts.map((t) => t.trim())).toEqual([
      'Headline',
      'The mandate–choice matrix',
      'What developers said',
      'What we did',
      'Betas',
      'Research and office hours',
      'What is next',
    ]);
    const tables = await a.page.locator('article.report table').evaluateAll((list) =>
      list.map((t) => ({
        caption: (t as HTMLTableElement).caption?.textContent?.trim() ?? '',
        headers: t.querySelectorAll('th').length,
      })),
    );
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const table of tables) {
      expect(table.caption).not.toBe('');
      expect(table.headers).toBeGreaterThan(0);
    }
    await a.finish();
  },
};

/** Every journey, in the order the two files split them. */
export const journeys: Journey[] = [
  surveyJourney,
  feedbackJourney,
  leaveJourney,
  roadmapJourney,
  pulseJourney,
  triageJourney,
  reportJourney,
];

/**
 * Generous limits that only catch hangs: the slow link waits on every page, and
 * the keyboard ways press Tab through every stop of every page.
 */
const timeoutFor = (way: Way) =>
  way === 'no-javascript' || way === 'narrow-zoomed' ? TEST_MS : TEST_MS * 2;

/**
 * One seeded server and browser for some journeys, each run once in every way.
 * `more` adds tests that need the same server. Skips without Chromium, and
 * fails instead with CI=true.
 */
export function describeJourneys(
  title: string,
  list: readonly Journey[],
  more?: (suite: () => BrowserSuite) => void,
): void {
  describeWithBrowser(title, (suite) => {
    describe.each(list)('$name', (journey) => {
      for (const way of WAYS) {
        it(
          way,
          async () => {
            const started = suite();
            const person = await personFor(started, way);
            await journey.run({
              suite: started,
              way,
              person,
              actor: (as = 'developer') =>
                actorFor(started, way, as === 'platform' ? started.seed.adminId : person.userId),
            });
          },
          timeoutFor(way),
        );
      }
    });

    more?.(suite);
  });
}
