// Helpers for the capabilities CLI: paging through lists, dates, wrapping and rates.

import type { Io } from '../core/cli.ts';
import type { ApiClient } from '../core/client.ts';

/** Every item of a paged list (`{items, nextCursor}`), following the cursors. */
export async function fetchAll<T>(
  client: ApiClient,
  path: string,
  query: Record<string, string | undefined> = {},
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get<{ items: T[]; nextCursor: string | null }>(path, {
      ...query,
      limit: 500,
      cursor,
    });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-12-12` or an ISO time → `12 Dec 2026` (UTC). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1] ?? '?'} ${y}`;
}

/** Wraps text to `width` columns, each line indented. */
export function wrap(text: string, indent = '  ', width = 80): string {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(indent + line);
  }
  return lines.join('\n');
}

export interface RateJson {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** `40% (4 of 10 teams)`, or `no data` when nothing was there to count. */
export function formatRate(rate: RateJson | null, unit = 'teams'): string {
  if (!rate || rate.value === null) return 'no data yet';
  const noun = rate.denominator === 1 ? unit.replace(/s$/, '') : unit;
  return `${Math.round(rate.value)}% (${rate.numerator} of ${rate.denominator} ${noun})`;
}

/** `leader` → "Leadership", `platform` → "The platform team". */
export function deciderWords(role: string | null): string {
  if (role === 'leader') return 'Leadership';
  if (role === 'platform') return 'The platform team';
  return role ?? 'Nobody';
}

/** A YYYY-MM-DD option value, or undefined when it is not a real day. */
export function isoDate(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text ? text : undefined;
}
