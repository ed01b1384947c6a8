import { describe, expect, it } from 'vitest';
import { atMost, atMostTimes, median, round, shareOfCeiling, withinOver } from './goals.ts';
import { MemorySampler, memoryMeasurement, parseStatus } from './memory.ts';
import { engineComparison, growthComparison, lastQuarter, type ReportRun } from './report.ts';

const figure = (value: number, unit = 'ms') => ({ step: 's', name: 'f', value, unit });

describe('benchmark goals', () => {
  it('holds ingest to 40% of its ceiling, at the boundary included', () => {
    const ceiling = { name: 'driver ceiling', value: 10_000 };
    expect(shareOfCeiling(figure(4_000, 'events/s'), ceiling, 0.4)).toMatchObject({
      ratio: 0.4,
      baseline: ceiling,
      goal: { text: '≥ 40% of driver ceiling', met: true },
    });
    expect(shareOfCeiling(figure(3_999, 'events/s'), ceiling, 0.4).goal!.met).toBe(false);
    // No ceiling measured is never a met goal.
    expect(shareOfCeiling(figure(1, 'events/s'), { name: 'c', value: 0 }, 0.4).goal!.met).toBe(
      false,
    );
  });

  it('holds a time to a limit, and a missing time is not met', () => {
    expect(atMost(figure(1000), 1000, '1 s').goal).toEqual({ text: '≤ 1 s', met: true });
    expect(atMost(figure(1000.5), 1000, '1 s').goal!.met).toBe(false);
    expect(atMost(figure(Number.NaN), 1000, '1 s').goal!.met).toBe(false);
    const withBaseline = atMost(figure(300), 1000, '1 s', { name: 'scan', value: 100 });
    expect(withBaseline.ratio).toBe(3);
  });

  it('holds a figure to a multiple of its baseline', () => {
    const sqlite = { name: 'SQLite', value: 200 };
    expect(atMostTimes(figure(300), sqlite, 1.5)).toMatchObject({
      ratio: 1.5,
      goal: { text: '≤ 1.5× SQLite', met: true },
    });
    expect(atMostTimes(figure(301), sqlite, 1.5).goal!.met).toBe(false);
  });

  it('holds a start time to a margin over the bare runtime, giving the ratio too', () => {
    const bare = { name: 'node -e 0', value: 40 };
    const met = withinOver(figure(140), bare, 100);
    expect(met.goal).toEqual({ text: '≤ 100 ms over node -e 0', met: true });
    expect(met.ratio).toBe(3.5);
    expect(met.detail).toEqual({ 'over baseline (ms)': 100 });
    expect(withinOver(figure(141), bare, 100).goal!.met).toBe(false);
  });

  it('takes medians and rounds for reading', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(round(1234.5678)).toBe(1230);
    expect(round(0.012345)).toBe(0.0123);
    expect(round(0)).toBe(0);
  });
});

describe('benchmark comparisons', () => {
  const endpoint = (report: boolean) => ({
    name: report ? 'quarterly report' : 'figures: delivery',
    path: report ? '/api/v1/report' : '/api/v1/figures/delivery',
    report,
  });
  const run = (report: number, figures: number, scan: number, rows: number): ReportRun => ({
    timings: [
      { endpoint: endpoint(true), cold: report * 2, warm: report, bytes: 1 },
      { endpoint: endpoint(false), cold: figures * 2, warm: figures, bytes: 1 },
    ],
    scan: { cold: scan, warm: scan, rows },
  });

  it('holds PostgreSQL’s report to 1.5× SQLite’s and only reads the figures', () => {
    const out = engineComparison(run(600, 100, 50, 10), run(400, 50, 40, 10));
    const report = out.filter((m) => m.name.startsWith('quarterly report'));
    expect(report.map((m) => [m.ratio, m.goal?.met])).toEqual([
      [1.5, true],
      [1.5, true],
    ]);
    const figures = out.filter((m) => m.name.startsWith('figures'));
    expect(figures.every((m) => m.goal === undefined && m.ratio === 2)).toBe(true);
  });

  it('holds the report at ten times the events to 2× and compares the scans too', () => {
    const out = growthComparison(run(900, 10, 500, 1000), run(400, 10, 50, 100), {
      more: '1×',
      fewer: '0.1×',
    });
    const report = out.filter((m) => m.name.startsWith('quarterly report'));
    expect(report.map((m) => m.goal?.met)).toEqual([false, false]);
    expect(report[0]!.ratio).toBe(2.25);
    const scan = out.find((m) => m.name.startsWith('sequential scan'))!;
    expect(scan.ratio).toBe(10);
  });

  it('names the last whole quarter as the report’s period', () => {
    expect(lastQuarter('2026-11-23')).toBe('2026-Q3');
    expect(lastQuarter('2026-02-02')).toBe('2025-Q4');
    expect(lastQuarter('2026-04-01')).toBe('2026-Q1');
  });
});

describe('memory from /proc', () => {
  it('reads VmRSS and VmHWM in MB', () => {
    const status = 'Name:\tnode\nVmHWM:\t  208044 kB\nVmRSS:\t  190000 kB\nThreads:\t12\n';
    const m = parseStatus(status)!;
    expect(m.hwm).toBeCloseTo(213.037, 3);
    expect(m.rss).toBeCloseTo(194.56, 3);
    expect(parseStatus('Name:\tnode\n')).toBeNull();
  });

  it('samples a running process and keeps each step’s peak', () => {
    const sampler = new MemorySampler(process.pid, 10_000);
    sampler.enter('ingest');
    sampler.stop();
    expect(sampler.peak).toBeGreaterThan(1);
    expect([...sampler.byStep.keys()]).toEqual(['start', 'ingest']);
    expect(sampler.peak).toBeGreaterThanOrEqual(sampler.byStep.get('ingest')!);
    const m = memoryMeasurement(sampler, 'steps ingest');
    expect(m.goal).toEqual({ text: '≤ 200 MB', met: sampler.peak <= 200 });
    expect(m.detail).toHaveProperty('peak in ingest (MB)');
  });
});
