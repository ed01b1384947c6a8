import { serve } from '@hono/node-server';
import { createApp } from './app.tsx';
import type { Config } from './core/config.ts';
import type { DbHandle } from './core/db/index.ts';
import type { Logger } from './core/log.ts';
import { loadSecret } from './core/secret.ts';

/** Serves paved over HTTP until the process is told to stop; resolves once listening. */
export function startServer(
  handle: DbHandle,
  config: Config,
  log: Logger,
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const app = createApp({ handle, config, log, secret: loadSecret(config, handle) });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
