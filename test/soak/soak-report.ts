// The soak run's report: per kind of request the count, failures and
// latency percentiles; per minute the load, failures, p99 and RSS; and
// whether the RSS levelled off (the last third's peak within 10% of the
// middle third's). Pure, so it is easy to check by eye and by test.

/** One request of the soak run. */
export interface Sample {
  kind: string;
  /** Milliseconds since the start when it was sent. */
  t: number;
  ms: number;
  ok: boolean;
  /** 0 when no answer came (a lost connection). */
  status: number;
}

/** The q-quantile (0…1) of sorted numbers, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const pct = (part: number, whole: number) =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(part === 0 ? 0 : 2)}%`;

/** Whether a series levelled off: the last third's peak within `tolerance` of the middle third's. */
export function levelsOff(
  series: ReadonlyArray<{ t: number; mb: number }>,
  tolerance = 0.1,
): { middle: number; last: number; ok: boolean } {
  const end = series.at(-1)?.t ?? 0;
  const peak = (from: number, to: number) =>
    Math.max(...series.filter((s) => s.t >= from && s.t < to).map((s) => s.mb), 0);
  const middle = peak(end / 3, (2 * end) / 3);
  const last = peak((2 * end) / 3, end + 1);
  return { middle, last, ok: middle > 0 && last <= middle * (1 + tolerance) };
}

/** The report as Markdown, and whether the run passed. */
export function soakReport(input: {
  minutes: number;
  samples: readonly Sample[];
  rss: ReadonlyArray<{ t: number; mb: number }>;
  answersLeft: number;
}): { text: string; passed: boolean } {
  const { samples, rss } = input;
  const failed = samples.filter((s) => !s.ok);
  const kinds = [...new Set(samples.map((s) => s.kind))];
  const row = (label: string, list: readonly Sample[]) => {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    const bad = list.filter((s) => !s.ok).length;
    return `| ${label} | ${list.length} | ${bad} | ${pct(bad, list.length)} | ${quantile(ms, 0.5).toFixed(0)} | ${quantile(ms, 0.99).toFixed(0)} | ${(ms.at(-1) ?? 0).toFixed(0)} |`;
  };
  const minutes = Math.ceil(Math.max(...samples.map((s) => s.t), 0) / 60_000);
  const perMinute: string[] = [];
  for (let m = 0; m < minutes; m++) {
    const inMinute = samples.filter((s) => s.t >= m * 60_000 && s.t < (m + 1) * 60_000);
    const ms = inMinute.map((s) => s.ms).sort((a, b) => a - b);
    const mb = rss.filter((r) => r.t >= m * 60_000 && r.t < (m + 1) * 60_000).map((r) => r.mb);
    perMinute.push(
      `| ${m + 1} | ${inMinute.length} | ${inMinute.filter((s) => !s.ok).length} | ${quantile(ms, 0.99).toFixed(0)} | ${mb.length ? Math.max(...mb).toFixed(0) : '–'} |`,
    );
  }
  const level = levelsOff(rss);
  const statuses = new Map<number, number>();
  for (const s of failed) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  const passed = failed.length === 0 && level.ok;
  const text = [
    `# paved soak run: ${input.minutes} minute(s)`,
    '',
    `${samples.length.toLocaleString('en')} requests, ${failed.length} failed (${pct(failed.length, samples.length)})${failed.length ? `: ${[...statuses].map(([s, n]) => `${n}× ${s === 0 ? 'no answer' : s}`).join(', ')}` : ''}. RSS ${level.ok ? 'levelled off' : 'did NOT level off'}: peak ${level.middle.toFixed(0)} MB in the middle third, ${level.last.toFixed(0)} MB in the last third (allowed: +10%). ${input.answersLeft > 0 ? `${input.answersLeft} survey answers were still to send.` : 'Every person answered every survey before the end.'}`,
    '',
    '## Requests',
    '',
    '| kind | requests | failed | error rate | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...kinds.map((k) =>
      row(
        k,
        samples.filter((s) => s.kind === k),
      ),
    ),
    row('all', samples),
    '',
    '## Over time',
    '',
    '| minute | requests | failed | p99 ms | RSS MB (peak) |',
    '|---:|---:|---:|---:|---:|',
    ...perMinute,
    '',
    `Verdict: ${passed ? 'passed' : 'FAILED'}.`,
    '',
  ].join('\n');
  return { text, passed };
}
