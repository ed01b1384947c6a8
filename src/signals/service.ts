// The signals area's operations: ingesting events (API, CLI, GitHub, demo),
// ingest sources and their tokens, the repository → team mapping and the
// webhook secret. Authorisation, rules and audit rows live here; API, pages
// and CLI all call these.

import { recordAudit } from '../core/audit.ts';
import { newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts';
import { nulPath } from '../core/nul.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { getTeamBySlug } from '../org/store.ts';
import {
  type IngestResult,
  type IngestToken,
  parseEvent,
  type ResolvedEvent,
  type Source,
  SourceName,
} from './model.ts';
import { loadResolver, type Resolver, resolveEvent } from './resolve.ts';
import { type Item, insertEvents } from './store.ts';
import {
  ensureSource,
  getSourceByName,
  insertBatch,
  insertIngestToken,
  insertSource,
  listIngestTokens,
  revokeIngestTokens,
} from './store-sources.ts';

/** Who acts, and from where (for the audit log). */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

/** The operator at the server's own command line (`paved source …`): no person, no policy. */
export const OPERATOR = { actor: null, ip: null } as const;
export type Who = Ctx | typeof OPERATOR;

const auditActor = (who: Who) =>
  who.actor ? { userId: who.actor.userId, email: who.actor.email } : null;

/** Authorises a person; the operator at the server acts on the database directly. */
function allow(who: Who, name: 'signals.sources'): void {
  if (who.actor) authorize(who.actor, name);
}

/** One line of a request: its number and either its JSON value or why it could not be read. */
export type Line = { line: number; value: unknown } | { line: number; error: string };

export interface IngestOptions {
  /** How the events came: `api`, `cli`, `github`, `demo`. Shown on the status page. */
  via?: string;
  /** The clock for the future-time check (tests). */
  now?: Date;
  /** A resolver loaded once for many calls (the demo generator). */
  resolver?: Resolver;
  /** False to skip the ingest log row (bulk loads that log themselves). */
  log?: boolean;
}

/**
 * Validates, resolves and stores lines for a source, in one transaction:
 * accepted lines are committed when this returns. Each line stands alone; a
 * bad one is rejected with its reason and the others still go in.
 */
export async function ingestLines(
  db: Db,
  sourceId: string,
  lines: readonly Line[],
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const now = opts.now ?? new Date();
  const resolver = opts.resolver ?? (await loadResolver(db));
  const rejected: IngestResult['rejected'] = [];
  const items: Item[] = [];
  for (const entry of lines) {
    if ('error' in entry) {
      rejected.push({ line: entry.line, reason: entry.error });
      continue;
    }
    // PostgreSQL cannot store U+0000 and would fail the whole batch.
    const nul = nulPath(entry.value);
    if (nul) {
      rejected.push({
        line: entry.line,
        reason: `${nul}: may not contain the NUL character (U+0000)`,
      });
      continue;
    }
    const parsed = parseEvent(entry.value, now);
    if (!parsed.ok) {
      rejected.push({ line: entry.line, reason: parsed.reason });
      continue;
    }
    const resolved = resolveEvent(resolver, sourceId, parsed.value);
    if (!resolved.ok) rejected.push({ line: entry.line, reason: resolved.reason });
    else items.push({ line: entry.line, event: resolved.value });
  }
  return storeItems(db, sourceId, items, rejected, lines.length, opts);
}

/**
 * Ingests many events for a source in one transaction and answers the counts:
 * the function the demo generator and benchmarks call. Events are the wire
 * format of the API (`{type, id, team, …}`); line numbers in the answer count
 * from 1. Inserts are batched; pass a `resolver` when calling it in a loop.
 * @example await ingestEvents(db, source.id, [{ type: 'usage', id: 'u1', team: 'payments', capability: 'ci', at: '2026-11-02T10:00:00Z' }])
 */
export async function ingestEvents(
  db: Db,
  sourceId: string,
  events: readonly unknown[],
  opts: IngestOptions = {},
): Promise<IngestResult> {
  return ingestLines(
    db,
    sourceId,
    events.map((value, i) => ({ line: i + 1, value })),
    { via: 'demo', ...opts },
  );
}

/** Stores events whose refs are already resolved (GitHub deliveries), with the same guarantees. */
export async function ingestResolved(
  db: Db,
  sourceId: string,
  events: readonly ResolvedEvent[],
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const items = events.map((event, i) => ({ line: i + 1, event }));
  return storeItems(db, sourceId, items, [], events.length, opts);
}

async function storeItems(
  db: Db,
  sourceId: string,
  items: Item[],
  rejected: IngestResult['rejected'],
  lineCount: number,
  opts: IngestOptions,
): Promise<IngestResult> {
  const run = async (trx: Db): Promise<IngestResult> => {
    const batchId = newId();
    const receivedAt = nowIso();
    const stored = await insertEvents(trx, sourceId, batchId, items, receivedAt);
    const result: IngestResult = {
      accepted: stored.accepted,
      duplicates: stored.duplicates,
      rejected: [...rejected, ...stored.rejected].sort((a, b) => a.line - b.line),
    };
    if (opts.log !== false) {
      await insertBatch(trx, {
        id: batchId,
        sourceId,
        via: opts.via ?? 'api',
        receivedAt,
        lines: lineCount,
        result,
      });
    }
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

// ---- Sources and ingest tokens ----

/** The name of the source a platform or admin account sends under with its own API token. */
export function accountSourceName(email: string): string {
  return `account:${email.toLowerCase()}`;
}

/**
 * The source for events sent with a person's API token: their own account
 * source (`account:<email>`), created on first use. Ingest tokens are the
 * way for pipelines; this lets the platform team try things from a laptop.
 */
export async function accountSource(db: Db, actor: Actor): Promise<Source> {
  authorize(actor, 'events.ingest');
  return ensureSource(db, {
    name: accountSourceName(actor.email),
    kind: 'account',
    userId: actor.userId,
    description: `Events sent with ${actor.email}'s API token`,
  });
}

/** The GitHub webhook's source, created on first delivery. */
export async function githubSource(db: Db): Promise<Source> {
  return ensureSource(db, {
    name: 'github',
    kind: 'github',
    description: 'Signed GitHub webhook deliveries',
  });
}

async function sourceOrThrow(db: Db, name: string): Promise<Source> {
  const source = await getSourceByName(db, name.trim().toLowerCase());
  if (!source) throw new NotFound(`There is no ingest source "${name}".`);
  return source;
}

/** Adds a source with its first token (the value is shown once). */
export async function createSource(
  db: Db,
  ctx: Who,
  input: { name: string; description?: string },
): Promise<{ source: Source; token: IngestToken; value: string }> {
  allow(ctx, 'signals.sources');
  const parsed = SourceName.safeParse(input.name);
  if (!parsed.success) throw InvalidInput.field('name', parsed.error.issues[0]!.message);
  if (parsed.data === 'github')
    throw new Conflict('The name github is kept for the GitHub webhook; choose another.');
  const description = (input.description ?? '').trim();
  if (description.length > 500)
    throw InvalidInput.field('description', 'Keep the description under 500 characters.');
  return db.transaction().execute(async (trx) => {
    const source = await insertSource(trx, {
      name: parsed.data,
      kind: 'token',
      description,
      createdBy: ctx.actor?.userId ?? null,
    });
    const { token, value } = await insertIngestToken(trx, source.id, ctx.actor?.userId ?? null);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'ingest-source.create',
      target: { type: 'signal_source', id: source.id },
      ip: ctx.ip,
      details: { name: source.name },
    });
    return { source, token, value };
  });
}

/**
 * Issues a new token for a source. With `rotate`, every older token of the
 * source stops working at once; without, they keep working until revoked
 * (so pipelines can move over first). Events stay unique per source, so a
 * resend with the new token is still a duplicate.
 */
export async function issueIngestToken(
  db: Db,
  ctx: Who,
  sourceName: string,
  opts: { rotate?: boolean } = {},
): Promise<{ source: Source; token: IngestToken; value: string; revoked: number }> {
  allow(ctx, 'signals.sources');
  return db.transaction().execute(async (trx) => {
    const source = await sourceOrThrow(trx, sourceName);
    if (source.kind !== 'token')
      throw new Conflict(`The source ${source.name} does not take ingest tokens.`);
    const { token, value } = await insertIngestToken(trx, source.id, ctx.actor?.userId ?? null);
    const revoked = opts.rotate
      ? await revokeIngestTokens(trx, source.id, { except: token.id })
      : 0;
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: opts.rotate ? 'ingest-token.rotate' : 'ingest-token.create',
      target: { type: 'signal_source', id: source.id },
      ip: ctx.ip,
      details: { name: source.name, revoked },
    });
    return { source, token, value, revoked };
  });
}

