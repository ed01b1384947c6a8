// Helpers for the roadmap tests: the organisation and catalog of the
// capability tests, feedback with voters, a listening webhook, row counts.

import { expect } from 'vitest';
import type { TestDb } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { seedService } from '../capabilities/service-testing.ts';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { voteFor } from '../feedback/service.ts';
import { post } from '../feedback/service-testing.ts';
import { WEBHOOK_EVENT_TYPES } from '../notifications/model.ts';
import type { Ctx } from './service.ts';
import { createItem, type ItemInput } from './service.ts';

export { actingAs } from '../capabilities/service-testing.ts';

/**
 * The capability tests' organisation and catalog (Ada and Alan developers,
 * Barbara on the platform team, a leader, an admin), plus a webhook that
 * listens to every event.
 */
export async function seedRoadmap(handle: TestDb) {
  const seeded = await seedService(handle);
  await listeningWebhook(handle.db);
  return seeded;
}

/** An active webhook subscribed to every event type (deliveries are counted, never sent). */
export async function listeningWebhook(db: Db): Promise<void> {
  const at = nowIso();
  await db
    .insertInto('webhooks')
    .values({
      id: newId(),
      name: 'everything',
      url: 'https://hooks.example.test/paved',
      format: 'json',
      events: JSON.stringify(WEBHOOK_EVENT_TYPES),
      secret_sealed: 'v1.unused',
      active: 1,
      created_by: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

/** A feedback item posted by `author` and voted for by `voters` (voting subscribes them). */
export async function feedbackWithVoters(
  db: Db,
  author: Ctx,
  voters: Ctx[],
  title = 'Deploys are slow',
): Promise<string> {
  const item = await post(db, author, { title });
  for (const voter of voters) await voteFor(db, voter, item.id);
  return item.id;
}

/** A roadmap item with defaults for what a test does not care about. */
export function itemInput(overrides: Partial<ItemInput> = {}): ItemInput {
  return {
    title: 'Cache builds between pipeline runs',
    description: 'Reuse **dependencies** between runs.',
    horizon: 'next',
    driver: 'developer-request',
    rationale: 'Slow builds are the most voted problem this quarter.',
    category: 'developer-experience',
    capability: null,
    feedbackIds: [],
    ...overrides,
  };
}

/** A proposal opened at `at` (default now). */
export async function propose(db: Db, ctx: Ctx, overrides: Partial<ItemInput> = {}, at?: Date) {
  return createItem(db, ctx, { ...itemInput(overrides), status: 'proposed', now: at });
}

const TABLES = [
  'roadmap_items',
  'roadmap_feedback_links',
  'roadmap_comments',
  'roadmap_events',
  'changelog_entries',
  'changelog_feedback',
  'decisions',
  'notifications',
  'webhook_deliveries',
  'audit_log',
] as const;

/** Rows in every table a refused operation must leave alone. */
export async function roadmapCounts(db: Db) {
  return Object.fromEntries(
    await Promise.all(TABLES.map(async (t) => [t, await countRows(db, t)])),
  );
}

/** Runs a refused operation, checks that it throws `matching`, and that nothing was written. */
export async function expectRefused(db: Db, operation: () => Promise<unknown>, matching: object) {
  const before = await roadmapCounts(db);
  await expect(operation()).rejects.toMatchObject(matching);
  expect(await roadmapCounts(db)).toEqual(before);
}

/** How many notifications of each kind each user has. */
export async function notificationCounts(db: Db): Promise<Record<string, Record<string, number>>> {
  const rows = await db.selectFrom('notifications').select(['user_id', 'kind']).execute();
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    out[r.user_id] ??= {};
    out[r.user_id]![r.kind] = (out[r.user_id]![r.kind] ?? 0) + 1;
  }
  return out;
}

/** The webhook event types queued, in order. */
export async function queuedEvents(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['event_type', 'created_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.event_type);
}

export const DAY = 86_400_000;
