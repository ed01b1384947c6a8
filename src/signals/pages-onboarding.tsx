// The onboarding page: time to first deploy, first pull request and tenth
// merged pull request per monthly hire cohort, and your own milestones.

import * as Plot from '@observablehq/plot';
import type { Hono } from 'hono';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { anonymityK } from '../core/privacy.ts';
import { getSetting } from '../core/settings.ts';
import { Chart } from '../core/ui/chart.tsx';
import {
  DataTable,
  DateText,
  EmptyState,
  ErrorSummary,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { defaultSince } from './api-figures.ts';
import { OnboardingQuery } from './api-figures-schemas.ts';
import {
  type CohortFigure,
  MILESTONE_WORDS,
  type MilestoneFigures,
  type OwnMilestones,
  onboardingFigures,
  ownMilestones,
} from './figures-onboarding.ts';
import {
  daysText,
  HIDDEN_HIRES,
  monthChoices,
  monthSpan,
  ONBOARDING_PATH,
  percentText,
  plural,
} from './pages-figures-shared.tsx';

function share(c: CohortFigure, day: number): string {
  const r = c.reachedBy?.find((x) => x.day === day);
  return r ? percentText(r.percent) : '';
}

function CohortTable({ figures }: { figures: MilestoneFigures }) {
  const words = MILESTONE_WORDS[figures.milestone];
  return (
    <DataTable
      caption={`Days to ${words}, by the month people started`}
      rows={figures.cohorts}
      empty="Nobody started in these months."
      columns={[
        { label: 'Started', cell: (c) => monthSpan(c.from, c.to) },
        {
          label: 'Hires',
          numeric: true,
          cell: (c) => (c.hidden ? <span class="muted">{HIDDEN_HIRES}</span> : c.hires),
        },
        { label: 'Reached it', numeric: true, cell: (c) => (c.hidden ? '' : c.reached) },
        { label: 'Still on their way', numeric: true, cell: (c) => (c.hidden ? '' : c.waiting) },
        {
          label: 'Median (days)',
          numeric: true,
          cell: (c) => (c.hidden ? '' : daysText(c.medianDays)),
        },
        { label: 'By day 7', numeric: true, cell: (c) => (c.hidden ? '' : share(c, 7)) },
        { label: 'By day 14', numeric: true, cell: (c) => (c.hidden ? '' : share(c, 14)) },
        { label: 'By day 30', numeric: true, cell: (c) => (c.hidden ? '' : share(c, 30)) },
      ]}
    />
  );
}

function MedianChart({ figures }: { figures: MilestoneFigures }) {
  const rows = figures.cohorts
    .filter((c) => !c.hidden && c.medianDays !== null)
    .map((c) => ({ cohort: monthSpan(c.from, c.to), days: c.medianDays!, hires: c.hires! }));
  if (rows.length < 2) return null;
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return (
    <Chart
      title="Median days to first deploy, by the month people started"
      description={`People who started in ${first.cohort} took a median of ${daysText(first.days)}; those who started in ${last.cohort}, ${daysText(last.days)}.`}
      plot={{
        marks: [
          Plot.ruleY([0]),
          Plot.lineY(rows, { x: 'cohort', y: 'days' }),
          Plot.dot(rows, { x: 'cohort', y: 'days', fill: 'currentColor' }),
        ],
        x: { type: 'point', label: null, domain: rows.map((r) => r.cohort) },
        y: { label: 'Days', grid: true },
        marginBottom: 40,
        height: 240,
      }}
      columns={[
        { label: 'Started', cell: (r) => r.cohort },
        { label: 'Median (days)', numeric: true, cell: (r) => daysText(r.days) },
        { label: 'Hires', numeric: true, cell: (r) => r.hires },
      ]}
      rows={rows}
    />
  );
}

function Headline({ figures }: { figures: MilestoneFigures }) {
  const o = figures.overall;
  if (!o) return null;
  const words = MILESTONE_WORDS[figures.milestone];
  const week = percentText(o.reachedBy?.[0]?.percent ?? null);
  return (
    <p>
      Over everyone shown ({plural(o.hires ?? 0, 'hire')}, {o.reached} so far):{' '}
      {o.medianDays === null ? (
        <>fewer than half have reached their {words} yet</>
      ) : (
        <>
          a median of <strong>{daysText(o.medianDays)}</strong> to the {words}
        </>
      )}
      ; {week} within a week.
    </p>
  );
}

function YourOwn({ own }: { own: OwnMilestones }) {
  return (
    <section aria-labelledby="your-own">
      <h2 id="your-own">Your own milestones</h2>
      <p>
        Only you see this. You started on <DateText iso={own.startDate} />.
      </p>
      <ul>
        {own.milestones.map((m) => (
          <li>
            Your {MILESTONE_WORDS[m.milestone]}:{' '}
            {m.reachedAt ? (
              <>
                after {daysText(m.days)} (<DateText iso={m.reachedAt} />)
              </>
            ) : (
              'not yet'
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The headline for the home page: time to first deploy of the newest shown cohort. */
export async function onboardingHeadline(db: Db) {
  const k = await getSetting(db, anonymityK);
  const figures = await onboardingFigures(db, { since: defaultSince(), k });
  const deploy = figures.milestones.find((m) => m.milestone === 'first_deploy')!;
  const shown = deploy.cohorts.filter((c) => !c.hidden);
  return { latest: shown.at(-1) ?? null, previous: shown.at(-2) ?? null };
}

export function OnboardingHeadline(props: Awaited<ReturnType<typeof onboardingHeadline>>) {
  const { latest, previous } = props;
  return (
    <section aria-labelledby="time-to-first-deploy">
      <h2 id="time-to-first-deploy">Time to first deploy</h2>
      {latest ? (
        <p>
          People who started in {monthSpan(latest.from, latest.to)} took a median of{' '}
          <strong>{daysText(latest.medianDays)}</strong> to their first deploy (
          {plural(latest.hires ?? 0, 'hire')}, {latest.waiting} still on their way)
          {previous
            ? `; those who started in ${monthSpan(previous.from, previous.to)}, ${daysText(previous.medianDays)}`
            : ''}
          . <a href={ONBOARDING_PATH}>See onboarding</a>.
        </p>
      ) : (
        <EmptyState>
          No hire group is large enough to show yet. Milestone events fill it:{' '}
          <a href={ONBOARDING_PATH}>see onboarding</a>.
        </EmptyState>
      )}
    </section>
  );
}

export function registerOnboardingPage(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  web.get(ONBOARDING_PATH, policy('figures.read'), async (c) => {
    const actor = c.get('actor');
    const parsed = OnboardingQuery.safeParse({ since: c.req.query('since') || undefined });
    const errors = parsed.success
      ? []
      : InvalidInput.field('since', 'Choose a month as YYYY-MM.').errors;
    const since = (parsed.success && parsed.data.since) || defaultSince();
    const k = await getSetting(db, anonymityK);
    const figures = errors.length === 0 ? await onboardingFigures(db, { since, k }) : null;
    const own = actor?.personId ? await ownMilestones(db, actor.personId) : null;
    return renderPage(
      c,
      { title: 'Onboarding', status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>Time to first deploy</h1>
        <p class="lead">
          See how many days new people take to their first deploy, first pull request and tenth
          merged pull request, by the month they started.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={ONBOARDING_PATH} class="inline-form" novalidate>
          <SelectField
            name="since"
            label="People who started from"
            value={since}
            error={errors[0]?.message}
            options={monthChoices(since).map((m) => ({ value: m, label: monthSpan(m) }))}
          />
          <button type="submit">Show the figures</button>
        </form>
        {own ? <YourOwn own={own} /> : null}
        {figures
          ? figures.milestones.map((m) => (
              <section aria-labelledby={`m-${m.milestone}`}>
                <h2 id={`m-${m.milestone}`}>Days to {MILESTONE_WORDS[m.milestone]}</h2>
                <Headline figures={m} />
                {m.milestone === 'first_deploy' ? <MedianChart figures={m} /> : null}
                <CohortTable figures={m} />
              </section>
            ))
          : null}
        <p class="note">
          People still on their way are counted for as long as they have been here, never dropped (a
          Kaplan–Meier estimate). “Not yet known” means nobody in the group has been here that long
          without getting there yet. A month with too few hires to keep them anonymous is joined
          with the next.
        </p>
      </>,
    );
  });
}
