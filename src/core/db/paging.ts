import { type RawBuilder, sql } from 'kysely';
import { InvalidInput } from '../errors.ts';

/** One page of a list, as every list in paved answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Turns the last key of a page into an opaque cursor. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor back into its key; a cursor that was not made here is bad input. */
export function decodeCursor(cursor: string, parts: number): string[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string')) {
      return key;
    }
  } catch {
    // falls through to the error below
  }
  throw InvalidInput.field('cursor', 'Cursor is not valid; use the nextCursor of a previous page.');
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only says
 * that another page exists.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => string[],
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    nextCursor: more && last ? encodeCursor(keyOf(last)) : null,
  };
}

/**
 * The keyset condition of a newest-first list ordered by (time, id): the rows
 * after the cursor's row. Pair it with `orderBy(time, 'desc').orderBy(id, 'desc')`.
 * @example q.where(olderThan('at', 'id', cursor))
 */
export function olderThan(
  timeColumn: string,
  idColumn: string,
  cursor: string,
): RawBuilder<boolean> {
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  const time = sql.ref(timeColumn);
  return sql<boolean>`(${time} < ${at} or (${time} = ${at} and ${sql.ref(idColumn)} < ${id}))`;
}
