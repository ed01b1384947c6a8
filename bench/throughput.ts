// Issue 9, step 4: throughput. Requests per second and p50/p99 latency with
// autocannon (20 connections, keep-alive) for the feedback board, a feedback
// item and a figures endpoint, signed in, against the hello-world route
// (/healthz) of the same server in the same run, measured just before and
// after each of them. Requests ask for gzip as browsers do, so compression is paid as users
// make the server pay it.

import autocannon from 'autocannon';
import type { BenchContext, Measurement } from './model.ts';
import { getRaw, readDemoAccounts, signInAs } from './pages-http.ts';
import {
  baselineMeasurement,
  baselineRate,
  fromAutocannon,
  type LoadRun,
  throughputMeasurement,
} from './throughput-stats.ts';

export const CONNECTIONS = 20;

/** Seconds per measured run: 10 as issue 9 asks, 2 for --quick. */
const secondsFor = (ctx: BenchContext) => (ctx.quick ? 2 : 10);

interface Target {
  name: string;
  path: string;
  html: boolean;
  headers: Record<string, string>;
  signedIn: string;
}

const BROWSER_LIKE = { 'Accept-Encoding': 'gzip, br' };

/** How long one sequential GET takes, ms (Infinity when it fails or times out). */
async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  const ok = await getRaw(url, headers, 60_000)
    .then((res) => res.status === 200)
    .catch(() => false);
  return ok ? performance.now() - start : Number.POSITIVE_INFINITY;
}

/**
 * Waits until the server has worked off what a run left in flight: autocannon
 * stops counting when the run ends, but the server still answers the requests
 * it had, which would slow the next run. Settled when /healthz answers twice
 * in a row about as fast as it did idle; false after a minute.
 */
async function settle(ctx: BenchContext, idleMs: number): Promise<boolean> {
  const url = new URL('/healthz', ctx.baseUrl).href;
  const limit = Math.max(5, idleMs * 3);
  const deadline = Date.now() + 60_000;
  let calm = 0;
  while (Date.now() < deadline) {
    calm = (await timedGet(url, BROWSER_LIKE)) <= limit ? calm + 1 : 0;
    if (calm >= 2) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

/**
 * One autocannon run against a path: three sequential requests first so the
 * figure is not a cold start, then the run, then a wait for the server to settle.
 */
async function load(
  ctx: BenchContext,
  path: string,
  headers: Record<string, string>,
  seconds: number,
  idleMs: number,
): Promise<LoadRun> {
  const url = new URL(path, ctx.baseUrl).href;
  for (let i = 0; i < 3; i++) await timedGet(url, headers);
  const run = fromAutocannon(
    await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, timeout: 60 }),
  );
  if (!(await settle(ctx, idleMs))) {
    ctx.log(`throughput: the server was still busy a minute after the run of ${path}`);
  }
  return run;
}

/** The targets of step 4, signed in: pages with the demo admin's session, the API with the token. */
async function targets(ctx: BenchContext): Promise<Target[]> {
  const admin = (await readDemoAccounts(ctx.databaseUrl)).find((a) => a.role === 'admin');
  if (!admin) throw new Error('The database has no demo admin account to sign in with.');
  const session = await signInAs(ctx.baseUrl, admin);
  const page = { ...BROWSER_LIKE, Cookie: session.header };
  const api = { ...BROWSER_LIKE, Authorization: `Bearer ${ctx.token}` };
  const feedbackId = encodeURIComponent(ctx.params.feedbackId);
  return [
    {
      name: 'feedback board',
      path: '/feedback',
      html: true,
      headers: page,
      signedIn: `session of ${admin.email}`,
    },
    {
      name: 'feedback item',
      path: `/feedback/${feedbackId}`,
      html: true,
      headers: page,
      signedIn: `session of ${admin.email}`,
    },
    {
      name: 'delivery figures (API)',
      path: '/api/v1/figures/delivery',
      html: false,
      headers: api,
      signedIn: 'admin API token',
    },
  ];
}

/** Step 4 of issue 9: page and API throughput against the hello-world route of the same server. */
export async function benchThroughput(ctx: BenchContext): Promise<Measurement[]> {
  const seconds = secondsFor(ctx);
  const hello = '/healthz';
  const list = await targets(ctx);
  // Every target must answer 200 before it is loaded: a redirect to sign-in would look fast.
  for (const t of [...list, { path: hello, headers: BROWSER_LIKE }]) {
    const res = await getRaw(new URL(t.path, ctx.baseUrl).href, t.headers);
    if (res.status !== 200)
      throw new Error(`GET ${t.path} answered ${res.status} before the load run.`);
  }

  // How fast /healthz answers one request at a time on an idle server.
  const probes: number[] = [];
  for (let i = 0; i < 5; i++)
    probes.push(await timedGet(new URL(hello, ctx.baseUrl).href, BROWSER_LIKE));
  const idleMs = probes.sort((a, b) => a - b)[2]!;

  // The hello-world route runs before the first target, between each two and
  // after the last; each target is held to the runs just before and after it,
  // so a machine whose load changes during the step moves both sides alike.
  const helloRun = async () => {
    const run = await load(ctx, hello, BROWSER_LIKE, seconds, idleMs);
    ctx.log(`throughput: hello world ${hello} ${(run.responses / run.seconds).toFixed(0)} req/s`);
    return run;
  };
  const hellos: LoadRun[] = [await helloRun()];
  const runs: { target: Target; run: LoadRun; around: [LoadRun, LoadRun] }[] = [];
  for (const target of list) {
    const run = await load(ctx, target.path, target.headers, seconds, idleMs);
    ctx.log(
      `throughput: ${target.name} ${(run.responses / run.seconds).toFixed(1)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`,
    );
    const before = hellos.at(-1)!;
    const after = await helloRun();
    hellos.push(after);
    runs.push({ target, run, around: [before, after] });
  }

  const base = baselineMeasurement(hello, hellos, CONNECTIONS);
  return [
    base,
    ...runs.map(({ target, run, around }) =>
      throughputMeasurement({ ...target, connections: CONNECTIONS }, run, {
        name: base.name,
        value: baselineRate(around),
      }),
    ),
  ];
}
