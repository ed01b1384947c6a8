import type { Selectable } from 'kysely';
import { batchSize, chunk, newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { decodeCursor, type Page, toPage } from '../core/db/paging.ts';
import type { PeopleTable, ServicesTable, TeamsTable } from '../core/db/schema.ts';
import {
  type Counts,
  type ImportSummary,
  type OrgSnapshot,
  type Person,
  type Service,
  slugForRef,
  type Team,
} from './model.ts';

function teamRowToTeam(row: Selectable<TeamsTable>): Team {
  return {
    id: row.id,
    ref: row.ref,
    slug: row.slug,
    name: row.name,
    type: row.type,
    description: row.description,
    parentId: row.parent_id,
    inactiveSince: row.inactive_since,
  };
}

function personRowToPerson(row: Selectable<PeopleTable>): Person {
  return {
    id: row.id,
    ref: row.ref,
    name: row.name,
    email: row.email,
    teamId: row.team_id,
    startDate: row.start_date,
    level: row.level,
    location: row.location,
    inactiveSince: row.inactive_since,
  };
}

function serviceRowToService(row: Selectable<ServicesTable>): Service {
  return {
    id: row.id,
    ref: row.ref,
    slug: row.slug,
    name: row.name,
    teamId: row.team_id,
    system: row.system,
    type: row.type,
    repository: row.repository,
    annotations: JSON.parse(row.annotations) as Record<string, string>,
    inactiveSince: row.inactive_since,
  };
}

/** Every team (active ones unless asked), by name. */
export async function listTeams(db: Db, opts: { includeInactive?: boolean } = {}): Promise<Team[]> {
  let q = db.selectFrom('teams').selectAll().orderBy('name').orderBy('id');
  if (!opts.includeInactive) q = q.where('inactive_since', 'is', null);
  return (await q.execute()).map(teamRowToTeam);
}

export async function getTeamBySlug(db: Db, slug: string): Promise<Team | undefined> {
  const row = await db.selectFrom('teams').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? teamRowToTeam(row) : undefined;
}

export async function getTeamById(db: Db, id: string): Promise<Team | undefined> {
  const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? teamRowToTeam(row) : undefined;
}

/** Active people, by name, one page at a time; optionally only one team's members. */
export async function listPeople(
  db: Db,
  opts: { limit: number; cursor?: string; teamId?: string },
): Promise<Page<Person>> {
  let q = db
    .selectFrom('people')
    .selectAll()
    .where('inactive_since', 'is', null)
    .orderBy('name')
    .orderBy('id')
    .limit(opts.limit + 1);
  if (opts.teamId) q = q.where('team_id', '=', opts.teamId);
  if (opts.cursor) {
    const [name, id] = decodeCursor(opts.cursor, 2) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  return toPage(await q.execute(), opts.limit, (r) => [r.name, r.id], personRowToPerson);
}

/** Active members of one team, by name. */
export async function teamMembers(db: Db, teamId: string): Promise<Person[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('inactive_since', 'is', null)
    .orderBy('name')
    .execute();
  return rows.map(personRowToPerson);
}

/** Number of active people per team id. */
export async function memberCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('people')
    .select(['team_id', db.fn.countAll<number>().as('n')])
    .where('inactive_since', 'is', null)
    .where('team_id', 'is not', null)
    .groupBy('team_id')
    .execute();
  return new Map(rows.map((r) => [r.team_id!, Number(r.n)]));
}

/** How many people paved knows: all of them, or only the active ones. */
export async function countPeople(db: Db, opts: { activeOnly?: boolean } = {}): Promise<number> {
  let q = db.selectFrom('people').select(db.fn.countAll<number>().as('n'));
  if (opts.activeOnly) q = q.where('inactive_since', 'is', null);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Active services, by slug, one page at a time; optionally only one team's. */
export async function listServices(
  db: Db,
  opts: { limit: number; cursor?: string; teamId?: string },
): Promise<Page<Service>> {
  let q = db
    .selectFrom('services')
    .selectAll()
    .where('inactive_since', 'is', null)
    .orderBy('slug')
    .limit(opts.limit + 1);
  if (opts.teamId) q = q.where('team_id', '=', opts.teamId);
  if (opts.cursor) {
    const [slug] = decodeCursor(opts.cursor, 1) as [string];
    q = q.where('slug', '>', slug);
  }
  return toPage(await q.execute(), opts.limit, (r) => [r.slug], serviceRowToService);
}

function emptyCounts(): Counts {
  return { created: 0, updated: 0, deactivated: 0 };
}

/** Picks a slug not yet taken, adding -2, -3… when needed. */
function uniqueSlug(base: string, taken: Set<string>): string {
  const root = base || 'unnamed';
  let slug = root;
  for (let i = 2; taken.has(slug); i++) slug = `${root}-${i}`;
  taken.add(slug);
  return slug;
}

/**
 * Writes an import into paved: every record is upserted by its entity ref; a
 * record seen again is reactivated. With `full`, active teams, people and
 * services missing from the snapshot are marked inactive as of `today`, never
 * deleted. Dangling parent, team and owner refs become warnings and empty
 * links. The caller owns the transaction.
 */
export async function applyOrgSnapshot(
  db: Db,
  snapshot: OrgSnapshot,
  opts: { full: boolean; today: string },
): Promise<Omit<ImportSummary, 'skipped'>> {
  const now = nowIso();
  const warnings: string[] = [];
  const summary = { teams: emptyCounts(), people: emptyCounts(), services: emptyCounts() };

  // Teams: insert or update, then link parents once every team has an id.
  const existingTeams = await db.selectFrom('teams').selectAll().execute();
  const teamByRef = new Map(existingTeams.map((t) => [t.ref, t]));
  const teamSlugs = new Set(existingTeams.map((t) => t.slug));
  const teamIdByRef = new Map(existingTeams.map((t) => [t.ref, t.id]));
  const newTeams: Selectable<TeamsTable>[] = [];
  for (const rec of snapshot.teams) {
    const old = teamByRef.get(rec.ref);
    if (!old) {
      const row = {
        id: newId(),
        ref: rec.ref,
        slug: uniqueSlug(slugForRef(rec.ref), teamSlugs),
        name: rec.name,
        type: rec.type ?? null,
        description: rec.description ?? null,
        parent_id: null,
        inactive_since: null,
        created_at: now,
        updated_at: now,
      };
      newTeams.push(row);
      teamIdByRef.set(rec.ref, row.id);
      summary.teams.created++;
    }
  }
  for (const rows of chunk(newTeams, batchSize(10))) {
    await db.insertInto('teams').values(rows).execute();
  }
  for (const rec of snapshot.teams) {
    let parentId: string | null = null;
    if (rec.parentRef) {
      parentId = teamIdByRef.get(rec.parentRef) ?? null;
      if (!parentId) {
        warnings.push(
          `Team ${rec.ref} names parent ${rec.parentRef}, which is neither in the import nor in paved; it is left without a parent.`,
        );
      }
    }
    const old = teamByRef.get(rec.ref);
    const next = definedOnly({
      name: rec.name,
      type: rec.type,
      description: rec.description,
      parent_id: parentId,
      inactive_since: null,
    });
    if (!old) {
      if (parentId) {
        await db
          .updateTable('teams')
          .set({ parent_id: parentId })
          .where('id', '=', teamIdByRef.get(rec.ref)!)
          .execute();
      }
      continue;
    }
    if (differs(old, next)) {
      await db
        .updateTable('teams')
        .set({ ...next, updated_at: now })
        .where('id', '=', old.id)
        .execute();
      summary.teams.updated++;
    }
  }
  if (opts.full) {
    summary.teams.deactivated = await deactivateMissing(
      db,
      'teams',
      existingTeams,
      snapshot.teams,
      opts.today,
    );
  }

  // People.
  const seenEmails = new Map<string, string>();
  for (const rec of snapshot.people) {
    const email = rec.email?.trim().toLowerCase();
    if (!email) continue;
    const first = seenEmails.get(email);
    if (first) warnings.push(`${rec.ref} has the same email as ${first} (${rec.email}).`);
    else seenEmails.set(email, rec.ref);
  }
  const existingPeople = await db.selectFrom('people').selectAll().execute();
  const personByRef = new Map(existingPeople.map((p) => [p.ref, p]));
  const newPeople: Selectable<PeopleTable>[] = [];
  for (const rec of snapshot.people) {
    let teamId: string | null = null;
    if (rec.teamRef) {
      teamId = teamIdByRef.get(rec.teamRef) ?? null;
      if (!teamId) {
        warnings.push(
          `${rec.ref} is a member of ${rec.teamRef}, which is neither in the import nor in paved; the person has no team.`,
        );
      }
    }
    const next = definedOnly({
      name: rec.name,
      email: rec.email === undefined ? undefined : rec.email?.trim() || null,
      team_id: rec.teamRef === undefined ? undefined : teamId,
      start_date: rec.startDate,
      level: rec.level,
      location: rec.location,
      inactive_since: null,
    });
    const old = personByRef.get(rec.ref);
    if (!old) {
      newPeople.push({
        id: newId(),
        ref: rec.ref,
        email: null,
        team_id: null,
        start_date: null,
        level: null,
        location: null,
        ...next,
        name: rec.name,
        inactive_since: null,
        created_at: now,
        updated_at: now,
      });
      summary.people.created++;
    } else if (differs(old, next)) {
      await db
        .updateTable('people')
        .set({ ...next, updated_at: now })
        .where('id', '=', old.id)
        .execute();
      summary.people.updated++;
    }
  }
  for (const rows of chunk(newPeople, batchSize(11))) {
    await db.insertInto('people').values(rows).execute();
  }
  if (opts.full) {
    summary.people.deactivated = await deactivateMissing(
      db,
      'people',
      existingPeople,
      snapshot.people,
      opts.today,
    );
  }

  // Services.
  const existingServices = await db.selectFrom('services').selectAll().execute();
  const serviceByRef = new Map(existingServices.map((s) => [s.ref, s]));
  const serviceSlugs = new Set(existingServices.map((s) => s.slug));
  const newServices: Selectable<ServicesTable>[] = [];
  for (const rec of snapshot.services) {
    let teamId: string | null = null;
    if (rec.ownerRef) {
      teamId = teamIdByRef.get(rec.ownerRef) ?? null;
      if (!teamId) {
        warnings.push(
          `Service ${rec.ref} is owned by ${rec.ownerRef}, which is not a team in the import or in paved; it has no owner team.`,
        );
      }
    }
    const next = {
      name: rec.name,
      team_id: teamId,
      system: rec.system ?? null,
      type: rec.type ?? null,
      repository: rec.repository ?? null,
      annotations: JSON.stringify(rec.annotations ?? {}),
      inactive_since: null,
    };
    const old = serviceByRef.get(rec.ref);
    if (!old) {
      const slug = uniqueSlug(slugForRef(rec.ref), serviceSlugs);
      newServices.push({
        id: newId(),
        ref: rec.ref,
        slug,
        ...next,
        created_at: now,
        updated_at: now,
      });
      summary.services.created++;
    } else if (differs(old, next)) {
      await db
        .updateTable('services')
        .set({ ...next, updated_at: now })
        .where('id', '=', old.id)
        .execute();
      summary.services.updated++;
    }
  }
  for (const rows of chunk(newServices, batchSize(12))) {
    await db.insertInto('services').values(rows).execute();
  }
  if (opts.full) {
    summary.services.deactivated = await deactivateMissing(
      db,
      'services',
      existingServices,
      snapshot.services,
      opts.today,
    );
  }

  return { ...summary, warnings };
}

/**
 * A record's fields with `undefined` left out: a field the import does not
 * carry keeps its stored value (a Backstage import must not erase the start
 * dates a CSV import set); `null` clears it.
 */
function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * Marks active rows whose ref is not in the import as inactive from `today`;
 * returns how many. Only rows of the kinds the import brings are considered
 * (a Backstage import never deactivates people that came from a CSV).
 */
async function deactivateMissing(
  db: Db,
  table: 'teams' | 'people' | 'services',
  existing: { id: string; ref: string; inactive_since: string | null }[],
  imported: { ref: string }[],
  today: string,
): Promise<number> {
  const keep = new Set(imported.map((r) => r.ref));
  const kinds = new Set(imported.map((r) => refKind(r.ref)));
  const gone = existing.filter(
    (r) => !keep.has(r.ref) && r.inactive_since === null && kinds.has(refKind(r.ref)),
  );
  for (const ids of chunk(
    gone.map((r) => r.id),
    500,
  )) {
    await db
      .updateTable(table)
      .set({ inactive_since: today, updated_at: nowIso() })
      .where('id', 'in', ids)
      .execute();
  }
  return gone.length;
}

function refKind(ref: string): string {
  return ref.slice(0, ref.indexOf(':') + 1);
}

/** True when any field of `next` differs from the stored row. */
function differs(old: Record<string, unknown>, next: Record<string, unknown>): boolean {
  return Object.entries(next).some(([k, v]) => old[k] !== v);
}

/** People whose email matches, case-insensitively (CSV imports match people this way). */
export async function peopleByEmail(db: Db): Promise<Map<string, Person>> {
  const rows = await db.selectFrom('people').selectAll().where('email', 'is not', null).execute();
  return new Map(rows.map((r) => [r.email!.toLowerCase(), personRowToPerson(r)]));
}

/** A team with its parent's slug, as lists show it. */
export type TeamWithParent = Team & { parentSlug: string | null };

/** Active teams by slug, one page at a time, each with its parent's slug. */
export async function listTeamsPage(
  db: Db,
  opts: { limit: number; cursor?: string },
): Promise<Page<TeamWithParent>> {
  let q = db
    .selectFrom('teams as t')
    .leftJoin('teams as p', 'p.id', 't.parent_id')
    .selectAll('t')
    .select('p.slug as parent_slug')
    .where('t.inactive_since', 'is', null)
    .orderBy('t.slug')
    .limit(opts.limit + 1);
  if (opts.cursor) {
    const [slug] = decodeCursor(opts.cursor, 1) as [string];
    q = q.where('t.slug', '>', slug);
  }
  return toPage(
    await q.execute(),
    opts.limit,
    (r) => [r.slug],
    (r) => ({ ...teamRowToTeam(r), parentSlug: r.parent_slug }),
  );
}
