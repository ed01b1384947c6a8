// Every command's help, compared with test/golden/help/<command path>.txt.
// PAVED_UPDATE_GOLDEN=1 npx vitest run test/cli/help-golden.test.ts rewrites them.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/core/cli.ts';
import { buildProgram } from '../../src/main.ts';

const DIR = join(import.meta.dirname, '..', 'golden', 'help');
const UPDATE = process.env.PAVED_UPDATE_GOLDEN === '1';

/** Every command below `cmd` with its path, commander's own `help` commands left out. */
function walk(cmd: Command, path: string[] = []): [string[], Command][] {
  const found: [string[], Command][] = [[path, cmd]];
  for (const sub of cmd.commands) {
    if (sub.name() === 'help') continue;
    found.push(...walk(sub, [...path, sub.name()]));
  }
  return found;
}

/** The help as `paved … --help` prints it at 80 columns, with the text added after it. */
async function helpTexts(): Promise<Map<string, string>> {
  let out = '';
  const io: Io = { out: (t) => (out += `${t}\n`), err: () => {}, env: {}, isTty: false };
  const program = await buildProgram(io);
  const texts = new Map<string, string>();
  for (const [path, cmd] of walk(program)) {
    cmd.configureOutput({ getOutHelpWidth: () => 80, getOutHasColors: () => false });
    out = '';
    cmd.outputHelp();
    texts.set(path.length === 0 ? 'paved' : path.join('-'), out);
  }
  return texts;
}

describe('help texts', async () => {
  const texts = await helpTexts();

  it('finds every command, the root included', () => {
    expect(texts.size).toBeGreaterThan(80);
    for (const name of ['paved', 'feedback-vote', 'survey-answer', 'import-paved', 'event-prune']) {
      expect(texts.has(name), name).toBe(true);
    }
  });

  it('has one golden file per command and no golden file without a command', () => {
    if (UPDATE) {
      mkdirSync(DIR, { recursive: true });
      for (const file of readdirSync(DIR)) {
        if (!texts.has(file.replace(/\.txt$/, ''))) rmSync(join(DIR, file));
      }
      for (const [name, text] of texts) writeFileSync(join(DIR, `${name}.txt`), text);
    }
    const files = existsSync(DIR) ? readdirSync(DIR).sort() : [];
    expect(files, 'run PAVED_UPDATE_GOLDEN=1 npx vitest run test/cli/help-golden.test.ts').toEqual(
      [...texts.keys()].map((n) => `${n}.txt`).sort(),
    );
  });

  it('prints what its golden file holds, for every command', () => {
    for (const [name, text] of texts) {
      const file = join(DIR, `${name}.txt`);
      if (!existsSync(file)) continue; // reported by the test above
      expect(text, `${name}: run PAVED_UPDATE_GOLDEN=1 to accept a change`).toBe(
        readFileSync(file, 'utf8'),
      );
    }
  });

  it('fits every line in 80 columns and describes every command', () => {
    for (const [name, text] of texts) {
      for (const line of text.split('\n')) {
        expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(80);
      }
      if (name !== 'paved') {
        const usage = text.indexOf('Usage:');
        expect(text.slice(usage).split('\n')[2]?.trim(), `${name} has a description`).not.toBe('');
      }
    }
  });
});
