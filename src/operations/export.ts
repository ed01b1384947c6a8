// `paved export`: every carried table as NDJSON, read in one consistent
// snapshot and streamed page by page, so a large organisation is never held
// in memory. Anonymous answer rows come out in a fresh random order.

import { randomInt } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { dataTables } from '../core/db/helpers.ts';
import type { Db, DbHandle } from '../core/db/index.ts';
import { Conflict } from '../core/errors.ts';
import {
  CARRIED,
  type CarriedTable,
  LEFT_OUT,
  SECRET_SETTINGS,
  schemaVersion,
  type TableName,
} from './tables.ts';

/** The first line of an export. */
export interface ExportHeader {
  paved: 'export';
  version: number;
  exportedAt: string;
  engine: string;
}

/** The last line of an export: an import refuses a file without it (cut off). */
export interface ExportTrailer {
  paved: 'end';
  rows: number;
}

export type Row = Record<string, unknown>;

export interface ExportSummary {
  version: number;
  exportedAt: string;
  rows: number;
  /** Rows written per carried table. */
  tables: Record<string, number>;
  /** Titles of surveys open at the time: who answered them is not carried. */
  openSurveys: string[];
}

/** Receives the export text in chunks of whole lines. */
export type Sink = (text: string) => Promise<void>;

const PAGE = 2_000;
/** Largest group of answer rows shuffled in memory at once. */
const SHUFFLE_GROUP = 50_000;
const FLUSH_BYTES = 256 * 1024;

/**
 * Writes the whole database (but what `LEFT_OUT`, `SECRET_SETTINGS` and each
 * table's `omit` leave out) to `sink` as NDJSON: a header line, one
 * `{"table", "row"}` line per row, parents before children, and a trailer.
 * @example await exportPaved(handle, async (text) => void file.write(text))
 */
export async function exportPaved(
  handle: DbHandle,
  sink: Sink,
  opts: {
    now?: Date;
    pageSize?: number;
    shuffleGroup?: number;
    /** Called after each table is written, for progress. */
    onTable?: (table: string, rows: number) => void;
  } = {},
): Promise<ExportSummary> {
  const unknown = await unplacedTables(handle);
  if (unknown.length > 0) {
    throw new Conflict(
      `paved export does not know the table${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; nothing was written. Update paved, or report this as a bug.`,
    );
  }
  const header: ExportHeader = {
    paved: 'export',
    version: schemaVersion(),
    exportedAt: (opts.now ?? new Date()).toISOString(),
    engine: handle.engine,
  };
  const out = new LineWriter(sink);
  const summary: ExportSummary = {
    version: header.version,
    exportedAt: header.exportedAt,
    rows: 0,
    tables: {},
    openSurveys: [],
  };
  // One snapshot for every table: a running server may write meanwhile.
  const snapshot =
    handle.engine === 'postgres'
      ? // PostgreSQL: repeatable read keeps every page in the snapshot of the first query.
        handle.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
      : // SQLite (WAL): a read transaction sees one snapshot and never blocks writers.
        handle.db.transaction();
  await snapshot.execute(async (trx) => {
    await out.line(header);
    const open = await trx
      .selectFrom('surveys')
      .select('title')
      .where('state', '=', 'open')
      .execute();
    summary.openSurveys = open.map((s) => s.title);
    for (const spec of CARRIED) {
      let n = 0;
      const rows = spec.shuffle
        ? shuffledRows(trx, spec.table, opts.shuffleGroup ?? SHUFFLE_GROUP)
        : pagedRows(trx, spec, opts.pageSize ?? PAGE);
      for await (const row of rows) {
        for (const column of spec.omit ?? []) delete row[column];
        await out.line({ table: spec.table, row });
        n++;
      }
      summary.tables[spec.table] = n;
      opts.onTable?.(spec.table, n);
      summary.rows += n;
    }
    const trailer: ExportTrailer = { paved: 'end', rows: summary.rows };
    await out.line(trailer);
    await out.flush();
  });
  return summary;
}

