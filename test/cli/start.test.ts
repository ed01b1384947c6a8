// What the real `paved` loads to start: bin/paved.js runs the sources compiled
// once to JavaScript (no compiler loaded, no TypeScript file loaded), and a
// command loads only what it runs. Seen through a module loader hook that
// writes down every module the process loads, never through timing.

import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer } from '../app.ts';
import { freshDatabase, type TestDb } from '../engines.ts';
import { seedOrg } from '../factories.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Server-side packages and tsx, none of which `--help` or a client command
 * needs. (esbuild loads on the first start after a change, to compile.)
 */
const HEAVY = [
  'tsx',
  'hono',
  '@hono',
  'zod',
  'kysely',
  'pg',
  'better-sqlite3',
  'markdown-it',
  '@observablehq',
  'linkedom',
  'pino',
  'nodemailer',
  'yaml',
];

/** The areas' folders under src/. */
const AREAS = [
  'demo',
  'org',
  'identity',
  'capabilities',
  'roadmap',
  'feedback',
  'signals',
  'surveys',
  'insights',
  'research',
  'operations',
  'notifications',
  'home',
];

let work: string;
let db: TestDb;
let server: Awaited<ReturnType<typeof startTestServer>>;
let token: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'paved-start-'));
  // A hook that appends the URL of every module loaded to the file MODULE_LOG names.
  const hook = join(work, 'hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.MODULE_LOG, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(work, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  db = await freshDatabase('sqlite');
  await seedOrg(db.db);
  token = (await signIn(db, 'developer', 'start@example.test')).token;
  server = await startTestServer(db);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  modules: string[];
}

/** `bin/paved.js args` (of the checkout at `root`) with every module it loads written down. */
function paved(args: string[], env: Record<string, string> = {}, root = ROOT): Promise<Run> {
  const log = join(work, `modules-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(work, 'register.mjs')).href,
        join(root, 'bin/paved.js'),
        ...args,
      ],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', COLUMNS: '80', MODULE_LOG: log, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      done({ code, stdout, stderr, modules });
    });
  });
}

/** The packages among `modules`, by name. */
function packages(modules: string[]): Set<string> {
  const names = new Set<string>();
  for (const url of modules) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** The areas whose modules are among `modules`, by folder. */
function areas(modules: string[]): Set<string> {
  const found = new Set<string>();
  for (const url of modules) {
    const match = /\/src\/([^/]+)\//.exec(url);
    if (match && AREAS.includes(match[1]!)) found.add(match[1]!);
  }
  return found;
}

/** Whether `modules` came from the compiled sources: src/main.js, and no TypeScript at all. */
function ranCompiled(modules: string[]): boolean {
  return (
    modules.some((url) => /\/node_modules\/\.cache\/paved\/[^/]+\/src\/main\.js$/.test(url)) &&
    !modules.some((url) => /\.tsx?$/.test(url))
  );
}

describe('paved start', () => {
  it('prints the top-level help from the compiled sources, loading no area and no heavy package', async () => {
    await paved(['--version']); // compiles the sources if they changed
    const r = await paved(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'test/golden/help/paved.txt'), 'utf8'));
    expect(ranCompiled(r.modules), r.modules.join('\n')).toBe(true);
    expect([...areas(r.modules)]).toEqual([]);
    const loaded = packages(r.modules);
    expect(HEAVY.filter((name) => loaded.has(name))).toEqual([]);
  });

  it('runs feedback list --json against a server with the feedback client only: no server code', async () => {
    const r = await paved(['feedback', 'list', '--json'], {
      PAVED_URL: server.url,
      PAVED_TOKEN: token,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(ranCompiled(r.modules), r.modules.join('\n')).toBe(true);
    expect([...areas(r.modules)].sort()).toEqual(['capabilities', 'feedback']);
    // Of the feedback area, its commands and its model only (the capabilities
    // module is the commands' shared helpers).
    const sources = r.modules
      .map((url) => /\/src\/((?:feedback|capabilities)\/.*)$/.exec(url)?.[1])
      .filter(Boolean)
      .sort();
    expect(sources).toEqual([
      'capabilities/cli-support.js',
      'feedback/cli.js',
      'feedback/model.js',
    ]);
    const loaded = packages(r.modules);
    expect(HEAVY.filter((name) => loaded.has(name))).toEqual([]);
  });

  it('compiles the sources once, and again on the first start after one of them changed', async () => {
    // A copy of the checkout (its own node_modules folder, whose packages are
    // links, keeps its compilations), whose main.ts is edited between starts.
    const copy = join(work, 'checkout');
    for (const part of ['bin', 'src', 'package.json', 'tsconfig.json']) {
      cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    }
    mkdirSync(join(copy, 'node_modules'));
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name !== '.cache')
        symlinkSync(join(ROOT, 'node_modules', name), join(copy, 'node_modules', name));
    }
    const first = await paved(['--help'], {}, copy);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('paved: run your internal developer platform as a product\n');
    expect(packages(first.modules).has('esbuild')).toBe(true);

    const again = await paved(['--help'], {}, copy);
    expect(again.stdout).toBe(first.stdout);
    expect(packages(again.modules).has('esbuild')).toBe(false);
    expect(ranCompiled(again.modules), again.modules.join('\n')).toBe(true);

    const main = join(copy, 'src/main.ts');
    writeFileSync(
      main,
      readFileSync(main, 'utf8').replace('as a product', 'as a product (edited)'),
    );
    const edited = await paved(['--help'], {}, copy);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('as a product (edited)');
    expect(packages(edited.modules).has('esbuild')).toBe(true);
    expect(ranCompiled(edited.modules), edited.modules.join('\n')).toBe(true);
  });
});
