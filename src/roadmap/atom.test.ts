import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AtomFeed, renderAtom, xmlEscape } from './atom.ts';
import { atomProblems, entryTitles, parseAtom } from './atom-testing.ts';

const feed = (overrides: Partial<AtomFeed> = {}): AtomFeed => ({
  id: 'https://paved.example.test/feeds/changelog.atom',
  title: 'paved changelog',
  updated: '2026-11-01T00:00:00.000Z',
  selfUrl: 'https://paved.example.test/feeds/changelog.atom',
  alternateUrl: 'https://paved.example.test/changelog',
  author: 'The platform team',
  entries: [],
  ...overrides,
});

describe('Atom documents', () => {
  it('has the elements RFC 4287 requires, with and without entries', () => {
    expect(atomProblems(renderAtom(feed()))).toEqual([]);
    const xml = renderAtom(
      feed({
        entries: [
          {
            id: 'https://paved.example.test/changelog/a',
            title: 'Faster builds',
            updated: '2026-11-03T10:00:00.000Z',
            published: '2026-11-03T10:00:00.000Z',
            link: 'https://paved.example.test/changelog/a',
            summary: 'Builds are cached.',
            html: '<p>Builds are <strong>cached</strong>.</p>',
            categories: ['breaking'],
          },
          {
            id: 'https://paved.example.test/changelog/b',
            title: 'Older',
            updated: '2026-10-01T10:00:00.000Z',
            link: 'https://paved.example.test/changelog/b',
            author: 'Barbara Liskov',
          },
        ],
      }),
    );
    expect(atomProblems(xml)).toEqual([]);
    const parsed = parseAtom(xml).feed as Record<string, unknown>;
    // The feed's updated is its latest entry's.
    expect(parsed.updated).toBe('2026-11-03T10:00:00.000Z');
    expect(entryTitles(xml)).toEqual(['Faster builds', 'Older']);
  });

  it('escapes markup, quotes and ampersands, and drops characters XML cannot carry', () => {
    const nasty = `<script>alert("x")</script> & 'friends' \u0000\u0008\u001F\uFFFE done`;
    const xml = renderAtom(
      feed({
        title: nasty,
        entries: [
          {
            id: 'https://paved.example.test/x?a=1&b=2',
            title: nasty,
            updated: '2026-11-03T10:00:00.000Z',
            link: 'https://paved.example.test/x?a=1&b="2"',
            html: '<p onclick="evil()">hi</p>',
          },
        ],
      }),
    );
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<p onclick');
    expect(atomProblems(xml)).toEqual([]);
    expect(entryTitles(xml)).toEqual([`<script>alert("x")</script> & 'friends'  done`]);
  });

  it('turns any text into valid XML', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const xml = renderAtom(
          feed({
            title: `t${s}`,
            entries: [
              {
                id: 'https://paved.example.test/e',
                title: `t${s}`,
                updated: '2026-11-03T10:00:00.000Z',
                link: 'https://paved.example.test/e',
                summary: s,
              },
            ],
          }),
        );
        expect(atomProblems(xml)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(xmlEscape('a\uD800b')).toBe('ab');
    expect(xmlEscape('😀')).toBe('😀');
  });
});
