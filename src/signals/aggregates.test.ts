import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import type { Db } from '../core/db/index.ts';
import type { ResolvedEvent } from './model.ts';
import { ingestEvents } from './service.ts';
import { type SignalsFixture, seedSignals } from './testing.ts';

// The aggregates are kept incrementally at ingest. Whatever order events
// arrive in, split into whatever requests, with whatever resends, they must
// equal a recomputation from the raw events alone. The recomputation below is
// written independently of the store, straight from METRICS.md.

const NOW = new Date('2026-12-01T00:00:00Z');
const HOUR = 3600_000;
const BASE = Date.UTC(2026, 9, 1);
const iso = (ms: number) => new Date(ms).toISOString();

const time = fc.integer({ min: 0, max: 50 * 24 }).map((h) => BASE + h * HOUR);
const team = fc.constantFrom('payments', 'checkout');
const capability = fc.constantFrom('ci', 'deploy-tool');
const person = fc.constantFrom('ada.lovelace@example.test', 'user:default/grace.hopper');

const deploy = fc
  .record({
    team,
    finished: time,
    minutes: fc.option(fc.integer({ min: 0, max: 90 })),
    outcome: fc.constantFrom('success', 'failure'),
    environment: fc.constantFrom('production', 'production', 'staging'),
    commits: fc.array(fc.integer({ min: -5, max: 200 }), { maxLength: 4 }),
    capability: fc.option(capability),
  })
  .map((d) => ({
    type: 'deploy',
    team: d.team,
    service: 'svc',
    environment: d.environment,
    ...(d.minutes === null ? {} : { started: iso(d.finished - d.minutes * 60_000) }),
    finished: iso(d.finished),
    outcome: d.outcome,
    commitTimes: d.commits.map((h) => iso(d.finished - h * HOUR)),
    ...(d.capability ? { capability: d.capability } : {}),
  }));

const pullRequest = fc
  .record({ team, author: fc.option(person), opened: time, mergeAfter: fc.option(fc.nat(96)) })
  .map((p) => ({
    type: 'pull_request',
    team: p.team,
    ...(p.author ? { author: p.author } : {}),
    opened: iso(p.opened),
    ...(p.mergeAfter === null ? {} : { merged: iso(p.opened + p.mergeAfter * HOUR) }),
  }));

const incident = fc.record({ team, started: time, cause: fc.option(fc.nat(5)) }).map((i) => ({
  type: 'incident',
  team: i.team,
  started: iso(i.started),
  ...(i.cause === null ? {} : { causedBy: { deploy: `e${i.cause}` } }),
}));

const others = fc.oneof(
  fc
    .record({
      team,
      capability,
      quarterHours: fc.integer({ min: 1, max: 40 }),
      cause: fc.constantFrom('breaking-change', 'outage', 'forced-migration', 'other'),
      at: time,
    })
    .map((u) => ({
      type: 'unplanned_work',
      team: u.team,
      capability: u.capability,
      hours: u.quarterHours / 4,
      cause: u.cause,
      at: iso(u.at),
    })),
  fc
    .record({
      person,
      milestone: fc.constantFrom('first_commit', 'first_pr', 'first_deploy', 'tenth_pr'),
      at: time,
    })
    .map((m) => ({ type: 'milestone', ...m, at: iso(m.at) })),
  fc
    .record({ team, capability, at: time, count: fc.integer({ min: 1, max: 5 }) })
    .map((u) => ({ type: 'usage', ...u, at: iso(u.at) })),
);

/** Events with ids, incident resends, and how they are cut into requests. */
const scenario = fc
  .array(fc.oneof(deploy, pullRequest, pullRequest, incident, others), {
    minLength: 1,
    maxLength: 40,
  })
  .chain((events) => {
    const withIds = events.map((e, i) => ({ ...e, id: `e${i}` }) as Record<string, unknown>);
    const incidents = withIds.filter((e) => e.type === 'incident');
    const resolutions = incidents.map((e) =>
      fc.record({ after: fc.nat(30), cause: fc.option(capability) }).map(({ after, cause }) => ({
        ...e,
        resolved: iso(Date.parse(e.started as string) + after * HOUR),
        ...(cause ? { causedBy: { capability: cause } } : {}),
      })),
    );
    return fc.record({
      events: fc.constant(withIds),
      resolutions: fc.tuple(...resolutions),
      resends: fc.array(fc.nat(withIds.length - 1), { maxLength: 15 }),
      order: fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
      cuts: fc.array(fc.nat(70), { maxLength: 4 }),
    });
  });

async function clear(db: Db) {
  for (const t of [
    'signal_change_lead_times',
    'signal_deploys',
    'signal_incidents',
    'signal_pull_requests',
    'signal_team_days',
    'signal_team_months',
    'signal_unplanned_work',
    'signal_person_milestones',
    'signal_capability_usage',
    'signal_events',
    'signal_ingest_batches',
  ] as const) {
    await db.deleteFrom(t).execute();
  }
}

