import { describe, expect, it } from 'vitest';
import { newId } from './helpers.ts';

describe('newId', () => {
  it('is 16 url-safe characters that never start with "-", so no CLI reads an id as an option', () => {
    const ids = Array.from({ length: 20_000 }, newId);
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{15}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // About 1 in 64 raw ids starts with "-"; all of those were mapped to "_".
    expect(ids.filter((id) => id.startsWith('_')).length).toBeGreaterThan(0);
  });
});
