// The unplanned work page: hours teams lost to the platform in a quarter, by
// team, cause and capability, and the last four quarters.

import * as Plot from '@observablehq/plot';
import type { Hono } from 'hono';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { quarterOf } from '../core/period.ts';
import { Chart } from '../core/ui/chart.tsx';
import { DataTable, EmptyState, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { quarterParam } from './api-figures.ts';
import { type UnplannedWorkFigures, unplannedWorkFigures } from './figures-unplanned.ts';
import { UNPLANNED_CAUSES } from './model.ts';
import {
  CAUSE_WORDS,
  num,
  plural,
  quarterChoices,
  UNPLANNED_PATH,
  valuePath,
} from './pages-figures-shared.tsx';

function TrendChart({ figures }: { figures: UnplannedWorkFigures }) {
  const rows = figures.trend;
  const last = rows.at(-1)!;
  const first = rows[0]!;
  return (
    <Chart
      title="Hours of unplanned work, last four quarters"
      description={`${num(first.hours)} hours in ${first.quarter}, ${num(last.hours)} in ${last.quarter}.`}
      plot={{
        marks: [Plot.barY(rows, { x: 'quarter', y: 'hours' }), Plot.ruleY([0])],
        x: { label: null, domain: rows.map((r) => r.quarter) },
        y: { label: 'Hours', grid: true },
        height: 220,
      }}
      columns={[
        { label: 'Quarter', cell: (r) => r.quarter },
        { label: 'Hours', numeric: true, cell: (r) => num(r.hours) },
        { label: 'Reports', numeric: true, cell: (r) => r.reports },
      ]}
      rows={rows}
    />
  );
}

const causeColumns = <T extends { causes: Record<string, number> }>() =>
  UNPLANNED_CAUSES.map((cause) => ({
    label: `${CAUSE_WORDS[cause]} (hours)`,
    numeric: true,
    cell: (r: T) => num(r.causes[cause] ?? 0),
  }));

export function registerUnplannedPage(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  web.get(UNPLANNED_PATH, policy('figures.read'), async (c) => {
    const asked = c.req.query('period') || undefined;
    let errors: { path: string; message: string }[] = [];
    let quarter = quarterOf(new Date());
    try {
      quarter = quarterParam(asked);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors = error.errors;
    }
    const f = errors.length === 0 ? await unplannedWorkFigures(db, quarter) : null;
    return renderPage(
      c,
      { title: 'Unplanned work', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Unplanned work caused by the platform</h1>
        <p class="lead">
          See the hours teams report losing to breaking changes, outages and forced migrations, by
          team and by capability.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={UNPLANNED_PATH} class="inline-form" novalidate>
          <SelectField
            name="period"
            label="Quarter"
            value={asked ?? quarter.key}
            error={errors[0]?.message}
            options={quarterChoices(asked ?? quarter.key).map((q) => ({ value: q, label: q }))}
          />
          <button type="submit">Show the figures</button>
        </form>
        {f ? (
          <>
            <p>
              <strong>{num(f.total.hours)} hours</strong> in {f.quarter}, from{' '}
              {plural(f.total.reports, 'report')}
              {f.total.hours > 0 ? `: about ${num(f.total.hours / 40)} weeks of one person.` : '.'}
            </p>
            <TrendChart figures={f} />
            {f.total.reports === 0 ? (
              <EmptyState>
                No team reported unplanned work in {f.quarter}. Teams report it as{' '}
                <code>unplanned_work</code> events, with the capability and the cause.
              </EmptyState>
            ) : (
              <>
                <DataTable
                  caption={`By cause, ${f.quarter}`}
                  rows={f.byCause}
                  columns={[
                    { label: 'Cause', cell: (r) => CAUSE_WORDS[r.cause] },
                    { label: 'Hours', numeric: true, cell: (r) => num(r.hours) },
                    { label: 'Reports', numeric: true, cell: (r) => r.reports },
                  ]}
                />
                <DataTable
                  caption={`By team, ${f.quarter}, most hours first`}
                  rows={f.byTeam}
                  columns={[
                    { label: 'Team', cell: (r) => r.team.name },
                    { label: 'Hours', numeric: true, cell: (r) => num(r.hours) },
                    ...causeColumns<(typeof f.byTeam)[number]>(),
                  ]}
                />
                <DataTable
                  caption={`By capability, ${f.quarter}, most hours first`}
                  rows={f.byCapability}
                  columns={[
                    {
                      label: 'Capability',
                      cell: (r) => <a href={valuePath(r.capability.slug)}>{r.capability.name}</a>,
                    },
                    { label: 'Hours', numeric: true, cell: (r) => num(r.hours) },
                    ...causeColumns<(typeof f.byCapability)[number]>(),
                  ]}
                />
              </>
            )}
          </>
        ) : null}
      </>,
    );
  });
}
