import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../../test/engines.ts';
import { listAudit } from '../audit.ts';
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

describeEngines('newest-first keyset paging', (handle) => {
  it('pages through rows that share a time without losing or repeating one', async () => {
    const { db } = handle();
    const rows = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({
      id,
      // Three rows at the same instant: the id breaks the tie.
      at: i < 3 ? '2026-11-01T10:00:00.000Z' : `2026-11-0${i}T09:00:00.000Z`,
      action: 'test.row',
      details: '{}',
    }));
    await db.insertInto('audit_log').values(rows).execute();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAudit(db, { limit: 2, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // e (4 Nov), d (3 Nov), then the three of 1 Nov by id, descending.
    expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']);
  });
});
