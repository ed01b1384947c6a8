// `paved matrix`: the mandate–choice matrix of a quarter over the HTTP API,
// grouped by what each capability calls for, in tables that fit 80 columns,
// or as JSON.

import type { z } from '@hono/zod-openapi';
import type { Command } from 'commander';
import { printJson, wrap } from '../capabilities/cli-support.ts';
import { bold, CliError, EXIT, formatTable, type Io, withJson } from '../core/cli.ts';
import { apiClient } from '../core/client.ts';
import { hoursAmount, monthSpan, num, weeklyInterval } from '../signals/pages-figures-shared.tsx';
import type { MatrixSchema } from './api-matrix.ts';
import { matrixGroups, QUADRANTS } from './matrix.ts';

type MatrixJson = z.infer<typeof MatrixSchema>;
type RowJson = MatrixJson['rows'][number];

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v)}%`);

function satisfied(r: RowJson): string {
  const e = r.experience;
  if (e.csat === null || e.low === null || e.high === null) return '–';
  // Rounded down, as on the page: the printed bounds agree with the rule.
  return `${Math.round(e.csat)}% (${Math.floor(e.low)}–${Math.floor(e.high)})`;
}

function valueLine(r: RowJson): string | null {
  const v = r.value;
  if (!v || v.hoursPerWeek === null) return null;
  const interval =
    v.low !== null && v.high !== null ? ` (95% interval: ${weeklyInterval(v.low, v.high)})` : '';
  return `${r.capability.slug}: ${v.hoursPerWeek <= 0 ? 'saves' : 'costs'} about ${hoursAmount(v.hoursPerWeek)} hours a week${interval}${v.causal ? '' : ', not causal'}.`;
}

/** The matrix as text: a heading, then each group with its action, table and value lines. */
export function matrixText(io: Io, m: MatrixJson): string {
  const months =
    m.pulseMonths.length > 0
      ? `the pulses of ${monthSpan(m.pulseMonths[0]!, m.pulseMonths.at(-1)!)}`
      : 'no complete month of pulses';
  const parts = [
    bold(io, `Mandate–choice matrix, ${m.period}`),
    wrap(
      `Satisfied: answers of 4 or 5 of 5, with the 95% interval, from the closed surveys of ${m.pooled.join(' and ')} and ${months}. Good from ${m.threshold}% for the whole interval; nothing shown below ${m.k} answers.`,
      '',
    ),
  ];
  if (m.rows.length === 0) {
    parts.push('No capability is on offer yet. Add one with paved capability add.');
  }
  for (const group of matrixGroups(m.rows)) {
    if (group.rows.length === 0) continue;
    // Unclear and too-few rows: their heading already says so, the reason follows.
    const action =
      group.key in QUADRANTS
        ? QUADRANTS[group.key as keyof typeof QUADRANTS].action
        : group.rows[0]!.action.replace(/^[^:]+: (.)/, (_, c: string) => c.toUpperCase());
    const table = formatTable(
      ['Capability', 'Satisfied', 'n', 'Use', 'Stay', 'Exc.', 'Unpl. h'],
      group.rows.map((r) => [
        r.capability.slug,
        satisfied(r),
        r.experience.n === null ? '–' : String(r.experience.n),
        `${r.adoption.kind === 'opt-in' ? 'opt' : 'cov'} ${percent(r.adoption.rate.value)}`,
        percent(r.stayRate.value),
        `${r.exceptions.open}/${r.exceptions.approved}`,
        num(r.unplanned.hours),
      ]),
    );
    const values = group.rows.flatMap((r) => valueLine(r) ?? []);
    parts.push(
      [
        bold(io, group.title),
        wrap(action, ''),
        '',
        table,
        ...(values.length > 0 ? ['', ...values.map((v) => wrap(v, ''))] : []),
      ].join('\n'),
    );
  }
  if (m.rows.length > 0) {
    parts.push(
      wrap(
        'Use: opt-in (chosen) or coverage (required) at the end of the quarter. Stay: teams that chose to stay. Exc.: exception requests waiting/approved. Unpl. h: hours of unplanned work in the quarter. – : too few answers to show.',
        '',
      ),
    );
  }
  if (m.notPlaced.length > 0) {
    parts.push(
      wrap(
        `Not placed, as they are not on offer: ${m.notPlaced.map((c) => `${c.slug} (${c.stage})`).join(', ')}.`,
        '',
      ),
    );
  }
  return parts.join('\n\n');
}

/** `paved matrix [--period 2026-Q4] [--json]`. */
export function registerMatrixCli(program: Command, io: Io): void {
  withJson(
    program
      .command('matrix')
      .description(
        'every capability by whether it is required and whether developers are satisfied, and what each calls for (calls the paved API)',
      )
      .option('--period <quarter>', 'a quarter like 2026-Q4 (this quarter by default)'),
  ).action(async (opts: { period?: string; json?: boolean }) => {
    if (opts.period !== undefined && !/^\d{4}-Q[1-4]$/.test(opts.period)) {
      throw new CliError(`--period ${opts.period}: give a quarter like 2026-Q4.`, EXIT.usage);
    }
    const m = await apiClient(io).get<MatrixJson>('/matrix', { period: opts.period });
    if (opts.json) return printJson(io, m);
    io.out(matrixText(io, m));
  });
}
