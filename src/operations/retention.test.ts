import { expect, it } from 'vitest';
import { testDeps } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { backgroundJobs } from '../background.ts';
import { getSetting, setSetting } from '../core/settings.ts';
import type { ResolvedEvent } from '../signals/model.ts';
import { insertEvents } from '../signals/store.ts';
import { PRUNED_PAYLOAD, pruneRawEvents, rawEventRetentionDays } from './retention.ts';
import { allFigures, NOW, seedDemo } from './testing.ts';

const DAY = 86_400_000;

describeEngines('raw event retention', (db) => {
  it('removes the details of old raw events while every figure stays the same, and audits it', async () => {
    await seedDemo(db());
    const d = db().db;
    const days = 180;
    const before = new Date(NOW.getTime() - days * DAY).toISOString();
    const events = await d.selectFrom('signal_events').selectAll().execute();
    const old = events.filter((e) => e.at < before && e.type !== 'incident');
    const kept = events.filter((e) => !old.includes(e));
    expect(old.length).toBeGreaterThan(100);
    expect(new Set(old.map((e) => e.type)).size).toBeGreaterThan(2);
    expect(old.some((e) => e.person_id !== null)).toBe(true);
    const figures = await allFigures(db());

    const result = await pruneRawEvents(d, { now: NOW, days, batch: 97, via: 'cli' });
    expect(result).toEqual({ pruned: old.length, before, days });

    const after = new Map(
      (await d.selectFrom('signal_events').selectAll().execute()).map((e) => [e.id, e]),
    );
    expect(after.size).toBe(events.length);
    for (const e of old) {
      // A stub stays: the source and sender's id (so a resend counts once), type, team and time.
      expect(after.get(e.id)).toEqual({ ...e, payload: PRUNED_PAYLOAD, person_id: null });
    }
    for (const e of kept) expect(after.get(e.id)).toEqual(e);
    expect(await allFigures(db())).toEqual(figures);

    const audit = await d
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'events.prune')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toEqual({ via: 'cli', pruned: old.length, before, days });

    // A second run finds nothing to do and writes no audit row.
    expect(await pruneRawEvents(d, { now: NOW, days, via: 'cli' })).toMatchObject({ pruned: 0 });
    expect(
      await d.selectFrom('audit_log').select('id').where('action', '=', 'events.prune').execute(),
    ).toHaveLength(1);
  }, 120_000);

  it('still counts a resend of a pruned event once', async () => {
    await seedDemo(db());
    const d = db().db;
    const deploy = await d
      .selectFrom('signal_events')
      .selectAll()
      .where('type', '=', 'deploy')
      .orderBy('at')
      .executeTakeFirstOrThrow();
    const event = JSON.parse(deploy.payload) as ResolvedEvent;
    const figures = await allFigures(db());
    await pruneRawEvents(d, { now: NOW, days: 30, via: 'cli' });
    const again = await d
      .transaction()
      .execute((trx) =>
        insertEvents(trx, deploy.source_id, null, [{ line: 1, event }], NOW.toISOString()),
      );
    expect(again).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await allFigures(db())).toEqual(figures);
  }, 120_000);

  it('keeps two years by default, at least 30 days, and runs as background work', async () => {
    const d = db().db;
    expect(await getSetting(d, rawEventRetentionDays)).toBe(730);
    await expect(setSetting(d, rawEventRetentionDays, 7)).rejects.toMatchObject({
      errors: [{ path: 'signals.raw_event_retention_days' }],
    });
    await setSetting(d, rawEventRetentionDays, 30);
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
    await d
      .insertInto('signal_sources')
      .values({
        id: 's1',
        name: 'ci',
        kind: 'token',
        description: '',
        user_id: null,
        created_by: null,
        created_at: at(100),
      })
      .execute();
    const usage = (id: string, daysAgo: number) => ({
      id,
      source_id: 's1',
      client_id: id,
      type: 'usage',
      team_id: null,
      person_id: null,
      at: at(daysAgo),
      payload: '{"type":"usage"}',
      batch_id: null,
      received_at: at(daysAgo),
    });
    await d
      .insertInto('signal_events')
      .values([usage('old', 31), usage('recent', 29)])
      .execute();
    const job = backgroundJobs.find((j) => j.name === 'prune raw events')!;
    await job.run(testDeps(db()));
    const rows = await d
      .selectFrom('signal_events')
      .select(['id', 'payload'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'old', payload: PRUNED_PAYLOAD },
      { id: 'recent', payload: '{"type":"usage"}' },
    ]);
    const audit = await d.selectFrom('audit_log').select('details').execute();
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([
      expect.objectContaining({ via: 'background', pruned: 1, days: 30 }),
    ]);
  });
});
