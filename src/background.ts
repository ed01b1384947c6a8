import { expireExceptions } from './capabilities/service.ts';
import type { Deps } from './core/http/env.ts';
import { pruneRateLimits } from './core/ratelimit.ts';
import { deliverDue, enableDeliveryKicks } from './notifications/delivery.ts';
import { pruneRawEvents } from './operations/retention.ts';
import { announceClosedWindows } from './roadmap/windows.ts';
import { signalsHousekeeping } from './signals/service-github.ts';
import {
  prunePulseThrottle,
  reshuffleRecentAnswers,
  runSurveySchedule,
} from './surveys/service.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One kind of background work: what it does and how often every instance tries it. */
export interface BackgroundJob {
  name: string;
  everyMs: number;
  run(deps: BackgroundDeps): Promise<void>;
}

export type BackgroundDeps = Pick<Deps, 'handle' | 'config' | 'log' | 'secret' | 'mailer'>;

/**
 * The background work every instance runs once at start and then on its
 * interval. Each job must be safe on several instances at once (conditional
 * updates, the ledger's sequence, or rows claimed with FOR UPDATE SKIP
 * LOCKED), so a second run is a no-op. Areas add their jobs here.
 */
export const backgroundJobs: BackgroundJob[] = [
  {
    // Opens surveys on their opening day and closes them after their closing day.
    name: 'survey schedule',
    everyMs: 15 * MINUTE,
    async run(deps) {
      const { opened, closed } = await runSurveySchedule(deps);
      if (opened.length + closed.length > 0)
        deps.log.info({ opened, closed }, 'surveys opened or closed');
    },
  },
  {
    // PostgreSQL returns rows in the order they were written: the answers of
    // open surveys and recent pulses are written again in random order, so
    // no more than a quarter of an hour of answers is ever in arrival order.
    name: 'reshuffle answer order',
    everyMs: 15 * MINUTE,
    async run({ handle }) {
      await reshuffleRecentAnswers(handle);
    },
  },
  {
    // Pulse throttle records go once their cooldown has passed.
    name: 'prune pulse throttle',
    everyMs: HOUR,
    async run({ handle }) {
      await prunePulseThrottle(handle.db);
    },
  },
  {
    // GitHub deliveries whose repository found a team (a catalog import) go in;
    // the ingest and delivery logs stay bounded.
    name: 'signals housekeeping',
    everyMs: HOUR,
    async run({ handle, log }) {
      const done = await signalsHousekeeping(handle.db);
      if (done.recovered + done.batches + done.deliveries > 0)
        log.info(done, 'signals housekeeping');
    },
  },
  {
    name: 'expire exceptions',
    everyMs: HOUR,
    async run({ handle, log }) {
      const today = new Date().toISOString().slice(0, 10);
      const ended = await expireExceptions(handle.db, today);
      if (ended > 0) log.info({ ended }, 'expired exceptions ended');
    },
  },
  {
    // Email and webhooks of the notification outbox. Rows are claimed with
    // FOR UPDATE SKIP LOCKED on PostgreSQL (see notifications/claim.ts), so
    // several instances never send one twice. Services also kick a run right
    // after their commit; this turn catches whatever a kick missed.
    name: 'deliver notifications',
    everyMs: MINUTE,
    async run(deps) {
      enableDeliveryKicks(deps);
      const { emails, webhooks } = await deliverDue(deps);
      if (emails.sent + webhooks.delivered + webhooks.failed > 0) {
        deps.log.info({ emails, webhooks }, 'notifications delivered');
      }
    },
  },
  {
    // Proposals whose comment window closed: their deciders are told once
    // (a conditional update claims each, so several instances agree).
    name: 'roadmap comment windows',
    everyMs: 15 * MINUTE,
    async run({ handle, log }) {
      const announced = await announceClosedWindows(handle.db);
      if (announced > 0) log.info({ announced }, 'closed comment windows announced');
    },
  },
  {
    // Raw signal events past signals.raw_event_retention_days lose their
    // details; the aggregates the figures read stay (operations/retention.ts).
    name: 'prune raw events',
    everyMs: 6 * HOUR,
    async run({ handle, log }) {
      const { pruned, before } = await pruneRawEvents(handle.db, { via: 'background' });
      if (pruned > 0) log.info({ pruned, before }, 'raw events pruned');
    },
  },
  {
    name: 'prune rate limits',
    everyMs: HOUR,
    async run({ handle }) {
      await pruneRateLimits(handle.db);
    },
  },
];

/** Starts every background job; returns a stop function. A failing job is logged and retried on its next turn. */
export function startBackgroundWork(deps: BackgroundDeps, jobs = backgroundJobs): () => void {
  const timers = jobs.map((job) => {
    let running = false;
    const tick = async () => {
      if (running) return; // a slow run is never overlapped by the next one
      running = true;
      try {
        await job.run(deps);
      } catch (error) {
        deps.log.error({ err: error, job: job.name }, 'background work failed');
      } finally {
        running = false;
      }
    };
    void tick();
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
