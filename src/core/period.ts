import { InvalidInput } from './errors.ts';

/** A reporting period in UTC: a quarter (`2026-Q4`) or a month (`2026-11`). */
export interface Period {
  key: string;
  /** First instant, ISO 8601 UTC (inclusive). */
  start: string;
  /** First instant after the period (exclusive). */
  end: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function iso(year: number, monthIndex: number): string {
  return new Date(Date.UTC(year, monthIndex, 1)).toISOString();
}

/**
 * Parses `YYYY-Qn` or `YYYY-MM`; anything else is bad input on `path`.
 * @example parsePeriod('2026-Q4') // { key: '2026-Q4', start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' }
 */
export function parsePeriod(text: string, path = 'period'): Period {
  const q = QUARTER.exec(text);
  if (q) {
    const year = Number(q[1]);
    const first = (Number(q[2]) - 1) * 3;
    return { key: text, start: iso(year, first), end: iso(year, first + 3) };
  }
  const m = MONTH.exec(text);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]) - 1;
    return { key: text, start: iso(year, month), end: iso(year, month + 1) };
  }
  throw InvalidInput.field(
    path,
    'Give a period as YYYY-Qn (a quarter) or YYYY-MM (a month), in UTC.',
  );
}

/** The quarter that holds a date. */
export function quarterOf(date: Date): Period {
  return parsePeriod(`${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`);
}

/** The period just before this one, of the same kind. */
export function previousPeriod(period: Period): Period {
  const q = QUARTER.exec(period.key);
  if (q) {
    const n = Number(q[1]) * 4 + Number(q[2]) - 2;
    return parsePeriod(`${Math.floor(n / 4)}-Q${(n % 4) + 1}`);
  }
  const start = new Date(period.start);
  const prev = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  return parsePeriod(prev.toISOString().slice(0, 7));
}

/** `YYYY-MM` of an ISO time, in UTC. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** The month `n` months after `YYYY-MM`. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}
