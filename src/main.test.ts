import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../test/app.ts';
import { freshDatabase } from '../test/engines.ts';
import { formatTable } from './core/cli.ts';
import { buildProgram, run } from './main.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('paved CLI', () => {
  it('prints its version on stdout', async () => {
    const io = captureIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.stdout().trim()).toBe(version);
  });

  it('documents the exit codes in help', async () => {
    const io = captureIo();
    expect(await run(['help'], io)).toBe(0);
    expect(io.stdout()).toContain('Exit codes:');
    expect(io.stdout()).toContain('2  bad usage');
    expect(io.stdout()).toMatch(/serve\s+serve the web UI and API/);
  });

  it('lists every area’s commands in the top-level help as the areas define them, without loading them', async () => {
    const full = (await buildProgram(captureIo())).helpInformation();
    expect((await buildProgram(captureIo(), ['--help'])).helpInformation()).toBe(full);
    expect((await buildProgram(captureIo(), ['help'])).helpInformation()).toBe(full);
  });

  it('loads a command’s area for the command and for its help', async () => {
    for (const argv of [
      ['feedback', '--help'],
      ['help', 'feedback'],
    ]) {
      const io = captureIo();
      expect(await run(argv, io), argv.join(' ')).toBe(0);
      expect(io.stdout(), argv.join(' ')).toMatch(/Usage: paved feedback \[options\] \[command\]/);
      expect(io.stdout(), argv.join(' ')).toMatch(/list \[options\]/);
    }
  });

  it('exits 2 on an unknown command, saying so on stderr', async () => {
    const io = captureIo();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toContain("unknown command 'frobnicate'");
    expect(io.stdout()).toBe('');
  });

  it('says every usage error in one line on stderr, with any suggestion and where help is', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['feedbak'],
        "paved: unknown command 'feedbak' (Did you mean feedback?). See paved help, or --help after a command.\n",
      ],
      [
        ['feedback', 'add', '--kind', 'nope'],
        "paved: option '--kind <kind>' argument 'nope' is invalid. Allowed choices are problem, idea, question, praise. See paved help, or --help after a command.\n",
      ],
      [
        ['pulse', 'ci-runners'],
        "paved: missing required argument 'rating'. See paved help, or --help after a command.\n",
      ],
    ];
    for (const [argv, line] of cases) {
      const io = captureIo();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr(), argv.join(' ')).toBe(line);
      expect(io.stdout(), argv.join(' ')).toBe('');
    }
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const io = captureIo({ PAVED_PORT: 'eighty' });
    expect(await run(['migrate'], io)).toBe(1);
    expect(io.stderr()).toContain('PAVED_PORT="eighty" is not valid: expected a port number');
  });

  it('migrates a new database, then says it is up to date', async () => {
    const handle = await freshDatabase('sqlite', { migrate: false });
    try {
      const io = captureIo({ PAVED_DATABASE_URL: handle.url });
      expect(await run(['migrate'], io)).toBe(0);
      expect(io.stderr()).toMatch(
        /^Applied 11 migration\(s\): 0001_org, 0002_identity, 0003_capabilities, 0004_surveys, 0005_feedback, 0006_roadmap, 0007_signals, 0008_insights, 0009_research, 0010_feedback_reads, 0011_report_reads\./,
      );
      const again = captureIo({ PAVED_DATABASE_URL: handle.url });
      expect(await run(['migrate'], again)).toBe(0);
      expect(again.stderr()).toBe('The database is up to date.\n');
    } finally {
      await handle.close();
    }
  });

  it('runs as a real process through bin/paved.js', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/paved.js', '--version']);
    expect(stdout.trim()).toBe(version);
    const failed = await promisify(execFile)(process.execPath, ['bin/paved.js', 'nope']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain("unknown command 'nope'");
  });
});

describe('paved serve', () => {
  it('serves on the address it prints, and offers a first-admin link on a fresh database', async () => {
    const handle = await freshDatabase('sqlite', { migrate: false });
    const child = spawn(process.execPath, ['bin/paved.js', 'serve'], {
      env: {
        ...process.env,
        PAVED_DATABASE_URL: handle.url,
        PAVED_PORT: '0',
        PAVED_LOG_LEVEL: 'silent',
      },
    });
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('Press Ctrl+C')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
      expect(url).toBeDefined();
      expect(stderr).toMatch(
        /Create the first admin at http:\/\/127\.0\.0\.1:0\/setup\/[\w-]{43} \(valid 24 hours, once\)/,
      );
      const res = await fetch(`${url}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      await handle.close();
    }
  });
});

describe('formatTable', () => {
  it('aligns columns and fits 80 columns by shortening the widest', () => {
    const text = formatTable(
      ['Team', 'People'],
      [
        ['payments', '12'],
        ['x'.repeat(100), '3'],
      ],
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Team\s+People$/);
    expect(lines[1]).toMatch(/^payments\s+12$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[2]).toContain('…');
  });

  it('never cuts the columns it is told to keep, such as ids', () => {
    const id = 'BXKqR_sB7hMibG-m';
    const lines = formatTable(
      ['ID', 'Capability', 'Team', 'Date'],
      [[id, 'database-as-a-service', 'delivery-tooling-and-more', 'asked 28 Nov 2026']],
      60,
      [0, 3],
    ).split('\n');
    expect(lines[1]).toBe(`${id}  database-…  delivery-t…  asked 28 Nov 2026`);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
  });
});
