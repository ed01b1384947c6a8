// Checks an Atom document the way a feed validator would, for the feed tests:
// well-formed XML, then the elements RFC 4287 requires of a feed and its entries.

import { XMLParser, XMLValidator } from 'fast-xml-parser';

type Node = Record<string, unknown>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as Node[];
const text = (v: unknown): string =>
  typeof v === 'object' && v !== null ? String((v as Node)['#text'] ?? '') : String(v ?? '');

/** The parsed feed: its text fields and entries, with attributes under `@_`. */
export function parseAtom(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
  });
  return parser.parse(xml) as Node;
}

/** What is wrong with an Atom document (empty when it is valid on these points). */
export function atomProblems(xml: string): string[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return [`not well-formed: ${valid.err.msg} (line ${valid.err.line})`];
  const problems: string[] = [];
  const feed = parseAtom(xml).feed as Node | undefined;
  if (!feed) return ['no <feed> root'];
  if (feed['@_xmlns'] !== 'http://www.w3.org/2005/Atom')
    problems.push('feed: not in the Atom namespace');
  const one = (node: Node, name: string, where: string) => {
    const found = list(node[name]);
    if (found.length !== 1)
      problems.push(`${where}: needs exactly one <${name}>, has ${found.length}`);
    else if (!text(found[0]).trim()) problems.push(`${where}: <${name}> is empty`);
    return text(found[0]);
  };
  for (const name of ['id', 'title', 'updated']) one(feed, name, 'feed');
  if (!RFC3339.test(text(feed.updated))) problems.push('feed: <updated> is not an RFC 3339 time');
  const feedHasAuthor = list(feed.author).some((a) => text(a.name).trim());
  const links = list(feed.link);
  if (!links.some((l) => l['@_rel'] === 'self' && l['@_href']))
    problems.push('feed: no rel="self" link');
  const ids = new Set<string>();
  for (const [i, entry] of list(feed.entry).entries()) {
    const where = `entry ${i + 1}`;
    const id = one(entry, 'id', where);
    one(entry, 'title', where);
    const updated = one(entry, 'updated', where);
    if (!RFC3339.test(updated)) problems.push(`${where}: <updated> is not an RFC 3339 time`);
    if (ids.has(id)) problems.push(`${where}: id ${id} repeats`);
    ids.add(id);
    if (!feedHasAuthor && !list(entry.author).some((a) => text(a.name).trim()))
      problems.push(`${where}: no author, and the feed has none`);
    const alternate = list(entry.link).some((l) => (l['@_rel'] ?? 'alternate') === 'alternate');
    if (!alternate && entry.content === undefined)
      problems.push(`${where}: needs a rel="alternate" link or <content>`);
  }
  return problems;
}

/** The entries' titles, in order. */
export function entryTitles(xml: string): string[] {
  const feed = parseAtom(xml).feed as Node;
  return list(feed.entry).map((e) => text(e.title));
}