/** Revokes one token of a source. */
export async function revokeIngestToken(
  db: Db,
  ctx: Who,
  sourceName: string,
  tokenId: string,
): Promise<boolean> {
  allow(ctx, 'signals.sources');
  return db.transaction().execute(async (trx) => {
    const source = await sourceOrThrow(trx, sourceName);
    const tokens = await listIngestTokens(trx, source.id);
    const token = tokens.find((t) => t.id === tokenId);
    if (!token) throw new NotFound(`The source ${source.name} has no token ${tokenId}.`);
    if (token.revokedAt) return false;
    await revokeIngestTokens(trx, source.id, { id: tokenId });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'ingest-token.revoke',
      target: { type: 'signal_source', id: source.id },
      ip: ctx.ip,
      details: { name: source.name, prefix: token.prefix },
    });
    return true;
  });
}

/** A source and its tokens, for the API and the page. */
export async function sourceWithTokens(
  db: Db,
  who: Who,
  name: string,
): Promise<{ source: Source; tokens: IngestToken[] }> {
  allow(who, 'signals.sources');
  const source = await sourceOrThrow(db, name);
  return { source, tokens: await listIngestTokens(db, source.id) };
}

/** A team id from a slug or ref in a form or request; unknown is bad input on `path`. */
export async function teamIdFor(db: Db, slug: string, path = 'team'): Promise<string> {
  const team = await getTeamBySlug(db, slug.trim().toLowerCase());
  if (!team) throw InvalidInput.field(path, `There is no team "${slug}"; use a team’s slug.`);
  return team.id;
}
