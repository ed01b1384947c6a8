import type { Config } from '../config.ts';
import type { DbHandle } from '../db/index.ts';
import type { Logger } from '../log.ts';

/** What every area's routes are built with. */
export interface Deps {
  handle: DbHandle;
  config: Config;
  log: Logger;
}

/** Hono's environment for paved: variables set by middleware for each request. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** True when the database holds the generated demo organisation (pages label it). */
    demo: boolean;
  };
}
