// `npm run bench [-- --quick]`: paved's benchmark. Runs every step on SQLite,
// and on PostgreSQL when PAVED_BENCH_POSTGRES_URL names a server (the run
// creates and drops its own database there), against the real server
// (`paved serve` as a child process), prints a table and writes
// bench/results/<date>-<engine>.{json,md}. Every figure is a ratio against a
// baseline measured in the same run; every goal is marked met or not.
//
//   --quick   the small demo and short durations: a ~2-minute smoke run
//   --fresh   generate the workloads again instead of using bench/.cache
//   --only    a comma-separated list of steps (report,ingest,pages,throughput,memory,cli)

import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCliStart } from './cli-start.ts';
import { type Driver, openDriver } from './driver.ts';
import { benchIngest, type IngestRefs } from './ingest.ts';
import { memoryMeasurement } from './memory.ts';
import type { BenchContext, Engine, Measurement } from './model.ts';
import {
  endpoints,
  engineComparison,
  growthComparison,
  lastQuarter,
  type ReportRun,
  reportBuilt,
  reportMeasurements,
  scanBaseline,
  timeEndpoints,
} from './report.ts';
import { type RunningServer, startPaved } from './server.ts';
import { formatTable, goalCounts, type RunResult, writeResult } from './summary.ts';
import {
  cachedWorkload,
  copySqliteToPostgres,
  createPostgresDatabase,
  type OwnedDatabase,
  pavedEnv,
  ROOT,
  removeSqlite,
  runPaved,
  sqliteCopy,
  type Workload,
} from './workload.ts';

const STEPS = ['report', 'ingest', 'pages', 'throughput', 'memory', 'cli'] as const;
type Step = (typeof STEPS)[number];

/** How big each part of a run is: the full run fits 20 minutes on 2 cores, --quick about 2. */
export const SIZING = {
  full: { size: 'large', growthScale: 0.1, ingestEvents: 50_000, warmRuns: 5 },
  quick: { size: 'small', growthScale: null, ingestEvents: 5_000, warmRuns: 3 },
} as const;

const SEED = 42;
/** The capabilities whose value figures the demo fixes an outcome for. */
const VALUE_CAPABILITIES = ['ci-runners', 'deploy-pipeline'];

const started = performance.now();
const log = (message: string) => {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${s} s] ${message}\n`);
};

type StepFn = (ctx: BenchContext) => Promise<Measurement[]>;

/** A step another file provides, once that file exists (pages, throughput). */
async function optionalStep(file: string, name: string): Promise<StepFn | null> {
  const path = join(ROOT, 'bench', file);
  if (!existsSync(path)) return null;
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return typeof mod[name] === 'function' ? (mod[name] as StepFn) : null;
}

/** The demo's admin account, from its settings row. */
async function adminEmail(driver: Driver): Promise<string> {
  const [row] = await driver.select<{ value: string }>(
    "select value from settings where key = 'demo.accounts'",
  );
  const accounts = JSON.parse(row?.value ?? '[]') as { role: string; email: string }[];
  const admin = accounts.find((a) => a.role === 'admin');
  if (!admin) throw new Error('The workload has no demo admin account.');
  return admin.email;
}

/** An admin API token, made with `paved token create` as an operator would. */
async function adminToken(databaseUrl: string, email: string): Promise<string> {
  const r = await runPaved(
    ['token', 'create', '--email', email, '--name', 'benchmark', '--expires', '1d', '--json'],
    pavedEnv(databaseUrl),
  );
  if (r.code !== 0) throw new Error(`paved token create failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

/** The paths the page steps open, from the workload itself. */
async function pageParams(driver: Driver, today: string): Promise<BenchContext['params']> {
  const [capability] = await driver.select<{ slug: string }>(
    "select slug from capabilities order by case when slug = 'ci-runners' then 0 else 1 end, slug limit 1",
  );
  const [item] = await driver.select<{ id: string }>(
    'select item_id as id from feedback_votes group by item_id order by count(*) desc, item_id limit 1',
  );
  const [survey] = await driver.select<{ id: string }>(
    "select id from surveys where state = 'closed' order by closed_at desc limit 1",
  );
  return {
    capability: capability?.slug ?? '',
    feedbackId: item?.id ?? '',
    surveyId: survey?.id ?? '',
    quarter: lastQuarter(today),
  };
}

/** Who and what the ingest events name: leaf teams, capabilities, people. */
async function ingestRefs(driver: Driver): Promise<IngestRefs> {
  const teams = await driver.select<{ slug: string }>(
    `select t.slug from teams t
     where t.inactive_since is null and not exists (select 1 from teams c where c.parent_id = t.id)
     order by t.slug`,
  );
  const caps = await driver.select<{ slug: string }>(
    "select slug from capabilities where stage <> 'retired' order by slug",
  );
  const people = await driver.select<{ email: string }>(
    'select email from people where email is not null and inactive_since is null order by email limit 2000',
  );
  return {
    teams: teams.map((t) => t.slug),
    capabilities: caps.map((c) => c.slug),
    emails: people.map((p) => p.email),
  };
}

