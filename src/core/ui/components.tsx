import { randomBytes } from 'node:crypto';
import type { Child } from 'hono/jsx';
import type { FieldError } from '../errors.ts';

export interface Column<T> {
  /** Header text, with the unit where there is one ("Deploys per week"). */
  label: string;
  cell: (row: T) => Child;
  numeric?: boolean;
  /** When set, the header links to this sort key. */
  sortKey?: string;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
  href: (key: string, dir: 'asc' | 'desc') => string;
}

/** A data table: caption, column headers with scope, numbers right-aligned, sorting by links. */
export function DataTable<T>(props: {
  caption: Child;
  columns: Column<T>[];
  rows: T[];
  sort?: SortState;
  /** Shown in place of the table when there are no rows. */
  empty?: Child;
}) {
  const { caption, columns, rows, sort, empty } = props;
  if (rows.length === 0 && empty) return <EmptyState>{empty}</EmptyState>;
  // A table wider than the screen scrolls inside a named, focusable region,
  // so keyboard users can scroll it too.
  const captionId = `table-${randomBytes(4).toString('hex')}-caption`;
  return (
    <section class="table-scroll" aria-labelledby={captionId} tabindex={0}>
      <table>
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((col) => (
              <th
                scope="col"
                class={col.numeric ? 'num' : undefined}
                aria-sort={sortAria(col, sort)}
              >
                {col.sortKey && sort ? <SortLink col={col} sort={sort} /> : col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {columns.map((col) => (
                <td class={col.numeric ? 'num' : undefined}>{col.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function sortAria<T>(col: Column<T>, sort?: SortState) {
  if (!sort || !col.sortKey || col.sortKey !== sort.key) return undefined;
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}

function SortLink<T>({ col, sort }: { col: Column<T>; sort: SortState }) {
  const active = sort.key === col.sortKey;
  const next = active && sort.dir === 'asc' ? 'desc' : 'asc';
  return (
    <a href={sort.href(col.sortKey!, next)}>
      {col.label}
      <span class="visually-hidden">
        {active ? `, sorted ${sort.dir === 'asc' ? 'ascending' : 'descending'}` : ', sort'}
      </span>
    </a>
  );
}

interface FieldBase {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  /** When several forms on one page have a field of the same name. */
  id?: string;
  /** Visually hide the label (a table row's own control, named by the row). */
  hiddenLabel?: boolean;
}

/** Label above, hint under the label, the error beside the control; every field uses it. */
function FieldShell(props: FieldBase & { control: (aria: ControlAria) => Child }) {
  const id = props.id ?? `field-${props.name}`;
  const describedBy =
    [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div class={props.error ? 'field field-error' : 'field'}>
      <label for={id} class={props.hiddenLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </span>
      ) : null}
      {props.control({
        id,
        name: props.name,
        'aria-describedby': describedBy,
        'aria-invalid': props.error ? 'true' : undefined,
      })}
    </div>
  );
}

interface ControlAria {
  id: string;
  name: string;
  'aria-describedby': string | undefined;
  'aria-invalid': 'true' | undefined;
}

/** A text field (or a textarea with `multiline`). */
export function Field(
  props: FieldBase & {
    value?: string;
    type?: 'text' | 'email' | 'password' | 'date' | 'number' | 'url';
    autocomplete?: string;
    required?: boolean;
    multiline?: boolean;
  },
) {
  return (
    <FieldShell
      {...props}
      control={(aria) =>
        props.multiline ? (
          <textarea {...aria} required={props.required} autocomplete={props.autocomplete} rows={5}>
            {props.value ?? ''}
          </textarea>
        ) : (
          <input
            {...aria}
            required={props.required}
            autocomplete={props.autocomplete}
            type={props.type ?? 'text'}
            value={props.value ?? ''}
          />
        )
      }
    />
  );
}

/** A select, laid out like `Field`. */
export function SelectField(
  props: FieldBase & { options: { value: string; label: string }[]; value?: string },
) {
  return (
    <FieldShell
      {...props}
      control={(aria) => (
        <select {...aria}>
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A short confirmation of what just happened, read out by screen readers. */
export function Notice({ children }: { children?: Child }) {
  return (
    <div class="notice" role="status">
      <p>{children}</p>
    </div>
  );
}

/**
 * The error summary at the top of a form after a failed submit; each message
 * links to its field. It takes focus when the page loads (autofocus, so without
 * JavaScript too): keyboard and screen-reader users start at what to fix.
 */
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  if (errors.length === 0) return null;
  return (
    <div
      class="error-summary"
      role="alert"
      tabindex={-1}
      autofocus
      aria-labelledby="error-summary-title"
    >
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.map((e) => (
          <li>
            <a href={`#field-${e.path}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What would fill an empty list, and the action that fills it. */
export function EmptyState({ children }: { children?: Child }) {
  return <div class="empty">{children}</div>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12 Dec 2026` from an ISO date or time (UTC). */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** "3 days ago", "in 2 months" relative to `now`. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const days = Math.round(
    (Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) - now.getTime()) / 86_400_000,
  );
  const abs = Math.abs(days);
  const [n, unit] =
    abs < 1
      ? [0, 'today']
      : abs < 60
        ? [abs, 'day']
        : abs < 730
          ? [Math.round(abs / 30.4), 'month']
          : [Math.round(abs / 365.25), 'year'];
  if (unit === 'today') return 'today';
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return days < 0 ? `${text} ago` : `in ${text}`;
}

/** A date as words, with the relative time in its title. */
export function DateText({ iso, now }: { iso: string; now?: Date }) {
  return (
    <time datetime={iso} title={relativeTime(iso, now)}>
      {formatDate(iso)}
    </time>
  );
}

/** A POST form that carries the session's CSRF token; `novalidate` so paved's own messages show. */
export function Form(props: {
  action: string;
  csrfToken: string | null;
  children?: Child;
  class?: string;
}) {
  return (
    <form method="post" action={props.action} novalidate class={props.class}>
      {props.csrfToken ? <input type="hidden" name="_csrf" value={props.csrfToken} /> : null}
      {props.children}
    </form>
  );
}
