// Step 5, memory: the server's peak resident set through the steps, from
// /proc/<pid>/status — VmHWM (the kernel's own high-water mark) and VmRSS
// sampled while the steps run. Goal: ≤ 200 MB.

import { readFileSync } from 'node:fs';
import { atMost } from './goals.ts';
import type { Measurement } from './model.ts';

/** VmRSS and VmHWM of a process in MB (10⁶ bytes), or null where /proc has no such file. */
export function readMemory(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  return parseStatus(text);
}

/** The VmRSS and VmHWM lines of /proc/<pid>/status, in MB. */
export function parseStatus(text: string): { rss: number; hwm: number } | null {
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? (Number(m[1]) * 1024) / 1e6 : null;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  return rss === null || hwm === null ? null : { rss, hwm };
}

/** Samples a process's resident set every `everyMs` until stopped; keeps the peak. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakRss = 0;
  private peakHwm = 0;
  samples = 0;
  /** The step running now, and each step's highest sampled VmRSS. */
  private step = 'start';
  readonly byStep = new Map<string, number>();

  constructor(
    readonly pid: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    const m = readMemory(this.pid);
    if (!m) return;
    this.samples++;
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHwm = Math.max(this.peakHwm, m.hwm);
    this.byStep.set(this.step, Math.max(this.byStep.get(this.step) ?? 0, m.rss));
  }

  /** Samples attribute to `step` from now on (the figure names each step's peak). */
  enter(step: string): void {
    this.sample();
    this.step = step;
    this.sample();
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  /** The peak in MB: the kernel's high-water mark, or the highest sample if that is higher. */
  get peak(): number {
    return this.samples === 0 ? Number.NaN : Math.max(this.peakHwm, this.peakRss);
  }

  get sampledPeak(): number {
    return this.samples === 0 ? Number.NaN : this.peakRss;
  }
}

/** The memory figure: peak RSS through the named steps, held to 200 MB. */
export function memoryMeasurement(sampler: MemorySampler, steps: string): Measurement {
  return atMost(
    {
      step: 'memory',
      name: `server peak RSS (${steps})`,
      value: sampler.peak,
      unit: 'MB',
      detail: {
        'sampled VmRSS peak': sampler.sampledPeak,
        samples: sampler.samples,
        ...Object.fromEntries(
          [...sampler.byStep].map(([step, mb]) => [`peak in ${step} (MB)`, Math.round(mb)]),
        ),
      },
    },
    200,
    '200 MB',
  );
}