const byJson = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Every aggregate, recomputed from signal_events alone. */
async function recompute(db: Db, f: SignalsFixture) {
  const raw = await db.selectFrom('signal_events').select(['id', 'client_id', 'payload']).execute();
  const teamDays = new Map<string, Record<string, number | string>>();
  const td = (teamId: string, day: string) => {
    const key = `${teamId}|${day}`;
    if (!teamDays.has(key))
      teamDays.set(key, {
        team_id: teamId,
        day,
        deploys: 0,
        failed_deploys: 0,
        deploy_seconds_sum: 0,
        deploy_seconds_count: 0,
        lead_seconds_sum: 0,
        lead_seconds_count: 0,
        merged_prs: 0,
        incidents: 0,
      });
    return teamDays.get(key) as Record<string, number>;
  };
  const deploys: unknown[] = [];
  const leads: unknown[] = [];
  const incidents: unknown[] = [];
  const prs: unknown[] = [];
  const unplanned = new Map<string, { hours: number; reports: number; key: string[] }>();
  const usage = new Map<string, number>();
  const firsts = new Map<string, string>();
  const merged = new Map<string, string[]>();
  const first = (personId: string, kind: string, at: string) => {
    const key = `${personId}|${kind}`;
    const old = firsts.get(key);
    if (!old || at < old) firsts.set(key, at);
  };
  for (const row of raw) {
    const e = JSON.parse(row.payload) as ResolvedEvent;
    switch (e.type) {
      case 'deploy': {
        if (!['production', 'prod'].includes(e.environment.toLowerCase())) break;
        const day = e.finished.slice(0, 10);
        const seconds = e.started ? (Date.parse(e.finished) - Date.parse(e.started)) / 1000 : null;
        deploys.push([
          row.id,
          e.teamId,
          day,
          e.outcome,
          seconds,
          e.capabilityId,
          e.commitTimes.length,
        ]);
        const t = td(e.teamId, day);
        if (e.outcome === 'failure') {
          t.failed_deploys!++;
          break;
        }
        t.deploys!++;
        if (seconds !== null) {
          t.deploy_seconds_sum! += seconds;
          t.deploy_seconds_count!++;
        }
        for (const c of e.commitTimes) {
          const lead = (Date.parse(e.finished) - Date.parse(c)) / 1000;
          if (lead <= 0) continue;
          leads.push([row.id, e.teamId, day, lead]);
          t.lead_seconds_sum! += lead;
          t.lead_seconds_count!++;
        }
        break;
      }
      case 'pull_request':
        prs.push([row.id, e.teamId, e.authorId, e.opened, e.merged]);
        if (e.merged) td(e.teamId, e.merged.slice(0, 10)).merged_prs!++;
        if (e.authorId) {
          first(e.authorId, 'first_pr', e.opened);
          if (e.merged) merged.set(e.authorId, [...(merged.get(e.authorId) ?? []), e.merged]);
        }
        break;
      case 'incident':
        incidents.push([
          row.id,
          e.teamId,
          e.started,
          e.resolved,
          e.causeDeploy?.clientId ?? null,
          e.causeCapabilityId,
        ]);
        td(e.teamId, e.started.slice(0, 10)).incidents!++;
        break;
      case 'unplanned_work': {
        const month = Number(e.at.slice(5, 7));
        const key = [
          e.teamId,
          `${e.at.slice(0, 4)}-Q${Math.ceil(month / 3)}`,
          e.capabilityId,
          e.cause,
        ];
        const old = unplanned.get(key.join('|')) ?? { hours: 0, reports: 0, key };
        unplanned.set(key.join('|'), { key, hours: old.hours + e.hours, reports: old.reports + 1 });
        break;
      }
      case 'milestone':
        first(e.personId, e.milestone, e.at);
        break;
      case 'usage': {
        const key = [e.teamId, e.capabilityId, e.at.slice(0, 10)].join('|');
        usage.set(key, (usage.get(key) ?? 0) + e.count);
      }
    }
  }
  for (const [personId, times] of merged) {
    const tenth = [...times].sort()[9];
    if (tenth) first(personId, 'tenth_pr', tenth);
  }
  // The months are the days summed by team and month (a row for every month with a day row).
  const teamMonths = new Map<string, Record<string, number | string>>();
  for (const d of teamDays.values()) {
    const month = String(d.day).slice(0, 7);
    const key = `${d.team_id}|${month}`;
    const m = teamMonths.get(key) ?? {
      team_id: d.team_id!,
      month,
      deploy_seconds_sum: 0,
      deploy_seconds_count: 0,
      lead_seconds_sum: 0,
      lead_seconds_count: 0,
    };
    for (const c of [
      'deploy_seconds_sum',
      'deploy_seconds_count',
      'lead_seconds_sum',
      'lead_seconds_count',
    ]) {
      m[c] = Number(m[c]) + Number(d[c]);
    }
    teamMonths.set(key, m);
  }
  expect(f.source.id).toBeTruthy();
  return {
    teamDays: byJson([...teamDays.values()]),
    teamMonths: byJson([...teamMonths.values()]),
    deploys: byJson(deploys),
    leads: byJson(leads),
    incidents: byJson(incidents),
    prs: byJson(prs),
    unplanned: byJson([...unplanned.values()].map((u) => [...u.key, u.hours, u.reports])),
    usage: byJson([...usage.entries()].map(([k, n]) => [...k.split('|'), n])),
    milestones: byJson([...firsts.entries()].map(([k, at]) => [...k.split('|'), at])),
  };
}

