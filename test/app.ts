import { createApp } from '../src/app.tsx';
import type { Io } from '../src/core/cli.ts';
import { loadConfig } from '../src/core/config.ts';
import type { DbHandle } from '../src/core/db/index.ts';
import { sessionCookieName } from '../src/core/http/auth.ts';
import type { Deps } from '../src/core/http/env.ts';
import { createLogger, type Logger } from '../src/core/log.ts';
import { createMailer } from '../src/core/mail.ts';
import type { RoleName } from '../src/core/policy.ts';
import { ServerSecret } from '../src/core/secret.ts';
import type { User } from '../src/identity/model.ts';
import { createSession, createToken, createUser } from '../src/identity/store.ts';
import { createDeps, startServer } from '../src/server.ts';

/** The server secret every test app uses. */
export const testSecret = ServerSecret.fromString('paved-test-secret-0123456789abcdef');

/**
 * The whole app over a test database, for in-process requests (`app.request(path)`);
 * `env` holds PAVED_* settings and `log` a logger to read back (silent by default).
 */
export function testApp(
  handle: DbHandle,
  env: Record<string, string> = {},
  log: Logger = createLogger('silent'),
) {
  return createApp(testDeps(handle, env, log));
}

/** The dependencies the app and background work are built with, over a test database. */
export function testDeps(
  handle: DbHandle,
  env: Record<string, string> = {},
  log: Logger = createLogger('silent'),
): Deps {
  const config = loadConfig(env);
  return {
    handle,
    config,
    log,
    secret: testSecret,
    mailer: createMailer(config),
  };
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

/** A signed-in user for tests: bearer headers for the API, cookie headers for pages. */
export interface TestUser {
  user: User;
  token: string;
  csrfToken: string;
  /** `Authorization: Bearer …` */
  bearer: Record<string, string>;
  /** `Cookie: __Host-paved_session=…` */
  cookie: Record<string, string>;
}

let userCounter = 0;

/** Creates a user with a role (and optional email, to link a person) with a token and a session. */
export async function signIn(
  handle: DbHandle,
  role: RoleName = 'developer',
  email = `user${++userCounter}-${role}@example.test`,
): Promise<TestUser> {
  const user = await createUser(handle.db, {
    email,
    name: `Test ${role}`,
    role,
    passwordHash: null,
  });
  const { value } = await createToken(handle.db, {
    userId: user.id,
    name: 'test',
    expiresAt: null,
  });
  const session = await createSession(handle.db, user.id, { maxDays: 7 });
  const { name } = sessionCookieName(loadConfig({}).baseUrl);
  return {
    user,
    token: value,
    csrfToken: session.csrfToken,
    bearer: { Authorization: `Bearer ${value}` },
    cookie: { Cookie: `${name}=${session.cookieValue}` },
  };
}

/**
 * The whole app listening on a free port of 127.0.0.1 over a test database,
 * for CLI tests that talk HTTP the way users do. Close it after the test.
 */
export function startTestServer(handle: DbHandle, secret = 'x'.repeat(32)) {
  const config = loadConfig({ PAVED_PORT: '0', PAVED_SECRET: secret });
  return startServer(createDeps(handle, config, createLogger('silent')));
}
