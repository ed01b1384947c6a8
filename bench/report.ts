// Step 2, report and figures: cold (the first request for it the server
// process answers) and warm (the median of the next few) time of the
// quarterly report and of each figures endpoint, against one sequential scan
// of the events table in the same run. Goals (report only): ≤ 1 s on SQLite;
// PostgreSQL ≤ 1.5× SQLite; at ten times the events ≤ 2× as long.

import { type Driver, scanEvents } from './driver.ts';
import { atMost, atMostTimes, median } from './goals.ts';
import type { BenchContext, Measurement } from './model.ts';
import { fetchOnce } from './server.ts';

/** `2026-Q3`: the last whole quarter before the day (the report's period). */
export function lastQuarter(day: string): string {
  const year = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

/** One endpoint the step times. */
export interface Endpoint {
  name: string;
  path: string;
  /** The quarterly report (held to the goals); the figures are measured against the scan only. */
  report?: boolean;
}

/** The cold and warm time of one endpoint, in ms. */
export interface Timing {
  endpoint: Endpoint;
  cold: number;
  warm: number;
  bytes: number;
}

/** The endpoints: the report when the server has it, and every GET under /api/v1/figures. */
export function endpoints(
  params: BenchContext['params'],
  opts: { reportBuilt: boolean; valueCapabilities: readonly string[] },
): Endpoint[] {
  const quarter = encodeURIComponent(params.quarter);
  return [
    ...(opts.reportBuilt
      ? [{ name: 'quarterly report', path: `/api/v1/report?period=${quarter}`, report: true }]
      : []),
    { name: 'figures: onboarding', path: '/api/v1/figures/onboarding' },
    { name: 'figures: delivery', path: '/api/v1/figures/delivery' },
    { name: 'figures: unplanned work', path: `/api/v1/figures/unplanned-work?period=${quarter}` },
    ...opts.valueCapabilities.map((slug) => ({
      name: `figures: value of ${slug}`,
      path: `/api/v1/figures/value/${encodeURIComponent(slug)}`,
    })),
  ];
}

/** Whether the server serves the quarterly report yet: its OpenAPI document lists /report. */
export async function reportBuilt(baseUrl: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
  if (!res.ok) return false;
  const doc = (await res.json()) as { paths?: Record<string, unknown> };
  return Object.keys(doc.paths ?? {}).some((p) => p === '/report' || p === '/api/v1/report');
}

async function timeGet(ctx: Pick<BenchContext, 'baseUrl' | 'token'>, path: string) {
  const started = performance.now();
  const res = await fetchOnce(`${ctx.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${ctx.token}`, accept: 'application/json' },
  });
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) {
    throw new Error(
      `GET ${path} answered ${res.status}: ${Buffer.from(body).toString('utf8').slice(0, 500)}`,
    );
  }
  return { ms, bytes: body.byteLength };
}

/** Times each endpoint: the first request (cold), then `warmRuns` more (warm is their median). */
export async function timeEndpoints(
  ctx: Pick<BenchContext, 'baseUrl' | 'token' | 'log'>,
  list: readonly Endpoint[],
  warmRuns: number,
): Promise<Timing[]> {
  const out: Timing[] = [];
  // Every endpoint's cold request first, while nothing of theirs is cached.
  const cold = new Map<string, { ms: number; bytes: number }>();
  for (const e of list) cold.set(e.path, await timeGet(ctx, e.path));
  for (const e of list) {
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push((await timeGet(ctx, e.path)).ms);
    const c = cold.get(e.path)!;
    out.push({ endpoint: e, cold: c.ms, warm: median(warm), bytes: c.bytes });
    ctx.log(`report: ${e.name}: cold ${Math.round(c.ms)} ms, warm ${Math.round(median(warm))} ms`);
  }
  return out;
}

