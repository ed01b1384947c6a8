import MarkdownIt from 'markdown-it';

// Safe Markdown for text people write (feedback, notes, roadmap items):
// paragraphs, emphasis, links, lists, code, quotes and tables. Raw HTML is
// never passed through (markdown-it escapes it), images are off (they would
// load from anywhere and the CSP forbids them anyway), and a link is a link
// only to http(s) or mailto.

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const md = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
  breaks: false,
});
md.disable(['image']);

// A fence's info string becomes a class name: keep only a plain language word.
md.core.ruler.after('block', 'paved_fence_language', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'fence') token.info = /^[\w+-]*/.exec(token.info.trim())?.[0] ?? '';
  }
});

// markdown-it normalises a link (decodes entities, percent-encodes) before it
// asks; the check runs on that normalised form, so `jav&#x61;script:` and
// `\njavascript:` are judged as the browser would read them.
md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim());

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  // Links people wrote point away from paved: no opener access, no ranking (the
  // app's Referrer-Policy already keeps the referrer to paved itself).
  token.attrSet('rel', 'nofollow noopener');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/**
 * Renders Markdown a person wrote to HTML that is safe to embed in a page:
 * no raw HTML, no script, no event handlers, links only to http(s) and
 * mailto with rel="nofollow noopener".
 * @example renderMarkdown('See [docs](https://example.com)') // '<p>See <a href="https://example.com" rel="nofollow noopener">docs</a></p>\n'
 */
export function renderMarkdown(source: string): string {
  return md.render(source);
}

/** The same, for one line (titles, short notes): no paragraph around it. */
export function renderMarkdownInline(source: string): string {
  return md.renderInline(source);
}

/** Plain text of Markdown for places that cannot show HTML (email, Atom summaries, the CLI). */
export function markdownToText(source: string): string {
  return source
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, '$1 ($2)')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`{3,}[^\n]*\n?/g, '')
    .trim();
}
