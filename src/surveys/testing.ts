// Test helpers for the surveys area (also for pages, CLI and demo tests):
// an organisation of any shape with people, actors for them without
// accounts, and the service's dependencies.

import { testDeps } from '../../test/app.ts';
import type { TestDb } from '../../test/engines.ts';
import { appendEvent, insertCapability } from '../capabilities/store.ts';
import type { Actor } from '../core/policy.ts';
import { createUser, getUserByEmail } from '../identity/store.ts';
import type { PersonRecord, TeamRecord } from '../org/model.ts';
import { applyOrgSnapshot } from '../org/store.ts';
import type { Ctx, SurveyDeps } from './service.ts';

export interface TeamSpec {
  slug: string;
  parent?: string;
  /** People directly in the team. */
  people: number;
  /** Level names handed out in turn (none when absent). */
  levels?: string[];
  /** Start dates handed out in turn (none when absent). */
  starts?: string[];
}

export interface SurveyOrg {
  deps: SurveyDeps;
  teams: Record<string, string>;
  /** Every person's actor, by team slug, in creation order. */
  people: Record<string, Actor[]>;
  all: Actor[];
  platform: Ctx;
  developer: (actor: Actor) => Ctx;
}

/** Builds an organisation from team specs and returns actors for its people. */
export async function seedSurveyOrg(
  handle: TestDb,
  specs: TeamSpec[],
  env: Record<string, string> = {},
): Promise<SurveyOrg> {
  const teams: TeamRecord[] = specs.map((s) => ({
    ref: `group:default/${s.slug}`,
    name: s.slug.replace(
      /(^|-)(\w)/g,
      (_m, d: string, c: string) => `${d ? ' ' : ''}${c.toUpperCase()}`,
    ),
    ...(s.parent ? { parentRef: `group:default/${s.parent}` } : {}),
  }));
  const people: PersonRecord[] = [];
  for (const s of specs) {
    for (let i = 0; i < s.people; i++) {
      const handleName = `${s.slug}.${i}`;
      people.push({
        ref: `user:default/${handleName}`,
        name: `${s.slug} ${i}`,
        email: `${handleName}@example.test`,
        teamRef: `group:default/${s.slug}`,
        ...(s.levels?.length ? { level: s.levels[i % s.levels.length] } : {}),
        ...(s.starts?.length ? { startDate: s.starts[i % s.starts.length] } : {}),
      });
    }
  }
  const { db } = handle;
  await applyOrgSnapshot(db, { teams, people, services: [] }, { full: false, today: '2026-11-01' });
  const teamRows = await db.selectFrom('teams').select(['id', 'slug', 'parent_id']).execute();
  const teamIds = Object.fromEntries(teamRows.map((t) => [t.slug, t.id]));
  const below = (id: string): string[] => [
    id,
    ...teamRows.filter((t) => t.parent_id === id).flatMap((t) => below(t.id)),
  ];
  const personRows = await db
    .selectFrom('people')
    .select(['id', 'email', 'team_id'])
    .orderBy('name')
    .execute();
  const byTeam: Record<string, Actor[]> = {};
  const all: Actor[] = [];
  for (const s of specs) {
    byTeam[s.slug] = [];
    for (let i = 0; i < s.people; i++) {
      const email = `${s.slug}.${i}@example.test`;
      const row = personRows.find((p) => p.email === email)!;
      const actor: Actor = {
        userId: `user-${row.id}`,
        email,
        name: email,
        role: 'developer',
        personId: row.id,
        teamId: row.team_id,
        teamIds: row.team_id ? below(row.team_id) : [],
        via: 'session',
      };
      byTeam[s.slug]!.push(actor);
      all.push(actor);
    }
  }
  const platformUser =
    (await getUserByEmail(db, 'platform@example.test')) ??
    (await createUser(db, {
      email: 'platform@example.test',
      name: 'Platform',
      role: 'platform',
      passwordHash: null,
    }));
  const platformActor: Actor = {
    userId: platformUser.id,
    email: platformUser.email,
    name: platformUser.name,
    role: 'platform',
    personId: null,
    teamId: null,
    teamIds: [],
    via: 'session',
  };
  return {
    deps: testDeps(handle, env),
    teams: teamIds,
    people: byTeam,
    all,
    platform: { actor: platformActor, ip: null },
    developer: (actor) => ({ actor, ip: null }),
  };
}

/** Adds a capability and puts teams on it (`adopted`), so their people are asked about it. */
export async function capabilityFor(
  db: TestDb['db'],
  slug: string,
  teamIds: string[],
  opts: { obligation?: 'optional' | 'mandatory' } = {},
): Promise<string> {
  const capability = await insertCapability(db, {
    slug,
    name: slug.replace(/-/g, ' '),
    summary: `${slug} for tests`,
    ownerTeamId: null,
    docsUrl: null,
    stage: 'ga',
    obligation: opts.obligation ?? 'optional',
    eligibleTeamIds: [],
  });
  for (const teamId of teamIds) {
    await appendEvent(db, {
      teamId,
      capabilityId: capability.id,
      seq: 1,
      from: 'none',
      to: 'adopted',
      reason: null,
      reasonText: null,
      alternative: null,
      actorId: null,
      onBehalf: true,
      exceptionId: null,
    });
  }
  return capability.id;
}