/** Data tables that are neither carried nor left out on purpose. */
export async function unplacedTables(handle: DbHandle): Promise<string[]> {
  const placed = new Set<string>([...CARRIED.map((t) => t.table), ...Object.keys(LEFT_OUT)]);
  return (await dataTables(handle.db, handle.engine)).filter((t) => !placed.has(t));
}

/** Rows a table may not carry at all: secret settings, and who follows an item posted as a team. */
function rowFilter(table: TableName): RawBuilder<unknown> {
  if (table === 'settings') {
    return sql`${sql.ref('key')} not in (${sql.join(SECRET_SETTINGS)})`;
  }
  if (table === 'feedback_subscriptions') {
    // The author of an item posted as a team is subscribed to it: the one link
    // left to them. Every subscription to such an item stays out.
    return sql`${sql.ref('item_id')} not in (select id from feedback_items where posted_as <> 'name')`;
  }
  return sql`1 = 1`;
}

/** Every row of a table in key order, a page at a time (keyset paging). */
async function* pagedRows(trx: Db, spec: CarriedTable, pageSize: number): AsyncGenerator<Row> {
  const filter = rowFilter(spec.table);
  const table = sql.table(spec.table);
  if (!spec.key) {
    // Tables without a key are small link tables: read whole.
    const { rows } = await sql<Row>`select * from ${table} where ${filter}`.execute(trx);
    yield* rows;
    return;
  }
  const key = spec.key.map((k) => sql.ref(k));
  let after: unknown[] | null = null;
  for (;;) {
    const past: RawBuilder<unknown> = after
      ? sql`(${sql.join(key)}) > (${sql.join(after)})`
      : sql`1 = 1`;
    const { rows }: { rows: Row[] } = await sql<Row>`select * from ${table}
      where ${filter} and ${past}
      order by ${sql.join(key)} limit ${pageSize}`.execute(trx);
    yield* rows;
    if (rows.length < pageSize) return;
    const last: Row = rows.at(-1)!;
    after = spec.key.map((k): unknown => last[k]);
  }
}

/**
 * Every row of an answer table in a fresh random order. Rows are split into
 * groups by the leading characters of their random ids (finer where a group
 * is large), the groups visited in random order and each group shuffled in
 * memory: nothing of the order rows were written in survives, and no more
 * than `limit` rows are held at once.
 */
async function* shuffledRows(trx: Db, table: TableName, limit: number): AsyncGenerator<Row> {
  yield* shuffledGroup(trx, table, '', limit);
}

async function* shuffledGroup(
  trx: Db,
  table: TableName,
  prefix: string,
  limit: number,
): AsyncGenerator<Row> {
  const t = sql.table(table);
  const within = prefix ? sql`substr(id, 1, ${sql.lit(prefix.length)}) = ${prefix}` : sql`1 = 1`;
  const length = sql.lit(prefix.length + 1);
  const { rows: groups } = await sql<{ p: string; n: number }>`
    select substr(id, 1, ${length}) as p, count(*) as n from ${t} where ${within} group by 1`.execute(
    trx,
  );
  for (const group of shuffle(groups)) {
    if (Number(group.n) > limit && group.p.length > prefix.length) {
      yield* shuffledGroup(trx, table, group.p, limit);
      continue;
    }
    const { rows } = await sql<Row>`select * from ${t}
      where substr(id, 1, ${length}) = ${group.p}`.execute(trx);
    yield* shuffle(rows);
  }
}

/** A uniformly random permutation (Fisher–Yates with the system's random source). */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Collects lines and hands them to the sink in large chunks. */
class LineWriter {
  private parts: string[] = [];
  private bytes = 0;
  constructor(private readonly sink: Sink) {}

  async line(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.parts.push(text);
    this.bytes += text.length;
    if (this.bytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.bytes = 0;
    await this.sink(text);
  }
}
