// Test helpers for the operations area: the small demo, an export held as
// text, and every figure the areas compute, to compare two databases.

import { capabilityFigures } from '../capabilities/figures.ts';
import { listCapabilities } from '../capabilities/store.ts';
import type { DbHandle } from '../core/db/index.ts';
import { parsePeriod } from '../core/period.ts';
import type { Actor } from '../core/policy.ts';
import { ServerSecret } from '../core/secret.ts';
import { runDemo } from '../demo/generator.ts';
import { feedbackFigures } from '../feedback/figures.ts';
import { deliveryFigures } from '../signals/figures-delivery.ts';
import { onboardingFigures } from '../signals/figures-onboarding.ts';
import { unplannedWorkFigures } from '../signals/figures-unplanned.ts';
import { valueFigures } from '../signals/figures-value.ts';
import { DIMENSIONS, surveyResults } from '../surveys/results.ts';
import { pulseResults } from '../surveys/results-pulses.ts';
import { surveysIn } from '../surveys/store.ts';
import { exportPaved } from './export.ts';

export const DEMO_TODAY = '2026-11-01';
export const NOW = new Date('2026-11-01T12:00:00Z');
export const demoSecret = ServerSecret.fromString('paved-operations-test-secret-0123456789');

/** The small demo organisation (seed 42), as of DEMO_TODAY. */
export async function seedDemo(handle: DbHandle): Promise<void> {
  await runDemo(handle, { size: 'small', seed: 42, today: DEMO_TODAY, secret: demoSecret });
}

/** A whole export as text. */
export async function exportText(handle: DbHandle): Promise<string> {
  const parts: string[] = [];
  await exportPaved(handle, async (text) => {
    parts.push(text);
  });
  return parts.join('');
}

/** The lines of an export as parsed JSON. */
export function exportLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The rows of one table in an export, in the order written. */
export function rowsOf(text: string, table: string): Record<string, unknown>[] {
  return exportLines(text)
    .filter((l) => l.table === table)
    .map((l) => l.row as Record<string, unknown>);
}

const platform: Actor = {
  userId: 'figures-reader',
  email: 'figures@example.test',
  name: 'Figures',
  role: 'platform',
  personId: null,
  teamId: null,
  teamIds: [],
  via: 'token',
};

/**
 * Every figure the areas compute from this database, as of NOW: each closed
 * survey's results by every dimension, pulse results, each capability's
 * choice and value figures, feedback responsiveness, unplanned work,
 * delivery and onboarding.
 */
