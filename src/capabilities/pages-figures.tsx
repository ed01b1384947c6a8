// The figures section of a capability page (shared/METRICS.md): each figure
// with its n, hidden cohorts said plainly, a small chart with its table.

import * as Plot from '@observablehq/plot';
import type { FieldError } from '../core/errors.ts';
import { type Period, previousPeriod, quarterOf } from '../core/period.ts';
import type { Rate } from '../core/stats.ts';
import { Chart } from '../core/ui/chart.tsx';
import { DataTable, EmptyState, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import type { CapabilityFigures, Cohort, ReasonCount } from './figures.ts';
import { type Capability, EXCEPTION_STATUSES } from './model.ts';
import { capabilityPath, errorFor, STATE_WORDS, STATUS_WORDS } from './pages-shared.tsx';

/** The most months of retention a table shows. */
const MAX_MONTHS = 12;

export const HIDDEN_COHORT = 'Not shown to keep teams anonymous — too few teams in this group';

export function percent(rate: Rate): string {
  return rate.value === null ? 'No data yet' : `${Math.round(rate.value)}%`;
}

const teams = (n: number) => `${n} ${n === 1 ? 'team' : 'teams'}`;

/** The quarters a reader can pick, newest first, with the one asked for among them. */
export function periodChoices(current: string | null, now = new Date()): string[] {
  const keys: string[] = [];
  let p: Period = quarterOf(now);
  for (let i = 0; i < 8; i++, p = previousPeriod(p)) keys.push(p.key);
  if (current && !keys.includes(current)) keys.unshift(current);
  return keys;
}

function Figure(props: { label: string; rate: Rate; text: string; note?: string }) {
  const { rate } = props;
  return (
    <div class="figure">
      <dt>{props.label}</dt>
      <dd>
        <span class="figure-value">{percent(rate)}</span>{' '}
        <span class="figure-n">
          {rate.numerator} of {teams(rate.denominator)}
        </span>
        <span class="figure-note">
          {props.text}
          {props.note ? ` ${props.note}` : null}
        </span>
      </dd>
    </div>
  );
}

function ReasonsChart({ reasons, period }: { reasons: ReasonCount[]; period: string }) {
  const rows = reasons.map((r) => ({ ...r, what: `${r.label} (${STATE_WORDS[r.state]})` }));
  const top = [...rows].sort((a, b) => b.count - a.count)[0]!;
  return (
    <Chart
      title={`Why teams left or opted out in ${period}`}
      description={`The most given reason was “${top.label}”, ${teams(top.count)}.`}
      plot={{
        marks: [Plot.barX(rows, { x: 'count', y: 'what', sort: { y: '-x' } }), Plot.ruleX([0])],
        x: { label: 'Teams', grid: true, tickFormat: 'd' },
        y: { label: null },
        marginLeft: 230,
        height: 40 + rows.length * 28,
      }}
      columns={[
        { label: 'Reason', cell: (r) => r.label },
        { label: 'What they did', cell: (r) => STATE_WORDS[r.state] },
        { label: 'Teams', numeric: true, cell: (r) => r.count },
      ]}
      rows={rows}
    />
  );
}

function CohortTable({ cohorts }: { cohorts: Cohort[] }) {
  const months = Math.min(MAX_MONTHS, Math.max(0, ...cohorts.map((c) => c.retained.length)));
  return (
    <>
      <DataTable
        caption="Teams still using it, by the month they first adopted it"
        rows={cohorts}
        empty="No team has adopted it yet, so there are no groups to follow."
        columns={[
          { label: 'First adopted', cell: (c) => c.month },
          {
            label: 'Teams',
            numeric: true,
            cell: (c) => (c.hidden ? <span class="muted">{HIDDEN_COHORT}</span> : c.size),
          },
          ...Array.from({ length: months }, (_, i) => ({
            label: `After ${i + 1} ${i === 0 ? 'month' : 'months'}`,
            numeric: true,
            cell: (c: Cohort) => {
              if (c.hidden) return '';
              const r = c.retained[i];
              if (r === undefined || r === null) return <span class="muted">Not yet</span>;
              return `${percent(r)} (${r.numerator} of ${r.denominator})`;
            },
          })),
        ]}
      />
      <p class="note">
        “Not yet” means that month is not over, so it is left out rather than counted as a loss.
      </p>
    </>
  );
}

function Exceptions({ figures }: { figures: CapabilityFigures }) {
  const rows = EXCEPTION_STATUSES.map((status) => ({
    status,
    count: figures.exceptions.byStatus[status] ?? 0,
  })).filter((r) => r.count > 0);
  const { median, p90, n } = figures.exceptions.decisionDays;
  return (
    <>
      <h3>Exceptions and policy challenges</h3>
      <p>
        Many requests are a sign that the capability does not fit how teams work, not that teams are
        difficult.
      </p>
      <DataTable
        caption="Requests by status"
        rows={rows}
        empty="No team has asked for an exception or challenged the policy."
        columns={[
          { label: 'Status', cell: (r) => STATUS_WORDS[r.status] },
          { label: 'Requests', numeric: true, cell: (r) => r.count },
        ]}
      />
      <p>
        {n === 0
          ? `No request was decided in ${figures.period.key}.`
          : `Time to a decision in ${figures.period.key}: a median of ${Math.round(median ?? 0)} days, 9 in 10 within ${Math.round(p90 ?? 0)} days (${n} ${n === 1 ? 'decision' : 'decisions'}).`}
      </p>
    </>
  );
}

/** The figures of one capability for one period, with the form that picks the period. */
export function FiguresSection(props: {
  capability: Capability;
  period: string;
  figures: CapabilityFigures | null;
  errors: FieldError[];
}) {
  const { capability, period, figures, errors } = props;
  const f = figures;
  return (
    <section aria-labelledby="figures">
      <h2 id="figures">How teams choose it</h2>
      <ErrorSummary errors={errors} />
      <form method="get" action={capabilityPath(capability.slug)} class="inline-form" novalidate>
        <SelectField
          name="period"
          label="Period"
          value={period}
          error={errorFor(errors, 'period')}
          options={periodChoices(period).map((p) => ({ value: p, label: p }))}
        />
        <button type="submit">Show the figures</button>
      </form>
      {errors.length > 0 ? null : !f ? (
        <EmptyState>
          The figures could not be worked out just now. The rest of this page is up to date; try
          again in a moment.
        </EmptyState>
      ) : (
        <>
          <dl class="figures">
            {capability.obligation === 'mandatory' && f.coverage ? (
              <Figure
                label="Coverage (compliance)"
                rate={f.coverage}
                text="Teams that have adopted it, out of the teams it applies to."
                note="This shows how far the mandate is followed, not whether teams would choose it."
              />
            ) : null}
            {capability.obligation === 'optional' && f.optInRate ? (
              <Figure
                label="Teams that opted in"
                rate={f.optInRate}
                text={`Teams trying or using it at the end of ${f.period.key}, out of the teams it is offered to.`}
              />
            ) : null}
            <Figure
              label="Teams that chose to stay"
              rate={f.stayRate}
              text="Teams still using it, out of every team that ever adopted it: the rest migrated back."
            />
            <Figure
              label="Teams that left during the period"
              rate={f.churn}
              text={`Teams that left it during ${f.period.key}, out of the teams using it when the period began.`}
            />
          </dl>
          <h3>Why teams left or opted out</h3>
          {f.reasons.length === 0 ? (
            <EmptyState>No team left or opted out in {f.period.key}.</EmptyState>
          ) : (
            <ReasonsChart reasons={f.reasons} period={f.period.key} />
          )}
          <h3>Teams that stayed, by the month they adopted it</h3>
          <CohortTable cohorts={f.cohorts} />
          {capability.obligation === 'mandatory' ||
          Object.values(f.exceptions.byStatus).some((n) => n > 0) ? (
            <Exceptions figures={f} />
          ) : null}
        </>
      )}
    </section>
  );
}
