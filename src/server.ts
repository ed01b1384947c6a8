import { serve } from '@hono/node-server';
import { createApp } from './app.tsx';
import type { Config } from './core/config.ts';
import type { DbHandle } from './core/db/index.ts';
import type { Deps } from './core/http/env.ts';
import type { Logger } from './core/log.ts';
import { createMailer } from './core/mail.ts';
import { metricsApp } from './core/metrics.ts';
import { loadSecret } from './core/secret.ts';

/** Everything the app and the background work are built with, for one process. */
export function createDeps(handle: DbHandle, config: Config, log: Logger): Deps {
  return { handle, config, log, secret: loadSecret(config, handle), mailer: createMailer(config) };
}

/** Serves paved over HTTP until the process is told to stop; resolves once listening. */
export function startServer(
  deps: Deps,
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const { config } = deps;
  const app = createApp(deps);
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

/**
 * Serves GET /metrics alone on 127.0.0.1 and the configured metrics port (never
 * another address: the port has no credential of its own); resolves once listening.
 */
export function startMetricsServer(
  deps: Deps,
  port: number,
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const app = metricsApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}/metrics`,
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
