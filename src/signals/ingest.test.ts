import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { splitNdjson } from './lines.ts';
import { ingestEvents, ingestLines } from './service.ts';
import { sampleEvents, seedSignals } from './testing.ts';

const NOW = new Date('2026-11-10T00:00:00Z');

describeEngines('signal ingestion', (handle) => {
  it('accepts one event of each type and fills every aggregate', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const result = await ingestEvents(db, f.source.id, sampleEvents(), { now: NOW });
    expect(result).toEqual({ accepted: 6, duplicates: 0, rejected: [] });

    const days = await db.selectFrom('signal_team_days').selectAll().orderBy('day').execute();
    expect(days).toEqual([
      {
        team_id: f.team.payments,
        day: '2026-11-02',
        deploys: 1,
        failed_deploys: 0,
        deploy_seconds_sum: 300,
        deploy_seconds_count: 1,
        // Commits at 10:05 the day before and 09:05: 24 h and 1 h before the deploy finished.
        lead_seconds_sum: 86_400 + 3600,
        lead_seconds_count: 2,
        merged_prs: 1,
        incidents: 1,
      },
    ]);
    const deploy = await db.selectFrom('signal_deploys').selectAll().executeTakeFirstOrThrow();
    expect(deploy).toMatchObject({
      source_id: f.source.id,
      client_id: 'd1',
      team_id: f.team.payments,
      outcome: 'success',
      duration_seconds: 300,
      capability_id: f.capability['deploy-tool'],
      changes: 2,
    });
    const leads = await db
      .selectFrom('signal_change_lead_times')
      .select('seconds')
      .orderBy('position')
      .execute();
    expect(leads.map((l) => l.seconds)).toEqual([86_400, 3600]);
    expect(await db.selectFrom('signal_incidents').selectAll().execute()).toEqual([
      expect.objectContaining({
        team_id: f.team.payments,
        started_at: '2026-11-02T11:00:00.000Z',
        resolved_at: null,
        cause_deploy_source_id: f.source.id,
        cause_deploy_client_id: 'd1',
      }),
    ]);
    expect(await db.selectFrom('signal_unplanned_work').selectAll().execute()).toEqual([
      {
        team_id: f.team.payments,
        quarter: '2026-Q4',
        capability_id: f.capability.ci,
        cause: 'breaking-change',
        hours: 2.5,
        reports: 1,
      },
    ]);
    const milestones = await db
      .selectFrom('signal_person_milestones')
      .selectAll()
      .orderBy('milestone')
      .execute();
    expect(milestones).toEqual([
      // The time zone is normalised to UTC.
      {
        person_id: f.person.grace,
        milestone: 'first_deploy',
        first_at: '2026-10-08T10:00:00.000Z',
      },
      { person_id: f.person.ada, milestone: 'first_pr', first_at: '2026-11-01T08:00:00.000Z' },
    ]);
    expect(await db.selectFrom('signal_capability_usage').selectAll().execute()).toEqual([
      { team_id: f.team.payments, capability_id: f.capability.ci, day: '2026-11-02', uses: 3 },
    ]);
    const batch = await db
      .selectFrom('signal_ingest_batches')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ lines: 6, accepted: 6, duplicates: 0, rejected: 0, via: 'demo' });
  });

  it('answers a resend as duplicates and changes no aggregate', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    await ingestEvents(db, f.source.id, sampleEvents(), { now: NOW });
    const before = await db.selectFrom('signal_team_days').selectAll().execute();
    const again = await ingestEvents(db, f.source.id, sampleEvents(), { now: NOW });
    expect(again).toEqual({ accepted: 0, duplicates: 6, rejected: [] });
    expect(await db.selectFrom('signal_team_days').selectAll().execute()).toEqual(before);
    expect(await countRows(db, 'signal_events')).toBe(6);
    expect(await countRows(db, 'signal_deploys')).toBe(1);
    expect(await countRows(db, 'signal_change_lead_times')).toBe(2);
  });

  it('counts a repeated id within one request once', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const usage = sampleEvents()[5]!;
    const result = await ingestEvents(db, f.source.id, [usage, usage, { ...usage, count: 9 }], {
      now: NOW,
    });
    expect(result).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    const row = await db.selectFrom('signal_capability_usage').select('uses').executeTakeFirst();
    expect(row?.uses).toBe(3);
  });

  it('rejects every kind of bad line with its line number and reason, and keeps the good ones', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const good = JSON.stringify(sampleEvents()[5]);
    const deploy = sampleEvents()[0]!;
    const bad: [unknown, string][] = [
      [{ ...deploy, type: 'release' }, 'type: unknown type "release"'],
      [{ ...deploy, type: undefined }, 'type: is required'],
      [{ ...deploy, id: undefined }, 'id: is required'],
      [{ ...deploy, id: '' }, 'id: is required'],
      [{ ...deploy, team: 'paymnts' }, 'team: unknown team "paymnts"'],
      [{ ...deploy, team: 'group:default/nobody' }, 'team: unknown team'],
      [{ ...deploy, capability: 'nope' }, 'capability: unknown capability "nope"'],
      [{ ...deploy, finished: 'yesterday' }, 'finished: must be an ISO 8601 time'],
      [
        { ...deploy, finished: '2026-11-02T10:05:00' },
        'finished: must be an ISO 8601 time with a zone',
      ],
      [{ ...deploy, finished: '2026-02-30T10:05:00Z' }, 'finished: is not a real date'],
      [{ ...deploy, finished: '2026-11-02T09:00:00Z' }, 'finished: is before started'],
      [
        { ...deploy, finished: '2027-01-01T00:00:00Z' },
        'finished: is more than a day in the future',
      ],
      [{ ...deploy, started: '1999-12-31T00:00:00Z' }, 'started: is before the year 2000'],
      [{ ...deploy, outcome: 'ok' }, 'outcome:'],
      [{ ...deploy, commitTimes: ['soon'] }, 'commitTimes.0: must be an ISO 8601 time'],
      [
        { ...sampleEvents()[1], author: 'nobody@example.test' },
        'author: unknown person "nobody@example.test"',
      ],
      [{ ...sampleEvents()[1], merged: '2026-10-01T00:00:00Z' }, 'merged: is before opened'],
      [{ ...sampleEvents()[2], resolved: '2026-11-01T00:00:00Z' }, 'resolved: is before started'],
      [
        { ...sampleEvents()[2], causedBy: { deploy: 'd1', source: 'nope' } },
        'causedBy.source: unknown source "nope"',
      ],
      [{ ...sampleEvents()[3], hours: -1 }, 'hours: must be more than 0'],
      [{ ...sampleEvents()[3], cause: 'boredom' }, 'cause:'],
      [{ ...sampleEvents()[4], person: 'user:default/nobody' }, 'person: unknown person'],
      [{ ...sampleEvents()[4], milestone: 'first_coffee' }, 'milestone:'],
      [[1, 2], 'an event must be a JSON object'],
      ['deploy', 'an event must be a JSON object'],
    ];
    const text = [
      good,
      ...bad.map(([value]) => JSON.stringify(value)),
      '{"type": "deploy", ',
      '',
      JSON.stringify({ ...sampleEvents()[5], id: 'x2' }),
    ].join('\n');
    const result = await ingestLines(db, f.source.id, splitNdjson(text), { now: NOW });
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(0);
    expect(result.rejected.map((r) => r.line)).toEqual([
      ...bad.map((_, i) => i + 2),
      bad.length + 2,
    ]);
    for (const [i, [, reason]] of bad.entries()) {
      expect(result.rejected[i]!.reason, `line ${i + 2}`).toContain(reason);
    }
    expect(result.rejected.at(-1)!.reason).toMatch(/^not valid JSON/);
    const batch = await db
      .selectFrom('signal_ingest_batches')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ accepted: 2, rejected: bad.length + 1 });
    expect(JSON.parse(batch.rejected_lines)).toEqual(result.rejected);
  });

  it('lets a resend of an incident add its resolution and cause, but not move it', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const open = { type: 'incident', id: 'i9', team: 'checkout', started: '2026-11-04T09:00:00Z' };
    expect(await ingestEvents(db, f.source.id, [open], { now: NOW })).toMatchObject({
      accepted: 1,
    });
    const resolved = { ...open, resolved: '2026-11-04T10:30:00Z', causedBy: { capability: 'ci' } };
    const moved = { ...open, started: '2026-11-03T09:00:00Z' };
    const other = { ...open, team: 'payments' };
    const result = await ingestEvents(db, f.source.id, [resolved, resolved, moved, other], {
      now: NOW,
    });
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(1);
    expect(result.rejected).toEqual([
      {
        line: 3,
        reason: 'started: incident i9 was recorded as started at 2026-11-04T09:00:00.000Z',
      },
      { line: 4, reason: 'team: incident i9 was recorded for another team' },
    ]);
    const row = await db.selectFrom('signal_incidents').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      resolved_at: '2026-11-04T10:30:00.000Z',
      cause_capability_id: f.capability.ci,
      cause_deploy_client_id: null,
    });
    const day = await db.selectFrom('signal_team_days').selectAll().executeTakeFirstOrThrow();
    expect(day).toMatchObject({ day: '2026-11-04', incidents: 1 });
  });

  it('keeps the earliest milestone and derives the tenth merged pull request', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const prs = Array.from({ length: 11 }, (_, i) => ({
      type: 'pull_request',
      id: `pr${i}`,
      team: 'payments',
      author: 'grace.hopper@example.test',
      opened: `2026-10-${String(i + 2).padStart(2, '0')}T09:00:00Z`,
      merged: `2026-10-${String(i + 2).padStart(2, '0')}T17:00:00Z`,
    }));
    // Newest first, in two requests: order of arrival must not matter.
    await ingestEvents(db, f.source.id, prs.slice(5).reverse(), { now: NOW });
    await ingestEvents(db, f.source.id, prs.slice(0, 5).reverse(), { now: NOW });
    await ingestEvents(
      db,
      f.source.id,
      [
        {
          type: 'milestone',
          id: 'late',
          person: 'grace.hopper@example.test',
          milestone: 'first_pr',
          at: '2026-10-20T00:00:00Z',
        },
        {
          type: 'milestone',
          id: 'c1',
          person: 'grace.hopper@example.test',
          milestone: 'first_commit',
          at: '2026-10-05T00:00:00Z',
        },
        {
          type: 'milestone',
          id: 'c0',
          person: 'grace.hopper@example.test',
          milestone: 'first_commit',
          at: '2026-10-03T00:00:00Z',
        },
      ],
      { now: NOW },
    );
    const rows = await db
      .selectFrom('signal_person_milestones')
      .select(['milestone', 'first_at'])
      .where('person_id', '=', f.person.grace)
      .orderBy('milestone')
      .execute();
    expect(rows).toEqual([
      { milestone: 'first_commit', first_at: '2026-10-03T00:00:00.000Z' },
      { milestone: 'first_pr', first_at: '2026-10-02T09:00:00.000Z' },
      { milestone: 'tenth_pr', first_at: '2026-10-11T17:00:00.000Z' },
    ]);
  });

  it('counts failed and non-production deploys apart', async () => {
    const { db } = handle();
    const f = await seedSignals(db);
    const deploy = sampleEvents()[0] as Record<string, unknown>;
    await ingestEvents(
      db,
      f.source.id,
      [
        { ...deploy, id: 'a', outcome: 'failure' },
        { ...deploy, id: 'b', environment: 'staging' },
        {
          ...deploy,
          id: 'c',
          environment: 'Prod',
          started: undefined,
          commitTimes: ['2026-11-02T11:00:00Z'],
        },
      ],
      { now: NOW },
    );
    const day = await db.selectFrom('signal_team_days').selectAll().executeTakeFirstOrThrow();
    // The commit after the deploy gives no lead time; a deploy without a start gives no duration.
    expect(day).toMatchObject({
      deploys: 1,
      failed_deploys: 1,
      deploy_seconds_count: 0,
      lead_seconds_count: 0,
    });
    expect(await countRows(db, 'signal_deploys')).toBe(2);
    expect(await countRows(db, 'signal_events')).toBe(3);
  });
});
