// Step 1, ingest: events per second through POST /api/v1/events (NDJSON
// batches of 1,000 with ids: validation, resolution, aggregates, the batch
// log), against the ceiling — the very rows that request wrote, inserted
// again into the same tables through the driver in one transaction per
// batch, in the same run. Goal: ≥ 40% of the ceiling.

import { dayOf, quarterKey } from '../src/signals/model.ts';
import type { Driver, RowWrite } from './driver.ts';
import { shareOfCeiling } from './goals.ts';
import type { BenchContext, Measurement } from './model.ts';
import { fetchOnce } from './server.ts';

export const BATCH = 1000;

/** What the events refer to: team slugs, capability slugs, people's emails. */
export interface IngestRefs {
  teams: string[];
  capabilities: string[];
  emails: string[];
}

/** A small seeded generator (mulberry32): the same events for the same seed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

const CAUSES = ['breaking-change', 'outage', 'forced-migration', 'other'] as const;
const MILESTONES = ['first_commit', 'first_pr', 'first_deploy', 'tenth_pr'] as const;

/**
 * `count` events in the wire format, as a CI system and incident tool send
 * them: mostly production deploys with their commit times, some pull
 * requests, incidents naming the deploy that caused them, usage, unplanned
 * work and milestones, over the four weeks before `now`. Ids are unique per run.
 */
export function ingestEvents(
  refs: IngestRefs,
  count: number,
  opts: { seed?: number; now?: Date; run?: string } = {},
): Record<string, unknown>[] {
  const rng = seeded(opts.seed ?? 42);
  const end = (opts.now ?? new Date()).getTime() - 3_600_000;
  const start = end - 28 * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const run = opts.run ?? 'bench';
  const recentDeploys: { id: string; team: string; finished: number }[] = [];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${run}-${i}`;
    const team = rng.pick(refs.teams);
    const at = start + Math.floor(rng.next() * (end - start));
    const roll = rng.next();
    if (roll < 0.85 || recentDeploys.length === 0) {
      const minutes = 4 + rng.next() * 12;
      const success = rng.next() > 0.05;
      const changes = success ? rng.int(1, 4) : 0;
      out.push({
        type: 'deploy',
        id,
        team,
        service: `${team.replace(/^group:default\//, '')}-api`,
        started: iso(at - Math.round(minutes * 60_000)),
        finished: iso(at),
        outcome: success ? 'success' : 'failure',
        commitTimes: Array.from({ length: changes }, () =>
          iso(at - rng.int(1, 72) * 3_600_000),
        ).sort(),
        ...(rng.next() < 0.3 && { capability: rng.pick(refs.capabilities) }),
      });
      recentDeploys.push({ id, team, finished: at });
      if (recentDeploys.length > 200) recentDeploys.shift();
    } else if (roll < 0.93) {
      const opened = at - rng.int(1, 96) * 3_600_000;
      out.push({
        type: 'pull_request',
        id,
        team,
        author: rng.pick(refs.emails),
        opened: iso(opened),
        ...(rng.next() < 0.8 && { merged: iso(at) }),
      });
    } else if (roll < 0.96) {
      const cause = rng.pick(recentDeploys);
      const started = Math.min(end, cause.finished + rng.int(5, 180) * 60_000);
      out.push({
        type: 'incident',
        id,
        team: cause.team,
        started: iso(started),
        ...(rng.next() < 0.9 && {
          resolved: iso(Math.min(end, started + rng.int(10, 300) * 60_000)),
        }),
        causedBy: { deploy: cause.id },
      });
    } else if (roll < 0.98) {
      out.push({
        type: 'usage',
        id,
        team,
        capability: rng.pick(refs.capabilities),
        at: iso(at),
        count: rng.int(1, 200),
      });
    } else if (roll < 0.99) {
      out.push({
        type: 'unplanned_work',
        id,
        team,
        capability: rng.pick(refs.capabilities),
        hours: rng.int(1, 24) / 2,
        cause: rng.pick(CAUSES),
        at: iso(at),
      });
    } else {
      out.push({
        type: 'milestone',
        id,
        person: rng.pick(refs.emails),
        milestone: rng.pick(MILESTONES),
        at: iso(at),
      });
    }
  }
  return out;
}

/** NDJSON request bodies of `BATCH` events each. */
export function ndjsonBatches(events: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    out.push(
      `${events
        .slice(i, i + BATCH)
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
  }
  return out;
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

/** Sends each body in turn; answers the seconds it took. Any rejected line stops the step. */
export async function postBatches(ctx: BenchContext, bodies: readonly string[]): Promise<number> {
  const started = performance.now();
  for (const [i, body] of bodies.entries()) {
    const res = await fetchOnce(`${ctx.baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ctx.token}`,
        'content-type': 'application/x-ndjson',
      },
      body,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST /api/v1/events answered ${res.status}: ${text}`);
    const answer = JSON.parse(text) as IngestAnswer;
    if (answer.rejected.length > 0 || answer.duplicates > 0) {
      throw new Error(
        `batch ${i + 1}: ${answer.accepted} accepted, ${answer.duplicates} duplicates, rejected ${JSON.stringify(answer.rejected.slice(0, 3))}`,
      );
    }
  }
  return (performance.now() - started) / 1000;
}

