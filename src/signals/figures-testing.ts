// Test helpers for the figures: write resolved events through the ingest
// store (so the aggregates are the real ones), and build the events briefly.

import type { Capability } from '../capabilities/model.ts';
import { appendEvent, insertCapability } from '../capabilities/store.ts';
import type { DbHandle } from '../core/db/index.ts';
import type { Milestone, ResolvedEvent, UnplannedCause } from './model.ts';
import { ingestResolved } from './service.ts';
import { ensureSource } from './store-sources.ts';

let counter = 0;
const nextId = (kind: string) => `${kind}-${++counter}`;

/** Writes events for the `test` source (created on first use) through the ingest service. */
export async function writeEvents(handle: DbHandle, events: ResolvedEvent[]): Promise<void> {
  const source = await ensureSource(handle.db, { name: 'test', kind: 'token', description: '' });
  await ingestResolved(handle.db, source.id, events, { via: 'test' });
}

const HOUR = 3_600_000;
/** Times as the ingest stores them: ISO 8601 UTC with milliseconds. */
const iso = (time: string) => new Date(time).toISOString();
const shift = (iso: string, hours: number) =>
  new Date(Date.parse(iso) + hours * HOUR).toISOString();

/** A production deploy finished at `finished`, `minutes` long, carrying changes committed `leadHours` before. */
export function deploy(
  teamId: string,
  finished: string,
  opts: {
    id?: string;
    minutes?: number;
    leadHours?: number[];
    outcome?: 'success' | 'failure';
    capabilityId?: string;
  } = {},
): Extract<ResolvedEvent, { type: 'deploy' }> {
  return {
    type: 'deploy',
    id: opts.id ?? nextId('deploy'),
    teamId,
    service: 'api',
    environment: 'production',
    started: opts.minutes === undefined ? null : shift(finished, -opts.minutes / 60),
    finished: iso(finished),
    outcome: opts.outcome ?? 'success',
    commitTimes: (opts.leadHours ?? []).map((h) => shift(finished, -h)),
    capabilityId: opts.capabilityId ?? null,
  };
}

export function incident(
  teamId: string,
  started: string,
  opts: { resolvedAfterHours?: number; deploy?: string; sourceId?: string; capabilityId?: string },
): Extract<ResolvedEvent, { type: 'incident' }> {
  return {
    type: 'incident',
    id: nextId('incident'),
    teamId,
    started: iso(started),
    resolved:
      opts.resolvedAfterHours === undefined ? null : shift(started, opts.resolvedAfterHours),
    causeDeploy:
      opts.deploy && opts.sourceId ? { sourceId: opts.sourceId, clientId: opts.deploy } : null,
    causeCapabilityId: opts.capabilityId ?? null,
  };
}

export function milestone(personId: string, kind: Milestone, at: string): ResolvedEvent {
  return { type: 'milestone', id: nextId('milestone'), personId, milestone: kind, at: iso(at) };
}

export function unplanned(
  teamId: string,
  capabilityId: string,
  cause: UnplannedCause,
  hours: number,
  at: string,
): ResolvedEvent {
  return {
    type: 'unplanned_work',
    id: nextId('unplanned'),
    teamId,
    capabilityId,
    cause,
    hours,
    at: iso(at),
  };
}

/** The id of the `test` source (after the first write). */
export async function testSourceId(handle: DbHandle): Promise<string> {
  const row = await handle.db
    .selectFrom('signal_sources')
    .select('id')
    .where('name', '=', 'test')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds an optional capability with no owner. */
export async function addCapability(handle: DbHandle, slug: string): Promise<Capability> {
  return insertCapability(handle.db, {
    slug,
    name: slug.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    summary: `${slug} for tests`,
    ownerTeamId: null,
    docsUrl: null,
    stage: 'ga',
    obligation: 'optional',
    eligibleTeamIds: [],
  });
}

/** Records a team's adoption history: each step at its time, in order. */
export async function adopt(
  handle: DbHandle,
  capabilityId: string,
  teamId: string,
  steps: { to: 'trial' | 'adopted' | 'left'; at: string }[],
): Promise<void> {
  let from: 'none' | 'trial' | 'adopted' | 'left' = 'none';
  for (const [i, step] of steps.entries()) {
    await appendEvent(handle.db, {
      teamId,
      capabilityId,
      seq: i + 1,
      from,
      to: step.to,
      reason: step.to === 'left' ? 'too-slow' : null,
      reasonText: null,
      alternative: step.to === 'left' ? 'something else' : null,
      actorId: null,
      onBehalf: false,
      exceptionId: null,
      at: step.at,
    });
    from = step.to;
  }
}
