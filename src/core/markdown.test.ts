import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown, renderMarkdownInline } from './markdown.ts';

// What rendered Markdown may contain: these elements, these attributes.
const ELEMENTS = new Set(
  'p em strong s a ul ol li code pre blockquote h1 h2 h3 h4 h5 h6 hr br table thead tbody tr th td'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(['href', 'rel', 'start', 'class', 'style', 'title']);

/** Every way rendered HTML could become active, as a list of findings (empty when inert). */
function activeParts(html: string): string[] {
  const { document } = parseHTML(
    `<!doctype html><html><body><div id="root">${html}</div></body></html>`,
  );
  const found: string[] = [];
  for (const el of document.querySelectorAll('#root *')) {
    const tag = el.tagName.toLowerCase();
    if (!ELEMENTS.has(tag)) found.push(`element <${tag}>`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (!ATTRIBUTES.has(name)) found.push(`attribute ${name} on <${tag}>`);
      if (name === 'style' && !/^text-align:(left|right|center)$/.test(attr.value)) {
        found.push(`style "${attr.value}"`);
      }
      if (name === 'class' && !/^language-[\w+-]+$/.test(attr.value))
        found.push(`class "${attr.value}"`);
    }
    if (tag === 'a') {
      const href = el.getAttribute('href') ?? '';
      if (!/^(https?:\/\/|mailto:)/i.test(href)) found.push(`link to "${href}"`);
      if (el.getAttribute('rel') !== 'nofollow noopener') found.push('link without rel');
    }
  }
  return found;
}

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](jav&#x61;script:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click]( javascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '[click](file:///etc/passwd)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '<javascript:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '<svg/onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '"><script>alert(1)</script>',
  '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
  '[x]: javascript:alert(1)\n\n[x]',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '```html\n<script>alert(1)</script>\n```',
  '`<script>alert(1)</script>`',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<style>body{display:none}</style>',
  '<form action="https://evil.example"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
];

describe('renderMarkdown', () => {
  it('renders links, lists and code', () => {
    const html = renderMarkdown(
      'See [the docs](https://docs.example.test/x).\n\n- one\n- two\n\n`npm ci`',
    );
    expect(html).toContain(
      '<a href="https://docs.example.test/x" rel="nofollow noopener">the docs</a>',
    );
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code>npm ci</code>');
  });

  it('links bare addresses and mail addresses', () => {
    expect(renderMarkdown('go to https://example.test now')).toContain(
      '<a href="https://example.test" rel="nofollow noopener">https://example.test</a>',
    );
    expect(renderMarkdown('[mail](mailto:team@example.test)')).toContain(
      'href="mailto:team@example.test"',
    );
  });

  it('shows raw HTML as text', () => {
    expect(renderMarkdown('<b>hi</b>')).toBe('<p>&lt;b&gt;hi&lt;/b&gt;</p>\n');
  });

  it.each(PAYLOADS)('renders %j inert', (payload) => {
    expect(activeParts(renderMarkdown(payload))).toEqual([]);
    expect(activeParts(renderMarkdownInline(payload))).toEqual([]);
  });

  it('leaves a javascript: link as text, not a link', () => {
    const html = renderMarkdown('[click](javascript:alert(1))');
    expect(html).not.toContain('<a');
    expect(html).toContain('[click](javascript:alert(1))');
  });

  it('renders any mix of text and XSS payloads inert (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(...PAYLOADS),
      fc.string(),
      fc.constantFrom(
        '[',
        ']',
        '(',
        ')',
        '<',
        '>',
        '"',
        "'",
        '&',
        '#',
        ';',
        ':',
        '\n',
        '`',
        '*',
        '!',
        '\\',
      ),
      fc.constantFrom(
        'javascript:',
        'data:',
        'vbscript:',
        'on',
        'onerror=',
        'href=',
        '&#x3a;',
        '&colon;',
        '%6a',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const source = pieces.join('');
        expect(activeParts(renderMarkdown(source))).toEqual([]);
        expect(activeParts(renderMarkdownInline(source))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('links built from random schemes are links only for http(s) and mailto (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,10}$/),
        fc.string({ maxLength: 20 }),
        (scheme, rest) => {
          const html = renderMarkdown(`[x](${scheme}:${rest.replace(/[()\s]/g, '')})`);
          expect(activeParts(html)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('markdownToText', () => {
  it('keeps the words and the link targets', () => {
    expect(markdownToText('## Title\n\nSee **this** [doc](https://x.test).')).toBe(
      'Title\n\nSee this doc (https://x.test).',
    );
  });
});