type Row = Record<string, unknown>;

/** Rows as the columns of a write. */
function asWrite(table: string, rows: readonly Row[], upsert?: string[]): RowWrite {
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return {
    table,
    columns,
    rows: rows.map((r) => columns.map((c) => r[c])),
    ...(upsert && { upsert }),
  };
}

const keyOf = (...parts: unknown[]) => parts.map(String).join('\u0000');

/** Groups rows by a column. */
function groupBy(rows: readonly Row[], column: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r[column]);
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}

/**
 * The transactions the API's requests amounted to, as plain rows, read back
 * from the database: per request (its batch id) the raw events, their
 * projections (deploys, lead times, incidents, pull requests), the batch log
 * row, and the aggregate rows the request touched (team days and months,
 * usage, unplanned work, milestones), with their final values.
 */
export async function rowsWritten(driver: Driver, sourceId: string): Promise<RowWrite[][]> {
  const events = await driver.select<Row>(
    'select * from signal_events where source_id = ? order by received_at, client_id',
    [sourceId],
  );
  const inSource = 'select id from signal_events where source_id = ?';
  const deploys = groupBy(
    await driver.select<Row>('select * from signal_deploys where source_id = ?', [sourceId]),
    'event_id',
  );
  const leads = groupBy(
    await driver.select<Row>(
      `select * from signal_change_lead_times where deploy_event_id in (${inSource})`,
      [sourceId],
    ),
    'deploy_event_id',
  );
  const incidents = groupBy(
    await driver.select<Row>(`select * from signal_incidents where event_id in (${inSource})`, [
      sourceId,
    ]),
    'event_id',
  );
  const pulls = groupBy(
    await driver.select<Row>(`select * from signal_pull_requests where event_id in (${inSource})`, [
      sourceId,
    ]),
    'event_id',
  );
  const batches = new Map(
    (
      await driver.select<Row>('select * from signal_ingest_batches where source_id = ?', [
        sourceId,
      ])
    ).map((b) => [String(b.id), b]),
  );
  // The aggregate rows these events can have touched: their days are after the first event's.
  const since = events.map((e) => String(e.at)).sort()[0] ?? '';
  const index = async (
    table: string,
    keys: string[],
    where = '',
    params: readonly unknown[] = [],
  ) =>
    new Map(
      (await driver.select<Row>(`select * from ${table} ${where}`, params)).map((r) => [
        keyOf(...keys.map((k) => r[k])),
        r,
      ]),
    );
  const recent = ['where day >= ?', [dayOf(since)]] as const;
  const teamDays = await index('signal_team_days', ['team_id', 'day'], ...recent);
  const teamMonths = await index('signal_team_months', ['team_id', 'month'], 'where month >= ?', [
    dayOf(since).slice(0, 7),
  ]);
  const usage = await index(
    'signal_capability_usage',
    ['team_id', 'capability_id', 'day'],
    ...recent,
  );
  const unplanned = await index('signal_unplanned_work', [
    'team_id',
    'quarter',
    'capability_id',
    'cause',
  ]);
  const milestones = await index('signal_person_milestones', ['person_id', 'milestone']);

  const out: RowWrite[][] = [];
  for (const [batchId, rows] of groupBy(events, 'batch_id')) {
    const pick = (m: Map<string, Row[]>) => rows.flatMap((e) => m.get(String(e.id)) ?? []);
    const own = { deploys: pick(deploys), incidents: pick(incidents), pulls: pick(pulls) };
    const touched = {
      teamDays: new Map<string, Row>(),
      teamMonths: new Map<string, Row>(),
      usage: new Map<string, Row>(),
      unplanned: new Map<string, Row>(),
      milestones: new Map<string, Row>(),
    };
    const touch = (into: Map<string, Row>, from: Map<string, Row>, key: string) => {
      const row = from.get(key);
      if (row) into.set(key, row);
    };
    for (const d of own.deploys) touch(touched.teamDays, teamDays, keyOf(d.team_id, d.day));
    for (const i of own.incidents) touch(touched.teamDays, teamDays, keyOf(i.team_id, i.day));
    for (const p of own.pulls) {
      if (p.merged_at) {
        touch(touched.teamDays, teamDays, keyOf(p.team_id, dayOf(String(p.merged_at))));
      }
      if (p.author_id) {
        for (const m of ['first_pr', 'tenth_pr']) {
          touch(touched.milestones, milestones, keyOf(p.author_id, m));
        }
      }
    }
    for (const d of touched.teamDays.values()) {
      touch(touched.teamMonths, teamMonths, keyOf(d.team_id, String(d.day).slice(0, 7)));
    }
    for (const e of rows) {
      const payload = JSON.parse(String(e.payload)) as Record<string, string>;
      if (e.type === 'usage') {
        touch(
          touched.usage,
          usage,
          keyOf(payload.teamId, payload.capabilityId, dayOf(payload.at!)),
        );
      } else if (e.type === 'unplanned_work') {
        touch(
          touched.unplanned,
          unplanned,
          keyOf(payload.teamId, quarterKey(payload.at!), payload.capabilityId, payload.cause),
        );
      } else if (e.type === 'milestone') {
        touch(touched.milestones, milestones, keyOf(payload.personId, payload.milestone));
      }
    }
    const batch = batches.get(batchId);
    out.push([
      asWrite('signal_events', rows),
      asWrite('signal_deploys', own.deploys),
      asWrite('signal_change_lead_times', pick(leads)),
      asWrite('signal_incidents', own.incidents),
      asWrite('signal_pull_requests', own.pulls),
      asWrite('signal_team_days', [...touched.teamDays.values()], ['team_id', 'day']),
      asWrite('signal_team_months', [...touched.teamMonths.values()], ['team_id', 'month']),
      asWrite(
        'signal_capability_usage',
        [...touched.usage.values()],
        ['team_id', 'capability_id', 'day'],
      ),
      asWrite(
        'signal_unplanned_work',
        [...touched.unplanned.values()],
        ['team_id', 'quarter', 'capability_id', 'cause'],
      ),
      asWrite(
        'signal_person_milestones',
        [...touched.milestones.values()],
        ['person_id', 'milestone'],
      ),
      asWrite('signal_ingest_batches', batch ? [batch] : []),
    ]);
  }
  return out;
}

