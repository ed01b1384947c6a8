// Writing files so that a crash never leaves a half-written one under the
// final name (a sibling temporary file, fsync, rename, fsync the directory),
// and reading export files line by line.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CliError, type Io } from '../core/cli.ts';

/** A temporary name beside `file` (same directory, so a rename is atomic). */
export function siblingTemp(file: string, what: string): string {
  return join(dirname(file), `.${basename(file)}.${what}-${randomBytes(6).toString('hex')}`);
}

/** Flushes a file's content to the disk. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable (skipped where a directory cannot be synced). */
export function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Syncs a finished temporary file and moves it to its final name. */
export function syncAndRename(partial: string, file: string): void {
  syncFile(partial);
  renameSync(partial, file);
  syncDirectory(dirname(file));
}

/** A temporary file beside `file` to stream into, waiting whenever the disk falls behind. */
export function fileSink(file: string): {
  partial: string;
  write: (text: string) => Promise<void>;
  close: () => Promise<void>;
} {
  const partial = siblingTemp(file, 'export');
  const stream = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  return {
    partial,
    write: async (text) => {
      if (!stream.write(text)) {
        await Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), failed]);
      }
    },
    close: () => Promise.race([new Promise<void>((r) => stream.end(() => r())), failed]),
  };
}

/**
 * The lines of a file, read as a stream once iteration starts: readline emits
 * from the moment it is made, and lines sent before anyone iterates are lost.
 */
export function fileLines(file: string): AsyncIterable<string> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CliError(`Cannot read ${file}: no such file. Check the path.`);
  }
  return (async function* () {
    yield* createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  })();
}

/** The lines of standard input. */
export async function* stdinLines(io: Io): AsyncGenerator<string> {
  if (!io.stdin) throw new CliError('Nothing on standard input; name a file instead of -.');
  const text = await io.stdin.read();
  yield* text.split('\n');
}
