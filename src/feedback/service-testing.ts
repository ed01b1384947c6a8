// Helpers for the feedback tests: the small organisation and catalog of the
// capability tests, people in each role, posting shortcuts and row counts.

import { expect } from 'vitest';
import type { TestDb } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { seedService } from '../capabilities/service-testing.ts';
import type { Db } from '../core/db/index.ts';
import type { FeedbackKind } from './model.ts';
import { type Ctx, postFeedback } from './service.ts';

export { actingAs } from '../capabilities/service-testing.ts';

/** The organisation and catalog of the capability tests (Ada, Alan, Barbara the platform engineer, …). */
export async function seedFeedback(handle: TestDb) {
  return seedService(handle);
}

/** Posts an item by name with defaults for what a test does not care about. */
export async function post(
  db: Db,
  ctx: Ctx,
  overrides: Partial<{
    kind: FeedbackKind;
    title: string;
    body: string;
    capability: string | null;
    postedAs: 'name' | 'team';
  }> = {},
) {
  return postFeedback(db, ctx, {
    kind: 'problem',
    title: 'Deploys are slow',
    body: 'A deploy takes **20 minutes**.',
    capability: null,
    postedAs: 'name',
    ...overrides,
  });
}

const TABLES = [
  'feedback_items',
  'feedback_votes',
  'feedback_subscriptions',
  'feedback_status_changes',
  'feedback_internal_notes',
  'notifications',
  'webhook_deliveries',
  'audit_log',
] as const;

/** Rows in every table a refused operation must leave alone. */
export async function feedbackCounts(db: Db) {
  return Object.fromEntries(
    await Promise.all(TABLES.map(async (t) => [t, await countRows(db, t)])),
  );
}

/** Runs a refused operation, checks that it throws `matching`, and that nothing was written. */
export async function expectRefused(db: Db, operation: () => Promise<unknown>, matching: object) {
  const before = await feedbackCounts(db);
  await expect(operation()).rejects.toMatchObject(matching);
  expect(await feedbackCounts(db)).toEqual(before);
}

/** The notifications a user has, oldest first. */
export async function notificationsOf(db: Db, userId: string) {
  return db
    .selectFrom('notifications')
    .select(['kind', 'title', 'body', 'link'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
