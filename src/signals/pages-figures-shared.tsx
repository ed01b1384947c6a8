// What the figures pages share: paths, number words, and the choices their
// forms offer.

import { addMonths, type Period, previousPeriod, quarterOf } from '../core/period.ts';
import type { UnplannedCause } from './model.ts';

export const FIGURES_PATH = '/figures';
export const ONBOARDING_PATH = '/figures/onboarding';
export const DELIVERY_PATH = '/figures/delivery';
export const UNPLANNED_PATH = '/figures/unplanned-work';
export const valuePath = (slug: string) => `/figures/value/${encodeURIComponent(slug)}`;

export const CAUSE_WORDS: Record<UnplannedCause, string> = {
  'breaking-change': 'Breaking change',
  outage: 'Outage',
  'forced-migration': 'Forced migration',
  other: 'Other',
};

/** The words every figure uses where a small group is not shown (shared/UX.md). */
export const HIDDEN_HIRES =
  'Not shown to keep people anonymous — too few hires in this group, and no later month to join.';

/** `4 days`, `1.5 days`, `1 day`: one decimal below ten. */
export function daysText(days: number | null): string {
  if (days === null) return 'Not yet known';
  const n = days < 10 ? Math.round(days * 10) / 10 : Math.round(days);
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

/** `3.5 hours`, `40 minutes`, `2 days` for longer spans. */
export function hoursText(hours: number | null): string {
  if (hours === null) return 'No data yet';
  if (hours < 1) {
    const m = Math.round(hours * 60);
    return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  }
  if (hours >= 72) return daysText(hours / 24);
  const h = hours < 10 ? Math.round(hours * 10) / 10 : Math.round(hours);
  return `${h} ${h === 1 ? 'hour' : 'hours'}`;
}

/** A number for a table cell: one decimal, or a dash for no data. */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '–';
  return value.toFixed(digits);
}

export function percentText(percent: number | null): string {
  return percent === null ? 'Not yet known' : `${Math.round(percent)}%`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `2026-08` → `Aug 2026`; a span of months → `Aug–Sep 2026` or `Dec 2025–Jan 2026`. */
export function monthSpan(from: string, to: string = from): string {
  const word = (m: string) =>
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
      Number(m.slice(5, 7)) - 1
    ];
  if (from === to) return `${word(from)} ${from.slice(0, 4)}`;
  if (from.slice(0, 4) === to.slice(0, 4)) return `${word(from)}–${word(to)} ${to.slice(0, 4)}`;
  return `${word(from)} ${from.slice(0, 4)}–${word(to)} ${to.slice(0, 4)}`;
}

/** The last `count` months, newest first, with the one asked for among them. */
export function monthChoices(current: string, count = 24, now = new Date()): string[] {
  const thisMonth = now.toISOString().slice(0, 7);
  const months = Array.from({ length: count }, (_, i) => addMonths(thisMonth, -i));
  if (!months.includes(current)) months.unshift(current);
  return months;
}

/** The last eight quarters, newest first, with the one asked for among them. */
export function quarterChoices(current: string, now = new Date()): string[] {
  const keys: string[] = [];
  let p: Period = quarterOf(now);
  for (let i = 0; i < 8; i++, p = previousPeriod(p)) keys.push(p.key);
  if (!keys.includes(current)) keys.unshift(current);
  return keys;
}

/** Hours a week, one decimal below ten: `3.1`, `194`. */
export function hoursAmount(hours: number): string {
  const abs = Math.abs(hours);
  return abs < 10 ? abs.toFixed(1) : String(Math.round(abs));
}

/**
 * A weekly interval in words (negative hours are saved): `from 134 to 250
 * hours saved`, `from 1.7 to 2.0 hours lost`, `from 0.5 hours saved to 1.2 lost`.
 */
export function weeklyInterval(low: number, high: number): string {
  if (high <= 0) return `from ${hoursAmount(high)} to ${hoursAmount(low)} hours saved`;
  if (low >= 0) return `from ${hoursAmount(low)} to ${hoursAmount(high)} hours lost`;
  return `from ${hoursAmount(low)} hours saved to ${hoursAmount(high)} hours lost`;
}
