import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  askChoice,
  bold,
  CliError,
  canPrompt,
  confirmOrForce,
  type Io,
  isAccessible,
  progress,
  type Stdin,
  useColor,
} from './cli.ts';
import { readLogin, removeLogin, saveLogin } from './client.ts';

/** An Io whose stderr is recorded raw (what errWrite writes) and by line (what err writes). */
function io(opts: Partial<Io> = {}): Io & { raw: () => string } {
  const raw: string[] = [];
  return {
    out: () => {},
    err: (t) => raw.push(t.endsWith('\n') ? t : `${t}\n`),
    errWrite: (t) => raw.push(t),
    env: {},
    isTty: false,
    raw: () => raw.join(''),
    ...opts,
  };
}

const typing = (answer: string | null): Stdin & { asked: string[] } => {
  const asked: string[] = [];
  return {
    isTty: true,
    asked,
    read: async () => '',
    readHidden: async () => '',
    readLine: async (q) => {
      asked.push(q);
      return answer;
    },
  };
};

describe('useColor and bold', () => {
  it('colour only on a terminal, never with NO_COLOR (any value) or TERM=dumb', () => {
    expect(useColor(io({ isTty: true }))).toBe(true);
    expect(useColor(io({ isTty: false }))).toBe(false);
    expect(useColor(io({ isTty: true, env: { NO_COLOR: '1' } }))).toBe(false);
    expect(useColor(io({ isTty: true, env: { NO_COLOR: 'yes' } }))).toBe(false);
    expect(useColor(io({ isTty: true, env: { TERM: 'dumb' } }))).toBe(false);
    expect(useColor(io({ isTty: true, env: { TERM: 'xterm-256color' } }))).toBe(true);
    expect(bold(io({ isTty: true }), 'x')).toBe('\u001b[1mx\u001b[22m');
    expect(bold(io({ isTty: true, env: { TERM: 'dumb' } }), 'x')).toBe('x');
  });
});

describe('isAccessible', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'paved-cli-config-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('reads ACCESSIBLE first, then "accessible": true in the CLI config file', () => {
    const env = { XDG_CONFIG_HOME: home };
    expect(isAccessible(io({ env }))).toBe(false);
    expect(isAccessible(io({ env: { ...env, ACCESSIBLE: '1' } }))).toBe(true);
    expect(isAccessible(io({ env: { ...env, ACCESSIBLE: 'false' } }))).toBe(false);
    expect(isAccessible(io({ env: { ...env, ACCESSIBLE: '0' } }))).toBe(false);
    mkdirSync(join(home, 'paved'));
    writeFileSync(join(home, 'paved', 'config.json'), '{"accessible": true}\n');
    expect(isAccessible(io({ env }))).toBe(true);
    // ACCESSIBLE=0 turns it off for one command.
    expect(isAccessible(io({ env: { ...env, ACCESSIBLE: '0' } }))).toBe(false);
  });

  it('keeps the setting when the CLI logs in and out, and a settings-only file is no login', () => {
    const env = { XDG_CONFIG_HOME: home };
    const file = join(home, 'paved', 'config.json');
    mkdirSync(join(home, 'paved'));
    writeFileSync(file, '{"accessible": true}\n');
    expect(readLogin(env)).toBeUndefined();
    saveLogin(env, { url: 'https://paved.example.com', token: 'pvt_x' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      accessible: true,
      url: 'https://paved.example.com',
      token: 'pvt_x',
    });
    expect(removeLogin(env)).toEqual({ url: 'https://paved.example.com', token: 'pvt_x' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ accessible: true });
    expect(isAccessible(io({ env }))).toBe(true);
  });
});

