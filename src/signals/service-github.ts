// GitHub webhook operations: the secrets a delivery may be signed with, what
// a delivery turns into, and recovering unmapped deliveries once their
// repository has a team.

import { z } from 'zod';
import { recordAudit } from '../core/audit.ts';
import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { authorize } from '../core/policy.ts';
import type { ServerSecret } from '../core/secret.ts';
import { defineSetting, getSetting, setSetting } from '../core/settings.ts';
import { type GithubSignal, readDelivery } from './github.ts';
import type { ResolvedEvent } from './model.ts';
import { type Ctx, githubSource, ingestResolved, teamIdFor } from './service.ts';
import {
  type DeliveryStatus,
  deleteRepositoryTeam,
  insertDelivery,
  pruneDeliveries,
  saveRepositoryTeam,
  setDeliveryStatus,
  teamForRepository,
  unmappedDeliveries,
  unmappedRepositories,
} from './store-github.ts';
import { pruneBatches } from './store-sources.ts';

const SECRET_PURPOSE = 'github-webhook-secret';

/** The webhook secrets set on the ingestion page, sealed with the server secret. */
export const githubSecretSetting = defineSetting({
  key: 'signals.github_webhook_secret',
  label: 'GitHub webhook secret',
  hint: 'Set on the ingestion page; the previous one keeps working until the next change.',
  schema: z.object({ current: z.string().nullable(), previous: z.string().nullable() }),
  defaultValue: { current: null, previous: null },
  internal: true,
});

/** Every secret a delivery may be signed with: the environment's, then the stored ones. */
export async function webhookSecrets(
  db: Db,
  secret: ServerSecret,
  fromEnv: readonly string[],
): Promise<string[]> {
  const stored = await getSetting(db, githubSecretSetting);
  const out = [...fromEnv];
  for (const sealed of [stored.current, stored.previous]) {
    if (!sealed) continue;
    try {
      out.push(secret.decrypt(SECRET_PURPOSE, sealed));
    } catch {
      // Sealed under another server secret: it can never match, so it is skipped.
    }
  }
  return out;
}

/** Whether a secret is stored, and whether a previous one still works (never the values). */
export async function storedSecretState(db: Db): Promise<{ current: boolean; previous: boolean }> {
  const stored = await getSetting(db, githubSecretSetting);
  return { current: stored.current !== null, previous: stored.previous !== null };
}

/**
 * Sets the webhook secret (the old one keeps working as the previous one, so
 * deliveries signed before GitHub is updated still pass), or with `value`
 * null forgets the previous one.
 */
export async function setWebhookSecret(
  db: Db,
  ctx: Ctx,
  secret: ServerSecret,
  value: string | null,
): Promise<void> {
  authorize(ctx.actor, 'signals.sources');
  if (value !== null && value.trim().length < 16)
    throw InvalidInput.field('secret', 'Use at least 16 characters (a random string is best).');
  await db.transaction().execute(async (trx) => {
    const stored = await getSetting(trx, githubSecretSetting);
    const next =
      value === null
        ? { current: stored.current, previous: null }
        : { current: secret.encrypt(SECRET_PURPOSE, value.trim()), previous: stored.current };
    await setSetting(trx, githubSecretSetting, next);
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: value === null ? 'github-webhook.forget-previous' : 'github-webhook.set',
      ip: ctx.ip,
    });
  });
}

/** What a delivery became, as the webhook answers it. */
export interface DeliveryOutcome {
  status: DeliveryStatus | 'duplicate';
  reason: string | null;
}

function toEvent(signal: GithubSignal, teamId: string): ResolvedEvent {
  if (signal.type === 'deploy') {
    return {
      type: 'deploy',
      id: signal.id,
      teamId,
      service: signal.service,
      environment: signal.environment,
      started: signal.started,
      finished: signal.finished,
      outcome: signal.outcome,
      commitTimes: [],
      capabilityId: null,
    };
  }
  return {
    type: 'pull_request',
    id: signal.id,
    teamId,
    authorId: null,
    opened: signal.opened,
    merged: signal.merged,
  };
}

/**
 * Takes one verified delivery, once per X-GitHub-Delivery: a deploy or pull
 * request goes in when its repository has a team; otherwise it is kept as
 * unmapped (with its event) so mapping the repository later recovers it.
 */
