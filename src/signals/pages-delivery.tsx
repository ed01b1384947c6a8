// The delivery page: the organisation's (or one team's) deployment frequency
// band, lead time, change failure rate and recovery time over a window, and
// a table of every team.

import * as Plot from '@observablehq/plot';
import type { Hono } from 'hono';
import { InvalidInput } from '../core/errors.ts';
import { policy } from '../core/http/auth.ts';
import type { AppEnv, Deps } from '../core/http/env.ts';
import { Chart } from '../core/ui/chart.tsx';
import {
  DataTable,
  EmptyState,
  ErrorSummary,
  formatDate,
  SelectField,
} from '../core/ui/components.tsx';
import { renderPage } from '../core/ui/page.tsx';
import { listTeams } from '../org/store.ts';
import { todayUtc } from './api-figures.ts';
import { DeliveryQuery } from './api-figures-schemas.ts';
import { FREQUENCY_BANDS, type FrequencyBand } from './delivery-bands.ts';
import { type Delivery, type DeliveryFigures, deliveryFigures } from './figures-delivery.ts';
import { DELIVERY_PATH, hoursText, num, percentText, plural } from './pages-figures-shared.tsx';

export const BAND_WORDS: Record<FrequencyBand, string> = {
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  yearly: 'Less than monthly',
};

const WINDOWS = [30, 90, 180, 365];

