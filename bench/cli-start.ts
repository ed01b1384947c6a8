// Step 6, CLI start: time from starting `paved --help` and `paved feedback
// list --json` (against the running server) to their first byte of output,
// against `node -e 0` (start to exit: it prints nothing) in the same run.
// Goal: first output within 100 ms over the bare runtime.

import { spawn } from 'node:child_process';
import { median, withinOver } from './goals.ts';
import type { BenchContext, Measurement } from './model.ts';
import { PAVED, ROOT } from './workload.ts';

/** Milliseconds from spawning a command to its first byte on stdout or stderr (or its exit). */
export function firstByte(args: readonly string[], env: Record<string, string> = {}) {
  return new Promise<{ ms: number; code: number; output: string }>((resolve, reject) => {
    const started = performance.now();
    let first: number | null = null;
    let output = '';
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seen = (chunk: Buffer) => {
      first ??= performance.now();
      if (output.length < 2000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: (first ?? performance.now()) - started, code: code ?? 1, output }),
    );
  });
}

/** Runs each command `runs` times, interleaved so that noise falls on all alike; medians in ms. */
export async function timeStarts(
  commands: readonly { name: string; args: string[]; env?: Record<string, string> }[],
  runs: number,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of commands) {
      const r = await firstByte(c.args, c.env);
      if (r.code !== 0) {
        throw new Error(`${c.name} exited with ${r.code}: ${r.output.slice(0, 500)}`);
      }
      times.get(c.name)!.push(r.ms);
    }
  }
  return times;
}

export async function benchCliStart(ctx: BenchContext): Promise<Measurement[]> {
  const runs = ctx.quick ? 3 : 9;
  const client = { PAVED_URL: ctx.baseUrl, PAVED_TOKEN: ctx.token };
  const commands = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'paved --help', args: [PAVED, '--help'] },
    {
      name: 'paved feedback list --json',
      args: [PAVED, 'feedback', 'list', '--json'],
      env: client,
    },
  ];
  ctx.log(`cli: ${runs} starts of each command…`);
  // One start of each first, not counted: the first run after a change compiles the sources.
  await timeStarts(commands, 1);
  const times = await timeStarts(commands, runs);
  const bare = median(times.get('node -e 0')!);
  return commands.slice(1).map((c) => {
    const all = times.get(c.name)!;
    return withinOver(
      {
        step: 'cli',
        name: `${c.name}: first byte`,
        value: median(all),
        unit: 'ms',
        detail: { runs, fastest: Math.min(...all), slowest: Math.max(...all) },
      },
      { name: 'node -e 0 (start to exit)', value: bare },
      100,
    );
  });
}
