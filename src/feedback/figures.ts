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
  for (const r of records) {
    const c = Date.parse(r.createdAt);
    const a = r.acknowledgedAt ? Date.parse(r.acknowledgedAt) : null;
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
  // Everything created before the period ends: the period's items, and older ones still overdue.
  const records = await ackTimes(db, { createdBefore: period.end });
  return responsiveness(records, period, slaDays, now);
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
  const last = periods
    .map((p) => p.end)
    .sort()
    .at(-1);
  if (!last) return [];
  const records = await ackTimes(db, { createdBefore: last });
  return periods.map((p) => responsiveness(records, p, slaDays, now));
}
