import type { Selectable } from 'kysely';
import { isUniqueViolation, newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type { SignalIngestTokensTable, SignalSourcesTable } from '../core/db/schema.ts';
import { Conflict } from '../core/errors.ts';
import { newSecret, sha256Hex } from '../core/tokens.ts';
import {
  INGEST_TOKEN_PREFIX,
  type IngestBatch,
  type IngestResult,
  type IngestToken,
  KEPT_REJECTIONS,
  type Source,
  type SourceKind,
} from './model.ts';

function sourceRow(row: Selectable<SignalSourcesTable>): Source {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as SourceKind,
    description: row.description,
    userId: row.user_id,
    createdAt: row.created_at,
  };
}

function tokenRow(row: Selectable<SignalIngestTokensTable>): IngestToken {
  return {
    id: row.id,
    sourceId: row.source_id,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedOn: row.last_used_on,
    revokedAt: row.revoked_at,
  };
}

// ---- Sources ----

/** Adds a source; a second one with the same name is a Conflict. */
export async function insertSource(
  db: Db,
  input: {
    name: string;
    kind: SourceKind;
    description?: string;
    userId?: string | null;
    createdBy?: string | null;
  },
): Promise<Source> {
  const row = {
    id: newId(),
    name: input.name,
    kind: input.kind,
    description: input.description ?? '',
    user_id: input.userId ?? null,
    created_by: input.createdBy ?? null,
    created_at: nowIso(),
  };
  try {
    await db.insertInto('signal_sources').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`There is already a source named ${input.name}.`);
    throw error;
  }
  return sourceRow(row);
}

export async function getSourceByName(db: Db, name: string): Promise<Source | undefined> {
  const row = await db
    .selectFrom('signal_sources')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? sourceRow(row) : undefined;
}

export async function getSourceById(db: Db, id: string): Promise<Source | undefined> {
  const row = await db
    .selectFrom('signal_sources')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? sourceRow(row) : undefined;
}

/** A source with its active tokens and its last batch, for the sources list. */
export interface SourceSummary extends Source {
  activeTokens: number;
  lastBatchAt: string | null;
}

/** Every source by name, with its number of active tokens and its latest batch. */
export async function listSources(db: Db): Promise<SourceSummary[]> {
  const rows = await db
    .selectFrom('signal_sources as s')
    .selectAll('s')
    .select((eb) => [
      eb
        .selectFrom('signal_ingest_tokens as t')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('t.source_id', '=', 's.id')
        .where('t.revoked_at', 'is', null)
        .as('active_tokens'),
      eb
        .selectFrom('signal_ingest_batches as b')
        .select((inner) => inner.fn.max('b.received_at').as('m'))
        .whereRef('b.source_id', '=', 's.id')
        .as('last_batch_at'),
    ])
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({
    ...sourceRow(r),
    activeTokens: Number(r.active_tokens ?? 0),
    lastBatchAt: (r.last_batch_at as string | null) ?? null,
  }));
}

/**
 * The source of a kind that paved keeps itself (the GitHub webhook's, or an
 * account's own), created on first use; a racing creation reads the winner's.
 */
export async function ensureSource(
  db: Db,
  input: { name: string; kind: SourceKind; userId?: string | null; description: string },
): Promise<Source> {
  const found = await getSourceByName(db, input.name);
  if (found) return found;
  const row = {
    id: newId(),
    name: input.name,
    kind: input.kind,
    description: input.description,
    user_id: input.userId ?? null,
    created_by: null,
    created_at: nowIso(),
  };
  await db
    .insertInto('signal_sources')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await getSourceByName(db, input.name))!;
}

// ---- Ingest tokens ----

/** Creates a token for a source; its value is returned once and only its hash is kept. */
export async function insertIngestToken(
  db: Db,
  sourceId: string,
  createdBy: string | null,
): Promise<{ token: IngestToken; value: string }> {
  const secret = newSecret(INGEST_TOKEN_PREFIX);
  const row = {
    id: newId(),
    source_id: sourceId,
    token_hash: secret.hash,
    prefix: secret.value.slice(0, INGEST_TOKEN_PREFIX.length + 6),
    created_by: createdBy,
    created_at: nowIso(),
    last_used_on: null,
    revoked_at: null,
  };
  await db.insertInto('signal_ingest_tokens').values(row).execute();
  return { token: tokenRow(row), value: secret.value };
}

