import type { Db } from '../core/db/index.ts';
import { getSetting } from '../core/settings.ts';
import { demoMarker } from '../demo/model.ts';
import { countUsers, createLink } from './store.ts';

/**
 * On a fresh database that is not a demo, start-up offers a one-time link
 * that creates the first admin (valid 24 hours). Returns the URL, or null
 * when accounts exist already or the database is a demo.
 */
export async function firstAdminLink(db: Db, baseUrl: string): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  if ((await getSetting(db, demoMarker)) !== null) return null;
  const token = await createLink(db, 'setup', null, 24);
  return `${baseUrl}/setup/${token}`;
}
