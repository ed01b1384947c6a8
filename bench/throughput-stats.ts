// Throughput figures (issue 9, step 4): the pure part. A load run's result
// turned into requests per second and latency percentiles, the hello-world
// baseline of the same run, and the goal pages are held to.

import type { Measurement } from './model.ts';

/** HTML pages must serve at least this share of the hello-world requests per second. */
export const HTML_SHARE_GOAL = { share: 0.25, text: 'HTML pages ≥ 25% of the hello-world req/s' };

/** One load run, as the benchmark reads it (from autocannon's result). */
export interface LoadRun {
  /** Responses received, whatever their status. */
  responses: number;
  /** Responses outside 2xx (a page that redirects to sign-in is a failed run, not a fast one). */
  non2xx: number;
  /** Socket errors and timeouts: requests that got no response. */
  errors: number;
  timeouts: number;
  /** Length of the run in seconds. */
  seconds: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Mean response size on the wire, bytes. */
  bytesPerResponse: number;
}

/** The fields of autocannon's result this benchmark reads. */
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number };
  requests: { total: number };
  throughput: { total: number };
}

/** Reads autocannon's result: totals over the run's length, not its per-second samples. */
export function fromAutocannon(result: AutocannonResult): LoadRun {
  const responses = result['2xx'] + result.non2xx;
  return {
    responses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytesPerResponse: responses > 0 ? result.throughput.total / responses : 0,
  };
}

/**
 * Successful (2xx) responses per second over the run: 0 when none came back
 * within it (requests still in flight at the end are not counted); NaN for a
 * run that took no time.
 */
export function requestsPerSecond(run: LoadRun): number {
  if (!(run.seconds > 0)) return Number.NaN;
  return Math.max(0, run.responses - run.non2xx) / run.seconds;
}

/** Whether a run's figure can be trusted: every request answered, and answered 2xx. */
export function runProblem(run: LoadRun): string | null {
  if (run.responses === 0) return 'no response within the run';
  const parts: string[] = [];
  if (run.non2xx > 0) parts.push(`${run.non2xx} responses outside 2xx`);
  if (run.errors > 0) parts.push(`${run.errors} errors`);
  if (run.timeouts > 0) parts.push(`${run.timeouts} timeouts`);
  return parts.length ? parts.join(', ') : null;
}

/**
 * A hello-world figure from several runs: their mean. A run that served
 * nothing is left out rather than counted as zero (it would make every
 * target look better than it is); NaN when none served anything.
 */
export function baselineRate(runs: readonly LoadRun[]): number {
  const rates = runs.map(requestsPerSecond).filter((r) => Number.isFinite(r) && r > 0);
  return rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : Number.NaN;
}

/** One target's throughput against the hello-world baseline; HTML pages carry the 25% goal. */
export function throughputMeasurement(
  target: { name: string; path: string; html: boolean; connections: number; signedIn: string },
  run: LoadRun,
  baseline: { name: string; value: number },
): Measurement {
  const value = requestsPerSecond(run);
  const ratio = baseline.value > 0 ? value / baseline.value : Number.NaN;
  const problem = runProblem(run);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    step: 'throughput',
    name: target.name,
    value: round(value),
    unit: 'req/s',
    baseline: { name: baseline.name, value: round(baseline.value) },
    ratio: Math.round(ratio * 1000) / 1000,
    ...(target.html
      ? {
          goal: {
            text: HTML_SHARE_GOAL.text,
            met: problem === null && Number.isFinite(ratio) && ratio >= HTML_SHARE_GOAL.share,
          },
        }
      : {}),
    detail: {
      path: target.path,
      'p50 (ms)': run.responses ? run.p50 : 'none',
      'p99 (ms)': run.responses ? run.p99 : 'none',
      responses: run.responses,
      seconds: run.seconds,
      connections: target.connections,
      'KB per response': Math.round((run.bytesPerResponse / 1024) * 10) / 10,
      'signed in': target.signedIn,
      baseline: 'mean of the hello-world runs just before and after this one',
      ...(problem ? { problem } : {}),
    },
  };
}

/** The hello-world route's own figure (no goal: it is what the others are held to). */
export function baselineMeasurement(
  path: string,
  runs: readonly LoadRun[],
  connections: number,
): Measurement {
  const value = baselineRate(runs);
  const round = (n: number) => Math.round(n * 10) / 10;
  const problems = runs.map(runProblem).filter((p): p is string => p !== null);
  return {
    step: 'throughput',
    name: `hello world (${path})`,
    value: round(value),
    unit: 'req/s',
    detail: {
      path,
      runs: runs.map((r) => round(requestsPerSecond(r))).join(', '),
      measured:
        'before, between and after the targets, averaged; each target is held to the runs just before and after it',
      'p50 (ms)': runs.map((r) => r.p50).join(', '),
      'p99 (ms)': runs.map((r) => r.p99).join(', '),
      connections,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    },
  };
}
