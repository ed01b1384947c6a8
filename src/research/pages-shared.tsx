// What the research and office-hours pages share: paths, words, the list of
// items made from a friction point, period choices and form helpers.

import type { Child } from 'hono/jsx';
import { listCapabilities } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { type Period, previousPeriod, quarterOf } from '../core/period.ts';
import { formatDate } from '../core/ui/components.tsx';
import { listTeams } from '../org/store.ts';
import {
  type FrictionLink,
  KIND_LABELS,
  type NoteKind,
  OUTCOME_LABELS,
  type Outcome,
} from './model.ts';

export { errorFor, formErrors, readForm } from '../capabilities/pages-shared.tsx';
export { ctxOf } from './ctx.ts';

export const RESEARCH_PATH = '/research';
export const NOTES_PATH = '/research/notes';
export const OFFICE_HOURS_PATH = '/office-hours';

/** A status as a word in a quiet box (never colour alone). */
export function Tag({ children }: { children?: Child }) {
  return <span class="status">{children}</span>;
}

/** `Interview, 14 Oct 2026` */
export const noteLabel = (n: { kind: NoteKind; heldOn: string }) =>
  `${KIND_LABELS[n.kind]}, ${formatDate(n.heldOn)}`;

export const outcomeWord = (o: Outcome) => OUTCOME_LABELS[o];

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A number with at most one decimal: `2.7`, `3`. */
export const oneDecimal = (x: number) => String(Math.round(x * 10) / 10);

/** `45 minutes`, `2.5 hours`. */
export function minutesText(minutes: number): string {
  if (minutes < 120) return plural(minutes, 'minute');
  return `${oneDecimal(minutes / 60)} hours`;
}

const linkHref = (l: Pick<FrictionLink, 'kind' | 'id'>) => `/${l.kind}/${encodeURIComponent(l.id)}`;

/** The feedback and roadmap items made from a friction point, as links with their status. */
export function LinkList({ links }: { links: readonly FrictionLink[] }) {
  if (links.length === 0) return <span class="muted">None yet</span>;
  return (
    <ul class="inline-list">
      {links.map((l) => (
        <li>
          <a href={linkHref(l)}>
            {l.kind === 'feedback' ? 'Feedback' : 'Roadmap'}: {l.title}
          </a>{' '}
          <span class="muted">({l.status})</span>
        </li>
      ))}
    </ul>
  );
}

/** The last eight quarters, newest first, with the one asked for among them. */
export function quarterChoices(current: string | null, now = new Date()): string[] {
  const keys: string[] = [];
  let p: Period = quarterOf(now);
  for (let i = 0; i < 8; i++, p = previousPeriod(p)) keys.push(p.key);
  if (current && !keys.includes(current)) keys.unshift(current);
  return keys;
}

/** Teams and capabilities as select options, with "None" first. */
export async function choices(db: Db) {
  const none = { value: '', label: 'None' };
  return {
    teams: [none, ...(await listTeams(db)).map((t) => ({ value: t.slug, label: t.name }))],
    capabilities: [
      none,
      ...(await listCapabilities(db)).map((c) => ({ value: c.slug, label: c.name })),
    ],
  };
}

/** How many repeatable rows a form shows: at least `min`, the rows asked for, at most `max`. */
export function rowCount(asked: string | undefined, filled: number, min = 5, max = 50): number {
  const n = Number(asked);
  const base = Number.isInteger(n) && n > 0 ? n : min;
  return Math.min(max, Math.max(min, base, filled));
}

/** Rows added each time "add more rows" is pressed. */
export const MORE_ROWS = 3;
