// The real `paved` under a pipe and under a pseudo-terminal (util-linux
// `script`): colour only on a terminal that wants it, progress redrawn only on
// a terminal, and destructive commands refusing without --force when nobody
// can answer.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/main.ts';
import { captureIo, signIn, startTestServer } from '../app.ts';
import { freshDatabase, type TestDb } from '../engines.ts';
import { countRows, seedOrg } from '../factories.ts';

const ESC = '\u001b';
/** A carriage return that does not end a line: a redraw (a terminal ends lines with \r\n). */
const REDRAW = /\r(?!\n)/;
const SECRET = 'paved-terminal-test-secret-0123456789';

let home: string;
let db: TestDb;
let server: Awaited<ReturnType<typeof startTestServer>>;
let token: string;

/** The environment of a person at a terminal, without anything that changes the output. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [
    'NO_COLOR',
    'ACCESSIBLE',
    'FORCE_COLOR',
    'COLUMNS',
    'PAVED_URL',
    'PAVED_TOKEN',
  ])
    delete env[key];
  return {
    ...env,
    TERM: 'xterm-256color',
    SHELL: '/bin/sh',
    HOME: home,
    XDG_CONFIG_HOME: home,
    PAVED_DATABASE_URL: db.url,
    PAVED_SECRET: SECRET,
    ...extra,
  };
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `paved …` with stdout and stderr as pipes and stdin from /dev/null, or `input` piped in. */
function piped(args: string[], env: Record<string, string> = {}, input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/paved.js', ...args], {
      env: baseEnv(env),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin?.end(input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `paved …` on a pseudo-terminal: stdin, stdout and stderr are all the terminal. */
function onTerminal(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, 'bin/paved.js', ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'paved-terminal-'));
  db = await freshDatabase('sqlite');
  await seedOrg(db.db);
  token = (await signIn(db, 'developer', 'dev@example.test')).token;
  server = await startTestServer(db, SECRET);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('colour and bold', () => {
  const whoami = () => ({ PAVED_URL: server.url, PAVED_TOKEN: token });

  it('bolds on a terminal, and never under a pipe, with NO_COLOR or with TERM=dumb', async () => {
    const tty = await onTerminal(['whoami'], whoami());
    expect(tty.code).toBe(0);
    expect(tty.output).toContain(`${ESC}[1mTest developer${ESC}[22m <dev@example.test>`);

    const plainEnvs: Record<string, string>[] = [
      { NO_COLOR: '1' },
      { NO_COLOR: 'anything' },
      { TERM: 'dumb' },
    ];
    for (const env of plainEnvs) {
      const plain = await onTerminal(['whoami'], { ...whoami(), ...env });
      expect(plain.code, JSON.stringify(env)).toBe(0);
      expect(plain.output, JSON.stringify(env)).toContain('Test developer <dev@example.test>');
      expect(plain.output, JSON.stringify(env)).not.toContain(ESC);
    }

    const pipe = await piped(['whoami'], whoami());
    expect(pipe).toMatchObject({ code: 0, stderr: '' });
    expect(pipe.stdout).toMatch(/^Test developer <dev@example.test>\nrole: +developer\n/);
    expect(pipe.stdout).not.toContain(ESC);
  }, 180_000);

  it('prints the same help, without escape codes, on a terminal and under a pipe', async () => {
    const tty = await onTerminal(['help'], { COLUMNS: '80' });
    const pipe = await piped(['help'], { COLUMNS: '80' });
    expect(pipe.code).toBe(0);
    expect(pipe.stdout).toContain('Conventions:');
    expect(tty.output).not.toContain(ESC);
    expect(pipe.stdout).not.toContain(ESC);
    expect(tty.output.replace(/\r\n/g, '\n')).toBe(pipe.stdout);
  }, 120_000);
});

describe('progress', () => {
  it('is one line per step off a terminal, a redrawn line on one, plain lines in accessible mode or with TERM=dumb', async () => {
    const file = join(home, 'export.ndjson');
    const pipe = await piped(['export', file, '--force']);
    expect(pipe.code).toBe(0);
    expect(pipe.stdout).toBe('');
    expect(pipe.stderr).toMatch(/^Export: teams: 4 rows$/m);
    expect(pipe.stderr).toMatch(/^Exported \d+ rows from \d+ tables to /m);
    expect(pipe.stderr).not.toContain('\r');

    const tty = await onTerminal(['export', file, '--force']);
    expect(tty.code).toBe(0);
    expect(tty.output).toMatch(REDRAW);
    expect(tty.output).toMatch(/\rExport: teams: 4 rows/);
    expect(tty.output).not.toContain(ESC);

    const accessible = await onTerminal(['export', file, '--force'], { ACCESSIBLE: '1' });
    expect(accessible.code).toBe(0);
    expect(accessible.output).toMatch(/^Working… Export\r\nExport: \w+: \d+ rows\r\n/);
    expect(accessible.output).not.toMatch(REDRAW);

    const dumb = await onTerminal(['export', file, '--force'], { TERM: 'dumb' });
    expect(dumb.code).toBe(0);
    expect(dumb.output).toContain('Export: teams: 4 rows\r\n');
    expect(dumb.output).not.toMatch(REDRAW);
  }, 240_000);
});

describe('--no-input and prompts', () => {
  it('fails at once on a terminal with --no-input, naming the flag, before or after the command', async () => {
    for (const args of [
      ['login', '--url', 'http://127.0.0.1:9', '--no-input'],
      ['--no-input', 'login', '--url', 'http://127.0.0.1:9'],
    ]) {
      const tty = await onTerminal(args);
      expect(tty.code, args.join(' ')).toBe(2);
      expect(tty.output).toBe(
        'paved: No token given and --no-input is set: pipe it in with --with-token (the first line is read).\r\n',
      );
    }
    const pipe = await piped(['login', '--url', 'http://127.0.0.1:9']);
    expect(pipe).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'paved: No token given and standard input is not a terminal: pipe it in with --with-token (the first line is read).\n',
    });
  }, 120_000);
});

