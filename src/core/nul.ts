// U+0000 in text: PostgreSQL cannot store it (the query fails) and SQLite
// cuts text at it, so paved refuses it wherever text comes in.

export const NUL_MESSAGE = 'Text may not contain the NUL character (U+0000).';

/**
 * The dotted path of the first string (key or value) holding U+0000 in a
 * parsed JSON or form value, `(body)` when the value itself is that string,
 * or null when there is none.
 * @example nulPath({ items: [{ name: 'a\0' }] }) // 'items.0.name'
 */
export function nulPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path.join('.') || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\0')) return [...path, key].join('.');
    const found = nulPath(inner, [...path, key]);
    if (found) return found;
  }
  return null;
}
