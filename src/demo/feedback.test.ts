import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEngines, type TestDb } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import type { Actor } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { feedbackFiguresSeries } from '../feedback/figures.ts';
import { FEEDBACK_STATUSES } from '../feedback/model.ts';
import { accountsPart } from './accounts.ts';
import { capabilitiesPart } from './capabilities.ts';
import { feedbackPart } from './feedback.ts';
import { finalState, type PlanAccount, planFeedback } from './feedback-plan.ts';
import { orgPart, runDemo } from './generator.ts';
import { demoAccounts } from './model.ts';
import { createRandom } from './random.ts';

const TODAY = '2026-11-01';
const NOW = new Date(`${TODAY}T00:00:00.000Z`);
const PARTS = [orgPart, accountsPart, capabilitiesPart, feedbackPart];

/** Anyone signed in reads the figures. */
const reader: Actor = {
  userId: 'reader',
  email: 'reader@example.test',
  name: 'Reader',
  role: 'developer',
  personId: null,
  teamId: null,
  teamIds: [],
  via: 'session',
};

/** Accounts for a plan without a database, joined over the two years before TODAY. */
function accounts(n: number): PlanAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: `u${i}`,
    name: `Person ${i}`,
    teamId: `t${i % 17}`,
    since: Date.parse('2024-01-01T00:00:00.000Z') + (i % 700) * 86_400_000,
  }));
}
const capabilities = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, name: `Cap ${i}` }));

/** What a plan says, without ids: enough to tell two plans apart. */
function projection(seed: number) {
  const plan = planFeedback(createRandom(seed, 'feedback'), {
    size: 'small',
    today: TODAY,
    accounts: accounts(45),
    capabilities,
    developer: 3,
  });
  return plan.items.map((i) => [i.title, i.createdAt, finalState(i).status, [...i.votes.keys()]]);
}

describe('feedback demo plan', () => {
  it('is the same for the same seed, and differs for another', () => {
    expect(projection(7)).toEqual(projection(7));
    expect(projection(8)).not.toEqual(projection(7));
  });

  it('sizes the large demo for load: about 20,000 items and 200,000 votes', () => {
    const plan = planFeedback(createRandom(42, 'feedback'), {
      size: 'large',
      today: TODAY,
      accounts: accounts(7_500),
      capabilities,
      developer: 3,
    });
    const votes = plan.items.reduce((n, i) => n + i.votes.size, 0);
    expect(plan.items.length).toBeGreaterThan(19_500);
    expect(plan.items.length).toBeLessThanOrEqual(20_000);
    expect(votes).toBeGreaterThan(150_000);
    expect(votes).toBeLessThan(260_000);
    // Nothing happens after the day the demo is made.
    for (const item of plan.items.slice(-200)) {
      for (const c of item.changes) expect(c.at).toBeLessThan(plan.end);
      for (const at of item.votes.values()) expect(at).toBeLessThan(plan.end);
    }
  });
});

