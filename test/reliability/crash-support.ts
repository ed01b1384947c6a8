// Shared by the crash, concurrency and backup tests: an organisation seeded
// in-process (people with accounts and tokens, an ingest source, feedback
// items, an open survey), a client that talks to child servers over HTTP and
// tells an answer from a lost connection, and keyed events whose aggregates
// can be counted again from the raw rows.

import { sql } from 'kysely';
import type { Db } from '../../src/core/db/index.ts';
import type { Random } from '../../src/demo/random.ts';
import { insertItem } from '../../src/feedback/store.ts';
import { insertIngestToken, insertSource } from '../../src/signals/store-sources.ts';
import { createSurvey, openSurvey } from '../../src/surveys/service.ts';
import { capabilityFor, seedSurveyOrg } from '../../src/surveys/testing.ts';
import { signIn } from '../app.ts';
import type { TestDb } from '../engines.ts';

/** The server secret of test/app.ts's testSecret, for child servers (invitations are keyed with it). */
export const CHILD_SECRET = 'paved-test-secret-0123456789abcdef';

export interface Person {
  email: string;
  personId: string;
  userId: string;
  /** A developer API token. */
  token: string;
  /** A signed-in session: the Cookie header for pages. */
  cookie: string;
}

export interface ReliabilityWorld {
  teams: string[];
  capability: string;
  people: Person[];
  platform: { email: string; userId: string; token: string };
  ingest: { sourceId: string; token: string };
  /** Feedback items to vote on. */
  items: string[];
  /** An open survey of everyone. */
  surveyId: string;
  /** Every open survey of everyone (`surveys` of them; the first is `surveyId`). */
  surveyIds: string[];
}

/**
 * Two teams of `people` between them (each with an account and a token), a
 * capability both use, an ingest source, `items` feedback items and an open
 * survey of everyone.
 */
export async function seedWorld(
  handle: TestDb,
  opts: { people: number; items: number; surveys?: number },
): Promise<ReliabilityWorld> {
  const half = Math.ceil(opts.people / 2);
  const org = await seedSurveyOrg(handle, [
    { slug: 'rel-a', people: half },
    { slug: 'rel-b', people: opts.people - half },
  ]);
  const { db } = handle;
  const teams = ['rel-a', 'rel-b'];
  await capabilityFor(db, 'rel-ci', [org.teams['rel-a']!, org.teams['rel-b']!]);
  const people: Person[] = [];
  for (const actor of org.all) {
    const user = await signIn(handle, 'developer', actor.email);
    people.push({
      email: actor.email,
      personId: actor.personId!,
      userId: user.user.id,
      token: user.token,
      cookie: user.cookie.Cookie!,
    });
  }
  const platform = await signIn(handle, 'platform', 'rel-platform@example.test');
  const source = await insertSource(db, { name: 'rel-ci-pipeline', kind: 'token' });
  const { value } = await insertIngestToken(db, source.id, null);
  const items: string[] = [];
  for (let i = 0; i < opts.items; i++) {
    items.push(
      await insertItem(db, {
        kind: 'idea',
        title: `Reliability item ${i}`,
        body: 'Voted on while servers crash.',
        capabilityId: null,
        teamId: null,
        postedAs: 'name',
        authorId: platform.user.id,
        authorName: 'Platform',
      }),
    );
  }
  const surveyIds: string[] = [];
  for (let i = 0; i < (opts.surveys ?? 1); i++) {
    const draft = await createSurvey(db, org.platform, {
      title: `Reliability survey ${i + 1}`,
      period: '2026-Q4',
      audience: 'all',
    });
    surveyIds.push((await openSurvey(org.deps, org.platform, draft.id)).id);
  }
  return {
    teams,
    capability: 'rel-ci',
    people,
    platform: { email: platform.user.email, userId: platform.user.id, token: platform.token },
    ingest: { sourceId: source.id, token: value },
    items,
    surveyId: surveyIds[0]!,
    surveyIds,
  };
}

// ---- HTTP ----

/** An answer from a server; a lost connection or a timeout is `lost` (the outcome is unknown). */
export type Reply =
  | { lost: false; status: number; body: unknown; retryAfter: number }
  | { lost: true; error: string };

