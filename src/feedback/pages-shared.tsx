// What the feedback pages share: words for kinds and statuses, the status
// tag, safe Markdown, the acknowledgement cell and paths.

import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { renderMarkdown } from '../core/markdown.ts';
import { DateText } from '../core/ui/components.tsx';
import {
  type FeedbackItem,
  type FeedbackKind,
  type FeedbackStatus,
  OPEN_STATUSES,
  statusLabel,
} from './model.ts';
import type { FeedbackSummary } from './service.ts';

export { ctxOf, errorFor, formErrors, readForm } from '../capabilities/pages-shared.tsx';

export const KIND_WORDS: Record<FeedbackKind, string> = {
  problem: 'Problem',
  idea: 'Idea',
  question: 'Question',
  praise: 'Praise',
};

/** What each kind is for, as the form explains it. */
export const KIND_HINTS: Record<FeedbackKind, string> = {
  problem: 'Something gets in your way or does not work.',
  idea: 'Something that would make your work easier.',
  question: 'Something you could not find out or do not understand.',
  praise: 'Something that works well, so the platform team keeps it.',
};

/** An item's page, or one of its forms. */
export const itemPath = (id: string, rest = '') => `/feedback/${encodeURIComponent(id)}${rest}`;

const TONE: Record<FeedbackStatus, string> = {
  new: 'status',
  acknowledged: 'status',
  planned: 'status',
  'in-progress': 'status',
  shipped: 'status status-good',
  declined: 'status status-bad',
  duplicate: 'status status-quiet',
};

/** A status as a word in a quiet box (never colour alone). */
export function StatusTag({ status }: { status: FeedbackStatus }) {
  return <span class={TONE[status]}>{statusLabel(status)}</span>;
}

/** Text a person wrote, as safe Markdown (no raw HTML, no script, links only to http(s) and mailto). */
export function Markdown({ source }: { source: string }) {
  if (!source.trim()) return <p class="muted">No description.</p>;
  return <div class="markdown">{raw(renderMarkdown(source))}</div>;
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * Whether the platform acknowledged an item within the SLA: "In time",
 * "Late", "Overdue" (still new past the SLA) or "Due in 2 days".
 */
export function AckCell({ item, now = new Date() }: { item: FeedbackSummary; now?: Date }) {
  if (item.acknowledgedInTime === true) return <span class="status status-good">In time</span>;
  if (item.acknowledgedInTime === false) {
    return item.acknowledgedAt ? (
      <span class="status">Late</span>
    ) : (
      <span class="status status-bad">Overdue</span>
    );
  }
  const left = Math.max(0, Math.ceil((Date.parse(item.slaDeadline) - now.getTime()) / 86_400_000));
  return <span class="muted">{left === 0 ? 'Due today' : `Due in ${days(left)}`}</span>;
}

/** The acknowledgement in a sentence, for an item's page. */
export function AckSentence({ item, slaDays }: { item: FeedbackSummary; slaDays: number }) {
  const promise = `the platform team promises an answer within ${days(slaDays)}`;
  if (item.acknowledgedAt) {
    return (
      <>
        <DateText iso={item.acknowledgedAt} />
        {item.acknowledgedInTime ? ', in time' : `, later than ${promise}`}
      </>
    );
  }
  if (item.status !== 'new') return <>—</>;
  return item.acknowledgedInTime === false ? (
    <>
      Not yet: overdue since <DateText iso={item.slaDeadline} /> ({promise})
    </>
  ) : (
    <>
      Not yet: due by <DateText iso={item.slaDeadline} /> ({promise})
    </>
  );
}

/** "Deploy pipeline" or "The platform as a whole". */
export function aboutText(item: Pick<FeedbackItem, 'capability'>): string {
  return item.capability?.name ?? 'The platform as a whole';
}

export const isOpen = (status: FeedbackStatus) => OPEN_STATUSES.includes(status);

/** A link to an item with its title, and the kind before it for screen readers and eyes alike. */
export function ItemLink({ item }: { item: Pick<FeedbackItem, 'id' | 'title' | 'kind'> }) {
  return (
    <>
      <a href={itemPath(item.id)}>{item.title}</a>{' '}
      <span class="muted">{KIND_WORDS[item.kind]}</span>
    </>
  );
}

/** A list of links that says which one is current ("Most votes · Newest"), without colour alone. */
export function Choices(props: {
  label: string;
  options: { href: string; label: string; current: boolean }[];
}) {
  return (
    <nav class="choices" aria-label={props.label}>
      <span>{props.label}:</span>
      <ul>
        {props.options.map((o) => (
          <li>
            {o.current ? (
              <a href={o.href} aria-current="page">
                <strong>{o.label}</strong>
              </a>
            ) : (
              <a href={o.href}>{o.label}</a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Radio buttons in a fieldset: legend, hint, error, and a hint per option.
 * The first button carries `field-<name>`, so the error summary's link lands on it.
 */
export function RadioGroup(props: {
  name: string;
  legend: string;
  hint?: string;
  error?: string;
  value?: string;
  options: { value: string; label: Child; hint?: Child; disabled?: boolean }[];
}) {
  const base = `field-${props.name}`;
  const describedBy =
    [props.hint ? `${base}-hint` : null, props.error ? `${base}-error` : null]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <fieldset
      class={props.error ? 'field radios field-error' : 'field radios'}
      aria-describedby={describedBy}
    >
      <legend>{props.legend}</legend>
      {props.hint ? (
        <span class="hint" id={`${base}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="error" id={`${base}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </span>
      ) : null}
      {props.options.map((o, i) => {
        const id = i === 0 ? base : `${base}-${o.value}`;
        return (
          <div class="option">
            <input
              type="radio"
              id={id}
              name={props.name}
              value={o.value}
              checked={o.value === props.value}
              disabled={o.disabled}
              aria-describedby={o.hint ? `${id}-hint` : undefined}
            />
            <label for={id}>{o.label}</label>
            {o.hint ? (
              <span class="hint" id={`${id}-hint`}>
                {o.hint}
              </span>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

/** A one-button form (vote, follow, mark read): the button says what happens. */
export function ActionButton(props: {
  action: string;
  csrfToken: string | null;
  label: Child;
  id?: string;
  secondary?: boolean;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class="inline-form">
      {props.csrfToken ? <input type="hidden" name="_csrf" value={props.csrfToken} /> : null}
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" id={props.id} class={props.secondary ? 'secondary' : undefined}>
        {props.label}
      </button>
    </form>
  );
}
