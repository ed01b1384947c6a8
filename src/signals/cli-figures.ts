// `paved figures …`: the onboarding, delivery, unplanned work and value
// figures over the HTTP API, as tables that fit 80 columns or as JSON.

import type { z } from '@hono/zod-openapi';
import { type Command, Option } from 'commander';
import { printJson, wrap } from '../capabilities/cli-support.ts';
import { bold, CliError, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import type {
  DeliverySchema,
  OnboardingSchema,
  UnplannedSchema,
  ValueSchema,
} from './api-figures-schemas.ts';
import { MAX_WINDOW_DAYS, MIN_WINDOW_DAYS } from './figures-delivery.ts';
import { ONBOARDING_MILESTONES } from './figures-onboarding.ts';
import {
  CAUSE_WORDS,
  daysText,
  hoursAmount,
  hoursText,
  monthSpan,
  num,
  percentText,
  plural,
  weeklyInterval,
} from './pages-figures-shared.tsx';
import { VALUE_OUTCOMES } from './value-outcomes.ts';

type OnboardingJson = z.infer<typeof OnboardingSchema>;
type DeliveryJson = z.infer<typeof DeliverySchema>;
type UnplannedJson = z.infer<typeof UnplannedSchema>;
type ValueJson = z.infer<typeof ValueSchema>;

const BANDS: Record<string, string> = {
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  yearly: 'less than monthly',
};
const band = (b: string | null) => (b ? BANDS[b]! : 'no deploys');

function usage(message: string): never {
  throw new CliError(message, EXIT.usage);
}

function onboardingText(io: Io, f: OnboardingJson, only?: string): string {
  const parts: string[] = [];
  if (f.you) {
    const own = f.you.milestones
      .map(
        (m) =>
          `${m.milestone.replace('_', ' ')} ${m.days === null ? 'not yet' : `after ${daysText(m.days)}`}`,
      )
      .join('; ');
    parts.push(wrap(`You (only you see this): ${own}.`, ''));
  }
  for (const m of f.milestones) {
    if (only && m.milestone !== only) continue;
    parts.push(bold(io, `Days to ${m.label}, by the month people started`));
    const share = (c: (typeof m.cohorts)[number], day: number) =>
      percentText(c.reachedBy?.find((r) => r.day === day)?.percent ?? null).replace(
        'Not yet known',
        '?',
      );
    const rows = m.cohorts.map((c) =>
      c.hidden
        ? [monthSpan(c.from, c.to), 'hidden', '', '', '', '', '', '']
        : [
            monthSpan(c.from, c.to),
            String(c.hires),
            String(c.reached),
            String(c.waiting),
            c.medianDays === null ? '?' : num(c.medianDays),
            share(c, 7),
            share(c, 14),
            share(c, 30),
          ],
    );
    parts.push(
      rows.length === 0
        ? 'Nobody started in these months.'
        : formatTable(
            ['Started', 'Hires', 'Reached', 'Waiting', 'Median', 'Day 7', 'Day 14', 'Day 30'],
            rows,
          ),
    );
  }
  parts.push(
    wrap(
      'Median in days (Kaplan–Meier: people still on their way are counted, not dropped); ? = not yet known. Hidden: too few hires to keep them anonymous.',
      '',
    ),
  );
  return parts.join('\n\n');
}

function deliveryText(io: Io, f: DeliveryJson): string {
  const o = f.overall;
  const head = `Delivery over the ${f.window.days} days from ${f.window.start} to ${f.window.end}`;
  const recovery =
    o.recovery.medianHours === null
      ? 'no resolved incident'
      : `${hoursText(o.recovery.medianHours)} (median of ${o.recovery.resolved} resolved)`;
  const summary = formatTable(
    ['Figure', 'Over the window'],
    [
      ['Deploys', `${band(o.frequency.band)} (${num(o.frequency.perWeek)} a week)`],
      [
        'Lead time',
        `${hoursText(o.leadTime.medianHours)} (median of ${o.leadTime.changes} changes)`,
      ],
      [
        'Change failure rate',
        `${o.changeFailure.value === null ? 'no data' : percentText(o.changeFailure.value)} (${o.changeFailure.numerator} of ${o.changeFailure.denominator} deploys)`,
      ],
      ['Recovery', `${recovery}; ${o.recovery.open} open, not averaged`],
    ],
  );
  const table = formatTable(
    ['Team', 'Band', 'Deploys/wk', 'Lead h', 'Failure', 'Recovery h', 'Open'],
    f.teams.map((t) => [
      t.team.slug,
      band(t.frequency.band),
      num(t.frequency.perWeek),
      num(t.leadTime.medianHours),
      t.changeFailure.value === null ? '–' : percentText(t.changeFailure.value),
      num(t.recovery.medianHours),
      String(t.recovery.open),
    ]),
  );
  return [
    bold(io, head),
    summary,
    f.teams.length ? table : 'No team sent a deploy in this window.',
  ].join('\n\n');
}

function unplannedText(io: Io, f: UnplannedJson): string {
  const parts = [
    bold(io, `Unplanned work caused by the platform in ${f.quarter}`),
    `${num(f.total.hours)} hours from ${plural(f.total.reports, 'report')}.`,
  ];
  if (f.total.reports === 0) return parts.join('\n\n');
  parts.push(
    formatTable(
      ['Cause', 'Hours', 'Reports'],
      f.byCause.map((c) => [CAUSE_WORDS[c.cause], num(c.hours), String(c.reports)]),
    ),
    formatTable(
      ['Team', 'Hours', 'Breaking', 'Outage', 'Migration', 'Other'],
      f.byTeam.map((t) => [
        t.team.slug,
        num(t.hours),
        ...(['breaking-change', 'outage', 'forced-migration', 'other'] as const).map((c) =>
          num(t.causes[c] ?? 0),
        ),
      ]),
    ),
    formatTable(
      ['Capability', 'Hours', 'Reports'],
      f.byCapability.map((c) => [c.capability.slug, num(c.hours), String(c.reports)]),
    ),
  );
  return parts.join('\n\n');
}

const signed = (x: number | null, unit: string) =>
  x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '-' : ''}${Math.abs(x).toFixed(1)} ${unit}`;

function valueText(io: Io, f: ValueJson): string {
  const parts = [bold(io, `${f.capability.name}: time saved or lost`)];
  const o = f.outcome;
  if (!o) {
    parts.push(
      wrap(
        `No outcome is fixed for ${f.capability.name} yet. The platform team fixes it with paved figures value ${f.capability.slug} --set-outcome ${VALUE_OUTCOMES.join('|')}.`,
        '',
      ),
    );
    return parts.join('\n\n');
  }
  parts.push(
    wrap(
      `Measured by ${o.label.toLowerCase()}: the ${o.measure}. Fixed on ${o.chosenAt.slice(0, 10)}${o.chosenBy ? ` by ${o.chosenBy}` : ''}.`,
      '',
    ),
  );
  const e = f.estimate;
  if (!e || e.effect === null || !f.perWeek || f.perWeek.hours === null) {
    parts.push('Not enough data yet to say.');
    return parts.join('\n\n');
  }
  const w = f.perWeek;
  const hours = w.hours!;
  const lines = [
    `${hours <= 0 ? 'Saves' : 'Costs'} about ${hoursAmount(hours)} hours ${o.weekly} a week` +
      (w.low !== null && w.high !== null
        ? ` (95% interval: ${weeklyInterval(w.low, w.high)}).`
        : '.'),
    `Per ${o.per}: ${signed(e.effect, o.unit)}` +
      (e.interval
        ? ` (95% interval ${signed(e.interval.low, o.unit)} to ${signed(e.interval.high, o.unit)})`
        : ', too few teams for an interval') +
      (e.baseline ? `, from ${num(e.baseline)} ${o.unit} before.` : '.'),
    e.causal
      ? `Compared with teams that had not adopted it yet: ${e.adoptingTeams} adopting, ${e.comparisonTeams} comparison teams.`
      : `NOT CAUSAL: fewer than 5 teams on one side, so this is the plain before/after change of ${e.adoptingTeams} adopting teams.`,
  ];
  parts.push(lines.map((l) => wrap(l, '')).join('\n'));
  parts.push(
    formatTable(
      [
        `${f.periodUnit === 'quarter' ? 'Quarters' : 'Months'} from adoption`,
        `Difference (${o.unit})`,
        'Teams',
      ],
      f.eventStudy
        .filter((p) => p.effect !== null)
        .map((p) => [String(p.offset), num(p.effect, 2), String(p.teams)]),
    ),
  );
  return parts.join('\n\n');
}

/** `paved figures …`: read the figures through the API. */
export function registerFiguresCli(program: Command, io: Io): void {
  const figures = program
    .command('figures')
    .description(
      'onboarding, delivery, unplanned work and the time a capability saves (calls the paved API)',
    );

  withJson(
    figures
      .command('onboarding')
      .description(
        'days to first deploy, first pull request and tenth merged pull request per hire month',
      )
      .option('--since <month>', 'first hire month, like 2026-01 (twelve months back by default)')
      .addOption(
        new Option('--milestone <milestone>', 'only one milestone').choices(ONBOARDING_MILESTONES),
      ),
  ).action(async (opts: { since?: string; milestone?: string; json?: boolean }) => {
    if (opts.since !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.since)) {
      usage(`--since ${opts.since}: give a month like 2026-01.`);
    }
    const f = await apiClient(io).get<OnboardingJson>('/figures/onboarding', { since: opts.since });
    if (opts.json) return printJson(io, f);
    io.out(onboardingText(io, f, opts.milestone));
  });

  withJson(
    figures
      .command('delivery')
      .description('deployment frequency band, lead time, change failure rate and recovery time')
      .option('--team <slug>', 'one team only')
      .option(
        '--window <days>',
        `days before today, ${MIN_WINDOW_DAYS} to ${MAX_WINDOW_DAYS}`,
        '90',
      ),
  ).action(async (opts: { team?: string; window: string; json?: boolean }) => {
    const days = Number(opts.window);
    if (!Number.isInteger(days) || days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS) {
      usage(
        `--window ${opts.window}: give whole days from ${MIN_WINDOW_DAYS} to ${MAX_WINDOW_DAYS}.`,
      );
    }
    const f = await apiClient(io).get<DeliveryJson>('/figures/delivery', {
      team: opts.team,
      window: days,
    });
    if (opts.json) return printJson(io, f);
    io.out(deliveryText(io, f));
  });

  withJson(
    figures
      .command('unplanned-work')
      .description(
        'hours of unplanned work the platform caused in a quarter, by cause, team and capability',
      )
      .option('--period <quarter>', 'a quarter like 2026-Q4 (this quarter by default)'),
  ).action(async (opts: { period?: string; json?: boolean }) => {
    if (opts.period !== undefined && !/^\d{4}-Q[1-4]$/.test(opts.period)) {
      usage(`--period ${opts.period}: give a quarter like 2026-Q4.`);
    }
    const f = await apiClient(io).get<UnplannedJson>('/figures/unplanned-work', {
      period: opts.period,
    });
    if (opts.json) return printJson(io, f);
    io.out(unplannedText(io, f));
  });

  withJson(
    figures
      .command('value')
      .description('the time a capability saves or costs a week, with its interval and event study')
      .argument('<capability>', 'the capability’s slug, from paved capability list')
      .addOption(
        new Option(
          '--set-outcome <outcome>',
          'fix the outcome it is measured by first (platform team)',
        ).choices(VALUE_OUTCOMES),
      ),
  ).action(async (slug: string, opts: { setOutcome?: string; json?: boolean }) => {
    const client = apiClient(io);
    const path = `/figures/value/${encodeURIComponent(slug)}`;
    const f = opts.setOutcome
      ? await client.request<ValueJson>('PUT', `${path}/outcome`, { outcome: opts.setOutcome })
      : await client.get<ValueJson>(path);
    if (opts.json) return printJson(io, f);
    io.out(valueText(io, f));
  });
}
