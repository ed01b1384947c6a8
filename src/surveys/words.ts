// The words every survey output uses for its figures, so the pages and the
// CLI say the same thing (shared/UX.md): "NPS 31 (95% interval 18 to 44, 212
// answers)", "up 9 since Q3 2026 — not a significant change". Plain module:
// the CLI imports it without the page machinery.

import type { Dimension } from './results-cuts.ts';

interface Interval {
  low: number;
  high: number;
}

const round = (v: number) => Math.round(v);

/** A whole number with a real minus sign: "−12", "31". */
export const signed = (v: number) => (round(v) < 0 ? `−${Math.abs(round(v))}` : String(round(v)));

/** "1 answer", "8 answers", "5 ratings". */
export const count = (n: number, unit: 'answer' | 'rating' = 'answer') =>
  `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "31 (95% interval 18 to 44, 212 answers)". */
export function npsText(n: { score: number | null; n: number; interval: Interval | null }): string {
  if (n.score === null || !n.interval) return 'No answers';
  return `${signed(n.score)} (95% interval ${signed(n.interval.low)} to ${signed(n.interval.high)}, ${count(n.n)})`;
}

/** "62% (95% interval 48% to 74%, 40 answers)": a top-box share with its Wilson interval. */
export function shareText(
  p: { value: number | null; n: number; interval: Interval | null },
  unit: 'answer' | 'rating' = 'answer',
): string {
  if (p.value === null || !p.interval) return unit === 'answer' ? 'No answers' : 'No ratings';
  return `${round(p.value)}% (95% interval ${round(p.interval.low)}% to ${round(p.interval.high)}%, ${count(p.n, unit)})`;
}

/** "80% (8 of 10 people asked)". */
export function rateText(value: number | null, responded: number, invited: number): string {
  if (value === null) return 'Not shown';
  return `${round(value)}% (${responded} of ${invited} people asked)`;
}

/** "1.5 hours", or a dash when there is nothing. */
export const hours = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} hours`);

/** Median, trimmed mean and FTE of hours lost, with n. */
export function hoursText(h: {
  n: number;
  median: number | null;
  trimmedMean: number | null;
  fte: number;
}): string {
  return `median ${hours(h.median)} a week, 10% trimmed mean ${hours(h.trimmedMean)}, about ${h.fte.toFixed(1)} full-time people (FTE) in total, from ${count(h.n)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A period key in words: `2026-Q4` → `Q4 2026`, `2026-11` → `Nov 2026`. */
export function periodWords(key: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return `Q${q[2]} ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
  return key;
}

/** `12 Dec 2026` from `YYYY-MM-DD`. */
export function dayWords(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** "up 9 since Q3 2026 — not a significant change": the change with its test, in words. */
export function changeText(change: {
  previousPeriod: string;
  delta: number | null;
  significant: boolean;
}): string {
  const since = periodWords(change.previousPeriod);
  if (change.delta === null) return `No comparison with ${since}`;
  const d = round(change.delta);
  const move =
    d > 0
      ? `up ${d} since ${since}`
      : d < 0
        ? `down ${-d} since ${since}`
        : `no change since ${since}`;
  return `${move} — ${change.significant ? 'a significant change' : 'not a significant change'}`;
}

/** How each dimension is named in sentences: "by team", "by time at the company". */
export const BY_WORDS: Record<Dimension, string> = {
  team: 'team',
  tenure: 'time at the company',
  level: 'level',
};
