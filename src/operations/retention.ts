// Retention of raw signal events. The figures read aggregates kept at
// ingest (migration 0007), never the raw payloads, so an old event's content
// can go while every figure stays as it was.
//
// A pruned event keeps a stub row — its source, the sender's id, type, team
// and time — because two things hang on it: the per-event aggregates
// (signal_deploys, signal_change_lead_times, signal_incidents,
// signal_pull_requests) reference it and would be deleted with it, and
// `(source, id)` is what makes a resend count once. Its payload (services,
// commit times, authors, people) and its person link are removed. Incidents
// keep their payload: a later resend with the same id merges into it.

import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { defineSetting, getSetting } from '../core/settings.ts';
import { EVENT_TYPES } from '../signals/model.ts';

/** How long raw signal events keep their content. */
export const rawEventRetentionDays = defineSetting({
  key: 'signals.raw_event_retention_days',
  label: 'Days to keep raw events',
  hint: 'Events sent to paved (deploys, pull requests, milestones, usage) keep their details this many days after they happened; then only what the figures need stays, and every figure reads the same. 730 (two years) by default, at least 30.',
  schema: z.number().int().min(30).max(36_500),
  defaultValue: 730,
});

/** The payload a pruned event keeps. */
export const PRUNED_PAYLOAD = '{"pruned":true}';

export interface PruneResult {
  /** Events whose content was removed by this run. */
  pruned: number;
  /** Events that happened before this time were pruned. */
  before: string;
  days: number;
}

const DAY_MS = 86_400_000;

/**
 * Removes the content of raw events older than the retention setting (or
 * `days`), a batch per transaction so ingestion never waits long, and writes
 * one audit row when anything was pruned. Safe on several instances at once:
 * a second run finds nothing left to prune.
 * @example await pruneRawEvents(db, { via: 'background' })
 */
export async function pruneRawEvents(
  db: Db,
  opts: { now?: Date; days?: number; batch?: number; via: 'cli' | 'background' },
): Promise<PruneResult> {
  const days = opts.days ?? (await getSetting(db, rawEventRetentionDays));
  const before = new Date((opts.now ?? new Date()).getTime() - days * DAY_MS).toISOString();
  const batch = opts.batch ?? 1_000;
  let pruned = 0;
  for (const type of EVENT_TYPES) {
    if (type === 'incident') continue;
    // Walks (type, at, id) in order through the index of events not pruned
    // yet (migration 0011), a batch per transaction; the literal lets both
    // engines match the index's condition.
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const cursor: { at: string; id: string } | null = after;
      const step = await db.transaction().execute(async (trx) => {
        let q = trx
          .selectFrom('signal_events')
          .select(['id', 'at'])
          .where('type', '=', type)
          .where('payload', '<>', sql.lit(PRUNED_PAYLOAD))
          .where('at', '<', before)
          .orderBy('at')
          .orderBy('id')
          .limit(batch);
        if (cursor) {
          q = q.where((eb) =>
            eb.or([
              eb('at', '>', cursor.at),
              eb.and([eb('at', '=', cursor.at), eb('id', '>', cursor.id)]),
            ]),
          );
        }
        const rows = await q.execute();
        const ids = rows.map((r) => r.id);
        let updated = 0;
        if (ids.length > 0) {
          const result = await trx
            .updateTable('signal_events')
            .set({ payload: PRUNED_PAYLOAD, person_id: null })
            .where('id', 'in', ids)
            .where('payload', '<>', PRUNED_PAYLOAD)
            .executeTakeFirst();
          updated = Number(result.numUpdatedRows);
        }
        const last = rows.at(-1);
        return {
          updated,
          last: rows.length < batch || !last ? null : { at: last.at, id: last.id },
        };
      });
      pruned += step.updated;
      if (!step.last) break;
      after = step.last;
    }
  }
  if (pruned > 0) {
    await recordAudit(db, {
      actor: null,
      action: 'events.prune',
      details: { via: opts.via, pruned, before, days },
    });
  }
  return { pruned, before, days };
}