export async function receiveDelivery(
  db: Db,
  input: { deliveryId: string; event: string; payload: unknown },
): Promise<DeliveryOutcome> {
  const reading = readDelivery(input.event, input.payload);
  return db.transaction().execute(async (trx) => {
    const teamId =
      reading.signal && reading.repository
        ? await teamForRepository(trx, reading.repository)
        : undefined;
    const status: DeliveryStatus = !reading.signal ? 'ignored' : teamId ? 'processed' : 'unmapped';
    const reason =
      reading.ignored ??
      (status === 'unmapped'
        ? `no team for ${reading.repository}; map the repository to recover it`
        : null);
    const fresh = await insertDelivery(trx, {
      deliveryId: input.deliveryId,
      event: input.event,
      action: reading.action,
      repository: reading.repository,
      status,
      reason,
      signal: reading.signal,
      receivedAt: nowIso(),
      processedAt: status === 'processed' ? nowIso() : null,
    });
    if (!fresh) return { status: 'duplicate', reason: 'this delivery was received before' };
    if (reading.signal && teamId) {
      const source = await githubSource(trx);
      await ingestResolved(trx, source.id, [toEvent(reading.signal, teamId)], { via: 'github' });
    }
    return { status, reason };
  });
}

/**
 * Processes unmapped deliveries again (all, or one repository's): those whose
 * repository now has a team go in. Returns how many were recovered. Safe on
 * several instances: events are unique per source and id.
 */
export async function recoverUnmapped(db: Db, repository?: string): Promise<number> {
  const waiting = await unmappedDeliveries(db, repository?.toLowerCase());
  if (waiting.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const teams = new Map<string, string | undefined>();
    const events: ResolvedEvent[] = [];
    const done: string[] = [];
    for (const d of waiting) {
      if (!d.repository || !d.signal) continue;
      if (!teams.has(d.repository))
        teams.set(d.repository, await teamForRepository(trx, d.repository));
      const teamId = teams.get(d.repository);
      if (!teamId) continue;
      events.push(toEvent(d.signal, teamId));
      done.push(d.deliveryId);
    }
    if (events.length === 0) return 0;
    const source = await githubSource(trx);
    await ingestResolved(trx, source.id, events, { via: 'github' });
    for (const id of done) await setDeliveryStatus(trx, id, 'processed', null);
    return done.length;
  });
}

/**
 * Background work: recovers the waiting deliveries of every repository that
 * has found a team meanwhile (a Backstage import added its annotation).
 * Reads only those repositories' deliveries; returns how many were recovered.
 */
export async function recoverMapped(db: Db): Promise<number> {
  let recovered = 0;
  for (const { repository } of await unmappedRepositories(db)) {
    if (await teamForRepository(db, repository)) recovered += await recoverUnmapped(db, repository);
  }
  return recovered;
}

const REPOSITORY = /^[a-z0-9_.-]+\/[a-z0-9_.-]+$/;

/** Maps a repository to a team and recovers its unmapped deliveries; returns how many. */
export async function mapRepository(
  db: Db,
  ctx: Ctx,
  input: { repository: string; team: string },
): Promise<number> {
  authorize(ctx.actor, 'signals.ingestion');
  const repository = input.repository
    .trim()
    .toLowerCase()
    .replace(/^https:\/\/github\.com\//, '')
    .replace(/\.git$/, '');
  if (!REPOSITORY.test(repository))
    throw InvalidInput.field(
      'repository',
      'Give the repository as owner/name, such as acme/checkout.',
    );
  const teamId = await teamIdFor(db, input.team);
  await db.transaction().execute(async (trx) => {
    await saveRepositoryTeam(trx, { repository, teamId, createdBy: ctx.actor.userId });
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'repository.map',
      target: { type: 'team', id: teamId },
      ip: ctx.ip,
      details: { repository },
    });
  });
  return recoverUnmapped(db, repository);
}

/** Removes a repository's row from the mapping table (annotations still apply). */
export async function unmapRepository(db: Db, ctx: Ctx, repository: string): Promise<void> {
  authorize(ctx.actor, 'signals.ingestion');
  await db.transaction().execute(async (trx) => {
    const removed = await deleteRepositoryTeam(trx, repository);
    if (!removed) return;
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'repository.unmap',
      ip: ctx.ip,
      details: { repository: repository.toLowerCase() },
    });
  });
}

const DAY = 86_400_000;

/**
 * Hourly housekeeping: recover deliveries whose repository found a team, and
 * keep the ingest log and the delivery log bounded (90 days, at least the
 * newest 1000 batches; waiting deliveries stay). Safe on several instances:
 * recovered events are unique per source and id, deletes are idempotent.
 */
export async function signalsHousekeeping(
  db: Db,
  now: Date = new Date(),
): Promise<{ recovered: number; batches: number; deliveries: number }> {
  const before = new Date(now.getTime() - 90 * DAY).toISOString();
  return {
    recovered: await recoverMapped(db),
    batches: await pruneBatches(db, before),
    deliveries: await pruneDeliveries(db, before),
  };
}
