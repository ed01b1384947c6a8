import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('./paved.css', import.meta.url), 'utf8');

/** The bodies of every `@media <query> { … }` block whose query matches, braces balanced. */
function mediaBlocks(source: string, query: RegExp): string[] {
  const out: string[] = [];
  const at = /@media\s*([^{]+)\{/g;
  for (let m = at.exec(source); m; m = at.exec(source)) {
    if (!query.test(m[1] ?? '')) continue;
    let depth = 1;
    let i = at.lastIndex;
    while (depth > 0 && i < source.length) {
      if (source[i] === '{') depth++;
      else if (source[i] === '}') depth--;
      i++;
    }
    out.push(source.slice(at.lastIndex, i - 1));
  }
  return out;
}

/** What the dark scheme sets besides colour custom properties on :root (nothing, for paved.css). */
function darkSchemeOtherThanColours(source: string): string[] {
  const blocks = mediaBlocks(
    source.replace(/\/\*[\s\S]*?\*\//g, ''),
    /prefers-color-scheme:\s*dark/,
  );
  const other: string[] = [];
  for (const block of blocks) {
    for (const [, selector = '', body = ''] of block.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      for (const d of body.split(';').map((x) => x.trim())) {
        if (!d) continue;
        if (selector.trim() !== ':root' || !/^--[a-z-]+:\s*#[0-9a-f]{3,8}$/i.test(d)) {
          other.push(`${selector.trim()} { ${d} }`);
        }
      }
    }
  }
  return other;
}

describe('paved.css', () => {
  // The browser suite checks the dark scheme with axe's colour rules only
  // (test/browser/page-checks.ts): that holds while the scheme changes colours alone.
  it('changes only colour custom properties on :root in the dark scheme', () => {
    expect(mediaBlocks(css, /prefers-color-scheme:\s*dark/)).toHaveLength(1);
    expect(darkSchemeOtherThanColours(css)).toEqual([]);
  });

  it('tells a dark-scheme rule that is not a colour', () => {
    const broken = `${css}\n@media (prefers-color-scheme: dark) { .lead { display: none; } :root { --gap: 2rem; } }`;
    expect(darkSchemeOtherThanColours(broken)).toEqual([
      '.lead { display: none }',
      ':root { --gap: 2rem }',
    ]);
  });
});
