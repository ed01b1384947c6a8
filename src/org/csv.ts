// `paved import people`: people from a CSV file (HR exports, spreadsheets).
// The file is checked whole before anything is written, so a bad row never
// leaves half an import behind.
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import {
  formatEntityRef,
  type ImportSummary,
  type Person,
  type PersonRecord,
  parseEntityRef,
  type Team,
} from './model.ts';
import { applyOrgSnapshot, listTeams, peopleByEmail } from './store.ts';

/** One CSV record and the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Text that is not valid CSV, at the line where the problem starts. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Parses RFC 4180 CSV: comma-separated fields, CRLF or LF line ends, fields
 * in double quotes may hold commas, line breaks and doubled quotes (`""`).
 * A leading byte-order mark is ignored; a final line break adds no record.
 * @example parseCsv('a,"b ""c"""\r\n') // [{ line: 1, fields: ['a', 'b "c"'] }]
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const record: CsvRecord = { line, fields: [] };
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const opened = line;
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw new CsvSyntaxError(opened, 'a quoted field is never closed');
          const chunk = text.slice(i, quote);
          field += chunk;
          line += countNewlines(chunk);
          i = quote + 1;
          if (text[i] !== '"') break;
          field += '"';
          i++;
        }
        if (i < text.length && !atSeparator(text, i)) {
          throw new CsvSyntaxError(
            line,
            'text follows a closing quote; double a quote inside a quoted field ("")',
          );
        }
      } else {
        const start = i;
        while (i < text.length && !atSeparator(text, i)) {
          if (text[i] === '"') {
            throw new CsvSyntaxError(
              line,
              'a quote inside an unquoted field; put the field in double quotes and double the quote ("")',
            );
          }
          i++;
        }
        field = text.slice(start, i);
      }
      record.fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // End of the record: a line break (CRLF or LF) or the end of the text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    records.push(record);
  }
  return records;
}

function atSeparator(text: string, i: number): boolean {
  const c = text[i];
  return c === ',' || c === '\n' || (c === '\r' && text[i + 1] === '\n');
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** One field as CSV: quoted (quotes doubled) when it holds a comma, quote, line break or byte-order mark. */
export function formatCsvField(value: string): string {
  return /[",\r\n\uFEFF]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The documented header of `paved import people`, in any order; name and email are required. */
export const PEOPLE_COLUMNS = ['name', 'email', 'team', 'start_date', 'level', 'location'] as const;
type PeopleColumn = (typeof PEOPLE_COLUMNS)[number];

/** A problem with one row (row 1 is the header); `column` when one cell is at fault. */
export interface RowError {
  row: number;
  column?: PeopleColumn;
  message: string;
}

/** Every bad row of a people CSV; nothing was written. */
export class PeopleCsvError extends InvalidInput {
  constructor(readonly rowErrors: RowError[]) {
    super(
      `${rowErrors.length} problem${rowErrors.length === 1 ? '' : 's'} in the people CSV.`,
      rowErrors.map((e) => ({
        path: e.column ? `rows.${e.row}.${e.column}` : `rows.${e.row}`,
        message: e.message,
      })),
    );
  }
}

/** `row 3: …`, how a row error reads on its own line. */
export function formatRowError(error: RowError): string {
  return `row ${error.row}: ${error.message}`;
}

/** A valid row. A column missing from the header is undefined (keep what paved has); an empty cell is null. */
export interface PeopleRow {
  row: number;
  name: string;
  email: string;
  team?: string | null;
  startDate?: string | null;
  level?: string | null;
  location?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a people CSV without the database: header, required cells, email and date formats, repeated emails. */
export function parsePeopleCsv(text: string): { rows: PeopleRow[]; errors: RowError[] } {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { rows: [], errors: [{ row: error.line, message: `not valid CSV: ${error.message}` }] };
  }
  const [header, ...data] = records;
  const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const headerErrors = checkHeader(columns);
  if (headerErrors.length > 0) return { rows: [], errors: headerErrors };

  const rows: PeopleRow[] = [];
  const errors: RowError[] = [];
  const emailRows = new Map<string, number>();
  for (const record of data) {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue;
    const row = record.line;
    if (record.fields.length !== columns.length) {
      errors.push({
        row,
        message: `has ${record.fields.length} fields, but the header has ${columns.length}`,
      });
      continue;
    }
    const cells = new Map<string, string | null>();
    columns.forEach((c, i) => {
      cells.set(c, record.fields[i]!.trim() || null);
    });
    const cell = (c: PeopleColumn) => (cells.has(c) ? (cells.get(c) ?? null) : undefined);
    const name = cell('name');
    const email = cell('email');
    const startDate = cell('start_date');
    const before = errors.length;
    if (!name) errors.push({ row, column: 'name', message: 'name is empty' });
    if (!email) errors.push({ row, column: 'email', message: 'email is empty' });
    else if (!EMAIL.test(email)) {
      errors.push({ row, column: 'email', message: `email "${email}" is not an email address` });
    } else {
      const first = emailRows.get(email.toLowerCase());
      if (first) {
        errors.push({ row, column: 'email', message: `email ${email} is also on row ${first}` });
      } else emailRows.set(email.toLowerCase(), row);
    }
    if (startDate && !isRealDate(startDate)) {
      errors.push({
        row,
        column: 'start_date',
        message: `start_date "${startDate}" is not a date in the form YYYY-MM-DD`,
      });
    }
    if (errors.length > before) continue;
    rows.push({
      row,
      name: name!,
      email: email!,
      team: cell('team'),
      startDate,
      level: cell('level'),
      location: cell('location'),
    });
  }
  return { rows, errors };
}

function checkHeader(columns: string[]): RowError[] {
  if (columns.length === 0 || (columns.length === 1 && columns[0] === '')) {
    return [{ row: 1, message: `the first line must be the header ${PEOPLE_COLUMNS.join(',')}` }];
  }
  const errors: RowError[] = [];
  const known = new Set<string>(PEOPLE_COLUMNS);
  const seen = new Set<string>();
  for (const c of columns) {
    if (!known.has(c)) {
      errors.push({
        row: 1,
        message: `unknown column "${c}"; the columns are ${PEOPLE_COLUMNS.join(', ')}`,
      });
    } else if (seen.has(c)) {
      errors.push({ row: 1, message: `column "${c}" appears twice` });
    }
    seen.add(c);
  }
  for (const required of ['name', 'email']) {
    if (!seen.has(required))
      errors.push({ row: 1, message: `the header has no ${required} column` });
  }
  return errors;
}

/** True for a YYYY-MM-DD string that names a day on the calendar (no 2025-02-30). */
export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Imports people from CSV text: a row whose email matches a person in paved
 * (case-insensitively) updates that person, any other row adds a person with
 * the ref `email:<email>`. Partial: nobody is marked inactive. Throws
 * PeopleCsvError listing every bad row, having written nothing. The caller
 * owns the transaction.
 */
export async function importPeopleCsv(
  db: Db,
  text: string,
  opts: { today: string },
): Promise<ImportSummary> {
  const { rows, errors } = parsePeopleCsv(text);
  const teams = await listTeams(db, { includeInactive: true });
  const existing = await peopleByEmail(db);
  const people: PersonRecord[] = [];
  for (const row of rows) {
    const old = existing.get(row.email.toLowerCase());
    let teamRef: string | null;
    if (row.team === undefined) {
      teamRef = teams.find((t) => t.id === old?.teamId)?.ref ?? null;
    } else if (row.team === null) {
      teamRef = null;
    } else {
      const found = findTeam(row.team, teams);
      if (typeof found === 'string') {
        errors.push({ row: row.row, column: 'team', message: found });
        continue;
      }
      teamRef = found.ref;
    }
    people.push(toRecord(row, old, teamRef));
  }
  if (errors.length > 0) throw new PeopleCsvError(errors.sort((a, b) => a.row - b.row));
  const applied = await applyOrgSnapshot(
    db,
    { teams: [], people, services: [] },
    { full: false, today: opts.today },
  );
  return { ...applied, skipped: {} };
}

function toRecord(row: PeopleRow, old: Person | undefined, teamRef: string | null): PersonRecord {
  // A column the file leaves out keeps what paved has; an email that differs only in case keeps its stored spelling.
  const keep = <T>(value: T | undefined, stored: T | null | undefined) =>
    value === undefined ? (stored ?? null) : value;
  return {
    ref: old?.ref ?? `email:${row.email.toLowerCase()}`,
    name: row.name,
    email: old?.email ?? row.email,
    teamRef,
    startDate: keep(row.startDate, old?.startDate),
    level: keep(row.level, old?.level),
    location: keep(row.location, old?.location),
  };
}

/** The active team a cell names, by slug or group entity ref, or why there is none. */
function findTeam(value: string, teams: Team[]): Team | string {
  const bySlug = teams.find((t) => t.slug === value.toLowerCase());
  let team = bySlug;
  if (!team && /[:/]/.test(value)) {
    const ref = parseEntityRef(value, 'group');
    if (ref.kind !== 'group') return `team "${value}" is a ${ref.kind} ref, not a group`;
    team = teams.find((t) => t.ref === formatEntityRef(ref));
  }
  if (!team) return `team "${value}" is neither a team slug nor a group ref in paved`;
  if (team.inactiveSince) return `team "${value}" is inactive since ${team.inactiveSince}`;
  return team;
}
