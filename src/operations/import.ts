// `paved import paved`: reads what `paved export` wrote into an empty
// database, in one transaction: any problem writes nothing.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../core/audit.ts';
import { batchSize, dataTables } from '../core/db/helpers.ts';
import type { Db, DbHandle, Engine } from '../core/db/index.ts';
import { Conflict, InvalidInput } from '../core/errors.ts';
import { WEBHOOK_SECRET_PURPOSE } from '../notifications/webhook-delivery.ts';
import type { ExportHeader, Row } from './export.ts';
import {
  CARRIED,
  type CarriedTable,
  LEFT_OUT,
  SEEDED_TABLES,
  schemaVersion,
  type TableName,
} from './tables.ts';

/** Seals a value with the server secret (webhook signing secrets). */
export interface Sealer {
  encrypt(purpose: string, plaintext: string): string;
}

export interface ImportSummary {
  version: number;
  exportedAt: string;
  rows: number;
  /** Rows inserted per table. */
  tables: Record<string, number>;
  /** Webhooks imported switched off, with a new signing secret nobody has seen yet. */
  webhooksSwitchedOff: number;
}

/**
 * Imports an export into an empty, migrated database: checks the header and
 * schema version, inserts each table's rows in the file's order (parents
 * first) in batches, and requires the trailer, so a cut-off file imports
 * nothing. Accounts come without passwords, webhooks switched off with a new
 * secret. The caller runs migrations first.
 * @example await importPaved(handle, readLines(file), { secret })
 */
export async function importPaved(
  handle: DbHandle,
  lines: AsyncIterable<string>,
  opts: { secret: Sealer },
): Promise<ImportSummary> {
  return handle.db.transaction().execute(async (trx) => {
    await assertEmpty(trx, handle.engine);
    const reader = new Importer(trx, await tableColumns(trx, handle.engine), opts.secret);
    let lineNo = 0;
    for await (const raw of lines) {
      lineNo++;
      const text = raw.trim();
      if (text === '') continue;
      await reader.take(lineNo, text);
    }
    const summary = await reader.finish(lineNo);
    await recordAudit(trx, {
      actor: null,
      action: 'database.import',
      details: {
        via: 'cli',
        version: summary.version,
        exportedAt: summary.exportedAt,
        rows: summary.rows,
      },
    });
    return summary;
  });
}

/** The tables holding rows beyond what migrations seed, as "teams (12 rows)". */
export async function filledTables(db: Db, engine: Engine): Promise<string[]> {
  const seeded = new Set<string>(SEEDED_TABLES);
  const filled: string[] = [];
  for (const table of await dataTables(db, engine)) {
    if (seeded.has(table)) continue;
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) filled.push(`${table} (${n} row${n === 1 ? '' : 's'})`);
  }
  return filled;
}

/** Refuses a database that holds anything but what migrations seed, naming the tables. */
export async function assertEmpty(db: Db, engine: Engine): Promise<void> {
  const filled = await filledTables(db, engine);
  if (filled.length > 0) {
    const shown = filled.slice(0, 5).join(', ') + (filled.length > 5 ? ', …' : '');
    throw new Conflict(
      `The database is not empty: ${shown}. paved import paved only fills an empty database; point PAVED_DATABASE_URL at a new SQLite file or an empty PostgreSQL database and run it again.`,
    );
  }
}

/** The columns of every table, from the database itself (what an import may write). */
async function tableColumns(db: Db, engine: Engine): Promise<Map<string, Set<string>>> {
  const { rows } =
    engine === 'sqlite'
      ? // SQLite: pragma_table_info per table in sqlite_master.
        await sql<{ t: string; c: string }>`select m.name as t, p.name as c
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table'`.execute(db)
      : // PostgreSQL: the schema first on the search path.
        await sql<{ t: string; c: string }>`select table_name as t, column_name as c
          from information_schema.columns where table_schema = current_schema()`.execute(db);
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.t) ?? new Set<string>();
    set.add(r.c);
    out.set(r.t, set);
  }
  return out;
}

function fail(line: number, message: string): never {
  throw new InvalidInput(`Line ${line}: ${message} Nothing was imported.`, [
    { path: `line ${line}`, message },
  ]);
}

