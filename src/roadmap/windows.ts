// When a proposal's comment window closes, its deciders are told that it
// waits for them, once, whichever instance notices first.

import type { Db } from '../core/db/index.ts';
import { notifyUsers } from '../notifications/outbox.ts';
import { tally } from './model.ts';
import { deciderRoleOf, itemPath } from './service.ts';
import { claimWindowAnnouncement, closedWindowsToAnnounce, listComments } from './store.ts';

/** The active accounts with a role (the deciders of a category). */
async function activeUsersWithRole(db: Db, role: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', role)
    .where('disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Tells the deciders of every proposal whose window has closed that it waits
 * for their decision, with how the comments came out. Safe on several
 * instances: each proposal is claimed by a conditional update in the same
 * transaction as its notifications. Returns how many proposals were announced.
 */
export async function announceClosedWindows(db: Db, now = new Date()): Promise<number> {
  const at = now.toISOString();
  let announced = 0;
  for (const item of await closedWindowsToAnnounce(db, at)) {
    const done = await db.transaction().execute(async (trx) => {
      if (!(await claimWindowAnnouncement(trx, item.id, at))) return false;
      const { support, concern, people } = tally(await listComments(trx, item.id));
      await notifyUsers(trx, await activeUsersWithRole(trx, await deciderRoleOf(trx, item)), {
        kind: 'roadmap.window-closed',
        title: `Ready for your decision: ${item.title}`,
        body: `Comments closed with ${people} ${people === 1 ? 'person' : 'people'} taking part: ${support} support it, ${concern} have concerns. Record the decision and its rationale.`,
        link: itemPath(item.id),
      });
      return true;
    });
    if (done) announced++;
  }
  return announced;
}
