// The order test files start in. vitest starts the files it has no timings
// for largest first, and a clean checkout (CI) has none: the browser suite's
// files are a few lines each (they loop over a page list) and would start
// last, leaving one worker running them alone for minutes at the end. Files
// that start a browser, a server or a child process take minutes, so they
// start first, in the order below; every other file follows in vitest's own
// order (known durations, else size).

import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first: the page checks, then the reliability suite, journeys, the CLI. */
export const SLOW_FIRST: readonly RegExp[] = [
  /^test\/browser\/a11y/,
  /^test\/reliability\//,
  /^test\/browser\//,
  /^test\/cli\//,
  /^bench\/.*live/,
  /^src\/demo\//,
];

/** Where a file goes in SLOW_FIRST (past the end when it matches none). */
export function slowRank(path: string): number {
  const i = SLOW_FIRST.findIndex((pattern) => pattern.test(path));
  return i === -1 ? SLOW_FIRST.length : i;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const ranked = base.map((file, index) => ({
      file,
      index,
      rank: slowRank(relative(root, file.moduleId).split('\\').join('/')),
    }));
    ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
    return ranked.map((r) => r.file);
  }
}
