// Script payloads for every text field of the API, and how to find them in a
// page: raw (a hole) or escaped (rendered back safely).

import { resolveSchema, type Schema } from './fuzz-schema.ts';

/** A payload that breaks out of an attribute, opens a script, and hides a javascript: link in Markdown. */
export function payload(n: number, room = Number.POSITIVE_INFINITY): string | null {
  const full = `"'><script>alert("X${n}")</script><img src=x onerror=alert(${n})>[l](javascript:alert(${n}))`;
  if (full.length <= room) return full;
  const short = `<b id=X${n}>`;
  return short.length <= room ? short : null;
}

/** Markup that would run or render if a payload reached a page unescaped. */
export const RAW =
  /<script>alert\("X\d+"\)|<img src=x onerror|<b id=X\d+>|href="javascript:|href='javascript:/;

/** The numbers of the payloads a page shows escaped. */
export function escapedMarkers(html: string): number[] {
  const found = new Set<number>();
  for (const m of html.matchAll(/&lt;script&gt;alert\((?:&quot;|")X(\d+)|&lt;b id=X(\d+)&gt;/g)) {
    found.add(Number(m[1] ?? m[2]));
  }
  return [...found];
}

/**
 * Puts a numbered payload into every free-text string of a value (strings with
 * no enum, pattern or format), except the paths in `skip` (array indexes as
 * `*`: `teams.*`) and fields that name a real thing (`isReference`: a team,
 * a capability); `mark` numbers each and remembers its path.
 */
export function injectText(
  schema: Schema | undefined,
  value: unknown,
  components: Record<string, Schema>,
  mark: (path: string) => number,
  skip: ReadonlySet<string>,
  path = '',
  isReference: (field: string) => boolean = () => false,
): unknown {
  if (!schema) return value;
  const s = resolveSchema(schema, components);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const match = alternatives
      .map((a) => resolveSchema(a, components))
      .find((a) => {
        const types = Array.isArray(a.type) ? a.type : [a.type];
        return (
          types.includes(kind === 'number' ? 'number' : kind) ||
          (kind === 'number' && types.includes('integer'))
        );
      });
    return injectText(match, value, components, mark, skip, path, isReference);
  }
  if (typeof value === 'string') {
    const general = path.replace(/\.\d+(?=\.|$)/g, '.*');
    const skipped = [...skip].some((p) => general === p || general.startsWith(`${p}.`));
    const field =
      general
        .split('.')
        .filter((p) => p !== '*')
        .at(-1) ?? '';
    if (s.enum || s.const !== undefined || s.pattern || s.format || skipped || isReference(field)) {
      return value;
    }
    // Sized with the longest number a run uses, so the numbered payload fits too.
    const text = payload(99_999, s.maxLength);
    if (text === null || text.length < (s.minLength ?? 0)) return value;
    return payload(mark(path), s.maxLength) ?? value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) =>
      injectText(s.items, v, components, mark, skip, path ? `${path}.${i}` : String(i)),
    );
  }
  if (value !== null && typeof value === 'object') {
    // Optional free-text fields the generator left out are filled in too.
    const filled: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const prop = resolveSchema(p, components);
      const types = Array.isArray(prop.type) ? prop.type : [prop.type];
      const at = path ? `${path}.${k}` : k;
      const free = !prop.enum && !prop.pattern && !prop.format && !isReference(k) && !skip.has(at);
      if (!(k in filled) && types.includes('string') && free) {
        filled[k] = 'x';
      }
    }
    return Object.fromEntries(
      Object.entries(filled).map(([k, v]) => [
        k,
        injectText(
          s.properties?.[k],
          v,
          components,
          mark,
          skip,
          path ? `${path}.${k}` : k,
          isReference,
        ),
      ]),
    );
  }
  return value;
}