/** One request to a server; never throws. */
export async function send(
  base: string,
  path: string,
  init: { method: string; token: string; json?: unknown; ndjson?: string; timeoutMs?: number },
): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: `Bearer ${init.token}` };
  let body: string | undefined;
  if (init.ndjson !== undefined) {
    headers['Content-Type'] = 'application/x-ndjson';
    body = init.ndjson;
  } else if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  try {
    const res = await fetch(`${base}${path}`, {
      method: init.method,
      headers,
      body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return {
      lost: false,
      status: res.status,
      body: parsed,
      retryAfter: Number(res.headers.get('retry-after') ?? 0),
    };
  } catch (error) {
    return { lost: true, error: String((error as Error).cause ?? error) };
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends until a server answers with something other than a lost connection,
 * a 5xx or a 429 (none of which say what happened, or they say nothing did):
 * the way a CI system retries. `base()` is read on every try, so a restarted
 * server on a new port is found. `attempts` counts the tries.
 */
export async function untilAnswered(
  base: () => string | null,
  path: string,
  init: Parameters<typeof send>[2],
  opts: {
    onRetry?: (reply: Reply) => void;
    giveUpAfterMs?: number;
    /** While this says true (servers are still being killed), the wait before giving up does not start. */
    stillCrashing?: () => boolean;
  } = {},
): Promise<{ status: number; body: unknown; attempts: number }> {
  let started = Date.now();
  for (let attempts = 1; ; attempts++) {
    const url = base();
    const reply: Reply = url ? await send(url, path, init) : { lost: true, error: 'no server' };
    if (!reply.lost && reply.status < 500 && reply.status !== 429) {
      return { status: reply.status, body: reply.body, attempts };
    }
    if (opts.stillCrashing?.()) started = Date.now();
    if (Date.now() - started > (opts.giveUpAfterMs ?? 180_000)) {
      throw new Error(
        `${init.method} ${path}: no answer after ${attempts} tries: ${reply.lost ? reply.error : `${reply.status} ${JSON.stringify(reply.body)}`}`,
      );
    }
    opts.onRetry?.(reply);
    const wait = !reply.lost && reply.status === 429 ? 1000 * Math.max(1, reply.retryAfter) : 100;
    await sleep(Math.min(wait, 5_000));
  }
}

// ---- Events ----

/** A usage or a production deploy event for one of the world's teams, within the last 20 days. */
export function keyedEvent(
  rng: Random,
  id: string,
  world: Pick<ReliabilityWorld, 'teams' | 'capability'>,
  now = Date.now(),
) {
  const team = rng.pick(world.teams);
  const at = new Date(now - rng.int(1, 20 * 24 * 60) * 60_000).toISOString();
  if (rng.chance(0.5)) {
    return { type: 'usage', id, team, capability: world.capability, at, count: rng.int(1, 5) };
  }
  const minutes = rng.int(1, 30);
  return {
    type: 'deploy',
    id,
    team,
    service: 'reliability-svc',
    environment: 'production',
    started: new Date(Date.parse(at) - minutes * 60_000).toISOString(),
    finished: at,
    outcome: rng.chance(0.8) ? 'success' : 'failure',
    capability: world.capability,
  };
}

/**
 * Differences between the aggregates paved keeps at ingest and a count from
 * the raw events: usage per team, capability and day; deploys, failed
 * deploys and deploy seconds per team and day; one deploy row per deploy
 * event. Empty when they agree.
 */
export async function aggregateMismatches(db: Db): Promise<string[]> {
  const raw = await db.selectFrom('signal_events').select(['id', 'type', 'payload']).execute();
  const usage = new Map<string, number>();
  const days = new Map<string, { deploys: number; failed: number; seconds: number }>();
  const deployIds = new Set<string>();
  for (const row of raw) {
    const e = JSON.parse(row.payload) as Record<string, string | number | undefined>;
    if (row.type === 'usage') {
      const key = `${e.teamId}|${e.capabilityId}|${String(e.at).slice(0, 10)}`;
      usage.set(key, (usage.get(key) ?? 0) + Number(e.count));
    } else if (row.type === 'deploy' && String(e.environment).toLowerCase() === 'production') {
      deployIds.add(row.id);
      const key = `${e.teamId}|${String(e.finished).slice(0, 10)}`;
      const d = days.get(key) ?? { deploys: 0, failed: 0, seconds: 0 };
      if (e.outcome === 'failure') d.failed++;
      else {
        d.deploys++;
        if (e.started)
          d.seconds += (Date.parse(String(e.finished)) - Date.parse(String(e.started))) / 1000;
      }
      days.set(key, d);
    }
  }
  const problems: string[] = [];
  const storedUsage = await db.selectFrom('signal_capability_usage').selectAll().execute();
  const seenUsage = new Set<string>();
  for (const r of storedUsage) {
    const key = `${r.team_id}|${r.capability_id}|${r.day}`;
    seenUsage.add(key);
    if (Number(r.uses) !== (usage.get(key) ?? 0))
      problems.push(`usage ${key}: stored ${r.uses}, raw ${usage.get(key) ?? 0}`);
  }
  for (const key of usage.keys()) if (!seenUsage.has(key)) problems.push(`usage ${key} missing`);
  const storedDays = await db.selectFrom('signal_team_days').selectAll().execute();
  const seenDays = new Set<string>();
  for (const r of storedDays) {
    const key = `${r.team_id}|${r.day}`;
    const d = days.get(key) ?? { deploys: 0, failed: 0, seconds: 0 };
    seenDays.add(key);
    if (Number(r.deploys) !== d.deploys || Number(r.failed_deploys) !== d.failed)
      problems.push(
        `team day ${key}: stored ${r.deploys}+${r.failed_deploys} failed, raw ${d.deploys}+${d.failed}`,
      );
    if (Math.abs(Number(r.deploy_seconds_sum) - d.seconds) > 1e-6)
      problems.push(`team day ${key}: deploy seconds ${r.deploy_seconds_sum}, raw ${d.seconds}`);
  }
  for (const key of days.keys()) if (!seenDays.has(key)) problems.push(`team day ${key} missing`);
  problems.push(...(await monthMismatches(db, storedDays)));
  const deployRows = await db.selectFrom('signal_deploys').select('event_id').execute();
  const deployRowIds = new Set(deployRows.map((r) => r.event_id));
  if (deployRows.length !== deployRowIds.size) problems.push('a deploy has two rows');
  for (const id of deployIds) if (!deployRowIds.has(id)) problems.push(`deploy ${id} has no row`);
  if (deployRowIds.size !== deployIds.size)
    problems.push(`${deployRowIds.size} deploy rows for ${deployIds.size} deploy events`);
  return problems;
}

const MONTH_SUMS = [
  'deploy_seconds_sum',
  'deploy_seconds_count',
  'lead_seconds_sum',
  'lead_seconds_count',
] as const;

/** signal_team_months against the stored team days summed by team and month. */
async function monthMismatches(
  db: Db,
  storedDays: readonly Record<(typeof MONTH_SUMS)[number] | 'team_id' | 'day', unknown>[],
): Promise<string[]> {
  const months = new Map<string, number[]>();
  for (const r of storedDays) {
    const key = `${r.team_id}|${String(r.day).slice(0, 7)}`;
    const sums = months.get(key) ?? MONTH_SUMS.map(() => 0);
    MONTH_SUMS.forEach((c, i) => {
      sums[i]! += Number(r[c]);
    });
    months.set(key, sums);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of await db.selectFrom('signal_team_months').selectAll().execute()) {
    const key = `${r.team_id}|${r.month}`;
    seen.add(key);
    const stored = MONTH_SUMS.map((c) => Number(r[c])).join('/');
    const days = (months.get(key) ?? MONTH_SUMS.map(() => 0)).join('/');
    if (!months.has(key) || stored !== days)
      problems.push(`team month ${key}: stored ${stored}, days ${months.has(key) ? days : 'none'}`);
  }
  for (const key of months.keys()) if (!seen.has(key)) problems.push(`team month ${key} missing`);
  return problems;
}

/** Rows of signal_events per (source, id) above one: always empty unless the unique key broke. */
export async function duplicateEvents(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (
      select source_id, client_id from signal_events group by source_id, client_id having count(*) > 1
    ) d`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** SQLite's `PRAGMA integrity_check` and `foreign_key_check`: ['ok'] when the file is sound. */
export async function sqliteIntegrity(db: Db): Promise<string[]> {
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
  const { rows: fk } = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db);
  return [
    ...rows.map((r) => r.integrity_check),
    ...fk.map((r) => `foreign key: ${JSON.stringify(r)}`),
  ];
}