function parse(line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail(line, 'this is not JSON; the file is not a paved export, or it was damaged.');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads lines one by one and writes rows in batches, a table at a time. */
class Importer {
  private header: ExportHeader | null = null;
  private ended = false;
  private position = -1;
  private spec: CarriedTable | null = null;
  private batch: Row[] = [];
  private batchColumns = '';
  /** Self references of the current table, set once all its rows are in. */
  private pending: [id: unknown, ref: unknown][] = [];
  private readonly counts: Record<string, number> = {};
  private rows = 0;
  private webhooks = 0;

  constructor(
    private readonly db: Db,
    private readonly columns: Map<string, Set<string>>,
    private readonly secret: Sealer,
  ) {}

  async take(line: number, text: string): Promise<void> {
    const value = parse(line, text);
    if (!this.header) {
      this.header = checkHeader(line, value);
      return;
    }
    if (this.ended) fail(line, 'there is more after the last line of the export.');
    if (!isObject(value)) fail(line, 'expected {"table": …, "row": {…}}.');
    if (value.paved === 'end') {
      await this.closeTable();
      if (value.rows !== this.rows) {
        fail(
          line,
          `the export says it holds ${String(value.rows)} rows, but ${this.rows} came before this line.`,
        );
      }
      this.ended = true;
      return;
    }
    const { table, row } = value;
    if (typeof table !== 'string' || !isObject(row)) {
      fail(line, 'expected {"table": …, "row": {…}}.');
    }
    await this.enter(line, table);
    const next = this.row(line, row);
    // Rows of one table share their columns in an export; other shapes go in their own batch.
    const columns = Object.keys(next).sort().join(',');
    if (columns !== this.batchColumns) await this.flush();
    this.batchColumns = columns;
    this.batch.push(next);
    if (this.batch.length >= batchSize(Object.keys(next).length)) await this.flush();
  }

  async finish(lines: number): Promise<ImportSummary> {
    if (!this.header) fail(lines + 1, 'the file is empty; expected a paved export.');
    if (!this.ended) {
      fail(lines, 'the file ends before the export’s last line: it was cut off.');
    }
    return {
      version: this.header.version,
      exportedAt: this.header.exportedAt,
      rows: this.rows,
      tables: this.counts,
      webhooksSwitchedOff: this.webhooks,
    };
  }

  /** Moves to a table: tables come once each, in export order. */
  private async enter(line: number, table: string): Promise<void> {
    if (this.spec?.table === table) return;
    const index = CARRIED.findIndex((t) => t.table === table);
    if (index < 0) {
      const why = LEFT_OUT[table as TableName];
      fail(
        line,
        why
          ? `${table} is never imported: ${why}.`
          : `there is no table "${table}" to import into.`,
      );
    }
    if (index < this.position) {
      fail(
        line,
        `${table} comes after tables that depend on it; import files as paved export writes them.`,
      );
    }
    await this.closeTable();
    this.position = index;
    this.spec = CARRIED[index]!;
    if (SEEDED_TABLES.includes(this.spec.table)) {
      // What migrations seeded gives way to the exported rows.
      await sql`delete from ${sql.table(this.spec.table)}`.execute(this.db);
    }
  }

  /** The row to insert: known columns only, scalar values, secrets replaced. */
  private row(line: number, input: Record<string, unknown>): Row {
    const spec = this.spec!;
    const known = this.columns.get(spec.table)!;
    const row: Row = {};
    for (const [column, value] of Object.entries(input)) {
      if (!known.has(column) || spec.omit?.includes(column)) {
        fail(line, `${spec.table} has no column "${column}" to import.`);
      }
      if (!(value === null || typeof value === 'string' || Number.isFinite(value))) {
        fail(line, `${spec.table}.${column} must be text, a number or null.`);
      }
      row[column] = value;
    }
    if (spec.selfRef && row[spec.selfRef] != null) {
      this.pending.push([row.id, row[spec.selfRef]]);
      row[spec.selfRef] = null;
    }
    if (spec.table === 'users') row.password_hash = null;
    if (spec.table === 'webhooks') {
      // A new signing secret nobody knows; an admin replaces it and switches the webhook on.
      const signing = `whsec_${randomBytes(24).toString('base64url')}`;
      row.secret_sealed = this.secret.encrypt(WEBHOOK_SECRET_PURPOSE, signing);
      row.active = 0;
      this.webhooks++;
    }
    return row;
  }

  private async flush(): Promise<void> {
    const rows = this.batch;
    this.batch = [];
    if (rows.length === 0) return;
    const table = this.spec!.table;
    const columns = Object.keys(rows[0]!);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      values ${sql.join(rows.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`))}`.execute(
      this.db,
    );
    this.counts[table] = (this.counts[table] ?? 0) + rows.length;
    this.rows += rows.length;
  }

  /** Writes what is left of the current table and sets its self references. */
  private async closeTable(): Promise<void> {
    await this.flush();
    const spec = this.spec;
    if (!spec?.selfRef) return;
    for (const [id, ref] of this.pending) {
      await sql`update ${sql.table(spec.table)} set ${sql.ref(spec.selfRef)} = ${ref}
        where id = ${id}`.execute(this.db);
    }
    this.pending = [];
  }
}

/** The header names a paved export of this schema version, or the import stops. */
function checkHeader(line: number, value: unknown): ExportHeader {
  if (!isObject(value) || value.paved !== 'export') {
    fail(line, 'this is not a paved export: its first line should be {"paved":"export",…}.');
  }
  const version = schemaVersion();
  if (value.version !== version) {
    const theirs = typeof value.version === 'number' ? value.version : String(value.version);
    fail(
      line,
      Number(theirs) > version
        ? `the export is of schema version ${theirs}, newer than this paved (${version}): upgrade paved first.`
        : `the export is of schema version ${theirs} and this paved is at ${version}: import it with the paved that made it, then upgrade, so every migration runs.`,
    );
  }
  return {
    paved: 'export',
    version,
    exportedAt: typeof value.exportedAt === 'string' ? value.exportedAt : '',
    engine: typeof value.engine === 'string' ? value.engine : '',
  };
}
