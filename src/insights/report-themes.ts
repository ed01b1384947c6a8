// "What developers said": the themes of a quarter's survey comments, counted
// only over comments the results already show (the cut engine decided them
// under k_comment), so the report can never say more than the results page.
// Pure; no database here.

/** How many comments name each capability, and the words most comments share. */
export interface CommentThemes {
  /** Comments counted (every shown comment, fix and custom text answer). */
  comments: number;
  capabilities: { slug: string; name: string; count: number }[];
  terms: { term: string; count: number }[];
}

/** Words that say nothing about a theme on their own. */
const STOP_WORDS = new Set(
  `about above after again against all also always an and another any are around because been
  before being below between both but can cannot could did does doing done down during each even
  every few for from further get gets getting got had has have having her here hers him his how
  into its itself just like lot lots make makes many more most much must need needs never not now
  off once one only other our ours out over own really same she should since some still such than
  that the their theirs them then there these they thing things this those though through too
  under until very want was way we well were what when where which while who whom why will with
  would you your yours yourself week weeks day days time times platform team teams work working
  please thanks thank think point rarely often sometimes usually maybe quite pretty actually
  something anything everything nothing someone anyone everyone`
    .split(/\s+/)
    .filter(Boolean),
);

const MIN_LENGTH = 4;

/** The distinct theme words of one comment, lower case. */
export function termsOf(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^\p{L}\p{N}-]+/u)
    .map((w) => w.replace(/^-+|-+$/g, ''))
    .filter((w) => w.length >= MIN_LENGTH && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
  return new Set(words);
}

/** Text as its words, lower case, split at anything but letters and digits. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * How many comments name each capability (by index): its name or its slug,
 * as whole words in a row. Each phrase is looked up by its first word, so
 * a comment is read once whatever the number of capabilities.
 */
function mentionCounts(
  comments: readonly string[],
  capabilities: readonly { slug: string; name: string }[],
): number[] {
  const byFirstWord = new Map<string, { words: string[]; capability: number }[]>();
  capabilities.forEach((c, capability) => {
    for (const phrase of [c.name, c.slug.replace(/-/g, ' ')]) {
      const words = wordsOf(phrase);
      if (words.length === 0) continue;
      const list = byFirstWord.get(words[0]!) ?? [];
      list.push({ words, capability });
      byFirstWord.set(words[0]!, list);
    }
  });
  const counts = capabilities.map(() => 0);
  for (const comment of comments) {
    const words = wordsOf(comment);
    const named = new Set<number>();
    words.forEach((word, at) => {
      for (const phrase of byFirstWord.get(word) ?? []) {
        if (phrase.words.every((w, i) => words[at + i] === w)) named.add(phrase.capability);
      }
    });
    for (const capability of named) counts[capability]! += 1;
  }
  return counts;
}

/**
 * Counts, over comments already cleared for showing, the comments that name
 * each capability and the words at least `minCount` comments use (the top
 * `limit`, most frequent first, ties alphabetical).
 * @example commentThemes(['Deploys are slow', 'Slow deploys'], [], { limit: 5 }).terms // [{ term: 'deploys', count: 2 }, { term: 'slow', count: 2 }]
 */
export function commentThemes(
  comments: readonly string[],
  capabilities: readonly { slug: string; name: string }[],
  opts: { limit?: number; minCount?: number } = {},
): CommentThemes {
  const limit = opts.limit ?? 10;
  const minCount = opts.minCount ?? 2;
  // Words of capability names are counted as the capability, not again as words.
  const named = new Set(capabilities.flatMap((c) => [...termsOf(`${c.name} ${c.slug}`)]));
  const mentions = mentionCounts(comments, capabilities);
  const termCounts = new Map<string, number>();
  for (const comment of comments) {
    for (const term of termsOf(comment)) {
      if (!named.has(term)) termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
    }
  }
  // Plain code-point order for ties, so every machine sorts alike.
  const byCount =
    <T extends { count: number }>(key: (x: T) => string) =>
    (a: T, b: T) =>
      b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    comments: comments.length,
    capabilities: capabilities
      .map((c, i) => ({ slug: c.slug, name: c.name, count: mentions[i]! }))
      .filter((c) => c.count > 0)
      .sort(byCount((c) => c.name)),
    terms: [...termCounts]
      .map(([term, count]) => ({ term, count }))
      .filter((t) => t.count >= minCount)
      .sort(byCount((t) => t.term))
      .slice(0, limit),
  };
}
