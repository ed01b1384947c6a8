// The benchmark's data: `paved demo` (acme-10k is `--size large`), generated
// once per (seed, size, scale, schema version, week) into a
// git-ignored cache, and copied for each run so that a run's writes never
// reach the cache. PostgreSQL runs get a database of their own, filled from
// the same cached rows, so both engines measure the same data.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `paved` executable, run as users run it. */
export const PAVED = join(ROOT, 'bin/paved.js');
/** Where generated workloads and the run's working copies live (git-ignored). */
export const CACHE_DIR = join(ROOT, 'bench/.cache');
/** The server secret every benchmark process shares (PostgreSQL requires one; SQLite gets the same). */
export const BENCH_SECRET = 'paved-benchmark-only-secret-0123456789abcdef';

export type DemoSize = 'small' | 'large';

export interface WorkloadSpec {
  size: DemoSize;
  /** `paved demo --scale`: events as a multiple of the size's own. */
  scale: number;
  seed: number;
}

export interface Workload {
  spec: WorkloadSpec;
  /** The cached SQLite file (never written by a run). */
  file: string;
  key: string;
  /** The day the demo was generated as of. */
  today: string;
  /** Seconds `paved demo` took, when this run generated it; null when it came from the cache. */
  generatedSeconds: number | null;
  /** Seconds the generation took when it was made (also for cached ones). */
  generationSeconds: number;
  /** CPU seconds (user + system) the generation used, when it could be read. */
  generationCpuSeconds?: number;
  counts: Record<string, number>;
}

/**
 * The day workloads are generated as of: the Monday of this week (UTC), so a
 * cached workload is reused for a week and its history still ends about now
 * (figures look back from today).
 */
export function workloadToday(now = new Date()): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const back = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The schema version: a hash of every migration. A changed demo generator
 * does not change it (run with --fresh to regenerate); a new or changed
 * migration does, and the week's workload under the older version is then
 * brought up to date with `paved migrate` rather than generated again.
 */
export function schemaVersion(root = ROOT): string {
  const hash = createHash('sha256');
  const dir = join(root, 'src/core/db/migrations');
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.ts') || name.includes('.test.')) continue;
    hash.update(name).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 10);
}

/** `large-x1-seed42-<version>-2026-11-23`: one cache file per key. */
export function workloadKey(spec: WorkloadSpec, version: string, today: string): string {
  return `${workloadPrefix(spec)}-${version}-${today}`;
}

function workloadPrefix(spec: WorkloadSpec): string {
  return `${spec.size}-x${spec.scale}-seed${spec.seed}`;
}

/** Runs `paved <args>` as a child process; resolves with its exit code and output. */
export function runPaved(
  args: readonly string[],
  env: Record<string, string>,
  opts: { onStderrLine?: (line: string) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PAVED, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The CPU the command used (user + system), read from /proc while it runs.
    let cpuSeconds = Number.NaN;
    const cpu = setInterval(() => {
      const seconds = child.pid ? cpuSecondsOf(child.pid) : null;
      if (seconds !== null) cpuSeconds = seconds;
    }, 500);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (!opts.onStderrLine) return;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) opts.onStderrLine(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(cpu);
      resolve({ code: code ?? 1, stdout, stderr, cpuSeconds });
    });
  });
}

/** User plus system CPU seconds of a running process, from /proc/<pid>/stat (Linux). */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The environment every paved process of the benchmark gets. */
export function pavedEnv(databaseUrl: string, extra: Record<string, string> = {}) {
  return {
    PAVED_DATABASE_URL: databaseUrl,
    PAVED_SECRET: BENCH_SECRET,
    NO_COLOR: '1',
    ...extra,
  };
}