/** The source an ingest token sends for, if the token is active. */
export async function sourceForIngestToken(
  db: Db,
  value: string,
  now: Date = new Date(),
): Promise<Source | undefined> {
  const row = await db
    .selectFrom('signal_ingest_tokens as t')
    .innerJoin('signal_sources as s', 's.id', 't.source_id')
    .selectAll('s')
    .select(['t.id as token_id', 't.revoked_at', 't.last_used_on'])
    .where('t.token_hash', '=', sha256Hex(value))
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  const today = now.toISOString().slice(0, 10);
  if (row.last_used_on !== today) {
    await db
      .updateTable('signal_ingest_tokens')
      .set({ last_used_on: today })
      .where('id', '=', row.token_id)
      .execute();
  }
  return sourceRow(row);
}

/** A source's tokens, newest first (revoked ones included). */
export async function listIngestTokens(db: Db, sourceId: string): Promise<IngestToken[]> {
  const rows = await db
    .selectFrom('signal_ingest_tokens')
    .selectAll()
    .where('source_id', '=', sourceId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(tokenRow);
}

export async function getIngestToken(db: Db, id: string): Promise<IngestToken | undefined> {
  const row = await db
    .selectFrom('signal_ingest_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? tokenRow(row) : undefined;
}

/** Revokes tokens of a source: one by id, or every active one except `keep`. */
export async function revokeIngestTokens(
  db: Db,
  sourceId: string,
  which: { id: string } | { except: string },
): Promise<number> {
  let q = db
    .updateTable('signal_ingest_tokens')
    .set({ revoked_at: nowIso() })
    .where('source_id', '=', sourceId)
    .where('revoked_at', 'is', null);
  q = 'id' in which ? q.where('id', '=', which.id) : q.where('id', '!=', which.except);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- The ingest log ----

/** Records one ingest request for the status page (the first rejected lines only). */
export async function insertBatch(
  db: Db,
  input: {
    id: string;
    sourceId: string;
    via: string;
    receivedAt: string;
    lines: number;
    result: IngestResult;
  },
): Promise<void> {
  await db
    .insertInto('signal_ingest_batches')
    .values({
      id: input.id,
      source_id: input.sourceId,
      via: input.via,
      received_at: input.receivedAt,
      lines: input.lines,
      accepted: input.result.accepted,
      duplicates: input.result.duplicates,
      rejected: input.result.rejected.length,
      rejected_lines: JSON.stringify(input.result.rejected.slice(0, KEPT_REJECTIONS)),
    })
    .execute();
}

/** Recent batches, newest first, with their source's name. */
export async function listBatches(
  db: Db,
  opts: { limit: number; cursor?: string; sourceId?: string; withRejections?: boolean },
): Promise<Page<IngestBatch>> {
  let q = db
    .selectFrom('signal_ingest_batches as b')
    .innerJoin('signal_sources as s', 's.id', 'b.source_id')
    .selectAll('b')
    .select('s.name as source_name');
  if (opts.sourceId) q = q.where('b.source_id', '=', opts.sourceId);
  if (opts.withRejections) q = q.where('b.rejected', '>', 0);
  if (opts.cursor) q = q.where(olderThan('b.received_at', 'b.id', opts.cursor));
  const rows = await q
    .orderBy('b.received_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  return toPage(
    rows,
    opts.limit,
    (r) => [r.received_at, r.id],
    (r) => ({
      id: r.id,
      sourceId: r.source_id,
      sourceName: r.source_name,
      via: r.via,
      receivedAt: r.received_at,
      lines: Number(r.lines),
      accepted: Number(r.accepted),
      duplicates: Number(r.duplicates),
      rejected: Number(r.rejected),
      rejectedLines: JSON.parse(r.rejected_lines) as IngestBatch['rejectedLines'],
    }),
  );
}

/** Keeps the log bounded: drops batches older than `before`, keeping the newest `keep` anyway. */
export async function pruneBatches(db: Db, before: string, keep = 1000): Promise<number> {
  const newest = await db
    .selectFrom('signal_ingest_batches')
    .select('received_at')
    .orderBy('received_at', 'desc')
    .offset(keep - 1)
    .limit(1)
    .executeTakeFirst();
  if (!newest) return 0;
  const cutoff = newest.received_at < before ? newest.received_at : before;
  const result = await db
    .deleteFrom('signal_ingest_batches')
    .where('received_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