/** A database for one engine holding the workload, and how to get rid of it. */
async function prepareDatabase(
  engine: Engine,
  workload: Workload,
  name: string,
): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const copy = sqliteCopy(workload, name);
    return { url: copy.url, cleanup: async () => removeSqlite(copy.file) };
  }
  const server = process.env.PAVED_BENCH_POSTGRES_URL!;
  const owned: OwnedDatabase = await createPostgresDatabase(server, name);
  try {
    log(`postgres: database ${owned.name}: migrating and copying the workload…`);
    const migrated = await runPaved(['migrate'], pavedEnv(owned.url));
    if (migrated.code !== 0) throw new Error(`paved migrate failed: ${migrated.stderr}`);
    await copySqliteToPostgres(workload.file, owned.url, log);
  } catch (error) {
    await owned.drop();
    throw error;
  }
  return { url: owned.url, cleanup: () => owned.drop() };
}

/** Times the report and figures endpoints on a fresh server, and the scan, on one database. */
async function reportRun(
  ctx: BenchContext,
  driver: Driver,
  warmRuns: number,
): Promise<{ run: ReportRun; built: boolean }> {
  const built = await reportBuilt(ctx.baseUrl);
  const caps = await driver.select<{ slug: string }>(
    `select slug from capabilities where slug in (${VALUE_CAPABILITIES.map(() => '?').join(', ')}) order by slug`,
    VALUE_CAPABILITIES,
  );
  const list = endpoints(ctx.params, {
    reportBuilt: built,
    valueCapabilities: caps.map((c) => c.slug),
  });
  const timings = await timeEndpoints(ctx, list, warmRuns);
  const scan = await scanBaseline(driver);
  ctx.log(
    `report: sequential scan of ${scan.rows.toLocaleString('en')} events: cold ${Math.round(scan.cold)} ms, warm ${Math.round(scan.warm)} ms`,
  );
  return { run: { timings, scan }, built };
}

interface EngineRun {
  result: RunResult;
  report: ReportRun | null;
  failed: boolean;
}

