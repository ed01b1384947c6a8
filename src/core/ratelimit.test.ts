import { expect, it } from 'vitest';
import { describeEngines } from '../../test/engines.ts';
import { hit, pruneRateLimits, resetHits, undoHit } from './ratelimit.ts';

const limit = { name: 'test', limit: 2, windowSeconds: 60 };
const now = new Date('2026-11-01T10:00:30.000Z');

describeEngines('rate limits', (handle) => {
  it('allows `limit` hits per window, then says how long to wait', async () => {
    const { db } = handle();
    expect(await hit(db, limit, 'ada', now)).toEqual({ allowed: true, retryAfter: 0 });
    expect(await hit(db, limit, 'ada', now)).toEqual({ allowed: true, retryAfter: 0 });
    // 30 s into a 60 s window: 30 s to wait.
    expect(await hit(db, limit, 'ada', now)).toEqual({ allowed: false, retryAfter: 30 });
    // Another key, and the next window, start afresh.
    expect((await hit(db, limit, 'alan', now)).allowed).toBe(true);
    expect((await hit(db, limit, 'ada', new Date('2026-11-01T10:01:00.000Z'))).allowed).toBe(true);
  });

  it('takes back a hit, and forgets a key', async () => {
    const { db } = handle();
    await hit(db, limit, 'ada', now);
    await hit(db, limit, 'ada', now);
    await undoHit(db, limit, 'ada', now);
    expect((await hit(db, limit, 'ada', now)).allowed).toBe(true);
    expect((await hit(db, limit, 'ada', now)).allowed).toBe(false);
    await resetHits(db, limit, 'ada');
    expect((await hit(db, limit, 'ada', now)).allowed).toBe(true);
  });

  it('prunes windows older than a day', async () => {
    const { db } = handle();
    await hit(db, limit, 'old', new Date('2026-10-01T00:00:00.000Z'));
    await hit(db, limit, 'new', now);
    await pruneRateLimits(db, now);
    const keys = await db.selectFrom('rate_limits').select('key').execute();
    expect(keys).toEqual([{ key: 'test:new' }]);
  });
});
