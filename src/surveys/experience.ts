// Each capability's experience over some periods: the CSAT answers of the
// closed surveys of those periods and the pulses of their completed months,
// pooled (shared/METRICS.md, "Mandate–choice matrix"). Counts only, and only
// of parts their own results show; `mayShowPooled` decides whether the pool
// may be shown.

import { sql } from 'kysely';
import type { Db } from '../core/db/index.ts';
import { addMonths, monthOf, type Period, parsePeriod } from '../core/period.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';

/**
 * A capability's pooled answers: 4 or 5 of 5 is "top" (top-2-box). Only parts
 * that their own results show are pooled: a survey's CSAT for the capability
 * from that survey's `k`, a pulse month from `k`. A part hidden there would
 * otherwise be given away by the difference between two readings of the pool
 * (a month completing, a survey closing, the quarter moving on).
 */
export interface CapabilityExperience {
  /** CSAT answers in the closed surveys of the periods that show it (blank answers excluded). */
  surveyN: number;
  surveyTop: number;
  /** Pulses in the completed months of the periods that show them. */
  pulseN: number;
  pulseTop: number;
  /**
   * The smallest pool that may be shown: `k`, or a pooled survey's own `k`
   * when it was opened with a larger one.
   */
  threshold: number;
  /** Answers left out because their own results hide them. */
  leftOutN: number;
}

/** The survey periods that fall inside one of the periods (a month's survey inside a quarter). */
function within(surveyPeriod: string, periods: readonly Period[]): boolean {
  let p: Period;
  try {
    p = parsePeriod(surveyPeriod);
  } catch {
    return false;
  }
  return periods.some((q) => p.start >= q.start && p.end <= q.end);
}

/** The completed months (`YYYY-MM`) of the periods, never the current one, oldest first. */
export function completedMonths(periods: readonly Period[], now: Date): string[] {
  const current = monthOf(now.toISOString());
  const months = new Set<string>();
  for (const p of periods) {
    for (let m = monthOf(p.start); m < monthOf(p.end) && m < current; m = addMonths(m, 1)) {
      months.add(m);
    }
  }
  return [...months].sort();
}

const ONE = sql.lit(1);

/**
 * Every capability's pooled CSAT and pulse answers over the periods: three
 * queries whatever the number of capabilities. Capabilities without answers
 * are absent. `k` (default: the `privacy.k` setting) is the threshold for
 * pulse months and for surveys that kept none.
 * @example await capabilityExperience(db, { periods: [parsePeriod('2026-Q3'), parsePeriod('2026-Q4')] })
 */
export async function capabilityExperience(
  db: Db,
  input: { periods: Period[]; now?: Date; k?: number },
): Promise<Map<string, CapabilityExperience>> {
  const now = input.now ?? new Date();
  const k = input.k ?? (await getSetting(db, anonymityK));
  const surveys = (
    await db
      .selectFrom('surveys')
      .select(['id', 'period', 'k'])
      .where('state', '=', 'closed')
      .execute()
  ).filter((s) => within(s.period, input.periods));
  const months = completedMonths(input.periods, now);
  const [ratings, pulses] = await Promise.all([
    surveys.length === 0
      ? []
      : db
          .selectFrom('survey_ratings')
          .where(
            'survey_id',
            'in',
            surveys.map((s) => s.id),
          )
          .where('csat', 'is not', null)
          .groupBy(['survey_id', 'capability_id'])
          .select((eb) => [
            'survey_id',
            'capability_id',
            eb.fn.countAll().as('n'),
            eb.fn.count(eb.case().when('csat', '>=', 4).then(ONE).end()).as('top'),
          ])
          .execute(),
    months.length === 0
      ? []
      : db
          .selectFrom('pulses')
          .where('month', 'in', months)
          .groupBy(['capability_id', 'month'])
          .select((eb) => [
            'capability_id',
            'month',
            eb.fn.countAll().as('n'),
            eb.fn.count(eb.case().when('rating', '>=', 4).then(ONE).end()).as('top'),
          ])
          .execute(),
  ]);

  const surveyK = new Map(surveys.map((s) => [s.id, s.k === null ? k : Number(s.k)]));
  const out = new Map<string, CapabilityExperience>();
  const entry = (capabilityId: string) => {
    let e = out.get(capabilityId);
    if (!e) {
      e = { surveyN: 0, surveyTop: 0, pulseN: 0, pulseTop: 0, threshold: k, leftOutN: 0 };
      out.set(capabilityId, e);
    }
    return e;
  };
  for (const r of ratings) {
    const n = Number(r.n);
    const own = surveyK.get(r.survey_id) ?? k;
    const e = entry(r.capability_id);
    // The survey's results show its CSAT for the capability only from its own k.
    if (n < own) {
      e.leftOutN += n;
      continue;
    }
    e.surveyN += n;
    e.surveyTop += Number(r.top);
    e.threshold = Math.max(e.threshold, own);
  }
  for (const r of pulses) {
    const n = Number(r.n);
    const e = entry(r.capability_id);
    if (n < k) {
      e.leftOutN += n;
      continue;
    }
    e.pulseN += n;
    e.pulseTop += Number(r.top);
  }
  return out;
}

/**
 * The pooled counts that may be shown, or null: at least `threshold` answers.
 * Every part pooled is shown by its own results, so the pool, and the
 * difference between any two readings of it, is a sum of parts of at least
 * `k` each.
 */
export function mayShowPooled(
  e: CapabilityExperience | undefined,
): { n: number; top: number } | null {
  if (!e) return null;
  const n = e.surveyN + e.pulseN;
  if (n < e.threshold) return null;
  return { n, top: e.surveyTop + e.pulseTop };
}
