import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseEvent } from '../src/signals/model.ts';
import { ingestEvents, ndjsonBatches } from './ingest.ts';
import type { Measurement } from './model.ts';
import {
  formatGoal,
  formatMarkdown,
  formatRatio,
  formatTable,
  formatValue,
  goalCounts,
  type RunResult,
  resultBase,
  writeResult,
} from './summary.ts';
import { workloadKey, workloadToday } from './workload.ts';

const measurements: Measurement[] = [
  {
    step: 'ingest',
    name: 'POST /api/v1/events',
    value: 2500,
    unit: 'events/s',
    baseline: { name: 'driver ceiling', value: 10_000 },
    ratio: 0.25,
    goal: { text: '≥ 40% of driver ceiling', met: false },
    detail: { events: 100_000 },
  },
  {
    step: 'report',
    name: 'figures: delivery | warm',
    value: 812.345,
    unit: 'ms',
    baseline: { name: 'scan', value: 406 },
    ratio: 2.0008,
  },
  {
    step: 'memory',
    name: 'server peak RSS',
    value: 150,
    unit: 'MB',
    goal: { text: '≤ 200 MB', met: true },
  },
];

const result: RunResult = {
  date: '2026-11-28',
  engine: 'sqlite',
  quick: false,
  startedAt: '2026-11-28T12:00:00.000Z',
  seconds: 612.4,
  machine: { node: 'v20.20.2', cpus: 2, cpuModel: 'Test CPU', loadAverage: [1.5, 1, 0.5] },
  workload: { size: 'large', events: 2_246_239, 'generation CPU s': 447.94 },
  measurements,
  notes: ['The quarterly report is not built yet.'],
};

describe('benchmark summary', () => {
  it('formats values, ratios and goals for reading', () => {
    expect(formatValue(2500, 'events/s')).toBe('2,500 events/s');
    expect(formatValue(812.345, 'ms')).toBe('812 ms');
    expect(formatValue(Number.NaN, 'ms')).toBe('– ms');
    expect(formatRatio(0.25)).toBe('0.25×');
    expect(formatRatio(undefined)).toBe('');
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatGoal(measurements[0]!)).toBe('≥ 40% of driver ceiling: NOT MET');
    expect(formatGoal(measurements[2]!)).toBe('≤ 200 MB: met');
    expect(formatGoal(measurements[1]!)).toBe('');
    expect(goalCounts(measurements)).toEqual({ met: 1, total: 2 });
  });

  it('prints an aligned table with every figure, its baseline and ratio, then the notes', () => {
    const lines = formatTable(result).split('\n');
    expect(lines[0]).toBe('paved benchmark: sqlite, 2026-11-28, 612 s');
    expect(lines[1]).toMatch(/^step\s+figure\s+value\s+baseline\s+ratio\s+goal$/);
    const ingest = lines.find((l) => l.startsWith('ingest'))!;
    expect(ingest).toContain('driver ceiling 10,000 events/s');
    expect(ingest).toContain('0.25×');
    expect(ingest).toContain('NOT MET');
    // Columns line up: every row's value starts where the header's does.
    const at = lines[1]!.indexOf('value');
    for (const l of lines.slice(3, 6)) expect(l.slice(at - 2, at)).toBe('  ');
    expect(lines).toContain('Goals met: 1 of 2.');
    expect(lines.at(-1)).toBe('Note: The quarterly report is not built yet.');
  });

  it('writes Markdown that marks unmet goals and escapes table cells', () => {
    const md = formatMarkdown(result);
    expect(md).toContain('# paved benchmark: sqlite, 2026-11-28');
    expect(md).toContain('**Goals met: 1 of 2.**');
    expect(md).toContain('≥ 40% of driver ceiling: **NOT MET**');
    expect(md).toContain('| memory | server peak RSS | 150 MB |  |  | ≤ 200 MB: met |  |');
    expect(md).toContain('figures: delivery \\| warm');
    expect(md).toContain('Workload: size large, events 2,246,239, generation CPU s 448.');
    expect(md).toContain('- The quarterly report is not built yet.');
    const quick = formatMarkdown({ ...result, quick: true });
    expect(quick).toContain('(quick run)');
    expect(quick).toContain('not how fast paved is');
    expect(md).toContain('A full run.');
    const some = formatMarkdown({ ...result, only: ['report', 'cli'] });
    expect(some).toContain('A run of some steps only (--only report,cli).');
    expect(some).not.toContain('A full run.');
  });

  it('writes the JSON and Markdown files, quick runs under their own name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-bench-'));
    try {
      const paths = writeResult(dir, result);
      expect(paths.json).toBe(join(dir, '2026-11-28-sqlite.json'));
      expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(result);
      expect(readFileSync(paths.markdown, 'utf8')).toBe(formatMarkdown(result));
      expect(resultBase(dir, { ...result, engine: 'postgres', quick: true })).toBe(
        join(dir, '2026-11-28-postgres-quick'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('benchmark workload', () => {
  it('is generated as of the Monday of the week, so a cached one serves a week', () => {
    expect(workloadToday(new Date('2026-11-28T23:00:00Z'))).toBe('2026-11-23');
    expect(workloadToday(new Date('2026-11-23T00:00:00Z'))).toBe('2026-11-23');
    expect(workloadToday(new Date('2026-11-22T12:00:00Z'))).toBe('2026-11-16');
    expect(workloadKey({ size: 'large', scale: 0.1, seed: 42 }, 'abc', '2026-11-23')).toBe(
      'large-x0.1-seed42-abc-2026-11-23',
    );
  });

  it('sends the same valid events for a seed, each with its own id, in batches of 1,000', () => {
    const refs = { teams: ['payments', 'search'], capabilities: ['ci'], emails: ['a@x.example'] };
    const now = new Date('2026-11-28T12:00:00Z');
    const events = ingestEvents(refs, 2500, { now, run: 'r' });
    expect(ingestEvents(refs, 2500, { now, run: 'r' })).toEqual(events);
    expect(new Set(events.map((e) => e.id)).size).toBe(2500);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    const deploys = events.filter((e) => e.type === 'deploy').length;
    expect(deploys / events.length).toBeGreaterThan(0.8);
    for (const e of events) {
      expect(parseEvent(e, now), JSON.stringify(e)).toMatchObject({ ok: true });
      for (const key of ['at', 'finished', 'started', 'opened', 'merged', 'resolved']) {
        if (key in e) expect(String(e[key]) < now.toISOString(), key).toBe(true);
      }
    }
    const bodies = ndjsonBatches(events);
    expect(bodies.map((b) => b.trimEnd().split('\n').length)).toEqual([1000, 1000, 500]);
  });
});
