import { createApp } from '../src/app.tsx';
import type { Io } from '../src/core/cli.ts';
import { loadConfig } from '../src/core/config.ts';
import type { DbHandle } from '../src/core/db/index.ts';
import { createLogger } from '../src/core/log.ts';
import { ServerSecret } from '../src/core/secret.ts';

/** The whole app over a test database, for in-process requests (`app.request(path)`). */
export function testApp(handle: DbHandle) {
  return createApp({
    handle,
    config: loadConfig({}),
    log: createLogger('silent'),
    secret: ServerSecret.fromString('paved-test-secret-0123456789abcdef'),
  });
}

/** An Io that captures what a command writes, for CLI tests. */
export function captureIo(env: Record<string, string | undefined> = {}): Io & {
  stdout: () => string;
  stderr: () => string;
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    env,
    isTty: false,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