/** Row counts that describe a workload (read straight from the file). */
export function countRows(file: string): Record<string, number> {
  const db = new SQLite(file, { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return {
      teams: count('teams'),
      people: count('people'),
      capabilities: count('capabilities'),
      events: count('signal_events'),
      deploys: count('signal_deploys'),
      surveys: count('surveys'),
      'survey responses': count('survey_responses'),
      'feedback items': count('feedback_items'),
      votes: count('feedback_votes'),
      pulses: count('pulses'),
      'adoption events': count('adoption_events'),
    };
  } finally {
    db.close();
  }
}

/**
 * The cached workload for a spec, generated with `paved demo` when missing
 * (progress on stderr through `log`). Older files of the same spec are removed.
 */
export async function cachedWorkload(
  spec: WorkloadSpec,
  opts: { log: (message: string) => void; fresh?: boolean; now?: Date },
): Promise<Workload> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const today = workloadToday(opts.now);
  const key = workloadKey(spec, schemaVersion(), today);
  const file = join(CACHE_DIR, `${key}.db`);
  const meta = join(CACHE_DIR, `${key}.json`);
  if (!opts.fresh && existsSync(file) && existsSync(meta)) {
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as Pick<
      Workload,
      'counts' | 'generationSeconds' | 'generationCpuSeconds'
    >;
    opts.log(`Workload ${key}: from the cache.`);
    return { spec, file, key, today, generatedSeconds: null, ...saved };
  }
  const partial = join(CACHE_DIR, `${key}.partial.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  // The same workload of this week under older migrations: brought up to date
  // by paved migrate, as a deployment's data is, instead of generated again.
  const older = opts.fresh ? undefined : olderWorkload(spec, today, key);
  if (older) {
    opts.log(`Workload ${key}: migrating ${older.key} to the current schema…`);
    copyFileSync(older.file, partial);
    const migrated = await runPaved(['migrate'], pavedEnv(`sqlite:${partial}`, {}));
    if (migrated.code === 0) {
      await pruneLikeTheServer(partial);
      renameSync(partial, file);
      for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
      const saved = JSON.parse(readFileSync(older.meta, 'utf8')) as Pick<
        Workload,
        'generationSeconds' | 'generationCpuSeconds'
      >;
      const counts = countRows(file);
      writeFileSync(meta, `${JSON.stringify({ ...saved, counts }, null, 2)}\n`);
      removeOtherWorkloads(spec, key);
      return { spec, file, key, today, generatedSeconds: null, ...saved, counts };
    }
    opts.log(`  migrate failed (exit ${migrated.code}); generating instead.`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
  removeOtherWorkloads(spec, key);
  opts.log(
    `Workload ${key}: generating with paved demo --size ${spec.size} --scale ${spec.scale} --seed ${spec.seed}…`,
  );
  const started = performance.now();
  const result = await runPaved(
    ['demo', '--size', spec.size, '--scale', String(spec.scale), '--seed', String(spec.seed)],
    pavedEnv(`sqlite:${partial}`, { PAVED_DEMO_TODAY: today }),
    { onStderrLine: (line) => opts.log(`  demo: ${line.trim()}`) },
  );
  if (result.code !== 0) {
    throw new Error(`paved demo failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  }
  const generationSeconds = (performance.now() - started) / 1000;
  const generationCpuSeconds = result.cpuSeconds;
  await pruneLikeTheServer(partial);
  // The demo closed its connection, which folds the WAL into the file.
  renameSync(partial, file);
  rmSync(`${partial}-wal`, { force: true });
  rmSync(`${partial}-shm`, { force: true });
  const counts = countRows(file);
  writeFileSync(
    meta,
    `${JSON.stringify({ generationSeconds, generationCpuSeconds, counts }, null, 2)}\n`,
  );
  opts.log(
    `Workload ${key}: ${Math.round(generationSeconds)} s (${Math.round(generationCpuSeconds)} s of CPU), ${Math.round(statSync(file).size / 1e6)} MB.`,
  );
  return {
    spec,
    file,
    key,
    today,
    generatedSeconds: generationSeconds,
    generationSeconds,
    generationCpuSeconds,
    counts,
  };
}

/**
 * Prunes raw events past the retention, as a running server's background job
 * keeps them: the workload is the organisation as paved holds it, so a run's
 * server does not spend its first seconds pruning two years of history while
 * the cold requests are timed.
 */