describe('destructive commands without a terminal', () => {
  it('refuse with exit 2 and one line naming --force, from /dev/null or a pipe, changing nothing', async () => {
    const backup = join(home, 'backup.db');
    expect(await run(['backup', backup], captureIo({ PAVED_DATABASE_URL: db.url }))).toBe(0);
    const tokenId = (
      await db.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', 'test')
        .executeTakeFirstOrThrow()
    ).id;
    const people = await countRows(db.db, 'people');
    const api = { PAVED_URL: 'http://127.0.0.1:9', PAVED_TOKEN: 'pvt_unused' };
    const cases: [string[], Record<string, string>][] = [
      [['demo', '--reset'], {}],
      [['restore', backup], {}],
      [['person', 'forget', 'alan.turing@example.test'], {}],
      [['event', 'prune'], {}],
      [['user', 'disable', '--email', 'dev@example.test'], {}],
      [['token', 'revoke', '--id', tokenId], {}],
      [['source', 'revoke', 'gitlab', '--id', 'pvi_any'], {}],
      [['source', 'token', 'gitlab', '--rotate'], {}],
      [['feedback', 'merge', 'fb_2', '--into', 'fb_1', '--note', 'Same.'], api],
      [['feedback', 'unsubscribe', '--all'], api],
    ];
    for (const [args, env] of cases) {
      for (const input of [undefined, 'yes\n']) {
        const res = await piped(args, env, input);
        const what = `${args.join(' ')} with ${input === undefined ? '/dev/null' : 'yes piped in'}`;
        expect(res.code, what).toBe(2);
        expect(res.stdout, what).toBe('');
        expect(res.stderr, what).toMatch(/^paved: [^\n]+ Add --force to go ahead\.\n$/);
      }
    }
    expect(await countRows(db.db, 'people')).toBe(people);
    const dev = await db.db
      .selectFrom('users')
      .select('disabled_at')
      .where('email', '=', 'dev@example.test')
      .executeTakeFirstOrThrow();
    expect(dev.disabled_at).toBeNull();
  }, 600_000);
});
