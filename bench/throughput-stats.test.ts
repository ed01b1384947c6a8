import { describe, expect, it } from 'vitest';
import {
  type AutocannonResult,
  baselineMeasurement,
  baselineRate,
  fromAutocannon,
  type LoadRun,
  requestsPerSecond,
  runProblem,
  throughputMeasurement,
} from './throughput-stats.ts';

const run = (overrides: Partial<LoadRun> = {}): LoadRun => ({
  responses: 100,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  seconds: 2,
  p50: 80,
  p99: 400,
  bytesPerResponse: 3000,
  ...overrides,
});

const board = {
  name: 'feedback board',
  path: '/feedback',
  html: true,
  connections: 20,
  signedIn: 'admin',
};
const api = {
  name: 'delivery figures (API)',
  path: '/api/v1/figures/delivery',
  html: false,
  connections: 20,
  signedIn: 'token',
};

describe('reading autocannon', () => {
  it('counts responses of every status, and bytes per response over the run', () => {
    const result: AutocannonResult = {
      duration: 2.01,
      errors: 1,
      timeouts: 2,
      non2xx: 5,
      '2xx': 95,
      latency: { p50: 80, p99: 422 },
      requests: { total: 100 },
      throughput: { total: 300_000 },
    };
    expect(fromAutocannon(result)).toEqual({
      responses: 100,
      non2xx: 5,
      errors: 1,
      timeouts: 2,
      seconds: 2.01,
      p50: 80,
      p99: 422,
      bytesPerResponse: 3000,
    });
  });
});

describe('requests per second', () => {
  it('counts only 2xx answers over the run’s length', () => {
    expect(requestsPerSecond(run())).toBe(50); // 100 / 2
    expect(requestsPerSecond(run({ non2xx: 10 }))).toBe(45); // 90 / 2
    // Nothing came back within the run: none per second, not an unknown.
    expect(requestsPerSecond(run({ responses: 0 }))).toBe(0);
    expect(requestsPerSecond(run({ seconds: 0 }))).toBeNaN();
  });

  it('the hello-world baseline is the mean of the runs before and after', () => {
    // 600/2 = 300 and 1600/2 = 800: (300 + 800) / 2 = 550.
    expect(baselineRate([run({ responses: 600 }), run({ responses: 1600 })])).toBe(550);
    // A run that served nothing does not pull the mean to zero.
    expect(baselineRate([run({ responses: 600 }), run({ responses: 0 })])).toBe(300);
    expect(baselineRate([])).toBeNaN();
  });

  it('a run with failures is named as such', () => {
    expect(runProblem(run())).toBeNull();
    expect(runProblem(run({ non2xx: 3, timeouts: 1 }))).toBe('3 responses outside 2xx, 1 timeouts');
    expect(runProblem(run({ responses: 0 }))).toBe('no response within the run');
  });
});

describe('the 25% goal for HTML pages', () => {
  const hello = { name: 'hello world (/healthz)', value: 550 };

  it('is met at 25% of the hello-world figure and above, not below', () => {
    // 275 / 2 = 137.5 req/s = 25% of 550.
    const at = throughputMeasurement(board, run({ responses: 275 }), hello);
    expect(at.value).toBe(137.5);
    expect(at.ratio).toBe(0.25);
    expect(at.goal).toEqual({ text: 'HTML pages ≥ 25% of the hello-world req/s', met: true });
    // 96 / 2 = 48 req/s = 8.7% of 550.
    const below = throughputMeasurement(board, run({ responses: 96 }), hello);
    expect(below.value).toBe(48);
    expect(below.ratio).toBe(0.087);
    expect(below.goal?.met).toBe(false);
    expect(below.baseline).toEqual(hello);
    expect(below.detail).toMatchObject({ 'p50 (ms)': 80, 'p99 (ms)': 400, connections: 20 });
  });

  it('is not met by a run in which nothing came back', () => {
    const none = throughputMeasurement(board, run({ responses: 0, p50: 0, p99: 0 }), hello);
    expect(none.value).toBe(0);
    expect(none.ratio).toBe(0);
    expect(none.goal?.met).toBe(false);
    expect(none.detail?.problem).toBe('no response within the run');
  });

  it('is not met by a run that failed, however fast', () => {
    const failed = throughputMeasurement(board, run({ responses: 1000, non2xx: 400 }), hello);
    expect(failed.ratio).toBeGreaterThan(0.25);
    expect(failed.goal?.met).toBe(false);
    expect(failed.detail?.problem).toBe('400 responses outside 2xx');
  });

  it('does not apply to the figures endpoint, which still shows its ratio', () => {
    const figures = throughputMeasurement(api, run({ responses: 110 }), hello);
    expect(figures.goal).toBeUndefined();
    expect(figures.ratio).toBe(0.1); // 55 / 550
  });

  it('the hello-world figure lists both of its runs and has no goal of its own', () => {
    const base = baselineMeasurement(
      '/healthz',
      [run({ responses: 600, p50: 54 }), run({ responses: 1600, p50: 18 })],
      20,
    );
    expect(base.value).toBe(550);
    expect(base.goal).toBeUndefined();
    expect(base.detail).toMatchObject({ runs: '300, 800', 'p50 (ms)': '54, 18', connections: 20 });
  });
});
