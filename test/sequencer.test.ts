import { describe, expect, it } from 'vitest';
import { SLOW_FIRST, slowRank } from './sequencer.ts';

describe('slow files first', () => {
  it('ranks the page checks first, then reliability, journeys, the CLI, the live benchmark and the demo', () => {
    const paths = [
      'src/feedback/store.test.ts',
      'src/demo/demo.test.ts',
      'test/cli/terminal.test.ts',
      'test/browser/journeys.test.ts',
      'bench/pages-live.test.ts',
      'test/reliability/crash.test.ts',
      'test/browser/a11y-more.test.ts',
      'test/browser/a11y.test.ts',
    ];
    const order = [...paths].sort((a, b) => slowRank(a) - slowRank(b));
    expect(order).toEqual([
      'test/browser/a11y-more.test.ts',
      'test/browser/a11y.test.ts',
      'test/reliability/crash.test.ts',
      'test/browser/journeys.test.ts',
      'test/cli/terminal.test.ts',
      'bench/pages-live.test.ts',
      'src/demo/demo.test.ts',
      'src/feedback/store.test.ts',
    ]);
    expect(slowRank('src/feedback/store.test.ts')).toBe(SLOW_FIRST.length);
  });
});
