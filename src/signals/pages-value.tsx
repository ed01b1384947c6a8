// The value of a capability: the time it saves or costs a week, how it was
// estimated (and whether that is causal), the event study that lets a reader
// judge the comparison, and the form that fixes the outcome.

import * as Plot from '@observablehq/plot';
import type { Context, Hono } from 'hono';
import type { Capability } from '../capabilities/model.ts';
import { capabilityOrThrow } from '../capabilities/service.ts';
import { listCapabilities } from '../capabilities/store.ts';
import { type FieldError, InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { can } from '../core/policy.ts';
import { getSetting } from '../core/settings.ts';
import { Chart } from '../core/ui/chart.tsx';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  Form,
  Notice,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { type ValueFigures, valueFigures } from './figures-value.ts';
import {
  hoursAmount,
  monthSpan,
  num,
  plural,
  valuePath,
  weeklyInterval,
} from './pages-figures-shared.tsx';
import { chooseValueOutcome } from './service-value.ts';
import { OUTCOME_INFO, VALUE_OUTCOMES, valueOutcomes } from './value-outcomes.ts';

const LEVEL = '95% interval';

/** A change in the outcome's unit, signed: `+3.0 minutes`, `−4.2 hours`. */
function change(value: number | null, unit: string): string {
  if (value === null) return '–';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value).toFixed(1)} ${unit}`;
}

/** An effect as a signed share of where teams started: `−23%`. */
function relative(effect: number, baseline: number): string {
  const pct = Math.round((100 * effect) / baseline);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)}%`;
}

/** "Saves about 3.1 hours a week", or null while there is no estimate. */
function weeklyAmount(f: ValueFigures): string | null {
  if (!f.outcome || !f.estimate || f.estimate.effect === null || !f.perWeek) return null;
  const hours = f.perWeek.hours ?? 0;
  return `${hours <= 0 ? 'Saves' : 'Costs'} about ${hoursAmount(hours)} hours ${f.outcome.weekly} a week`;
}

/** The one-sentence answer with its interval, for this page, the capability page and the list. */
export function valueHeadline(f: ValueFigures): string | null {
  const amount = weeklyAmount(f);
  if (!amount || !f.perWeek) return null;
  const { low, high } = f.perWeek;
  const interval =
    low !== null && high !== null ? ` (${LEVEL}: ${weeklyInterval(low, high)} a week)` : '';
  return `${amount}${interval}`;
}

function Method({ f }: { f: ValueFigures }) {
  const e = f.estimate!;
  const notCounted = [
    e.tooFewBefore > 0
      ? `${plural(e.tooFewBefore, 'team')} adopted it with less than two months of data before`
      : null,
    e.tooRecent > 0 ? `${plural(e.tooRecent, 'team')} adopted it too recently to compare` : null,
  ].filter(Boolean);
  return (
    <>
      {e.causal ? (
        <p>
          Compared with teams that had not adopted it yet (a difference in differences):{' '}
          {plural(e.adoptingTeams, 'adopting team')} and{' '}
          {plural(e.comparisonTeams, 'comparison team')}.
        </p>
      ) : (
        <p>
          <strong class="status">Not causal</strong> Fewer than 5 teams on one side to compare, so
          this is the plain change in {plural(e.adoptingTeams, 'adopting team')} from before to
          after adopting it. Anything else that changed at the same time is mixed in.
        </p>
      )}
      {notCounted.length > 0 ? <p class="note">Not counted: {notCounted.join('; ')}.</p> : null}
    </>
  );
}

/** `Months from adoption` or `Quarters from adoption`. */
const fromAdoption = (f: ValueFigures) =>
  `${f.periodUnit === 'quarter' ? 'Quarters' : 'Months'} from adoption`;

/** `Jun 2025`, or a quarter as it is. */
const periodText = (key: string) => (key.includes('Q') ? key : monthSpan(key));

