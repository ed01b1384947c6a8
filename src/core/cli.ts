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
};

/** Colour only on a terminal, and never when NO_COLOR is set. */
export function useColor(io: Io): boolean {
  return io.isTty && !io.env.NO_COLOR;
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
  return cmd.option('--json', 'print JSON for scripts instead of a table');
}