describe('progress', () => {
  it('prints one line per step when stderr is not a terminal, never \\r', () => {
    const x = io({ errIsTty: false });
    const p = progress(x, 'Export');
    p.step('teams: 4 rows');
    p.step('people: 10 rows');
    p.done('Exported 14 rows.');
    expect(x.raw()).toBe('Export: teams: 4 rows\nExport: people: 10 rows\nExported 14 rows.\n');
  });

  it('redraws one line on a terminal with \\r and spaces, no escape codes, and ends it', () => {
    const x = io({ errIsTty: true });
    const p = progress(x, 'Export');
    p.step('people: 10 rows');
    p.step('teams: 4 rows');
    p.done();
    expect(x.raw()).toBe('\rExport: people: 10 rows\rExport: teams: 4 rows  \n');
    expect(x.raw()).not.toContain('\u001b');
  });

  it('never redraws with TERM=dumb, and in accessible mode starts with a static Working… line', () => {
    const dumb = io({ errIsTty: true, env: { TERM: 'dumb' } });
    progress(dumb, 'Send').step('2500 events sent…');
    expect(dumb.raw()).toBe('Send: 2500 events sent…\n');
    const accessible = io({ errIsTty: true, env: { ACCESSIBLE: '1' } });
    const p = progress(accessible, 'Send');
    p.step('2500 events sent…');
    p.done();
    expect(accessible.raw()).toBe('Working… Send\nSend: 2500 events sent…\n');
  });

  it('keeps a redrawn line inside the terminal width', () => {
    const x = io({ errIsTty: true, env: { COLUMNS: '20' } });
    progress(x, 'Export').step('a_very_long_table_name: 1 rows');
    expect(x.raw()).toBe('\rExport: a_very_lon…');
  });
});

describe('canPrompt and confirmOrForce', () => {
  it('asks only on a terminal without --no-input', () => {
    expect(canPrompt(io({ stdin: typing('yes') }))).toBe(true);
    expect(canPrompt(io({ stdin: typing('yes'), noInput: true }))).toBe(false);
    expect(canPrompt(io({ stdin: { ...typing('yes'), isTty: false } }))).toBe(false);
    expect(canPrompt(io())).toBe(false);
  });

  it('goes ahead with --force or a typed yes; refuses with exit 2 and one line otherwise', async () => {
    await expect(confirmOrForce(io(), true, 'Deletes x.', 'Type yes: ')).resolves.toBeUndefined();
    const yes = typing(' YES ');
    await expect(
      confirmOrForce(io({ stdin: yes }), false, 'Deletes x.', 'Type yes: '),
    ).resolves.toBeUndefined();
    expect(yes.asked).toEqual(['Type yes: ']);
    await expect(
      confirmOrForce(io({ stdin: typing('no') }), false, 'Deletes x.', 'Type yes: '),
    ).rejects.toMatchObject({ message: 'Stopped; nothing was changed.', exitCode: 1 });
    await expect(
      confirmOrForce(io({ stdin: typing(null) }), false, 'Deletes x.', 'Type yes: '),
    ).rejects.toMatchObject({ exitCode: 1 });
    await expect(confirmOrForce(io(), false, 'Deletes x.', 'Type yes: ')).rejects.toEqual(
      new CliError('Deletes x. Add --force to go ahead.', 2),
    );
    const quiet = typing('yes');
    await expect(
      confirmOrForce(io({ stdin: quiet, noInput: true }), undefined, 'Deletes x.', 'Type yes: '),
    ).rejects.toMatchObject({
      message: 'Deletes x. Add --force to go ahead (--no-input is set).',
      exitCode: 2,
    });
    expect(quiet.asked).toEqual([]);
  });
});

describe('askChoice', () => {
  it('numbers the choices one a line in accessible mode and takes a number or the word', async () => {
    const seven = typing('2');
    const accessible = io({ stdin: seven, env: { ACCESSIBLE: '1' } });
    expect(await askChoice(accessible, 'Kind', ['interview', 'shadowing', 'usability'])).toBe(
      'shadowing',
    );
    expect(accessible.raw()).toBe('Kind:\n  1. interview\n  2. shadowing\n  3. usability\n');
    expect(seven.asked).toEqual(['Type a number from 1 to 3: ']);

    const word = typing(' usability ');
    const plain = io({ stdin: word });
    expect(await askChoice(plain, 'Kind', ['interview', 'shadowing', 'usability'])).toBe(
      'usability',
    );
    expect(word.asked).toEqual(['Kind (interview, shadowing, usability): ']);
    expect(plain.raw()).toBe('');
    expect(await askChoice(io({ stdin: typing('9') }), 'Kind', ['a', 'b'])).toBe('9');
    expect(await askChoice(io({ stdin: typing(null) }), 'Kind', ['a', 'b'])).toBeNull();
  });
});