export async function allFigures(handle: DbHandle): Promise<Record<string, unknown>> {
  const db = handle.db;
  const out: Record<string, unknown> = {};
  for (const survey of await surveysIn(db, ['closed'])) {
    for (const by of DIMENSIONS)
      out[`survey ${survey.period} by ${by}`] = await surveyResults(db, survey.id, by);
  }
  for (const capability of await listCapabilities(db)) {
    for (const period of ['2026-Q2', '2026-Q3']) {
      out[`capability ${capability.slug} ${period}`] = await capabilityFigures(
        db,
        capability,
        parsePeriod(period),
        { k: 5, now: NOW },
      );
    }
    out[`pulses ${capability.slug}`] = await pulseResults(db, {
      capability: capability.slug,
      period: '2026-Q3',
      k: 5,
      kComment: 10,
      now: NOW,
    });
    out[`value ${capability.slug}`] = await valueFigures(db, capability, {
      now: NOW,
      replicates: 50,
    });
  }
  for (const period of ['2026-Q3', '2026-Q4']) {
    out[`feedback ${period}`] = await feedbackFigures(db, platform, period, NOW);
    out[`unplanned ${period}`] = await unplannedWorkFigures(db, parsePeriod(period));
  }
  out.delivery = await deliveryFigures(db, { days: 90, end: '2026-10-31' });
  out.onboarding = await onboardingFigures(db, { since: '2025-11', k: 5, now: NOW });
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/**
 * Puts one row in every table or column that holds a secret (a session, an
 * API token, a link, a rate limit, a webhook, an ingest token, a feed key,
 * the GitHub secret setting, a password, a pulse throttle hash) and returns
 * every secret value the database now holds, hashes of surveys included.
 */
export async function plantSecrets(handle: DbHandle): Promise<string[]> {
  const db = handle.db;
  const at = '2026-10-30T10:00:00.000Z';
  const user = await db.selectFrom('users').select('id').orderBy('id').executeTakeFirstOrThrow();
  await db
    .updateTable('users')
    .set({ password_hash: 'scrypt$planted-password-hash' })
    .where('id', '=', user.id)
    .execute();
  await db
    .insertInto('sessions')
    .values({
      id_hash: 'planted-session-hash',
      user_id: user.id,
      csrf_token: 'planted-csrf-token',
      created_at: at,
      last_seen_at: at,
      expires_at: '2026-11-30T10:00:00.000Z',
    })
    .execute();
  await db
    .insertInto('api_tokens')
    .values({
      id: 'planted-token',
      user_id: user.id,
      name: 'laptop',
      token_hash: 'planted-api-token-hash',
      prefix: 'pvd_plant',
      created_at: at,
      expires_at: null,
      last_used_on: null,
      revoked_at: null,
    })
    .execute();
  await db
    .insertInto('one_time_links')
    .values({
      token_hash: 'planted-link-hash',
      purpose: 'reset',
      user_id: user.id,
      created_at: at,
      expires_at: at,
      used_at: null,
    })
    .execute();
  await db
    .insertInto('rate_limits')
    .values({ key: 'planted-rate-key', window_start: at, hits: 3 })
    .execute();
  await db
    .insertInto('feed_keys')
    .values({ id: 'planted-feed-key', user_id: user.id, created_at: at, last_used_on: null })
    .execute();
  await db
    .insertInto('webhooks')
    .values({
      id: 'planted-webhook',
      name: 'Chat',
      url: 'https://chat.example.com/hook',
      format: 'json',
      events: '["feedback.created"]',
      secret_sealed: demoSecret.encrypt('webhook-signing-secret', 'whsec_planted'),
      active: 1,
      created_by: user.id,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const source = await db
    .insertInto('signal_sources')
    .values({
      id: 'planted-source',
      name: 'planted-ci',
      kind: 'token',
      description: '',
      user_id: null,
      created_by: null,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('signal_ingest_tokens')
    .values({
      id: 'planted-ingest-token',
      source_id: source.id,
      token_hash: 'planted-ingest-token-hash',
      prefix: 'pvi_plant',
      created_by: null,
      created_at: at,
      last_used_on: null,
      revoked_at: null,
    })
    .execute();
  await db
    .insertInto('settings')
    .values({
      key: 'signals.github_webhook_secret',
      value: JSON.stringify({ current: 'planted-github-sealed', previous: null }),
      updated_at: at,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  await db
    .insertInto('pulse_throttle')
    .values({ hash: 'planted-pulse-throttle-hash', last_on: '2026-10-30' })
    .execute();
  const values: string[] = [];
  const add = (rows: Record<string, unknown>[], ...columns: string[]) => {
    for (const row of rows)
      for (const c of columns) if (typeof row[c] === 'string') values.push(row[c] as string);
  };
  add(await db.selectFrom('sessions').selectAll().execute(), 'id_hash', 'csrf_token');
  add(await db.selectFrom('api_tokens').selectAll().execute(), 'token_hash');
  add(await db.selectFrom('one_time_links').selectAll().execute(), 'token_hash');
  add(await db.selectFrom('rate_limits').selectAll().execute(), 'key');
  add(await db.selectFrom('feed_keys').selectAll().execute(), 'id');
  add(await db.selectFrom('webhooks').selectAll().execute(), 'secret_sealed');
  add(await db.selectFrom('signal_ingest_tokens').selectAll().execute(), 'token_hash');
  add(await db.selectFrom('users').selectAll().execute(), 'password_hash');
  add(await db.selectFrom('survey_invitations').selectAll().execute(), 'hash');
  add(await db.selectFrom('survey_participation').selectAll().execute(), 'hash');
  add(await db.selectFrom('pulse_throttle').selectAll().execute(), 'hash');
  add(
    await db
      .selectFrom('settings')
      .selectAll()
      .where('key', 'in', ['signals.github_webhook_secret', 'demo.accounts'])
      .execute(),
    'value',
  );
  return values;
}