/** The aggregate tables as they are, in the same shapes. */
async function stored(db: Db) {
  const num = (v: unknown) => Number(v);
  return {
    teamDays: byJson(
      (await db.selectFrom('signal_team_days').selectAll().execute()).map((r) => ({
        team_id: r.team_id,
        day: r.day,
        deploys: num(r.deploys),
        failed_deploys: num(r.failed_deploys),
        deploy_seconds_sum: num(r.deploy_seconds_sum),
        deploy_seconds_count: num(r.deploy_seconds_count),
        lead_seconds_sum: num(r.lead_seconds_sum),
        lead_seconds_count: num(r.lead_seconds_count),
        merged_prs: num(r.merged_prs),
        incidents: num(r.incidents),
      })),
    ),
    teamMonths: byJson(
      (await db.selectFrom('signal_team_months').selectAll().execute()).map((r) => ({
        team_id: r.team_id,
        month: r.month,
        deploy_seconds_sum: num(r.deploy_seconds_sum),
        deploy_seconds_count: num(r.deploy_seconds_count),
        lead_seconds_sum: num(r.lead_seconds_sum),
        lead_seconds_count: num(r.lead_seconds_count),
      })),
    ),
    deploys: byJson(
      (await db.selectFrom('signal_deploys').selectAll().execute()).map((r) => [
        r.event_id,
        r.team_id,
        r.day,
        r.outcome,
        r.duration_seconds,
        r.capability_id,
        num(r.changes),
      ]),
    ),
    leads: byJson(
      (await db.selectFrom('signal_change_lead_times').selectAll().execute()).map((r) => [
        r.deploy_event_id,
        r.team_id,
        r.day,
        num(r.seconds),
      ]),
    ),
    incidents: byJson(
      (await db.selectFrom('signal_incidents').selectAll().execute()).map((r) => [
        r.event_id,
        r.team_id,
        r.started_at,
        r.resolved_at,
        r.cause_deploy_client_id,
        r.cause_capability_id,
      ]),
    ),
    prs: byJson(
      (await db.selectFrom('signal_pull_requests').selectAll().execute()).map((r) => [
        r.event_id,
        r.team_id,
        r.author_id,
        r.opened_at,
        r.merged_at,
      ]),
    ),
    unplanned: byJson(
      (await db.selectFrom('signal_unplanned_work').selectAll().execute()).map((r) => [
        r.team_id,
        r.quarter,
        r.capability_id,
        r.cause,
        num(r.hours),
        num(r.reports),
      ]),
    ),
    usage: byJson(
      (await db.selectFrom('signal_capability_usage').selectAll().execute()).map((r) => [
        r.team_id,
        r.capability_id,
        r.day,
        num(r.uses),
      ]),
    ),
    milestones: byJson(
      (await db.selectFrom('signal_person_milestones').selectAll().execute()).map((r) => [
        r.person_id,
        r.milestone,
        r.first_at,
      ]),
    ),
  };
}

describeEngines('incremental aggregates', (handle) => {
  it('equal a full recomputation from raw events, whatever the order, cuts and resends', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, resolutions, resends, order, cuts }) => {
        await clear(db);
        const stream = [...events, ...resolutions, ...resends.map((i) => events[i]!)];
        // A random permutation from the order keys.
        const keyed = stream.map((e, i) => ({ e, k: order[i % order.length]! * 1000 + i }));
        keyed.sort((a, b) => a.k - b.k);
        const shuffled = keyed.map((x) => x.e);
        const bounds = [
          ...new Set([0, ...cuts.map((c) => c % (shuffled.length + 1)), shuffled.length]),
        ].sort((a, b) => a - b);
        let accepted = 0;
        for (let i = 0; i + 1 < bounds.length; i++) {
          const part = shuffled.slice(bounds[i], bounds[i + 1]);
          const result = await ingestEvents(db, f.source.id, part, { now: NOW });
          expect(result.rejected).toEqual([]);
          accepted += result.accepted;
        }
        // Every first occurrence went in once; resends only ever updated incidents.
        expect(accepted).toBeGreaterThanOrEqual(events.length);
        expect(await stored(db)).toEqual(await recompute(db, f));
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