function EventStudy({ f }: { f: ValueFigures }) {
  const unit = f.outcome!.unit;
  const rows = f.eventStudy.filter((p) => p.effect !== null) as {
    offset: number;
    effect: number;
    teams: number;
  }[];
  if (rows.length < 2) return null;
  const before = rows.filter((r) => r.offset < 0);
  const after = rows.filter((r) => r.offset > 0);
  const mean = (xs: { effect: number }[]) =>
    xs.length === 0 ? null : xs.reduce((s, x) => s + x.effect, 0) / xs.length;
  const causal = f.estimate!.causal;
  return (
    <Chart
      title={
        causal
          ? `Difference from teams that had not adopted it yet, by ${f.periodUnit} from adoption`
          : `Change in adopting teams, by ${f.periodUnit} from adoption`
      }
      description={`Before adoption the difference averages ${change(mean(before), unit)}; after, ${change(mean(after), unit)}. Parallel trends show as points near zero before ${f.periodUnit} 0.`}
      plot={{
        marks: [
          Plot.ruleY([0]),
          Plot.ruleX([0], { strokeDasharray: '4 3' }),
          Plot.lineY(rows, { x: 'offset', y: 'effect' }),
          Plot.dot(rows, { x: 'offset', y: 'effect', fill: 'currentColor' }),
        ],
        x: { label: fromAdoption(f), ticks: rows.map((r) => r.offset), tickFormat: 'd' },
        y: { label: `Difference (${unit})`, grid: true },
        height: 240,
      }}
      columns={[
        { label: fromAdoption(f), numeric: true, cell: (r) => r.offset },
        { label: `Difference (${unit})`, numeric: true, cell: (r) => num(r.effect, 2) },
        { label: 'Adopting teams', numeric: true, cell: (r) => r.teams },
      ]}
      rows={rows}
    />
  );
}

function ValueBody({ f }: { f: ValueFigures }) {
  const o = f.outcome!;
  const e = f.estimate!;
  const amount = weeklyAmount(f);
  if (!amount || !f.perWeek) {
    return (
      <EmptyState>
        Not enough data yet to say. It takes teams that adopted {f.capability.name} with at least
        two {f.periodUnit}s of {o.label.toLowerCase()} before and one after;{' '}
        {o.per === 'developer'
          ? 'closed surveys with enough answers per team fill it.'
          : 'deploy events with their start time and commit times fill it.'}
      </EmptyState>
    );
  }
  return (
    <>
      <dl class="figures">
        <div class="figure">
          <dt>Time a week, over the teams that use it</dt>
          <dd>
            <span class="figure-value">{amount}</span>
            <span class="figure-note">
              {e.interval
                ? `${LEVEL}: ${weeklyInterval(f.perWeek.low!, f.perWeek.high!)} a week. `
                : ''}
              {o.per === 'developer'
                ? plural(f.perWeek.volume, 'developer')
                : `${num(f.perWeek.volume)} deploys a week`}{' '}
              in the {plural(f.perWeek.teams, 'team')} using it now.
            </span>
          </dd>
        </div>
        <div class="figure">
          <dt>
            {o.label}, per {o.per}
          </dt>
          <dd>
            <span class="figure-value">{change(e.effect, o.unit)}</span>
            <span class="figure-note">
              {e.baseline
                ? `${relative(e.effect!, e.baseline)} of the ${num(e.baseline)} ${o.unit} before. `
                : ''}
              {e.interval
                ? `${LEVEL}: ${change(e.interval.low, o.unit)} to ${change(e.interval.high, o.unit)}, by resampling teams.`
                : 'Too few teams for an interval.'}
            </span>
          </dd>
        </div>
      </dl>
      <Method f={f} />
      <h2>Before and after adoption</h2>
      <EventStudy f={f} />
      <DataTable
        caption="By the month teams adopted it"
        rows={f.cohorts}
        columns={[
          { label: 'Adopted in', cell: (r) => periodText(r.period) },
          { label: 'Teams', numeric: true, cell: (r) => r.teams },
          { label: 'Comparison teams', numeric: true, cell: (r) => r.comparisonTeams },
          { label: `Change (${o.unit})`, numeric: true, cell: (r) => num(r.effect, 2) },
        ]}
      />
    </>
  );
}

function OutcomeForm(props: {
  capability: Capability;
  f: ValueFigures;
  csrfToken: string | null;
  errors: FieldError[];
}) {
  const { capability, f } = props;
  return (
    <Form
      action={`${valuePath(capability.slug)}/outcome`}
      csrfToken={props.csrfToken}
      class="inline-form"
    >
      <SelectField
        name="outcome"
        label={f.outcome ? 'Change the outcome' : 'Choose the outcome'}
        hint="Fix it before teams adopt, so it is not picked after seeing the results."
        value={f.outcome?.outcome ?? ''}
        error={props.errors[0]?.message}
        options={[
          ...(f.outcome ? [] : [{ value: '', label: 'Choose one' }]),
          ...VALUE_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_INFO[o].label })),
        ]}
      />
      <button type="submit">Fix the outcome</button>
    </Form>
  );
}

