import type { Migration } from 'kysely';
import * as m0001 from './0001_org.ts';

/** Every migration, in order. Add a line per new numbered file. */
export const migrations: Record<string, Migration> = {
  '0001_org': m0001,
};
