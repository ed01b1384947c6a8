// What every benchmark step reports: a figure, the baseline it is measured
// against in the same run, the ratio, and the goal it is held to.

export type Engine = 'sqlite' | 'postgres';

/** One figure of one step. Every figure that has a goal names its baseline. */
export interface Measurement {
  /** The step: `ingest`, `report`, `pages`, `throughput`, `memory`, `cli`. */
  step: string;
  /** What was measured, e.g. `POST /api/v1/events` or `board page`. */
  name: string;
  value: number;
  /** `events/s`, `ms`, `KB`, `requests`, `req/s`, `MB`. */
  unit: string;
  /** The baseline measured in the same run, in the same unit. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or as the goal defines it). */
  ratio?: number;
  /** The goal as written in issue 9, and whether this run met it. */
  goal?: { text: string; met: boolean };
  /** Anything a reader needs, e.g. `cold` / `warm`, p50/p99 figures. */
  detail?: Record<string, number | string>;
}

/** What the runner gives each step. */
export interface BenchContext {
  engine: Engine;
  /** `--quick`: a smoke run of about two minutes (small data, short durations). */
  quick: boolean;
  /** The database the server runs on (already holding the workload). */
  databaseUrl: string;
  /** The paved server the runner started on that database, e.g. http://127.0.0.1:43123. */
  baseUrl: string;
  /** An admin API token for that server. */
  token: string;
  /** Paths the page steps open: a capability slug, a feedback item id, a survey id, a quarter. */
  params: { capability: string; feedbackId: string; surveyId: string; quarter: string };
  /** Progress on stderr, one line per step. */
  log: (message: string) => void;
}
