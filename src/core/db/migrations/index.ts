import type { Migration } from 'kysely';
import * as m0001 from './0001_org.ts';
import * as m0002 from './0002_identity.ts';
import * as m0003 from './0003_capabilities.ts';

/** Every migration, in order. Add a line per new numbered file. */
export const migrations: Record<string, Migration> = {
  '0001_org': m0001,
  '0002_identity': m0002,
  '0003_capabilities': m0003,
};
