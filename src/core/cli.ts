import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Config } from './config.ts';
import type { DbHandle } from './db/index.ts';

/** Exit codes every command uses: 0 ok, 1 failure, 2 bad usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure to report on stderr in one line, with what to do next; never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where a command writes: data to `out` (stdout), messages and progress to `err` (stderr). */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  isTty: boolean;
  /** Standard input, for secrets that are never flag values; absent when there is none. */
  stdin?: Stdin;
  /** True when stderr is a terminal: progress may redraw one line there. */
  errIsTty?: boolean;
  /** Writes to stderr as is, without adding a line end (progress redraws). */
  errWrite?: (text: string) => void;
  /** Set by the global --no-input: never ask, fail at once when something is missing. */
  noInput?: boolean;
}

/** Where secrets come from: a hidden prompt when a person types, otherwise what is piped in. */
export interface Stdin {
  /** True when standard input is a terminal: prompt for a secret rather than read it. */
  isTty: boolean;
  /** Everything piped in, to its end. */
  read: () => Promise<string>;
  /** Asks on stderr and reads one line without echoing it (terminals only). */
  readHidden: (question: string) => Promise<string>;
  /**
   * Asks on stderr and reads one typed line (terminals only); null when input
   * ends (Ctrl+D). Plain line input: nothing on screen is redrawn.
   */
  readLine?: (question: string) => Promise<string | null>;
}

const processStdin: Stdin = {
  get isTty() {
    return Boolean(process.stdin.isTTY);
  },
  read: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  },
  readHidden: (question) =>
    new Promise((resolve, reject) => {
      process.stderr.write(question);
      // The terminal echoes into a muted stream, so the secret never shows on screen.
      const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
      const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
      const finish = () => {
        rl.close();
        process.stderr.write('\n');
      };
      rl.on('SIGINT', () => {
        finish();
        reject(new CliError('Cancelled; nothing was changed.'));
      });
      rl.question('', (answer) => {
        finish();
        resolve(answer);
      });
    }),
  readLine: (question) =>
    new Promise((resolve, reject) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
      let answered = false;
      process.stderr.write(question);
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        resolve(line);
      });
      rl.once('SIGINT', () => {
        rl.close();
        reject(new CliError('Cancelled; nothing was sent.'));
      });
      rl.once('close', () => {
        if (!answered) resolve(null);
      });
    }),
};

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
  stdin: processStdin,
  errIsTty: Boolean(process.stderr.isTTY),
  errWrite: (text) => process.stderr.write(text),
};

/**
 * Colour and bold only when stdout is a terminal that can show them: never
 * when NO_COLOR is set to anything, nor when TERM=dumb.
 */
export function useColor(io: Io): boolean {
  return io.isTty && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

/** `$XDG_CONFIG_HOME/paved/config.json`, or `~/.config/paved/config.json`: the login and CLI settings. */
export function configFile(env: Io['env']): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'paved', 'config.json');
  if (env.HOME) return join(env.HOME, '.config', 'paved', 'config.json');
  throw new CliError('Cannot find your config directory: set HOME or XDG_CONFIG_HOME.');
}

