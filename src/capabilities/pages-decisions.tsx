import type { Hono } from 'hono';
import type { FieldError } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { DataTable, DateText, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import type { Decision } from './model.ts';
import { capabilityPath, errorFor } from './pages-shared.tsx';
import { listCapabilities, listCategories, listDecisions } from './store.ts';

const PAGE = 50;

/** The decision log, filtered by category and capability, newest first, paged. */
export function registerDecisionPages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/decisions', policy('decision.read'), async (c) => {
    const q = c.req.query();
    const categories = await listCategories(db);
    const capabilities = await listCapabilities(db);
    const errors: FieldError[] = [];
    const category = categories.find((k) => k.key === q.category);
    const capability = capabilities.find((k) => k.slug === q.capability);
    if (q.category && !category)
      errors.push({ path: 'category', message: 'Choose a category from the list.' });
    if (q.capability && !capability)
      errors.push({ path: 'capability', message: 'Choose a capability from the list.' });
    const page =
      errors.length > 0
        ? { items: [] as Decision[], nextCursor: null }
        : await listDecisions(db, {
            category: category?.key,
            capabilityId: capability?.id,
            limit: PAGE,
            cursor: q.cursor || undefined,
          });
    const labels = new Map(categories.map((k) => [k.key, k.label]));
    const bySlug = new Map(capabilities.map((k) => [k.id, k]));
    const filters = new URLSearchParams();
    if (category) filters.set('category', category.key);
    if (capability) filters.set('capability', capability.slug);
    const older = page.nextCursor ? new URLSearchParams(filters) : null;
    older?.set('cursor', page.nextCursor!);
    const filtered = filters.size > 0;
    return renderPage(
      c,
      { title: 'Decision log', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Decision log</h1>
        <p class="lead">
          Every decision made in paved — mandates, exceptions, stage changes — with who made it and
          why; filter it to find the reasoning behind one.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action="/decisions" class="filters inline-form" novalidate>
          <SelectField
            name="category"
            label="Category"
            value={q.category ?? ''}
            error={errorFor(errors, 'category')}
            options={[
              { value: '', label: 'Any category' },
              ...categories.map((k) => ({ value: k.key, label: k.label })),
            ]}
          />
          <SelectField
            name="capability"
            label="Capability"
            value={q.capability ?? ''}
            error={errorFor(errors, 'capability')}
            options={[
              { value: '', label: 'Any capability' },
              ...capabilities.map((k) => ({ value: k.slug, label: k.name })),
            ]}
          />
          <button type="submit">Show decisions</button>
          {filtered ? <a href="/decisions">Show every decision</a> : null}
        </form>
        {errors.length > 0 ? null : (
          <DataTable
            caption={filtered ? 'Matching decisions, newest first' : 'Decisions, newest first'}
            rows={page.items}
            empty={
              filtered
                ? 'No decision matches these filters.'
                : 'No decision has been recorded yet. Mandates, exception decisions, stage changes and roadmap decisions show here.'
            }
            columns={[
              { label: 'When', cell: (d) => <DateText iso={d.at} /> },
              { label: 'Category', cell: (d) => labels.get(d.category) ?? d.category },
              { label: 'Decided by', cell: (d) => d.deciderName ?? '—' },
              {
                label: 'Decision',
                cell: (d) => {
                  const subject = d.capabilityId ? bySlug.get(d.capabilityId) : undefined;
                  if (d.subjectType === 'exception' && d.subjectId) {
                    return (
                      <a href={`/exceptions/${encodeURIComponent(d.subjectId)}`}>{d.summary}</a>
                    );
                  }
                  if (d.subjectType === 'roadmap-item' && d.subjectId) {
                    return <a href={`/roadmap/${encodeURIComponent(d.subjectId)}`}>{d.summary}</a>;
                  }
                  return subject ? (
                    <a href={capabilityPath(subject.slug)}>{d.summary}</a>
                  ) : (
                    d.summary
                  );
                },
              },
              { label: 'Rationale', cell: (d) => <span class="prose">{d.rationale}</span> },
            ]}
          />
        )}
        {older ? (
          <p>
            <a href={`/decisions?${older.toString()}`}>Older decisions</a>
          </p>
        ) : null}
      </>,
    );
  });
}
