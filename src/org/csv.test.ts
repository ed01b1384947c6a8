import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, formatCsvField, isRealDate, parseCsv, parsePeopleCsv } from './csv.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8');

describe('parseCsv', () => {
  it('splits fields on commas and records on LF', () => {
    expect(parseCsv('a,b\nc,d\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('accepts CRLF and a last line without a line break', () => {
    expect(parseCsv('a,b\r\nc,d')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseCsv('\uFEFFname,email\n')).toEqual([{ line: 1, fields: ['name', 'email'] }]);
  });

  it('keeps commas, doubled quotes and line breaks inside quotes, numbering records by their first line', () => {
    expect(parseCsv('"a,b","say ""hi""","two\r\nlines"\nnext,"",x\n')).toEqual([
      { line: 1, fields: ['a,b', 'say "hi"', 'two\r\nlines'] },
      { line: 3, fields: ['next', '', 'x'] },
    ]);
  });

  it('keeps empty fields at the ends of a record and empty lines as one empty field', () => {
    expect(parseCsv(',a,\n\nb')).toEqual([
      { line: 1, fields: ['', 'a', ''] },
      { line: 2, fields: [''] },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('reads nothing from an empty text', () => {
    expect(parseCsv('')).toEqual([]);
  });

  it('rejects a quoted field that is never closed, at the line it opens', () => {
    const error = (() => {
      try {
        parseCsv('a\nb,"open\nstill open\n');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(2);
    expect((error as CsvSyntaxError).message).toBe('a quoted field is never closed');
  });

  it('rejects text after a closing quote and a bare quote in an unquoted field', () => {
    expect(() => parseCsv('a\n"b"c\n')).toThrow(/text follows a closing quote/);
    expect(() => parseCsv('a\nb"c\n')).toThrow(/a quote inside an unquoted field/);
  });

  it('round-trips any quoted field', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const records = parseCsv(`"${value.replaceAll('"', '""')}"`);
        expect(records).toEqual([{ line: 1, fields: [value] }]);
      }),
    );
  });

  it('round-trips any table written with formatCsvField', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'é', '\uFEFF'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1 }),
        (rows) => {
          const text = rows.map((r) => `${r.map(formatCsvField).join(',')}\r\n`).join('');
          expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
        },
      ),
    );
  });
});

describe('isRealDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-12-31', true],
    ['2025-02-29', false],
    ['2024-02-30', false],
    ['2024-13-01', false],
    ['2024/01/05', false],
    ['24-01-05', false],
    ['2024-1-5', false],
  ])('%s → %s', (value, expected) => {
    expect(isRealDate(value)).toBe(expected);
  });
});

describe('parsePeopleCsv', () => {
  it('reads the columns in any order, trimming cells and turning empty cells into null', () => {
    const { rows, errors } = parsePeopleCsv(fixture('people.csv'));
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 2,
        name: 'Bob Baker',
        email: 'BOB@example.com',
        team: 'platform',
        startDate: '2024-03-04',
        level: 'senior',
        location: 'Lisbon',
      },
      {
        row: 3,
        name: 'Newman, Nora',
        email: 'new.person@example.com',
        team: 'group:default/payments',
        startDate: '2026-01-12',
        level: 'junior',
        location: 'Berlin\nMitte',
      },
      {
        row: 5,
        name: 'Zed "Z" Zimmer',
        email: 'zed@example.com',
        team: null,
        startDate: '2025-07-01',
        level: null,
        location: null,
      },
    ]);
  });

  it('leaves a column the header omits undefined, so the import keeps what paved has', () => {
    const { rows } = parsePeopleCsv('Email , NAME\na@example.com,A\n');
    expect(rows).toEqual([
      {
        row: 2,
        name: 'A',
        email: 'a@example.com',
        team: undefined,
        startDate: undefined,
        level: undefined,
        location: undefined,
      },
    ]);
  });

  it('reports every bad row by its line in the file', () => {
    const { rows, errors } = parsePeopleCsv(fixture('people-bad.csv'));
    expect(rows.map((r) => r.row)).toEqual([2, 5]);
    expect(errors).toEqual([
      { row: 3, column: 'name', message: 'name is empty' },
      { row: 4, column: 'email', message: 'email "not-an-email" is not an email address' },
      {
        row: 6,
        column: 'start_date',
        message: 'start_date "2024-02-30" is not a date in the form YYYY-MM-DD',
      },
      {
        row: 8,
        column: 'start_date',
        message: 'start_date "2024/01/05" is not a date in the form YYYY-MM-DD',
      },
      { row: 9, message: 'has 2 fields, but the header has 6' },
      { row: 10, column: 'email', message: 'email GOOD@example.com is also on row 2' },
    ]);
  });

  it('skips blank lines', () => {
    const { rows, errors } = parsePeopleCsv('name,email\n\nA,a@example.com\n\n');
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.row)).toEqual([3]);
  });

  it('rejects unknown, repeated and missing header columns', () => {
    expect(parsePeopleCsv('name,mail,name\nA,a@example.com,A\n').errors).toEqual([
      {
        row: 1,
        message:
          'unknown column "mail"; the columns are name, email, team, start_date, level, location',
      },
      { row: 1, message: 'column "name" appears twice' },
      { row: 1, message: 'the header has no email column' },
    ]);
  });

  it('rejects an empty file', () => {
    expect(parsePeopleCsv('').errors).toEqual([
      {
        row: 1,
        message: 'the first line must be the header name,email,team,start_date,level,location',
      },
    ]);
  });

  it('turns a CSV syntax error into a row error', () => {
    expect(parsePeopleCsv('name,email\nA,"a@example.com\n').errors).toEqual([
      { row: 2, message: 'not valid CSV: a quoted field is never closed' },
    ]);
  });
});