/** The value section of a capability: used here and on the capability page. */
export function ValueSection(props: { f: ValueFigures; full?: boolean }) {
  const { f } = props;
  if (!f.outcome) {
    return (
      <EmptyState>
        The platform team has not fixed how {f.capability.name}’s value is measured yet.{' '}
        {props.full ? null : <a href={valuePath(f.capability.slug)}>See its value page</a>}
      </EmptyState>
    );
  }
  const headline = valueHeadline(f);
  return (
    <>
      <p>
        Measured by {f.outcome.label.toLowerCase()}: the {f.outcome.measure}. Chosen on{' '}
        <DateText iso={f.outcome.chosenAt} />
        {f.outcome.chosenBy ? ` by ${f.outcome.chosenBy}` : ''}.
      </p>
      {props.full ? (
        <ValueBody f={f} />
      ) : (
        <p>
          {headline ? (
            <>
              <strong>{headline}</strong>
              {f.estimate?.causal ? '' : ' — not causal: a plain before/after change'}.{' '}
            </>
          ) : (
            'Not enough data yet to say. '
          )}
          <a href={valuePath(f.capability.slug)}>How this was worked out</a>
        </p>
      )}
    </>
  );
}

async function valuePage(
  c: Context<AppEnv>,
  deps: Deps,
  capability: Capability,
  errors: FieldError[],
) {
  const f = await valueFigures(deps.handle.db, capability);
  const actor = c.get('actor');
  return renderPage(
    c,
    { title: `${capability.name}: time saved or lost`, status: errors.length > 0 ? 400 : 200 },
    <>
      <h1>{capability.name}: time saved or lost</h1>
      <p class="lead">
        See whether teams got faster after adopting it, compared with teams that had not adopted it
        yet, as hours a week.
      </p>
      {c.req.query('done') === 'outcome' ? <Notice>The outcome is fixed.</Notice> : null}
      <ErrorSummary errors={errors} />
      <ValueSection f={f} full />
      {can(actor, 'value.outcome') ? (
        <OutcomeForm capability={capability} f={f} csrfToken={c.get('csrfToken')} errors={errors} />
      ) : null}
      <p>
        <a href={`/capabilities/${encodeURIComponent(capability.slug)}`}>About {capability.name}</a>
      </p>
    </>,
  );
}

export function registerValuePages(web: Hono<AppEnv>, deps: Deps): void {
  const { db } = deps.handle;

  web.get('/figures/value', policy('figures.read'), async (c) => {
    const capabilities = await listCapabilities(db);
    const chosen = await getSetting(db, valueOutcomes);
    return renderPage(
      c,
      { title: 'Time saved by capability' },
      <>
        <h1>Time saved by capability</h1>
        <p class="lead">Pick a capability to see the time it saves or costs teams each week.</p>
        <DataTable
          caption="Capabilities and how their value is measured"
          rows={capabilities}
          empty="The catalog is empty."
          columns={[
            { label: 'Capability', cell: (cap) => <a href={valuePath(cap.slug)}>{cap.name}</a> },
            {
              label: 'Measured by',
              cell: (cap) => {
                const o = chosen[cap.id];
                return o ? (
                  OUTCOME_INFO[o.outcome].label
                ) : (
                  <span class="muted">Not chosen yet</span>
                );
              },
            },
          ]}
        />
      </>,
    );
  });

  web.get('/figures/value/:capability', policy('figures.read'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('capability'));
    return valuePage(c, deps, capability, []);
  });

  web.post('/figures/value/:capability/outcome', policy('value.outcome'), async (c) => {
    const capability = await capabilityOrThrow(db, c.req.param('capability'));
    const body = await c.req.parseBody();
    const outcome = typeof body.outcome === 'string' ? body.outcome : '';
    try {
      await chooseValueOutcome(
        db,
        { actor: c.get('actor')!, ip: c.get('clientIp') },
        capability.slug,
        outcome,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return valuePage(c, deps, capability, error.errors);
    }
    return c.redirect(`${valuePath(capability.slug)}?done=outcome`, 303);
  });
}
