// Responsiveness figures (shared/METRICS.md "Responsiveness"): time to
// acknowledge, share within the SLA, open overdue items, per period.

import type { Db } from '../core/db/index.ts';
import { type Period, parsePeriod, quarterOf } from '../core/period.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { quantile, type Rate, rate } from '../core/stats.ts';
import { DAY_MS } from './model.ts';
import { ackSlaDays } from './settings.ts';
import { ackTimes } from './store.ts';

export interface AckRecord {
  createdAt: string;
  acknowledgedAt: string | null;
}

export interface ResponsivenessFigures {
  period: string;
  slaDays: number;
  /** When the open overdue count was taken: the period's end, or now for the current period. */
  evaluatedAt: string;
  /** Items created in the period. */
  created: number;
  timeToAcknowledge: {
    /** Items in the sample: acknowledged ones, and open ones already past the SLA. */
    n: number;
    /** Of those, open items counted at their age so far (breaches from the moment they pass the SLA). */
    openBreaches: number;
    medianDays: number | null;
    p90Days: number | null;
  };
  /** Items acknowledged within the SLA / items created in the period whose SLA has ended. */
  withinSla: Rate;
  /** Items still new and past the SLA at `evaluatedAt`, whenever they were created. */
  openOverdue: number;
}

/**
 * The responsiveness figures of one period from creation and acknowledgement
 * times. Items belong to the period they were created in. An item still new
 * past its SLA joins the time-to-acknowledge sample with its age at `now` (a
 * lower bound), so a backlog raises the median instead of hiding from it;
 * items still new within their SLA are not yet known and stay out.
 */
export function responsiveness(
  records: readonly AckRecord[],
  period: Period,
  slaDays: number,
  now: Date,
): ResponsivenessFigures {
  return responsivenessOf(parseRecords(records), period, slaDays, now);
}

/** Creation and acknowledgement times in milliseconds, parsed once for several periods. */
interface AckTimes {
  created: Float64Array;
  acknowledged: Float64Array;
  /** 1 where the item was acknowledged. */
  isAcknowledged: Uint8Array;
}

function parseRecords(records: readonly AckRecord[]): AckTimes {
  const created = new Float64Array(records.length);
  const acknowledged = new Float64Array(records.length);
  const isAcknowledged = new Uint8Array(records.length);
  for (const [n, r] of records.entries()) {
    created[n] = Date.parse(r.createdAt);
    if (r.acknowledgedAt) {
      acknowledged[n] = Date.parse(r.acknowledgedAt);
      isAcknowledged[n] = 1;
    }
  }
  return { created, acknowledged, isAcknowledged };
}

function responsivenessOf(
  records: AckTimes,
  period: Period,
  slaDays: number,
  now: Date,
): ResponsivenessFigures {
  const sla = slaDays * DAY_MS;
  const nowMs = now.getTime();
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const evaluatedAt = Math.min(nowMs, end);
  const days: number[] = [];
  let openBreaches = 0;
  let created = 0;
  let due = 0;
  let inTime = 0;
  let openOverdue = 0;
  for (let n = 0; n < records.created.length; n++) {
    const c = records.created[n]!;
    const a = records.isAcknowledged[n] ? records.acknowledged[n]! : null;
    // Open overdue at the evaluation time: created more than the SLA before it, not acknowledged by then.
    if (c + sla < evaluatedAt && c < evaluatedAt && (a === null || a > evaluatedAt)) openOverdue++;
    if (c < start || c >= end || c > nowMs) continue;
    created++;
    if (a !== null && a <= nowMs) days.push((a - c) / DAY_MS);
    else if (nowMs - c > sla) {
      days.push((nowMs - c) / DAY_MS);
      openBreaches++;
    }
    if (c + sla <= nowMs) {
      due++;
      if (a !== null && a - c <= sla) inTime++;
    }
  }
  return {
    period: period.key,
    slaDays,
    evaluatedAt: new Date(evaluatedAt).toISOString(),
    created,
    timeToAcknowledge: {
      n: days.length,
      openBreaches,
      medianDays: quantile(days, 0.5),
      p90Days: quantile(days, 0.9),
    },
    withinSla: rate(inTime, due),
    openOverdue,
  };
}

/**
 * The items that bear on the figures of these periods (at least one), parsed.
 * A period's figures depend only on items created before its end; of those
 * created before every period starts, only the ones not yet acknowledged when
 * a period is evaluated (still new, or acknowledged after the earliest
 * evaluation time) can count, as open overdue. Items acknowledged before
 * that change no figure, so they are not read.
 */
async function recordsFor(db: Db, periods: readonly Period[], now: Date): Promise<AckTimes> {
  const nowMs = now.getTime();
  const ends = periods.map((p) => p.end).sort();
  const starts = periods.map((p) => p.start).sort();
  const firstEvaluation = Math.min(...periods.map((p) => Math.min(nowMs, Date.parse(p.end))));
  const rows = await ackTimes(db, {
    createdBefore: ends.at(-1)!,
    olderOnlyIfOpenAfter: {
      createdFrom: starts[0]!,
      acknowledgedAfter: new Date(firstEvaluation).toISOString(),
    },
  });
  return parseRecords(rows);
}

/** The figures for a period (`YYYY-Qn` or `YYYY-MM`; the current quarter by default). */
export async function feedbackFigures(
  db: Db,
  actor: Actor | null,
  periodKey?: string,
  now = new Date(),
): Promise<ResponsivenessFigures> {
  authorize(actor, 'feedback.read');
  const period = periodKey ? parsePeriod(periodKey) : quarterOf(now);
  const slaDays = await getSetting(db, ackSlaDays);
  return responsivenessOf(await recordsFor(db, [period], now), period, slaDays, now);
}

/** The same figures for several periods at once (a trend), oldest first. */
export async function feedbackFiguresSeries(
  db: Db,
  actor: Actor | null,
  periodKeys: string[],
  now = new Date(),
): Promise<ResponsivenessFigures[]> {
  authorize(actor, 'feedback.read');
  const periods = periodKeys.map((k) => parsePeriod(k));
  const slaDays = await getSetting(db, ackSlaDays);
  if (periods.length === 0) return [];
  const records = await recordsFor(db, periods, now);
  return periods.map((p) => responsivenessOf(records, p, slaDays, now));
}

/**
 * One period's figures and a trend of several (the board), from one read of
 * the items: the figures of a period depend only on items created before
 * its end, so the items created before the latest end serve every period.
 */
export async function feedbackFiguresWithSeries(
  db: Db,
  actor: Actor | null,
  periodKey: string | undefined,
  seriesKeys: string[],
  now = new Date(),
): Promise<{ figures: ResponsivenessFigures; series: ResponsivenessFigures[] }> {
  authorize(actor, 'feedback.read');
  const period = periodKey ? parsePeriod(periodKey) : quarterOf(now);
  const periods = seriesKeys.map((k) => parsePeriod(k));
  const slaDays = await getSetting(db, ackSlaDays);
  const records = await recordsFor(db, [period, ...periods], now);
  return {
    figures: responsivenessOf(records, period, slaDays, now),
    series: periods.map((p) => responsivenessOf(records, p, slaDays, now)),
  };
}
