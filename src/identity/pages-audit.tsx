import type { Hono } from 'hono';
import { z } from 'zod';
import { type AuditRecord, listAudit } from '../core/audit.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, ErrorSummary, Field } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { errorFor, validateForm } from './pages-shared.tsx';

const PAGE_SIZE = 50;

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

const day = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || isDay(v), `${label} must be a real date, like 2026-12-31`);

const AuditFilterForm = z.object({
  action: z.string().trim().max(100, 'Action must be at most 100 characters'),
  actor: z.string().trim().toLowerCase().max(254, 'Email must be at most 254 characters'),
  since: day('From date'),
  until: day('To date'),
  cursor: z.string().max(500, 'This page link is not valid; start again from the first page'),
});

/** The day after a `YYYY-MM-DD`, as the exclusive end of a range. */
function dayAfter(value: string): string {
  return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString();
}

/** The details of an entry as one short line. */
function detailsText(details: Record<string, unknown>): string {
  const text = Object.entries(details)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text || '—';
}

function Who({ entry }: { entry: AuditRecord }) {
  if (entry.actorEmail) return <>{entry.actorEmail}</>;
  return <span class="muted">{entry.actorId ? '—' : 'not attributed'}</span>;
}

/** The audit log for admins: who changed what, when and from where, filtered and paged. */
export function registerAuditPages(web: Hono<AppEnv>, deps: Deps): void {
  web.get('/admin/audit', policy('audit.read'), async (c) => {
    const values = c.req.query();
    const form = validateForm(AuditFilterForm, values);
    const errors: FieldError[] = form.errors ?? [];
    const f = form.data;
    if (f?.since && f.until && f.until < f.since) {
      errors.push({ path: 'until', message: 'To date must be on or after the from date' });
    }
    let entries: AuditRecord[] = [];
    let nextCursor: string | null = null;
    if (f && errors.length === 0) {
      try {
        const page = await listAudit(deps.handle.db, {
          action: f.action || undefined,
          actorEmail: f.actor || undefined,
          since: f.since ? `${f.since}T00:00:00.000Z` : undefined,
          until: f.until ? dayAfter(f.until) : undefined,
          limit: PAGE_SIZE,
          cursor: f.cursor || undefined,
        });
        entries = page.items;
        nextCursor = page.nextCursor;
      } catch (error) {
        // Only the cursor can be refused here: a link that was edited or is from another list.
        if (!(error instanceof InvalidInput)) throw error;
        errors.push({
          path: 'action',
          message: 'This page link is not valid; filter again to start from the newest entries',
        });
      }
    }
    const filters = new URLSearchParams();
    for (const key of ['action', 'actor', 'since', 'until'] as const) {
      const v = f?.[key];
      if (v) filters.set(key, v);
    }
    const older = nextCursor ? new URLSearchParams(filters) : null;
    older?.set('cursor', nextCursor!);
    const filtered = filters.size > 0;
    return renderPage(
      c,
      { title: 'Audit log', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Audit log</h1>
        <p class="lead">
          Every change made in paved: who made it, what it changed, when (in UTC) and from which
          address. Filter it to find one change.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action="/admin/audit" class="filters" novalidate>
          <Field
            name="action"
            label="Action starts with"
            hint="Such as user. or token.create"
            value={values.action}
            error={errorFor(errors, 'action')}
          />
          <Field
            name="actor"
            label="Who (email)"
            type="email"
            value={values.actor}
            error={errorFor(errors, 'actor')}
          />
          <Field
            name="since"
            label="From date"
            hint="The first day to include"
            type="date"
            value={values.since}
            error={errorFor(errors, 'since')}
          />
          <Field
            name="until"
            label="To date"
            hint="The last day to include"
            type="date"
            value={values.until}
            error={errorFor(errors, 'until')}
          />
          <button type="submit">Filter the log</button>{' '}
          {filtered ? <a href="/admin/audit">Show every entry</a> : null}
        </form>
        {errors.length > 0 ? null : (
          <DataTable
            caption={filtered ? 'Matching changes, newest first' : 'Changes, newest first'}
            rows={entries}
            empty={
              filtered
                ? 'No change matches these filters. Widen the dates or clear a filter.'
                : 'Nothing has changed yet. Changes show here as people use paved.'
            }
            columns={[
              {
                label: 'When (UTC)',
                cell: (e) => (
                  <>
                    <DateText iso={e.at} /> {e.at.slice(11, 16)}
                  </>
                ),
              },
              { label: 'Who', cell: (e) => <Who entry={e} /> },
              { label: 'Action', cell: (e) => <code>{e.action}</code> },
              {
                label: 'Target',
                cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'),
              },
              { label: 'From', cell: (e) => e.ip ?? '—' },
              { label: 'Details', cell: (e) => detailsText(e.details) },
            ]}
          />
        )}
        {older ? (
          <p>
            <a href={`/admin/audit?${older.toString()}`}>Older entries</a>
          </p>
        ) : null}
      </>,
    );
  });
}
