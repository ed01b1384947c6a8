import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors.ts';
import { decodeCursor, encodeCursor, toPage } from './paging.ts';

describe('cursors', () => {
  it('round-trip a key', () => {
    expect(decodeCursor(encodeCursor(['Ada', 'x1']), 2)).toEqual(['Ada', 'x1']);
  });

  it.each([
    ['garbage', 'not-base64-json!'],
    ['wrong arity', encodeCursor(['only-one'])],
    ['not strings', Buffer.from('[1,2]').toString('base64url')],
  ])('reject a cursor that is %s, naming the cursor field', (_, cursor) => {
    try {
      decodeCursor(cursor, 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInput);
      expect((error as InvalidInput).errors[0]?.path).toBe('cursor');
    }
  });
});

describe('toPage', () => {
  const rows = [{ k: 'a' }, { k: 'b' }, { k: 'c' }];
  it('keeps limit rows and gives a cursor when an extra row was fetched', () => {
    const page = toPage(
      rows,
      2,
      (r) => [r.k],
      (r) => r.k,
    );
    expect(page.items).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual(['b']);
  });
  it('gives no cursor on the last page', () => {
    expect(
      toPage(
        rows,
        3,
        (r) => [r.k],
        (r) => r.k,
      ),
    ).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
  });
});
