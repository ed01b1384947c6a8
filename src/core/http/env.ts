import type { Config } from '../config.ts';
import type { DbHandle } from '../db/index.ts';
import type { Logger } from '../log.ts';
import type { Mailer } from '../mail.ts';
import type { Actor } from '../policy.ts';
import type { ServerSecret } from '../secret.ts';

/** What every area's routes are built with. */
export interface Deps {
  handle: DbHandle;
  config: Config;
  log: Logger;
  secret: ServerSecret;
  /** Outgoing email, or null when PAVED_SMTP_URL is not set. */
  mailer: Mailer | null;
}

/** Hono's environment for paved: variables set by middleware for each request. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** True when the database holds the generated demo organisation (pages label it). */
    demo: boolean;
    /** Who is acting, or null when nobody is signed in. */
    actor: Actor | null;
    /** The client's address, decided from the socket peer and the trusted proxies. */
    clientIp: string;
    /** The token every state-changing form of this session must carry. */
    csrfToken: string | null;
    /** Unread notifications of the signed-in person, for the page header (pages only). */
    unread: number | null;
  };
}
