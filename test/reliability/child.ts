import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** A `paved serve` running in a child process. */
export interface ChildServe {
  /** The address it printed, such as http://127.0.0.1:41234. */
  url: string;
  process: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stderr so far (human lines and JSON logs). */
  stderr: () => string;
  /** Stops it with a signal (SIGTERM by default; SIGKILL for a crash) and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Starts `paved serve` with PAVED_* settings (PAVED_PORT defaults to 0, a free
 * port) and resolves once it is listening; rejects when it exits first, or
 * after 90 s (a hang: tsx compiles paved at start, which takes seconds on
 * two busy cores).
 */
export async function startChildServe(
  env: Record<string, string>,
  opts: { timeoutMs?: number } = {},
): Promise<ChildServe> {
  const child = spawn(process.execPath, ['bin/paved.js', 'serve'], {
    env: { ...process.env, PAVED_PORT: '0', PAVED_LOG_LEVEL: 'silent', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time: ${stderr}`));
    }, opts.timeoutMs ?? 90_000);
    const onData = () => {
      if (!stderr.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      child.stderr.off('data', onData);
      resolve();
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
  const url = /listening on (http:\/\/[^\s]+) \(/.exec(stderr)?.[1];
  if (!url) throw new Error(`serve printed no address: ${stderr}`);
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
