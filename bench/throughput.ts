// Issue 9, step 4: throughput. Requests per second and p50/p99 latency with
// autocannon (20 connections, keep-alive) for the feedback board, a feedback
// item and a figures endpoint, signed in, against the hello-world route
// (/healthz) of the same server in the same run, measured before and after
// them. Requests ask for gzip as browsers do, so compression is paid as users
// make the server pay it.

import autocannon from 'autocannon';
import type { BenchContext, Measurement } from './model.ts';
import { getRaw, readDemoAccounts, signInAs } from './pages-http.ts';
import {
  baselineMeasurement,
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

/** One autocannon run against a path; a short warm-up first so the figure is not a cold start. */
async function load(
  ctx: BenchContext,
  path: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<LoadRun> {
  const url = new URL(path, ctx.baseUrl).href;
  await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    amount: CONNECTIONS * 2,
    timeout: 60,
  });
  return fromAutocannon(
    await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, timeout: 60 }),
  );
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

  const before = await load(ctx, hello, BROWSER_LIKE, seconds);
  ctx.log(
    `throughput: hello world ${hello} ${(before.responses / before.seconds).toFixed(0)} req/s`,
  );
  const runs: { target: Target; run: LoadRun }[] = [];
  for (const target of list) {
    const run = await load(ctx, target.path, target.headers, seconds);
    runs.push({ target, run });
    ctx.log(
      `throughput: ${target.name} ${(run.responses / run.seconds).toFixed(1)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`,
    );
  }
  const after = await load(ctx, hello, BROWSER_LIKE, seconds);
  ctx.log(
    `throughput: hello world ${hello} again ${(after.responses / after.seconds).toFixed(0)} req/s`,
  );

  const base = baselineMeasurement(hello, [before, after], CONNECTIONS);
  const baseline = { name: base.name, value: base.value };
  return [
    base,
    ...runs.map(({ target, run }) =>
      throughputMeasurement({ ...target, connections: CONNECTIONS }, run, baseline),
    ),
  ];
}
