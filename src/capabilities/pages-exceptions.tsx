import type { Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { EXCEPTION_STATUSES, type ExceptionRequest, type ExceptionStatus } from './model.ts';
import {
  errorFor,
  KIND_WORDS,
  ROLE_WORDS,
  STATUS_WORDS,
  Tag,
  teamPath,
  today,
} from './pages-shared.tsx';
import { listCapabilities, listCategories, listExceptions } from './store.ts';

const PAGE = 50;
const OPEN: ExceptionStatus[] = ['pending', 'escalated'];

/** `YYYY-MM-DD` n days after today (UTC). */
const daysFromToday = (n: number) =>
  new Date(Date.parse(`${today()}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Names for the table cells: capabilities, teams, and who decides each category. */
async function lookups(db: Db) {
  const capabilities = new Map((await listCapabilities(db)).map((k) => [k.id, k]));
  const teams = new Map((await listTeams(db, { includeInactive: true })).map((t) => [t.id, t]));
  const deciders = new Map((await listCategories(db)).map((k) => [k.key, k.deciderRole]));
  return { capabilities, teams, deciders };
}

type Lookups = Awaited<ReturnType<typeof lookups>>;

function RequestTable(props: {
  caption: string;
  rows: ExceptionRequest[];
  empty: string;
  names: Lookups;
  expiring?: boolean;
}) {
  const { capabilities, teams, deciders } = props.names;
  return (
    <DataTable
      caption={props.caption}
      rows={props.rows}
      empty={props.empty}
      columns={[
        {
          label: 'Request',
          cell: (e) => (
            <a href={`/exceptions/${encodeURIComponent(e.id)}`}>
              {KIND_WORDS[e.kind]}:{' '}
              {capabilities.get(e.capabilityId)?.name ?? 'a removed capability'}
            </a>
          ),
        },
        {
          label: 'Team',
          cell: (e) => {
            const team = teams.get(e.teamId);
            return team ? <a href={teamPath(team.slug)}>{team.name}</a> : '—';
          },
        },
        { label: 'Status', cell: (e) => <Tag>{STATUS_WORDS[e.status]}</Tag> },
        props.expiring
          ? { label: 'Ends', cell: (e) => (e.expiresOn ? <DateText iso={e.expiresOn} /> : '—') }
          : { label: 'Asked', cell: (e) => <DateText iso={e.createdAt} /> },
        {
          label: 'Who decides',
          cell: (e) =>
            ROLE_WORDS[e.status === 'escalated' ? 'leader' : (deciders.get(e.category) ?? '')] ??
            '—',
        },
      ]}
    />
  );
}

/** The list of exception requests and policy challenges, and the form that asks for one. */
export function registerExceptionListPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/exceptions', policy('capability.read'), async (c) => {
    const q = c.req.query();
    const status = EXCEPTION_STATUSES.includes(q.status as ExceptionStatus)
      ? (q.status as ExceptionStatus)
      : undefined;
    const errors: FieldError[] =
      q.status && !status ? [{ path: 'status', message: 'Choose a status from the list.' }] : [];
    const names = await lookups(db);
    const open = status ? null : await listExceptions(db, { status: OPEN, limit: 500 });
    const rest = await listExceptions(db, {
      status: status ? [status] : EXCEPTION_STATUSES.filter((s) => !OPEN.includes(s)),
      limit: PAGE,
      cursor: q.cursor || undefined,
    });
    const expiring = await listExceptions(db, {
      status: ['approved'],
      expiringBy: daysFromToday(30),
      limit: 500,
    });
    const more = rest.nextCursor
      ? `/exceptions?${new URLSearchParams({ ...(status ? { status } : {}), cursor: rest.nextCursor }).toString()}`
      : null;
    return renderPage(
      c,
      { title: 'Exceptions and policy challenges', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Exceptions and policy challenges</h1>
        <p class="lead">
          Requests not to use a required capability, or to change the policy itself: see what waits
          for a decision, what ends soon, and ask for one.
        </p>
        <p>
          <a class="button" href="/exceptions/new">
            Ask for an exception
          </a>
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action="/exceptions" class="filters inline-form" novalidate>
          <SelectField
            name="status"
            label="Status"
            value={status ?? ''}
            error={errorFor(errors, 'status')}
            options={[
              { value: '', label: 'Any status, waiting first' },
              ...EXCEPTION_STATUSES.map((s) => ({ value: s, label: STATUS_WORDS[s] })),
            ]}
          />
          <button type="submit">Show requests</button>
        </form>
        {open ? (
          <>
            <h2>Waiting for a decision</h2>
            <RequestTable
              caption="Requests waiting for a decision, newest first"
              rows={open.items}
              names={names}
              empty="Nothing is waiting for a decision."
            />
          </>
        ) : null}
        <h2>{status ? STATUS_WORDS[status] : 'Decided'}</h2>
        <RequestTable
          caption={
            status ? `${STATUS_WORDS[status]}, newest first` : 'Decided requests, newest first'
          }
          rows={rest.items}
          names={names}
          empty={status ? 'No request has this status.' : 'No request has been decided yet.'}
        />
        {more ? (
          <p>
            <a href={more}>Older requests</a>
          </p>
        ) : null}
        <h2>Exceptions ending within 30 days</h2>
        <RequestTable
          caption="Approved exceptions that end soon, soonest first"
          rows={[...expiring.items].sort((a, b) =>
            (a.expiresOn ?? '').localeCompare(b.expiresOn ?? ''),
          )}
          names={names}
          expiring
          empty="No approved exception ends in the next 30 days."
        />
      </>,
    );
  });
}
