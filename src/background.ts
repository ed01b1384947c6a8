import { expireExceptions } from './capabilities/service.ts';
import type { DbHandle } from './core/db/index.ts';
import type { Logger } from './core/log.ts';
import { pruneRateLimits } from './core/ratelimit.ts';

const HOUR = 3600_000;

/**
 * Housekeeping every instance runs once at start and then hourly: ending
 * exceptions past their expiry date, forgetting old rate-limit windows. Each
 * job is safe to run on several instances at once (conditional updates and
 * the ledger's sequence make a second run a no-op). Returns a stop function.
 */
export function startBackgroundWork(handle: DbHandle, log: Logger): () => void {
  const run = async () => {
    try {
      const today = new Date().toISOString().slice(0, 10);
      const ended = await expireExceptions(handle.db, today);
      if (ended > 0) log.info({ ended }, 'expired exceptions ended');
      await pruneRateLimits(handle.db);
    } catch (error) {
      log.error({ err: error }, 'background work failed');
    }
  };
  void run();
  const timer = setInterval(run, HOUR);
  timer.unref();
  return () => clearInterval(timer);
}
