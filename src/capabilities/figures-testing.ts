// Test helpers for the capability figures: an organisation of named teams and
// hand-written adoption histories with explicit times.

import { buildTeam } from '../../test/factories.ts';
import { newId } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { applyOrgSnapshot } from '../org/store.ts';
import type { AdoptionState, Capability, Obligation } from './model.ts';
import { insertCapability } from './store.ts';

/**
 * Teams by name, each under the parent named in `tree` (roots map to null);
 * teams named in `inactive` are marked inactive. Returns name → id.
 */
export async function seedTeams(
  db: Db,
  tree: Record<string, string | null>,
  inactive: string[] = [],
): Promise<Record<string, string>> {
  const refs = new Map(Object.keys(tree).map((name) => [name, buildTeam({ name }).ref]));
  const teams = Object.entries(tree).map(([name, parent]) =>
    buildTeam({ name, ...(parent ? { parentRef: refs.get(parent)! } : {}) }),
  );
  await applyOrgSnapshot(
    db,
    { teams, people: [], services: [] },
    { full: false, today: '2026-01-01' },
  );
  const rows = await db.selectFrom('teams').select(['id', 'name']).execute();
  const ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  if (inactive.length > 0) {
    await db
      .updateTable('teams')
      .set({ inactive_since: '2026-01-01' })
      .where(
        'id',
        'in',
        inactive.map((n) => ids[n]!),
      )
      .execute();
  }
  return ids;
}

/** A `ga` capability with the given obligation and listed eligible teams (none: every team). */
export function addCapability(
  db: Db,
  slug: string,
  obligation: Obligation,
  eligibleTeamIds: string[] = [],
): Promise<Capability> {
  return insertCapability(db, {
    slug,
    name: slug,
    summary: '',
    ownerTeamId: null,
    docsUrl: null,
    stage: 'ga',
    obligation,
    eligibleTeamIds,
  });
}

/** One step of a history: the state moved to, when, and the reason given (if any). */
export type Step = [to: AdoptionState, at: string, reason?: string];

/** Writes a team's events in order (seq 1, 2, …, each from the previous state) with explicit times. */
export async function writeHistory(
  db: Db,
  capabilityId: string,
  teamId: string,
  steps: Step[],
): Promise<void> {
  let from: AdoptionState = 'none';
  const rows = steps.map(([to, at, reason], i) => {
    const row = {
      id: newId(),
      team_id: teamId,
      capability_id: capabilityId,
      seq: i + 1,
      from_state: from,
      to_state: to,
      reason: reason ?? null,
      reason_text: null,
      alternative: to === 'left' || to === 'opted-out' ? 'something else' : null,
      actor_id: null,
      on_behalf: 0,
      exception_id: null,
      at,
    };
    from = to;
    return row;
  });
  if (rows.length > 0) await db.insertInto('adoption_events').values(rows).execute();
}
