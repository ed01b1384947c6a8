// Deployment frequency bands (shared/METRICS.md, "Delivery"; the Four Keys
// buckets): daily when the median week has a deploy on 3 days or more, weekly
// when the median week has one deploy or more, monthly when the median month
// has one or more, otherwise yearly. Where METRICS.md is silent: weeks are
// 7-day blocks and months 30-day blocks counted back from the window's end
// (a window shorter than 30 days is one month); days before the first whole
// block are left out of the medians; no deploy at all in the window is "no
// data", since it cannot tell a team that deploys rarely from one that sends
// no events.

import { median } from '../core/stats.ts';

export const FREQUENCY_BANDS = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type FrequencyBand = (typeof FREQUENCY_BANDS)[number];

const DAY = 86_400_000;

export interface DeployDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  deploys: number;
}

export interface FrequencyFigures {
  band: FrequencyBand | null;
  deploys: number;
  /** Production deploys per week over the whole window. */
  perWeek: number;
  weeks: number;
  months: number;
  /** Median over the weeks of days with a deploy. */
  medianDaysPerWeek: number | null;
  medianDeploysPerWeek: number | null;
  medianDeploysPerMonth: number | null;
}

/** Whole blocks of `size` days counted back from `endMs`: how many deploys and deploy days each holds. */
function blocks(days: readonly DeployDay[], endMs: number, size: number, count: number) {
  const out = Array.from({ length: count }, () => ({ deploys: 0, days: 0 }));
  for (const d of days) {
    if (d.deploys <= 0) continue;
    const back = Math.floor((endMs - Date.parse(`${d.day}T00:00:00Z`)) / DAY); // 1 = the last day
    if (back < 1) continue;
    const i = Math.floor((back - 1) / size);
    if (i >= count) continue;
    out[i]!.deploys += d.deploys;
    out[i]!.days += 1;
  }
  return out;
}

/**
 * The frequency band of one team (or the whole organisation) over a window
 * of `windowDays` days ending (exclusive) at `end` (YYYY-MM-DD).
 * @example frequencyBand([{ day: '2026-10-30', deploys: 2 }], { end: '2026-11-01', days: 90 }).band // 'yearly'
 */
export function frequencyBand(
  days: readonly DeployDay[],
  window: { end: string; days: number },
): FrequencyFigures {
  const endMs = Date.parse(`${window.end}T00:00:00Z`);
  const startMs = endMs - window.days * DAY;
  const inWindow = days.filter((d) => {
    const t = Date.parse(`${d.day}T00:00:00Z`);
    return t >= startMs && t < endMs;
  });
  const deploys = inWindow.reduce((s, d) => s + Math.max(0, d.deploys), 0);
  const weeks = Math.floor(window.days / 7);
  const months = Math.max(1, Math.floor(window.days / 30));
  const monthSize = Math.min(window.days, 30);
  const w = blocks(inWindow, endMs, 7, weeks);
  const m = blocks(inWindow, endMs, monthSize, months);
  const medianDaysPerWeek = median(w.map((b) => b.days));
  const medianDeploysPerWeek = median(w.map((b) => b.deploys));
  const medianDeploysPerMonth = median(m.map((b) => b.deploys));
  let band: FrequencyBand | null = null;
  if (deploys > 0) {
    if ((medianDaysPerWeek ?? 0) >= 3) band = 'daily';
    else if ((medianDeploysPerWeek ?? 0) >= 1) band = 'weekly';
    else if ((medianDeploysPerMonth ?? 0) >= 1) band = 'monthly';
    else band = 'yearly';
  }
  return {
    band,
    deploys,
    perWeek: deploys / (window.days / 7),
    weeks,
    months,
    medianDaysPerWeek,
    medianDeploysPerWeek,
    medianDeploysPerMonth,
  };
}
