import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/sequencer.ts';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx' } },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Timeouts only catch hangs; whole-route walks take tens of seconds on two busy cores.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two files at a time even on two cores: most of a test's time is spent
    // waiting on PostgreSQL, Chromium or a child process, not computing.
    maxWorkers: 2,
    // Browser, server and child-process files first (test/sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
  },
});
