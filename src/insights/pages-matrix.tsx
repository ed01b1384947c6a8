// The matrix page: every capability by obligation × experience as a 2×2
// chart and as a table with the usage figures beside each, a quarter picker
// that works without script, and how the placing is done.

import type { Hono } from 'hono';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { quarterOf } from '../core/period.ts';
import type { Rate } from '../core/stats.ts';
import { DataTable, ErrorSummary, SelectField } from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import {
  hoursAmount,
  monthSpan,
  num,
  plural,
  quarterChoices,
  weeklyInterval,
} from '../signals/pages-figures-shared.tsx';
import { type Matrix, type MatrixRow, matrixFor, matrixGroups, matrixPeriod } from './matrix.ts';
import { MatrixChart, pct } from './matrix-chart.tsx';

export const MATRIX_PATH = '/matrix';

const capabilityPath = (slug: string) => `/capabilities/${encodeURIComponent(slug)}`;

const STATUS_WORDS = {
  good: 'Satisfied',
  poor: 'Not satisfied',
  unclear: 'Unclear',
} as const;

/** "Satisfied: 90% (95% interval 69 to 97, 20 answers)", or why there is nothing to show. */
export function experienceText(e: MatrixRow['experience']): string {
  if (e.status === 'no-data' || e.csat === null) {
    return 'Not placed — too few answers here, or showing them would reveal a smaller group’s answers.';
  }
  return `${STATUS_WORDS[e.status]}: ${Math.round(e.csat)}% (95% interval ${pct(e.low!)} to ${pct(e.high!)}, ${plural(e.n!, 'answer')})`;
}

/** "33% (2 of 6 teams)", or what stands in for a share of no teams. */
const rateText = (r: Rate, none: string) =>
  r.value === null
    ? none
    : `${Math.round(r.value)}% (${r.numerator} of ${plural(r.denominator, 'team')})`;

/** "Saves about 3.1 hours a week (95% interval: from 1.2 to 5.0 hours saved)", with "not causal" when it is not. */
export function valueText(v: MatrixRow['value']): string {
  if (!v) return 'No outcome fixed yet';
  if (v.hoursPerWeek === null) return `Not enough data yet (${v.outcome.toLowerCase()})`;
  const amount = `${v.hoursPerWeek <= 0 ? 'Saves' : 'Costs'} about ${hoursAmount(v.hoursPerWeek)} hours a week`;
  const interval =
    v.low !== null && v.high !== null ? ` (95% interval: ${weeklyInterval(v.low, v.high)})` : '';
  return `${amount}${interval}${v.causal ? '' : ' — not causal'}`;
}

function Rules({ m }: { m: Matrix }) {
  return (
    <details>
      <summary>How this is placed</summary>
      <ul>
        <li>
          Experience pools the answers to “How satisfied are you with …?” in the closed surveys of{' '}
          {m.pooled.join(' and ')} with the in-the-moment ratings of their completed months
          {m.pulseMonths.length > 0
            ? ` (${monthSpan(m.pulseMonths[0]!, m.pulseMonths.at(-1)!)})`
            : ' (none complete yet)'}
          . The current month never counts.
        </li>
        <li>
          The share satisfied is the share answering 4 or 5 of 5, with its 95% interval (Wilson). It
          counts as <strong>satisfied</strong> when the whole interval is at or above {m.threshold}
          %, <strong>not satisfied</strong> when the whole interval is below it, and{' '}
          <strong>unclear</strong> when the interval reaches both sides: that needs more answers
          before deciding.
        </li>
        <li>
          With fewer than {m.k} answers, or where showing them would reveal a smaller group’s
          answers, nothing is shown and the capability is not placed.
        </li>
        <li>
          Required and satisfied: invest. Required and not satisfied: minimise the pain, explain why
          it is required, and fix it first. Chosen and satisfied: product–market fit, grow it.
          Chosen and not satisfied: rethink or retire it.
        </li>
        <li>
          Ideas and retired capabilities are not on offer, so they are not placed. Opt-in, coverage
          and the stay rate are as of the end of {m.period}; exceptions as of now; the time saved is
          the latest estimate.
        </li>
      </ul>
    </details>
  );
}

function MatrixTable({ m }: { m: Matrix }) {
  const rows = matrixGroups(m.rows).flatMap((g) => g.rows);
  return (
    <DataTable
      caption={`Every capability on offer, ${m.period}, by what it calls for`}
      rows={rows}
      empty="No capability is on offer yet. Add one to the catalog to see it here."
      columns={[
        {
          label: 'Capability',
          cell: (r) => <a href={capabilityPath(r.capability.slug)}>{r.capability.name}</a>,
        },
        {
          label: 'Obligation',
          cell: (r) => (r.capability.obligation === 'mandatory' ? 'Required' : 'Chosen'),
        },
        { label: 'Experience', cell: (r) => experienceText(r.experience) },
        { label: 'What it calls for', cell: (r) => r.action },
        {
          label: 'Opt-in or coverage',
          cell: (r) =>
            `${r.adoption.kind === 'opt-in' ? 'Opt-in' : 'Coverage'} ${rateText(r.adoption.rate, 'no eligible teams')}`,
        },
        {
          label: 'Teams that chose to stay',
          cell: (r) => rateText(r.stayRate, 'No team has adopted it yet'),
        },
        {
          label: 'Exceptions',
          cell: (r) => `${r.exceptions.open} waiting, ${r.exceptions.approved} approved`,
        },
        { label: 'Unplanned work (hours)', numeric: true, cell: (r) => num(r.unplanned.hours) },
        { label: 'Time a week', cell: (r) => valueText(r.value) },
      ]}
    />
  );
}

/** The matrix page. */
export function registerMatrixPages(web: Hono<AppEnv>, { handle }: Deps): void {
  web.get(MATRIX_PATH, policy('insights.read'), async (c) => {
    const asked = c.req.query('period') || undefined;
    let errors: FieldError[] = [];
    let quarter = quarterOf(new Date());
    try {
      quarter = matrixPeriod(asked);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      errors = error.errors;
    }
    const m = errors.length === 0 ? await matrixFor(handle.db, { period: quarter.key }) : null;
    return renderPage(
      c,
      { title: 'Mandate–choice matrix', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Mandate–choice matrix</h1>
        <p class="lead">
          See every capability by whether teams must use it and whether developers are satisfied
          with it, what each calls for, and how much it is used.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={MATRIX_PATH} class="inline-form" novalidate>
          <SelectField
            name="period"
            label="Quarter"
            value={asked ?? quarter.key}
            error={errors[0]?.message}
            options={quarterChoices(asked ?? quarter.key).map((q) => ({ value: q, label: q }))}
          />
          <button type="submit">Show the matrix</button>
        </form>
        {m ? (
          <>
            <MatrixChart m={m} />
            <h2>Every capability</h2>
            <MatrixTable m={m} />
            {m.notPlaced.length > 0 ? (
              <p class="note">
                Not placed, as they are not on offer:{' '}
                {m.notPlaced.map((c, i) => (
                  <>
                    {i > 0 ? ', ' : ''}
                    <a href={capabilityPath(c.slug)}>{c.name}</a> ({c.stage})
                  </>
                ))}
                .
              </p>
            ) : null}
            <Rules m={m} />
          </>
        ) : null}
      </>,
    );
  });
}
