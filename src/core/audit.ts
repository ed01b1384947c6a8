import { newId, nowIso } from './db/helpers.ts';
import type { Db } from './db/index.ts';
import { olderThan, type Page, toPage } from './db/paging.ts';

/** Who did it, as the audit log records them. Anonymous acts pass `null`. */
export interface AuditActor {
  userId: string;
  email: string;
}

export interface AuditEntry {
  actor: AuditActor | null;
  /** `noun.verb`, such as `user.create` or `token.revoke`. */
  action: string;
  target?: { type: string; id: string };
  /** The client address, as core/net decides it. */
  ip?: string | null;
  /** Small, non-secret facts about the change. */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditRecord {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

// Whatever a caller passes, these never reach the audit log.
const SECRET_KEYS = /pass|token|secret|hash|cookie|session|answer|comment/i;

/**
 * Writes one audit row. Call it with the same transaction as the change it
 * records. Survey and pulse answers are never audited at all.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  const details = Object.fromEntries(
    Object.entries(entry.details ?? {}).filter(([key]) => !SECRET_KEYS.test(key)),
  );
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: nowIso(),
      actor_id: entry.actor?.userId ?? null,
      actor_email: entry.actor?.email ?? null,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(details),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  actorEmail?: string;
  since?: string;
  until?: string;
}

/** The audit log, newest first, filtered and paged. */
export async function listAudit(
  db: Db,
  filter: AuditFilter & { limit: number; cursor?: string },
): Promise<Page<AuditRecord>> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.action) q = q.where('action', 'like', `${filter.action.replace(/[%_]/g, '')}%`);
  if (filter.actorEmail) q = q.where('actor_email', '=', filter.actorEmail.toLowerCase());
  if (filter.since) q = q.where('at', '>=', filter.since);
  if (filter.until) q = q.where('at', '<', filter.until);
  if (filter.cursor) {
    q = q.where(olderThan('at', 'id', filter.cursor));
  }
  return toPage(
    await q.execute(),
    filter.limit,
    (r) => [r.at, r.id],
    (r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      ip: r.ip,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }),
  );
}