/** The last day of a window whose end is exclusive. */
const lastDay = (end: string) =>
  new Date(Date.parse(`${end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const bandText = (band: FrequencyBand | null) => (band ? BAND_WORDS[band] : 'No deploys');

function deliveryHref(team: string | undefined, window: number) {
  const q = new URLSearchParams();
  if (team) q.set('team', team);
  if (window !== 90) q.set('window', String(window));
  const s = q.toString();
  return s ? `${DELIVERY_PATH}?${s}` : DELIVERY_PATH;
}

function Figures({ d }: { d: Delivery }) {
  const { frequency, leadTime, changeFailure, recovery } = d;
  return (
    <dl class="figures">
      <div class="figure">
        <dt>How often they deploy</dt>
        <dd>
          <span class="figure-value">{bandText(frequency.band)}</span>{' '}
          <span class="figure-note">
            {num(frequency.perWeek)} production deploys a week ({frequency.deploys} in all).
          </span>
        </dd>
      </div>
      <div class="figure">
        <dt>Lead time for changes</dt>
        <dd>
          <span class="figure-value">{hoursText(leadTime.medianHours)}</span>{' '}
          <span class="figure-note">
            Median from commit to production, over {plural(leadTime.changes, 'change')}.
          </span>
        </dd>
      </div>
      <div class="figure">
        <dt>Change failure rate</dt>
        <dd>
          <span class="figure-value">
            {changeFailure.value === null ? 'No data yet' : percentText(changeFailure.value)}
          </span>{' '}
          <span class="figure-note">
            {changeFailure.numerator} of {plural(changeFailure.denominator, 'deploy')} caused an
            incident.
          </span>
        </dd>
      </div>
      <div class="figure">
        <dt>Time to recover</dt>
        <dd>
          <span class="figure-value">{hoursText(recovery.medianHours)}</span>{' '}
          <span class="figure-note">
            Median over {plural(recovery.resolved, 'resolved incident')};{' '}
            {recovery.open === 0
              ? 'none still open.'
              : `${plural(recovery.open, 'incident')} still open, counted here and not in the median.`}
          </span>
        </dd>
      </div>
    </dl>
  );
}

function BandChart({ figures }: { figures: DeliveryFigures }) {
  const rows = [...FREQUENCY_BANDS, 'none' as const].map((band) => ({
    band: band === 'none' ? 'No deploys' : BAND_WORDS[band],
    teams: figures.bands[band],
  }));
  const top = [...rows].sort((a, b) => b.teams - a.teams)[0]!;
  return (
    <Chart
      title="Teams by how often they deploy"
      description={`Most teams (${top.teams}) deploy ${top.band.toLowerCase()}.`}
      plot={{
        marks: [Plot.barX(rows, { x: 'teams', y: 'band' }), Plot.ruleX([0])],
        x: { label: 'Teams', grid: true, tickFormat: 'd' },
        y: { label: null, domain: rows.map((r) => r.band) },
        marginLeft: 140,
        height: 40 + rows.length * 28,
      }}
      columns={[
        { label: 'How often', cell: (r) => r.band },
        { label: 'Teams', numeric: true, cell: (r) => r.teams },
      ]}
      rows={rows}
    />
  );
}

function TeamsTable({ figures, window }: { figures: DeliveryFigures; window: number }) {
  return (
    <DataTable
      caption={`Every team, over the last ${window} days`}
      rows={figures.teams}
      empty="No team sent a deploy or an incident in this window."
      columns={[
        {
          label: 'Team',
          cell: (t) => <a href={deliveryHref(t.team.slug, window)}>{t.team.name}</a>,
        },
        { label: 'How often', cell: (t) => bandText(t.frequency.band) },
        { label: 'Deploys a week', numeric: true, cell: (t) => num(t.frequency.perWeek) },
        { label: 'Lead time (hours)', numeric: true, cell: (t) => num(t.leadTime.medianHours) },
        {
          label: 'Change failure rate',
          numeric: true,
          cell: (t) => (t.changeFailure.value === null ? '–' : percentText(t.changeFailure.value)),
        },
        { label: 'Recovery (hours)', numeric: true, cell: (t) => num(t.recovery.medianHours) },
        { label: 'Open incidents', numeric: true, cell: (t) => t.recovery.open },
      ]}
    />
  );
}

export function registerDeliveryPage(web: Hono<AppEnv>, { handle }: Deps): void {
  const { db } = handle;
  web.get(DELIVERY_PATH, policy('figures.read'), async (c) => {
    const teams = await listTeams(db);
    const asked = {
      team: c.req.query('team') || undefined,
      window: c.req.query('window') || undefined,
    };
    const parsed = DeliveryQuery.safeParse(asked);
    const errors = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: String(i.path[0]), message: i.message }));
    const window = parsed.success ? parsed.data.window : 90;
    const team = asked.team ? teams.find((t) => t.slug === asked.team) : undefined;
    if (asked.team && !team) {
      errors.push(InvalidInput.field('team', `There is no team "${asked.team}".`).errors[0]!);
    }
    const figures =
      errors.length === 0
        ? await deliveryFigures(db, { days: window, end: todayUtc(), teamId: team?.id })
        : null;
    const title = team ? `Delivery: ${team.name}` : 'Delivery';
    return renderPage(
      c,
      { title, status: errors.length > 0 ? 400 : 200 },
      <>
        <h1>{title}</h1>
        <p class="lead">
          See how often {team ? 'this team deploys' : 'teams deploy'}, how long changes take to
          reach production, how often a deploy causes an incident and how fast{' '}
          {team ? 'it recovers' : 'teams recover'}.
        </p>
        <ErrorSummary errors={errors} />
        <form method="get" action={DELIVERY_PATH} class="inline-form" novalidate>
          <SelectField
            name="team"
            label="Team"
            value={asked.team ?? ''}
            error={errors.find((e) => e.path === 'team')?.message}
            options={[
              { value: '', label: 'Every team' },
              ...teams.map((t) => ({ value: t.slug, label: t.name })),
            ]}
          />
          <SelectField
            name="window"
            label="Over the last"
            value={String(window)}
            error={errors.find((e) => e.path === 'window')?.message}
            options={[...new Set([...WINDOWS, window])].map((w) => ({
              value: String(w),
              label: `${w} days`,
            }))}
          />
          <button type="submit">Show the figures</button>
        </form>
        {figures ? (
          <>
            <p>
              From {formatDate(figures.window.start)} to {formatDate(lastDay(figures.window.end))}:
              the {figures.window.days} whole days before today.
            </p>
            <Figures d={figures.overall} />
            {team ? (
              <p>
                <a href={deliveryHref(undefined, window)}>See every team</a>
              </p>
            ) : (
              <>
                <h2>Teams</h2>
                {figures.teams.length > 0 ? <BandChart figures={figures} /> : null}
                <TeamsTable figures={figures} window={window} />
              </>
            )}
            {figures.overall.frequency.deploys === 0 && team ? (
              <EmptyState>
                No deploy from {team.name} in this window. Deploys arrive from CI with{' '}
                <code>paved event deploy</code> or through the GitHub webhook.
              </EmptyState>
            ) : null}
          </>
        ) : null}
        <p class="note">
          Bands as in the Four Keys: daily when the median week has a deploy on three days or more,
          weekly when it has one deploy or more, monthly when the median month has one.
        </p>
      </>,
    );
  });
}
