// The real server for the steps: `paved serve` as a child process (so its
// memory can be read from /proc), on a free port of 127.0.0.1, stopped at the end.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { MemorySampler } from './memory.ts';
import { PAVED, pavedEnv, ROOT, stopChild } from './workload.ts';

export interface RunningServer {
  baseUrl: string;
  pid: number;
  memory: MemorySampler;
  /** The last lines the server wrote on stderr (its logs), for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `paved serve` on the database and waits until /healthz answers. */
export async function startPaved(
  databaseUrl: string,
  opts: { timeoutMs?: number } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [PAVED, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...pavedEnv(databaseUrl, {
        PAVED_HOST: '127.0.0.1',
        PAVED_PORT: String(port),
        PAVED_BASE_URL: baseUrl,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (s: string) => {
    lines.push(...s.split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const pid = child.pid!;
  const memory = new MemorySampler(pid);
  const stop = async () => {
    memory.stop();
    await stopChild(child);
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) {
      memory.stop();
      throw new Error(`paved serve exited with ${child.exitCode}:\n${lines.join('\n')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`paved serve did not answer /healthz in time:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, pid, memory, tail: () => lines.join('\n'), stop };
}

/**
 * fetch, tried once more when the connection failed before any answer: the
 * runner's own synchronous work (a scan through better-sqlite3) can hold its
 * event loop past the server's keep-alive timeout, so the next request may go
 * out on a socket the server has closed. Nothing was answered, so nothing was
 * done (and ingest is idempotent per id anyway).
 */
export async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (!(error instanceof TypeError) || error.message !== 'fetch failed') throw error;
    try {
      return await fetch(url, init);
    } catch (again) {
      const cause = (again as { cause?: Error }).cause;
      throw new Error(`${(again as Error).message}${cause ? `: ${cause.message}` : ''}`);
    }
  }
}
