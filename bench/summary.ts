// What a run leaves behind: a table on stdout, and the same figures as JSON
// and as a Markdown summary in bench/results/<date>-<engine>[-quick].{json,md}.
// Every figure shows its baseline and ratio; every goal says met or NOT MET.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './goals.ts';
import type { Engine, Measurement } from './model.ts';

/** One engine's run: the figures and everything a reader needs to judge them. */
export interface RunResult {
  /** YYYY-MM-DD (UTC) the run started. */
  date: string;
  engine: Engine;
  quick: boolean;
  /** The steps `--only` chose; absent when every step ran. */
  only?: string[];
  startedAt: string;
  seconds: number;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage: number[] };
  /** The data the run measured: size, scale, seed, row counts. */
  workload: Record<string, string | number>;
  measurements: Measurement[];
  /** Steps or figures not measured and why (e.g. a step not built yet). */
  notes: string[];
}

const plain = (n: number) =>
  Number.isFinite(n) ? round(n).toLocaleString('en', { maximumFractionDigits: 3 }) : '–';

/** Counts exactly (`2,246,239 events`), other numbers to three significant digits. */
const exact = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : plain(n));

/** A value with its unit: `1,234 events/s`, `812 ms`. */
export function formatValue(value: number, unit: string): string {
  return `${plain(value)} ${unit}`;
}

/** A ratio as read in the table: `0.53×`. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  return Number.isFinite(ratio) ? `${round(ratio, 2)}×` : '–';
}

/** `met` or `NOT MET` after the goal's text; empty when the figure has no goal. */
export function formatGoal(m: Measurement): string {
  if (!m.goal) return '';
  return `${m.goal.text}: ${m.goal.met ? 'met' : 'NOT MET'}`;
}

function formatDetail(m: Measurement): string {
  if (!m.detail) return '';
  return Object.entries(m.detail)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? plain(v) : v}`)
    .join(', ');
}

const COLUMNS = ['step', 'figure', 'value', 'baseline', 'ratio', 'goal'] as const;

function rows(result: RunResult): string[][] {
  return result.measurements.map((m) => [
    m.step,
    m.name,
    formatValue(m.value, m.unit),
    m.baseline ? `${m.baseline.name} ${formatValue(m.baseline.value, m.unit)}` : '',
    formatRatio(m.ratio),
    formatGoal(m),
  ]);
}

/** Goals counted: how many were measured and how many met. */
export function goalCounts(measurements: readonly Measurement[]): { met: number; total: number } {
  const goals = measurements.filter((m) => m.goal);
  return { met: goals.filter((m) => m.goal!.met).length, total: goals.length };
}

/** The table printed at the end of a run: aligned columns, then the notes. */
export function formatTable(result: RunResult): string {
  const body = rows(result);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const { met, total } = goalCounts(result.measurements);
  return [
    `paved benchmark: ${result.engine}${result.quick ? ' (quick)' : ''}, ${result.date}, ${plain(result.seconds)} s`,
    line(COLUMNS),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `Goals met: ${met} of ${total}.`,
    ...result.notes.map((n) => `Note: ${n}`),
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The Markdown summary: what ran, on what, each figure with its baseline, ratio and goal. */
export function formatMarkdown(result: RunResult): string {
  const { met, total } = goalCounts(result.measurements);
  const w = result.workload;
  const out = [
    `# paved benchmark: ${result.engine}${result.quick ? ' (quick run)' : ''}, ${result.date}`,
    '',
    `${result.quick ? 'A quick smoke run (small data, short durations): its figures say the benchmark runs, not how fast paved is.' : result.only ? `A run of some steps only (--only ${result.only.join(',')}).` : 'A full run.'} ` +
      `Node ${result.machine.node}, ${result.machine.cpus} cores (${result.machine.cpuModel}), ` +
      `load average at the start ${result.machine.loadAverage.map((l) => l.toFixed(1)).join(', ')}; ` +
      `${plain(result.seconds)} s in all.`,
    '',
    `Workload: ${Object.entries(w)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? exact(v) : v}`)
      .join(', ')}.`,
    '',
    `**Goals met: ${met} of ${total}.**`,
    '',
    '| step | figure | value | baseline (same run) | ratio | goal | detail |',
    '|---|---|---|---|---|---|---|',
    ...result.measurements.map((m) => {
      const goal = m.goal ? `${m.goal.text}: ${m.goal.met ? 'met' : '**NOT MET**'}` : '';
      const baseline = m.baseline
        ? `${m.baseline.name}: ${formatValue(m.baseline.value, m.unit)}`
        : '';
      return `| ${[m.step, m.name, formatValue(m.value, m.unit), baseline, formatRatio(m.ratio), goal, formatDetail(m)].map(cell).join(' | ')} |`;
    }),
  ];
  if (result.notes.length > 0) out.push('', ...result.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

/** `bench/results/2026-11-28-sqlite.json` (`-quick` for quick runs, which git ignores). */
export function resultBase(dir: string, result: Pick<RunResult, 'date' | 'engine' | 'quick'>) {
  return join(dir, `${result.date}-${result.engine}${result.quick ? '-quick' : ''}`);
}

/** Writes the JSON and the Markdown summary; answers their paths. */
export function writeResult(dir: string, result: RunResult): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const base = resultBase(dir, result);
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${base}.md`, formatMarkdown(result));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
