// The responsiveness figures on the board (shared/METRICS.md
// "Responsiveness"): each with its n, and the last quarters in a table.

import { DataTable } from '../core/ui/components.tsx';
import type { ResponsivenessFigures } from './figures.ts';

const items = (n: number) => `${n} ${n === 1 ? 'item' : 'items'}`;

/** Days with one decimal ("2.5 days"), or "No data yet". */
export function daysText(value: number | null): string {
  if (value === null) return 'No data yet';
  const rounded = Math.round(value * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'day' : 'days'}`;
}

export function shareText(f: ResponsivenessFigures): string {
  const { value } = f.withinSla;
  return value === null ? 'No data yet' : `${Math.round(value)}%`;
}

/** The figures of one period as a definition list: share in time, time to acknowledge, overdue. */
export function ResponsivenessList({ figures: f }: { figures: ResponsivenessFigures }) {
  const t = f.timeToAcknowledge;
  return (
    <dl class="figures">
      <div>
        <dt>Acknowledged within {f.slaDays} days</dt>
        <dd>
          <span class="figure-value">{shareText(f)}</span>{' '}
          <span>
            {f.withinSla.numerator} of {items(f.withinSla.denominator)}
          </span>
          <span class="figure-note">
            Items posted in {f.period} whose {f.slaDays} days have passed.
          </span>
        </dd>
      </div>
      <div>
        <dt>Time to acknowledge</dt>
        <dd>
          <span class="figure-value">{daysText(t.medianDays)}</span> <span>median</span>
          <span class="figure-note">
            9 in 10 within {daysText(t.p90Days).toLowerCase()} ({items(t.n)}
            {t.openBreaches > 0 ? `, of which ${t.openBreaches} still waiting, counted so far` : ''}
            ).
          </span>
        </dd>
      </div>
      <div>
        <dt>Overdue</dt>
        <dd>
          <span class="figure-value">{f.openOverdue}</span>{' '}
          <span>{f.openOverdue === 1 ? 'item' : 'items'}</span>
          <span class="figure-note">
            Still new after {f.slaDays} days, on {f.evaluatedAt.slice(0, 10)}, whenever posted.
          </span>
        </dd>
      </div>
    </dl>
  );
}

/** Several periods side by side, oldest first: how responsiveness has changed. */
export function ResponsivenessTable({ series }: { series: ResponsivenessFigures[] }) {
  return (
    <DataTable
      caption="How quickly feedback was acknowledged, by quarter"
      rows={series}
      columns={[
        { label: 'Quarter', cell: (f) => f.period },
        { label: 'Items posted', numeric: true, cell: (f) => f.created },
        {
          label: 'Acknowledged in time',
          numeric: true,
          cell: (f) =>
            f.withinSla.value === null
              ? 'No data yet'
              : `${shareText(f)} (${f.withinSla.numerator} of ${f.withinSla.denominator})`,
        },
        {
          label: 'Median time to acknowledge (days)',
          numeric: true,
          cell: (f) => numberOrDash(f.timeToAcknowledge.medianDays),
        },
        {
          label: '9 in 10 within (days)',
          numeric: true,
          cell: (f) => numberOrDash(f.timeToAcknowledge.p90Days),
        },
        { label: 'Overdue at the end', numeric: true, cell: (f) => f.openOverdue },
      ]}
    />
  );
}

const numberOrDash = (v: number | null) =>
  v === null ? '—' : (Math.round(v * 10) / 10).toFixed(1);
