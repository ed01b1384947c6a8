import { sql } from 'kysely';
import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type { GithubSignal } from './github.ts';

export const DELIVERY_STATUSES = ['processed', 'ignored', 'unmapped', 'rejected'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  deliveryId: string;
  event: string;
  action: string | null;
  repository: string | null;
  status: DeliveryStatus;
  reason: string | null;
  signal: GithubSignal | null;
  receivedAt: string;
  processedAt: string | null;
}

/**
 * Records a delivery by its X-GitHub-Delivery id; false when that id was seen
 * before (a redelivery), so the caller answers it as a duplicate.
 */
export async function insertDelivery(db: Db, delivery: Delivery): Promise<boolean> {
  const rows = await db
    .insertInto('signal_github_deliveries')
    .values({
      delivery_id: delivery.deliveryId,
      event: delivery.event,
      action: delivery.action,
      repository: delivery.repository,
      status: delivery.status,
      reason: delivery.reason,
      signal: delivery.signal ? JSON.stringify(delivery.signal) : null,
      received_at: delivery.receivedAt,
      processed_at: delivery.processedAt,
    })
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .returning('delivery_id')
    .execute();
  return rows.length === 1;
}

export async function setDeliveryStatus(
  db: Db,
  deliveryId: string,
  status: DeliveryStatus,
  reason: string | null,
): Promise<void> {
  await db
    .updateTable('signal_github_deliveries')
    .set({ status, reason, processed_at: status === 'processed' ? nowIso() : null })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

type DeliveryRow = {
  delivery_id: string;
  event: string;
  action: string | null;
  repository: string | null;
  status: string;
  reason: string | null;
  signal: string | null;
  received_at: string;
  processed_at: string | null;
};

function deliveryRow(r: DeliveryRow): Delivery {
  return {
    deliveryId: r.delivery_id,
    event: r.event,
    action: r.action,
    repository: r.repository,
    status: r.status as DeliveryStatus,
    reason: r.reason,
    signal: r.signal ? (JSON.parse(r.signal) as GithubSignal) : null,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
  };
}

/** Recent deliveries, newest first, optionally of one status. */
export async function listDeliveries(
  db: Db,
  opts: { limit: number; cursor?: string; status?: DeliveryStatus },
): Promise<Page<Delivery>> {
  let q = db.selectFrom('signal_github_deliveries').selectAll();
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.cursor) q = q.where(olderThan('received_at', 'delivery_id', opts.cursor));
  const rows = await q
    .orderBy('received_at', 'desc')
    .orderBy('delivery_id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  return toPage(rows, opts.limit, (r) => [r.received_at, r.delivery_id], deliveryRow);
}

/** Unmapped deliveries (oldest first), all or of one repository, to process again. */
export async function unmappedDeliveries(db: Db, repository?: string): Promise<Delivery[]> {
  let q = db.selectFrom('signal_github_deliveries').selectAll().where('status', '=', 'unmapped');
  if (repository) q = q.where('repository', '=', repository);
  const rows = await q.orderBy('received_at').orderBy('delivery_id').execute();
  return rows.map(deliveryRow);
}

/** Repositories with deliveries waiting for a team, with how many and the latest. */
export async function unmappedRepositories(
  db: Db,
): Promise<{ repository: string; deliveries: number; lastAt: string }[]> {
  const rows = await db
    .selectFrom('signal_github_deliveries')
    .select((eb) => [
      'repository',
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('received_at').as('last_at'),
    ])
    .where('status', '=', 'unmapped')
    .where('repository', 'is not', null)
    .groupBy('repository')
    .orderBy('repository')
    .execute();
  return rows.map((r) => ({
    repository: r.repository!,
    deliveries: Number(r.n),
    lastAt: r.last_at as string,
  }));
}

/** Drops processed and ignored deliveries received before `before` (unmapped ones stay). */
export async function pruneDeliveries(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('signal_github_deliveries')
    .where('status', 'in', ['processed', 'ignored', 'rejected'])
    .where('received_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- Repository → team ----

export interface RepositoryMapping {
  repository: string;
  teamId: string;
  /** `table` (edited in paved) or `annotation` (a service's github.com/project-slug). */
  via: 'table' | 'annotation';
}

/**
 * The team a repository belongs to: the mapping table first, then the owner of
 * an active service whose `github.com/project-slug` names the repository.
 */
export async function teamForRepository(db: Db, repository: string): Promise<string | undefined> {
  const repo = repository.toLowerCase();
  const mapped = await db
    .selectFrom('signal_repository_teams')
    .select('team_id')
    .where('repository', '=', repo)
    .executeTakeFirst();
  if (mapped) return mapped.team_id;
  const service = await db
    .selectFrom('services')
    .select('team_id')
    .where(sql`lower(repository)`, '=', repo)
    .where('team_id', 'is not', null)
    .where('inactive_since', 'is', null)
    .orderBy('slug')
    .executeTakeFirst();
  return service?.team_id ?? undefined;
}

/** Every repository with a team: the table's rows and the services' annotations. */
export async function listRepositoryMappings(db: Db): Promise<RepositoryMapping[]> {
  const table = await db
    .selectFrom('signal_repository_teams')
    .select(['repository', 'team_id'])
    .execute();
  const services = await db
    .selectFrom('services')
    .select([sql<string>`lower(repository)`.as('repository'), 'team_id'])
    .where('repository', 'is not', null)
    .where('team_id', 'is not', null)
    .where('inactive_since', 'is', null)
    .orderBy('slug')
    .execute();
  const out = new Map<string, RepositoryMapping>();
  for (const s of services) {
    if (!out.has(s.repository))
      out.set(s.repository, { repository: s.repository, teamId: s.team_id!, via: 'annotation' });
  }
  for (const t of table)
    out.set(t.repository, { repository: t.repository, teamId: t.team_id, via: 'table' });
  return [...out.values()].sort((a, b) => (a.repository < b.repository ? -1 : 1));
}

/** Maps a repository to a team in the table (replacing an earlier row). */
export async function saveRepositoryTeam(
  db: Db,
  input: { repository: string; teamId: string; createdBy: string | null },
): Promise<void> {
  const row = {
    repository: input.repository.toLowerCase(),
    team_id: input.teamId,
    created_by: input.createdBy,
    created_at: nowIso(),
  };
  await db
    .insertInto('signal_repository_teams')
    .values(row)
    .onConflict((oc) =>
      oc.column('repository').doUpdateSet({
        team_id: row.team_id,
        created_by: row.created_by,
        created_at: row.created_at,
      }),
    )
    .execute();
}

export async function deleteRepositoryTeam(db: Db, repository: string): Promise<boolean> {
  const result = await db
    .deleteFrom('signal_repository_teams')
    .where('repository', '=', repository.toLowerCase())
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
