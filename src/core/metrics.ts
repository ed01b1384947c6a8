// Prometheus metrics: a small registry in the text exposition format (0.0.4),
// paved's own metrics, the request middleware and the /metrics route.
//
// Counters and histograms live in memory per process (each instance is scraped
// on its own); gauges that describe the database are read on each scrape.

import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { POLICY } from './http/auth.ts';
import type { AppEnv, Deps } from './http/env.ts';
import { problem } from './http/problem.ts';

type Labels = Record<string, string>;
/** One sample of a gauge, read at scrape time. */
export interface Sample {
  labels?: Labels;
  value: number;
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** A number as Prometheus writes it (+Inf, NaN). */
function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

// Series are kept by their label text, so one label set is one series.
const keyOf = (labels: Labels) => labelText(labels);

/** A value that only goes up, per label set. */
export class Counter {
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const s = this.series.get(key) ?? { labels, value: 0 };
    s.value += by;
    this.series.set(key, s);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const s of this.series.values()) {
      lines.push(`${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
    }
    return lines;
  }
}

/** Observations counted into fixed, cumulative buckets, per label set. */
export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => {
        lines.push(
          `${this.name}_bucket${labelText(s.labels, ['le', numberText(le)])} ${s.counts[i]}`,
        );
      });
      lines.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${numberText(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** A value read when scraped; a failed read leaves the gauge out of that scrape. */
export interface Gauge {
  name: string;
  help: string;
  collect: () => Sample[] | Promise<Sample[]>;
}

/** A set of metrics rendered together. */
export class Registry {
  private readonly metrics: Array<Counter | Histogram | Gauge> = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  gauge(name: string, help: string, collect: Gauge['collect']): Gauge {
    return this.add({ name, help, collect });
  }

  private add<T extends Counter | Histogram | Gauge>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }

  /** The text format; `onError` hears about gauges that could not be read. */
  async render(onError: (name: string, error: unknown) => void = () => {}): Promise<string> {
    const out: string[] = [];
    for (const m of this.metrics) {
      if (m instanceof Counter || m instanceof Histogram) {
        out.push(...m.render());
        continue;
      }
      let samples: Sample[];
      try {
        samples = await m.collect();
      } catch (error) {
        onError(m.name, error);
        continue;
      }
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} gauge`);
      for (const s of samples) out.push(`${m.name}${labelText(s.labels)} ${numberText(s.value)}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/** Request latency buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

// Methods outside this list (anything a client can type) share one label.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** paved's metrics for one process: requests, ingestion, the outbox and the database pool. */
export interface PavedMetrics {
  registry: Registry;
  /** Counts one answered request; `route` is the matched pattern, never the raw path. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** Counts what one ingest request accepted, found duplicate and rejected. */
  ingested(result: { accepted: number; duplicates: number; rejected: number }): void;
}

function createPavedMetrics(deps: Deps): PavedMetrics {
  const { db } = deps.handle;
  const registry = new Registry();
  const requests = registry.counter(
    'paved_http_requests_total',
    'HTTP requests answered, by method, route pattern and status class.',
  );
  const latency = registry.histogram(
    'paved_http_request_duration_seconds',
    'Time to answer an HTTP request, by method and route pattern.',
    LATENCY_BUCKETS,
  );
  const events = registry.counter(
    'paved_ingest_events_total',
    'Events sent to POST /api/v1/events, by outcome (accepted, duplicate, rejected).',
  );
  registry.gauge(
    'paved_outbox_pending',
    'Outgoing notifications waiting to be sent: emails and webhook deliveries.',
    async () => {
      const [emails, hooks] = await Promise.all([
        db
          .selectFrom('notifications')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('email_status', '=', 'pending')
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('webhook_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow(),
      ]);
      return [
        { labels: { queue: 'email' }, value: Number(emails.n) },
        { labels: { queue: 'webhook' }, value: Number(hooks.n) },
      ];
    },
  );
  registry.gauge(
    'paved_db_pool_connections',
    'PostgreSQL connection pool: open (total), idle, and requests waiting for one. SQLite has one connection and no pool.',
    () => {
      const { pool } = deps.handle;
      if (!pool) return [{ labels: { state: 'total' }, value: 1 }];
      return [
        { labels: { state: 'total' }, value: pool.totalCount },
        { labels: { state: 'idle' }, value: pool.idleCount },
        { labels: { state: 'waiting' }, value: pool.waitingCount },
      ];
    },
  );
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => [
    { value: process.memoryUsage().rss },
  ]);
  registry.gauge('process_start_time_seconds', 'When the process started, in Unix seconds.', () => [
    { value: Math.round(Date.now() / 1000 - process.uptime()) },
  ]);
  return {
    registry,
    request(method, route, status, seconds) {
      const m = METHODS.has(method) ? method : 'other';
      // Unmatched paths land on a wildcard middleware pattern; one label for all of them.
      const r = route.endsWith('*') ? '(unmatched)' : route;
      requests.inc({ method: m, route: r, status: `${Math.floor(status / 100)}xx` });
      latency.observe({ method: m, route: r }, seconds);
    },
    ingested({ accepted, duplicates, rejected }) {
      events.inc({ outcome: 'accepted' }, accepted);
      events.inc({ outcome: 'duplicate' }, duplicates);
      events.inc({ outcome: 'rejected' }, rejected);
    },
  };
}

// One set of metrics per process's dependencies, shared by the app and the metrics port.
const byDeps = new WeakMap<Deps, PavedMetrics>();

/** The metrics of the process these dependencies belong to. */
export function metricsFor(deps: Deps): PavedMetrics {
  let m = byDeps.get(deps);
  if (!m) {
    m = createPavedMetrics(deps);
    byDeps.set(deps, m);
  }
  return m;
}

/** Counts every request by its route pattern and times it; registered first so it sees everything. */
export function recordRequests(deps: Deps): MiddlewareHandler<AppEnv> {
  const metrics = metricsFor(deps);
  return async (c, next) => {
    const start = performance.now();
    await next();
    metrics.request(
      c.req.method,
      c.req.routePath,
      c.res.status,
      (performance.now() - start) / 1000,
    );
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `given` is the token; compares digests, so time depends on neither value. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * The policy check of /metrics: no person passes (`metrics.read`); the route
 * admits its own credential, the configured bearer token, or — on the
 * loopback-bound metrics port — the port itself.
 */
function metricsGuard(token: string | null): MiddlewareHandler<AppEnv> {
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (token === null) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (tokenMatches(m?.[1], token)) return next();
    c.header('WWW-Authenticate', 'Bearer realm="paved metrics"');
    return problem(c, {
      title: 'Sign-in required',
      status: 401,
      detail: 'Send the metrics token as "Authorization: Bearer <PAVED_METRICS_TOKEN>".',
    });
  };
  return Object.assign(check, { [POLICY]: 'metrics.read' as const });
}

function metricsRoute(deps: Deps, token: string | null) {
  const metrics = metricsFor(deps);
  return [
    metricsGuard(token),
    async (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => {
      const log = c.get('log') ?? deps.log;
      const text = await metrics.registry.render((name, err) =>
        log.warn({ err, metric: name }, 'metric could not be read'),
      );
      return c.body(text, 200, {
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    },
  ] as const;
}

/**
 * GET /metrics on the main port, for the bearer token only; registered before
 * authentication, which refuses bearer tokens outside /api. Without a token
 * the route does not exist (404).
 */
export function registerMetrics(app: Hono<AppEnv>, deps: Deps): void {
  const { token } = deps.config.metrics;
  if (token !== null) app.get('/metrics', ...metricsRoute(deps, token));
}

/** The app of the loopback-bound metrics port: GET /metrics and nothing else. */
export function metricsApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', ...metricsRoute(deps, null));
  app.notFound((c) => c.text('Not found: this port serves /metrics only.\n', 404));
  return app;
}