async function pruneLikeTheServer(file: string): Promise<void> {
  const pruned = await runPaved(['event', 'prune', '--force'], pavedEnv(`sqlite:${file}`, {}));
  if (pruned.code !== 0) {
    throw new Error(
      `paved event prune failed (exit ${pruned.code}):\n${pruned.stderr.slice(-2000)}`,
    );
  }
}

/** A complete cached workload of the same spec and week under another schema version. */
function olderWorkload(
  spec: WorkloadSpec,
  today: string,
  key: string,
): { key: string; file: string; meta: string } | undefined {
  const prefix = `${workloadPrefix(spec)}-`;
  for (const name of readdirSync(CACHE_DIR)) {
    if (!name.startsWith(prefix) || !name.endsWith(`-${today}.json`)) continue;
    const other = name.slice(0, -'.json'.length);
    const file = join(CACHE_DIR, `${other}.db`);
    if (other !== key && existsSync(file)) return { key: other, file, meta: join(CACHE_DIR, name) };
  }
  return undefined;
}

/** Removes the cached files of a spec other than `key`'s (older schema versions and weeks). */
function removeOtherWorkloads(spec: WorkloadSpec, key: string): void {
  for (const name of readdirSync(CACHE_DIR)) {
    if (name.startsWith(`${workloadPrefix(spec)}-`) && !name.startsWith(`${key}.`)) {
      rmSync(join(CACHE_DIR, name), { force: true });
    }
  }
}

/** A private copy of a cached SQLite workload for one run; the run writes only to it. */
export function sqliteCopy(workload: Workload, name: string): { url: string; file: string } {
  const dir = join(CACHE_DIR, 'runs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${process.pid}.db`);
  removeSqlite(file);
  copyFileSync(workload.file, file);
  return { url: `sqlite:${file}`, file };
}

/** Deletes a SQLite file and its WAL and shared-memory files. */
export function removeSqlite(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

/** A PostgreSQL database the benchmark owns: created empty, dropped at the end. */
export interface OwnedDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `paved_bench_<pid>_<label>` on the server PAVED_BENCH_POSTGRES_URL names. */
export async function createPostgresDatabase(
  serverUrl: string,
  label: string,
): Promise<OwnedDatabase> {
  const name = `paved_bench_${process.pid}_${label.replace(/[^a-z0-9_]/g, '_')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Fills a migrated, empty PostgreSQL database with the rows of a cached
 * SQLite workload, table by table in batches, then ANALYZE (as autovacuum
 * would have by then). Foreign keys are not checked while loading: the rows
 * come from a database that enforced them.
 */
export async function copySqliteToPostgres(
  file: string,
  url: string,
  log: (message: string) => void,
): Promise<void> {
  const source = new SQLite(file, { readonly: true });
  const target = new pg.Client({ connectionString: url });
  await target.connect();
  try {
    const { rows: tables } = await target.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`,
    );
    await target.query('begin');
    await target.query(`set local session_replication_role = replica`);
    let total = 0;
    for (const { name } of tables) {
      const { rows: cols } = await target.query<{ column_name: string }>(
        `select column_name from information_schema.columns
         where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
        [name],
      );
      const columns = cols.map((c) => c.column_name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      // Rows the migrations seeded (decision categories, settings) are replaced by the copy's.
      await target.query(`delete from "${name}"`);
      const per = Math.max(1, Math.floor(30_000 / columns.length));
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const values = batch
          .map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`)
          .join(', ');
        await target.query(`insert into "${name}" (${list}) values ${values}`, params);
        total += batch.length;
        batch = [];
      };
      const statement = source.prepare(`select ${list} from "${name}"`).raw(true);
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= per) await flush();
      }
      await flush();
    }
    await target.query('commit');
    log(`  copied ${total.toLocaleString('en')} rows into PostgreSQL; analysing…`);
    await target.query('analyze');
  } catch (error) {
    await target.query('rollback').catch(() => {});
    throw error;
  } finally {
    await target.end();
    source.close();
  }
}

/** Kills a child process and waits for it to end (used on errors and at the end of a run). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