async function runEngine(
  engine: Engine,
  opts: { quick: boolean; only: Set<Step>; fresh: boolean; sqliteReport: ReportRun | null },
): Promise<EngineRun> {
  const sizing = opts.quick ? SIZING.quick : SIZING.full;
  const runStarted = performance.now();
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  let failed = false;
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverage: loadavg(),
  };
  log(`${engine}: preparing the workload…`);
  const workload = await cachedWorkload(
    { size: sizing.size, scale: 1, seed: SEED },
    { log, fresh: opts.fresh },
  );
  const database = await prepareDatabase(engine, workload, engine);
  let server: RunningServer | null = null;
  let driver: Driver | null = null;
  let report: ReportRun | null = null;
  const step = async (name: Step, fn: () => Promise<void>) => {
    if (!opts.only.has(name)) return;
    server?.memory.enter(name);
    try {
      await fn();
    } catch (error) {
      failed = true;
      const message = `${name} FAILED: ${(error as Error).message}`;
      notes.push(message);
      log(message);
    }
  };
  try {
    driver = await openDriver(database.url);
    const admin = await adminEmail(driver);
    const token = await adminToken(database.url, admin);
    const params = await pageParams(driver, workload.today);
    log(`${engine}: starting paved serve…`);
    server = await startPaved(database.url);
    const ctx: BenchContext = {
      engine,
      quick: opts.quick,
      databaseUrl: database.url,
      baseUrl: server.baseUrl,
      token,
      params,
      log: (m) => log(`${engine}: ${m}`),
    };
    const d = driver;

    // The report first, while the server process is fresh: its first requests are the cold ones.
    await step('report', async () => {
      const { run, built } = await reportRun(ctx, d, sizing.warmRuns);
      report = run;
      measurements.push(...reportMeasurements(run, { engine }));
      if (!built) {
        notes.push(
          'The quarterly report (GET /api/v1/report) is not built yet: its goals (≤ 1 s on SQLite, PostgreSQL ≤ 1.5× SQLite, ≤ 2× at ten times the events) are not measured; the figures endpoints are.',
        );
      }
      if (engine === 'postgres' && opts.sqliteReport) {
        measurements.push(...engineComparison(run, opts.sqliteReport));
      }
    });
    await step('ingest', async () => {
      measurements.push(
        ...(await benchIngest(ctx, {
          refs: await ingestRefs(d),
          events: sizing.ingestEvents,
          driver: d,
          adminEmail: admin,
        })),
      );
    });
    for (const [name, file, fn] of [
      ['pages', 'pages.ts', 'benchPages'],
      ['throughput', 'throughput.ts', 'benchThroughput'],
    ] as const) {
      await step(name, async () => {
        const run = await optionalStep(file, fn);
        if (!run) {
          notes.push(`The ${name} step (bench/${file}) is not built yet: not measured.`);
          log(`${engine}: ${name}: not built yet, skipped.`);
          return;
        }
        log(`${engine}: ${name}…`);
        measurements.push(...(await run(ctx)));
      });
    }
    const ran = ['report', 'ingest', 'pages', 'throughput'].filter((s) => opts.only.has(s as Step));
    await step('memory', async () => {
      measurements.push(memoryMeasurement(server!.memory, `steps ${ran.join(', ')}`));
    });
    await step('cli', async () => {
      measurements.push(...(await benchCliStart(ctx)));
    });
  } finally {
    await server?.stop();
    await driver?.close();
    await database.cleanup();
  }

  // Growth (full runs, SQLite): the same endpoints on a tenth of the events.
  if (engine === 'sqlite' && sizing.growthScale && opts.only.has('report') && report) {
    await step('report', async () => {
      const fewer = await cachedWorkload(
        { size: sizing.size, scale: sizing.growthScale!, seed: SEED },
        { log, fresh: opts.fresh },
      );
      const copy = await prepareDatabase('sqlite', fewer, 'growth');
      const d = await openDriver(copy.url);
      const s = await startPaved(copy.url);
      try {
        const token = await adminToken(copy.url, await adminEmail(d));
        const ctx: BenchContext = {
          engine,
          quick: false,
          databaseUrl: copy.url,
          baseUrl: s.baseUrl,
          token,
          params: await pageParams(d, fewer.today),
          log: (m) => log(`sqlite ×${sizing.growthScale}: ${m}`),
        };
        const { run } = await reportRun(ctx, d, sizing.warmRuns);
        measurements.push(
          ...growthComparison(report!, run, {
            more: 'acme-10k',
            fewer: `acme-10k at ${sizing.growthScale}× the events`,
          }),
        );
        notes.push(
          `Growth is measured from ${sizing.growthScale}× the events to acme-10k itself (ten times as many); generating ten times acme-10k's two million deploys does not fit the run's 20 minutes (paved demo --size large --scale 10 builds it).`,
        );
      } finally {
        await s.stop();
        await d.close();
        await copy.cleanup();
      }
    });
  }

  const result: RunResult = {
    date: new Date().toISOString().slice(0, 10),
    engine,
    quick: opts.quick,
    ...(opts.only.size < STEPS.length ? { only: STEPS.filter((s) => opts.only.has(s)) } : {}),
    startedAt: new Date(Date.now() - (performance.now() - runStarted)).toISOString(),
    seconds: (performance.now() - runStarted) / 1000,
    machine,
    workload: {
      size: workload.spec.size,
      scale: workload.spec.scale,
      seed: workload.spec.seed,
      'as of': workload.today,
      'generated in s': Math.round(workload.generationSeconds),
      ...(workload.generationCpuSeconds !== undefined &&
        Number.isFinite(workload.generationCpuSeconds) && {
          'generation CPU s': Math.round(workload.generationCpuSeconds),
        }),
      ...workload.counts,
    },
    measurements,
    notes: [
      ...notes,
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          ', ',
        )} (other work on the machine slows every figure; ratios to same-run baselines are steadier than absolute times).`,
    ],
  };
  return { result, report, failed };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const only = new Set<Step>(
    values.only ? (values.only.split(',').map((s) => s.trim()) as Step[]) : STEPS,
  );
  for (const s of only) {
    if (!STEPS.includes(s)) {
      process.stderr.write(`--only takes ${STEPS.join(', ')}; got ${JSON.stringify(s)}.\n`);
      return 2;
    }
  }
  const engines: Engine[] = ['sqlite'];
  if (process.env.PAVED_BENCH_POSTGRES_URL) engines.push('postgres');
  else log('PAVED_BENCH_POSTGRES_URL is not set: SQLite only.');
  const quick = Boolean(values.quick);
  let sqliteReport: ReportRun | null = null;
  let failed = false;
  for (const engine of engines) {
    const run = await runEngine(engine, {
      quick,
      only,
      fresh: Boolean(values.fresh),
      sqliteReport,
    });
    if (engine === 'sqlite') sqliteReport = run.report;
    failed ||= run.failed;
    const paths = writeResult(join(ROOT, 'bench/results'), run.result);
    process.stdout.write(`\n${formatTable(run.result)}\n`);
    const { met, total } = goalCounts(run.result.measurements);
    log(`${engine}: ${met} of ${total} goals met; wrote ${paths.json} and ${paths.markdown}.`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main().catch((error: Error) => {
  log(`failed: ${error.stack ?? error.message}`);
  return 1;
});