/** Rows a batch of writes holds (for the log line). */
const rowCount = (writes: readonly RowWrite[][]) =>
  writes.reduce((n, b) => n + b.reduce((m, w) => m + w.rows.length, 0), 0);

/**
 * The ingest step: the API run, then the ceiling on the same rows. The
 * ceiling deletes the API's raw rows first (their projections go with them)
 * and writes them again with the same ids; the aggregates it upserts hold the
 * API's final values, so the database ends as the API left it.
 */
export async function benchIngest(
  ctx: BenchContext,
  opts: { refs: IngestRefs; events: number; driver: Driver; adminEmail: string },
): Promise<Measurement[]> {
  const run = `bench-${Date.now()}`;
  // One request first, not timed, so the route, its code and the tables' pages are warm for both.
  await postBatches(
    ctx,
    ndjsonBatches(ingestEvents(opts.refs, BATCH, { run: `${run}-warm`, seed: 7 })),
  );
  const [source] = await opts.driver.select<{ id: string }>(
    'select id from signal_sources where name = ?',
    [`account:${opts.adminEmail.toLowerCase()}`],
  );
  if (!source) throw new Error('The ingest source of the benchmark token is missing.');
  // Its raw rows go (the measured rows are then all the source holds); its aggregates stay.
  await opts.driver.exec('delete from signal_events where source_id = ?', [source.id]);
  await opts.driver.exec('delete from signal_ingest_batches where source_id = ?', [source.id]);

  const events = ingestEvents(opts.refs, opts.events, { run });
  const bodies = ndjsonBatches(events);
  ctx.log(`ingest: ${events.length.toLocaleString('en')} events in ${bodies.length} requests…`);
  const apiSeconds = await postBatches(ctx, bodies);
  const api = events.length / apiSeconds;
  ctx.log(`ingest: API ${Math.round(api).toLocaleString('en')} events/s.`);

  const writes = await rowsWritten(opts.driver, source.id);
  await opts.driver.exec('delete from signal_events where source_id = ?', [source.id]);
  await opts.driver.exec('delete from signal_ingest_batches where source_id = ?', [source.id]);
  ctx.log(
    `ingest: ceiling: ${rowCount(writes).toLocaleString('en')} rows in ${writes.length} transactions…`,
  );
  const started = performance.now();
  for (const batch of writes) await opts.driver.write(batch);
  const ceilingSeconds = (performance.now() - started) / 1000;
  const ceiling = events.length / ceilingSeconds;
  const [check] = await opts.driver.select<{ n: number }>(
    'select count(*) as n from signal_events where source_id = ?',
    [source.id],
  );
  if (Number(check?.n) !== events.length) {
    throw new Error(`The ceiling wrote ${check?.n} events, not ${events.length}.`);
  }
  return [
    shareOfCeiling(
      {
        step: 'ingest',
        name: `POST /api/v1/events (NDJSON, ${BATCH} a request)`,
        value: api,
        unit: 'events/s',
        detail: {
          events: events.length,
          requests: bodies.length,
          'API s': apiSeconds,
          'ceiling s': ceilingSeconds,
          'rows per event': rowCount(writes) / events.length,
        },
      },
      { name: 'driver ceiling (same rows, same tables)', value: ceiling },
      0.4,
    ),
  ];
}