/** The CLI config file's settings; empty when there is none or it cannot be read. */
function configSettings(env: Io['env']): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(configFile(env), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Accessible mode: numbered prompts on plain lines and a static "Working…"
 * line instead of redrawn progress. On with ACCESSIBLE set (but not 0 or
 * false), or `"accessible": true` in the CLI config file.
 */
export function isAccessible(io: Io): boolean {
  const a = io.env.ACCESSIBLE;
  if (a !== undefined && a !== '') return a !== '0' && a.toLowerCase() !== 'false';
  return configSettings(io.env).accessible === true;
}

/** Whether a command may ask for what is missing: stdin is a terminal and --no-input was not given. */
export function canPrompt(io: Io): boolean {
  return !io.noInput && Boolean(io.stdin?.isTty && io.stdin.readLine);
}

/** Why a command cannot ask, for the end of a one-line error. */
export function noPromptReason(io: Io): string {
  return io.noInput ? '--no-input is set' : 'standard input is not a terminal';
}

/**
 * A yes typed on a terminal, or --force. Without a terminal (or with
 * --no-input) it fails at once with exit 2 and one line naming --force.
 * @example await confirmOrForce(io, opts.force, 'Revoking t1 stops it working at once.', 'Type yes to revoke t1: ')
 */
export async function confirmOrForce(
  io: Io,
  force: boolean | undefined,
  warning: string,
  question: string,
): Promise<void> {
  if (force) return;
  if (!canPrompt(io)) {
    throw new CliError(
      `${warning} Add --force to go ahead${io.noInput ? ' (--no-input is set)' : ''}.`,
      EXIT.usage,
    );
  }
  io.err(warning);
  const answer = await io.stdin!.readLine!(question);
  if (answer?.trim().toLowerCase() !== 'yes') throw new CliError('Stopped; nothing was changed.');
}

/**
 * Asks for one of `choices` on a terminal (the caller checks canPrompt). In
 * accessible mode the choices come as a numbered list, one a line; a number
 * or the choice itself is taken either way. The typed text when it matches
 * neither (the caller's validation says what is wrong), null when input ends.
 */
export async function askChoice(
  io: Io,
  question: string,
  choices: readonly string[],
): Promise<string | null> {
  const readLine = io.stdin!.readLine!;
  let answer: string | null;
  if (isAccessible(io)) {
    io.err(`${question}:`);
    for (const [i, c] of choices.entries()) io.err(`  ${i + 1}. ${c}`);
    answer = await readLine(`Type a number from 1 to ${choices.length}: `);
  } else {
    answer = await readLine(`${question} (${choices.join(', ')}): `);
  }
  if (answer === null) return null;
  const text = answer.trim();
  const n = /^\d+$/.test(text) ? Number(text) : 0;
  return n >= 1 && n <= choices.length ? choices[n - 1]! : text;
}

/** Adds `--force` to a command that asks before it deletes or replaces something. */
export function withForce(cmd: Command, what: string): Command {
  return cmd.option('--force', `${what} without asking (needed when input is not a terminal)`);
}

/**
 * Adds `--no-input` to the help of a command that can ask. The root program
 * owns the option (it works before or after the command); see buildProgram.
 */
export function withNoInput(cmd: Command): Command {
  return cmd.option('--no-input', 'never ask; fail at once (exit 2) naming the flags to pass');
}

export interface Progress {
  /** Reports one step: a line of its own, or on a terminal the one line redrawn. */
  step: (text: string) => void;
  /** Ends the progress, leaving `text` (if any) as the last line. */
  done: (text?: string) => void;
}

/**
 * Progress on stderr. On a terminal it redraws one line (with `\r` and
 * spaces, never escape codes); when stderr is not a terminal, with TERM=dumb,
 * or in accessible mode, every step is a line of its own, and accessible mode
 * starts with a static "Working…" line.
 * @example const p = progress(io, 'Export'); p.step('teams: 12 rows'); p.done('Exported.');
 */
export function progress(io: Io, label: string): Progress {
  const redraw = Boolean(io.errIsTty && io.errWrite) && io.env.TERM !== 'dumb' && !isAccessible(io);
  if (!redraw) {
    if (isAccessible(io)) io.err(`Working… ${label}`);
    return {
      step: (text) => io.err(`${label}: ${text}`),
      done: (text) => {
        if (text) io.err(text);
      },
    };
  }
  // One character short of the width, so the line never wraps and \r returns to its start.
  const width = (Number(io.env.COLUMNS) || 80) - 1;
  let shown = 0;
  const show = (text: string) => {
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    io.errWrite!(`\r${line.padEnd(shown)}`);
    shown = line.length;
  };
  return {
    step: (text) => show(`${label}: ${text}`),
    done: (text) => {
      if (text) show(text);
      if (shown > 0) io.errWrite!('\n');
      shown = 0;
    },
  };
}

/** Bold text when colour is allowed. */
export function bold(io: Io, text: string): string {
  return useColor(io) ? `\u001b[1m${text}\u001b[22m` : text;
}

/**
 * Opens the local database named by the environment, migrated, for an
 * operator command; closes it afterwards whatever happens.
 */
export async function withDatabase<T>(
  io: Io,
  fn: (handle: DbHandle, config: Config) => Promise<T>,
): Promise<T> {
  // Loaded here rather than at the top: commands that call the API never load the drivers.
  const [{ loadConfig }, { openDatabase }, { migrateToLatest }] = await Promise.all([
    import('./config.ts'),
    import('./db/index.ts'),
    import('./db/migrate.ts'),
  ]);
  const config = loadConfig(io.env);
  const handle = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(handle);
    return await fn(handle, config);
  } finally {
    await handle.close();
  }
}

/**
 * Prints rows as an aligned text table that fits 80 columns, truncating the
 * widest column; the columns in `keep` (ids, dates) are never cut.
 */
export function formatTable(
  headers: string[],
  rows: string[][],
  width = 80,
  keep: readonly number[] = [],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const gap = 2;
  let total = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  while (total > width) {
    const cuttable = widths.map((w, i) => (keep.includes(i) ? 0 : w));
    const widest = cuttable.indexOf(Math.max(...cuttable));
    if ((cuttable[widest] ?? 0) <= 8) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  const fit = (text: string, w: number) =>
    text.length > w ? `${text.slice(0, Math.max(0, w - 1))}…` : text.padEnd(w);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => fit(cell, widths[i] ?? 0))
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Adds `--json` to a command that prints data. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON, for scripts');
}
