// Atom 1.0 (RFC 4287) documents, written by hand: a feed is a few elements,
// and every piece of text goes through one escape.

/** One entry: its permanent id, title, last change and the page it describes. */
export interface AtomEntry {
  /** A permanent, absolute IRI that never changes for this entry. */
  id: string;
  title: string;
  /** ISO 8601 time of the last significant change. */
  updated: string;
  published?: string;
  /** The absolute address of the page the entry describes. */
  link: string;
  /** A short plain-text summary. */
  summary?: string;
  /** Safe HTML (already sanitised); sent escaped, as `type="html"`. */
  html?: string;
  /** The entry's author; the feed's author stands in when left out. */
  author?: string;
  categories?: string[];
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  /** Used when the feed has no entries; otherwise the latest entry's `updated`. */
  updated: string;
  /** The feed's own address (rel="self"), without any key in it. */
  selfUrl: string;
  /** The page the feed follows (rel="alternate"). */
  alternateUrl: string;
  /** The feed's author, which RFC 4287 lets stand for every entry. */
  author: string;
  entries: AtomEntry[];
}

/** The media type feeds are served with. */
export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls other
// than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to remove
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text made safe for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const el = (name: string, text: string, attrs = '') =>
  `<${name}${attrs}>${xmlEscape(text)}</${name}>`;
const link = (rel: string, href: string, type?: string) =>
  `<link rel="${rel}" href="${xmlEscape(href)}"${type ? ` type="${type}"` : ''}/>`;
const person = (name: string) => `<author>${el('name', name)}</author>`;

/** The later of two ISO times. */
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

function entryXml(entry: AtomEntry): string {
  return [
    '<entry>',
    el('id', entry.id),
    el('title', entry.title, ' type="text"'),
    el('updated', new Date(entry.updated).toISOString()),
    entry.published ? el('published', new Date(entry.published).toISOString()) : '',
    entry.author ? person(entry.author) : '',
    link('alternate', entry.link, 'text/html'),
    ...(entry.categories ?? []).map((term) => `<category term="${xmlEscape(term)}"/>`),
    entry.summary ? el('summary', entry.summary, ' type="text"') : '',
    entry.html ? el('content', entry.html, ' type="html"') : '',
    '</entry>',
  ]
    .filter(Boolean)
    .join('');
}

/**
 * A whole Atom document: the feed's id, title, updated, author and links,
 * then its entries. Every text is escaped once, here.
 * @example renderAtom({ id: 'https://paved.example/feeds/changelog.atom', title: 'Changelog', … })
 */
export function renderAtom(feed: AtomFeed): string {
  const updated = feed.entries.reduce(
    (max, e) => later(max, e.updated),
    feed.entries[0]?.updated ?? feed.updated,
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    el('id', feed.id),
    el('title', feed.title, ' type="text"'),
    feed.subtitle ? el('subtitle', feed.subtitle, ' type="text"') : '',
    el('updated', new Date(updated).toISOString()),
    person(feed.author),
    link('self', feed.selfUrl, 'application/atom+xml'),
    link('alternate', feed.alternateUrl, 'text/html'),
    '<generator>paved</generator>',
    ...feed.entries.map(entryXml),
    '</feed>\n',
  ]
    .filter(Boolean)
    .join('');
}