/** The scan baseline: one cold scan and the median of three warm ones, in ms. */
export async function scanBaseline(
  driver: Driver,
): Promise<{ cold: number; warm: number; rows: number }> {
  const first = await scanEvents(driver);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push((await scanEvents(driver)).ms);
  return { cold: first.ms, warm: median(warm), rows: first.rows };
}

/** What the report step measured on one workload, for comparisons across engines and sizes. */
export interface ReportRun {
  timings: Timing[];
  scan: { cold: number; warm: number; rows: number };
}

/** Cold and warm time of each endpoint, against the scan; the report's own goals on SQLite. */
export function reportMeasurements(
  run: ReportRun,
  opts: { engine: BenchContext['engine']; label?: string },
): Measurement[] {
  const out: Measurement[] = [];
  const suffix = opts.label ? ` (${opts.label})` : '';
  for (const t of run.timings) {
    for (const phase of ['cold', 'warm'] as const) {
      const scan = run.scan[phase];
      const figure = {
        step: 'report',
        name: `${t.endpoint.name}, ${phase}${suffix}`,
        value: t[phase],
        unit: 'ms',
        detail: { 'response KB': t.bytes / 1000, 'events scanned': run.scan.rows },
      };
      const baseline = { name: `sequential scan of the events, ${phase}`, value: scan };
      if (t.endpoint.report && opts.engine === 'sqlite' && !opts.label) {
        out.push(atMost(figure, 1000, '1 s on SQLite', baseline));
      } else {
        out.push({ ...figure, baseline, ratio: t[phase] / scan });
      }
    }
  }
  return out;
}

/** PostgreSQL against SQLite in the same run: the report ≤ 1.5×, the figures for reading. */
export function engineComparison(postgres: ReportRun, sqlite: ReportRun): Measurement[] {
  const out: Measurement[] = [];
  for (const t of postgres.timings) {
    const s = sqlite.timings.find((x) => x.endpoint.path === t.endpoint.path);
    if (!s) continue;
    for (const phase of ['cold', 'warm'] as const) {
      const figure = {
        step: 'report',
        name: `${t.endpoint.name}, ${phase}, PostgreSQL against SQLite`,
        value: t[phase],
        unit: 'ms',
      };
      const baseline = { name: 'SQLite', value: s[phase] };
      out.push(
        t.endpoint.report
          ? atMostTimes(figure, baseline, 1.5)
          : { ...figure, baseline, ratio: t[phase] / s[phase] },
      );
    }
  }
  return out;
}

/** Growth: the same endpoints on ten times the events; the report ≤ 2× as long. */
export function growthComparison(
  more: ReportRun,
  fewer: ReportRun,
  labels: { more: string; fewer: string },
): Measurement[] {
  const out: Measurement[] = [];
  for (const t of more.timings) {
    const f = fewer.timings.find((x) => x.endpoint.path === t.endpoint.path);
    if (!f) continue;
    for (const phase of ['cold', 'warm'] as const) {
      const figure = {
        step: 'report',
        name: `${t.endpoint.name}, ${phase}, ${labels.more} against ${labels.fewer}`,
        value: t[phase],
        unit: 'ms',
        detail: { 'events (more)': more.scan.rows, 'events (fewer)': fewer.scan.rows },
      };
      const baseline = { name: labels.fewer, value: f[phase] };
      out.push(
        t.endpoint.report
          ? atMostTimes(figure, baseline, 2)
          : { ...figure, baseline, ratio: t[phase] / f[phase] },
      );
    }
  }
  const scanFigure = {
    step: 'report',
    name: `sequential scan of the events, warm, ${labels.more} against ${labels.fewer}`,
    value: more.scan.warm,
    unit: 'ms',
    detail: { 'events (more)': more.scan.rows, 'events (fewer)': fewer.scan.rows },
  };
  out.push({
    ...scanFigure,
    baseline: { name: labels.fewer, value: fewer.scan.warm },
    ratio: more.scan.warm / fewer.scan.warm,
  });
  return out;
}