describeEngines('feedback demo', (handle) => {
  async function demo(h: TestDb) {
    await runDemo(h, { size: 'small', seed: 42, today: TODAY }, PARTS);
  }

  it('writes hundreds of items across capabilities, with votes, every status, merges and notes', async () => {
    await demo(handle());
    const { db } = handle();
    const items = await db
      .selectFrom('feedback_items')
      .select(['status', 'capability_id', 'duplicate_of', 'posted_as', 'author_id'])
      .execute();
    expect(items.length).toBeGreaterThanOrEqual(250);
    expect(new Set(items.map((i) => i.capability_id).filter(Boolean)).size).toBeGreaterThanOrEqual(
      8,
    );
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(FEEDBACK_STATUSES));
    const duplicates = items.filter((i) => i.status === 'duplicate');
    expect(duplicates.every((d) => d.duplicate_of !== null)).toBe(true);
    const hidden = items.filter((i) => i.posted_as === 'team');
    expect(hidden.length).toBeGreaterThan(10);
    expect(hidden.every((i) => i.author_id === null)).toBe(true);
    expect(await countRows(db, 'feedback_votes')).toBeGreaterThan(800);
    expect(await countRows(db, 'feedback_internal_notes')).toBeGreaterThan(10);
    // A merged duplicate keeps no votes: they moved to the original.
    const dupVotes = await db
      .selectFrom('feedback_votes as v')
      .innerJoin('feedback_items as i', 'i.id', 'v.item_id')
      .select(db.fn.countAll<number>().as('n'))
      .where('i.status', '=', 'duplicate')
      .executeTakeFirstOrThrow();
    expect(Number(dupVotes.n)).toBe(0);
    // Every status change follows the item's creation, and nothing is dated after today.
    const late = await db
      .selectFrom('feedback_status_changes as c')
      .innerJoin('feedback_items as i', 'i.id', 'c.item_id')
      .select(db.fn.countAll<number>().as('n'))
      .where((eb) =>
        eb.or([eb('c.at', '<', eb.ref('i.created_at')), eb('c.at', '>', `${TODAY}T00:00:00.000Z`)]),
      )
      .executeTakeFirstOrThrow();
    expect(Number(late.n)).toBe(0);
  });

  it('tells a record of acknowledgement that improves: the last quarter within the SLA far more than the first', async () => {
    await demo(handle());
    const series = await feedbackFiguresSeries(
      handle().db,
      reader,
      ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'],
      NOW,
    );
    const first = series[0]!.withinSla;
    const last = series.at(-1)!.withinSla;
    expect(first.denominator).toBeGreaterThan(10);
    expect(last.denominator).toBeGreaterThan(10);
    expect(last.value!).toBeGreaterThan(first.value! + 20);
    expect(last.value!).toBeGreaterThan(75);
  });

  it('writes a roadmap with both drivers, a proposal open for comment, and a changelog answering feedback', async () => {
    await demo(handle());
    const { db } = handle();
    const roadmap = await db
      .selectFrom('roadmap_items')
      .select(['id', 'driver', 'status', 'comments_close_at'])
      .execute();
    const drivers = new Set(roadmap.map((r) => r.driver));
    expect(drivers.has('developer-request')).toBe(true);
    expect(drivers.has('business-priority')).toBe(true);
    const open = roadmap.filter(
      (r) => r.status === 'proposed' && (r.comments_close_at ?? '') > `${TODAY}T00:00:00.000Z`,
    );
    expect(open).toHaveLength(1);
    const comments = await db
      .selectFrom('roadmap_comments')
      .select(db.fn.countAll<number>().as('n'))
      .where('item_id', '=', open[0]!.id)
      .executeTakeFirstOrThrow();
    expect(Number(comments.n)).toBeGreaterThanOrEqual(3);
    expect(roadmap.some((r) => r.status === 'shipped')).toBe(true);
    expect(roadmap.some((r) => r.status === 'declined')).toBe(true);
    const entries = await db.selectFrom('changelog_entries').select(['id', 'breaking']).execute();
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(entries.some((e) => Number(e.breaking) === 1)).toBe(true);
    expect(await countRows(db, 'changelog_feedback')).toBeGreaterThanOrEqual(5);
  });

  it('fills the demo developer’s inbox with read and unread news, none of it to be emailed', async () => {
    await demo(handle());
    const { db } = handle();
    const email = (await getSetting(db, demoAccounts)).find((a) => a.role === 'developer')!.email;
    const rows = await db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['n.kind', 'n.read_at', 'n.email_status', 'n.created_at'])
      .where('u.email', '=', email)
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((r) => r.read_at === null)).toBe(true);
    expect(rows.some((r) => r.read_at !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.kind)).has('feedback.status')).toBe(true);
    const pending = await db
      .selectFrom('notifications')
      .select(db.fn.countAll<number>().as('n'))
      .where('email_status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(0);
    const { rows: posted } = await sql<{ n: number }>`
      select count(*) as n from feedback_items i join users u on u.id = i.author_id
      where u.email = ${email}`.execute(db);
    expect(Number(posted[0]!.n)).toBeGreaterThanOrEqual(2);
  });
});
