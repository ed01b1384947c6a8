import { type Selectable, sql } from 'kysely';
import { isUniqueViolation, newId, nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { olderThan, type Page, toPage } from '../core/db/paging.ts';
import type {
  AdoptionEventsTable,
  CapabilitiesTable,
  DecisionsTable,
  ExceptionsTable,
} from '../core/db/schema.ts';
import { Conflict } from '../core/errors.ts';
import type {
  AdoptionEvent,
  AdoptionReason,
  AdoptionState,
  Capability,
  DeciderRole,
  Decision,
  DecisionCategory,
  ExceptionKind,
  ExceptionRequest,
  ExceptionStatus,
  Mandate,
  Obligation,
  Stage,
} from './model.ts';

function capabilityRow(row: Selectable<CapabilitiesTable>, eligible: string[]): Capability {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    summary: row.summary,
    ownerTeamId: row.owner_team_id,
    docsUrl: row.docs_url,
    stage: row.stage as Stage,
    obligation: row.obligation as Obligation,
    eligibleTeamIds: eligible,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function eventRow(row: Selectable<AdoptionEventsTable>): AdoptionEvent {
  return {
    id: row.id,
    teamId: row.team_id,
    capabilityId: row.capability_id,
    seq: Number(row.seq),
    from: row.from_state as AdoptionState,
    to: row.to_state as AdoptionState,
    reason: row.reason,
    reasonText: row.reason_text,
    alternative: row.alternative,
    actorId: row.actor_id,
    onBehalf: Number(row.on_behalf) === 1,
    exceptionId: row.exception_id,
    at: row.at,
  };
}

function exceptionRow(row: Selectable<ExceptionsTable>): ExceptionRequest {
  return {
    id: row.id,
    kind: row.kind as ExceptionKind,
    capabilityId: row.capability_id,
    teamId: row.team_id,
    category: row.category,
    justification: row.justification,
    evidence: row.evidence,
    requestedBy: row.requested_by,
    status: row.status as ExceptionStatus,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    rationale: row.rationale,
    expiresOn: row.expires_on,
    createdAt: row.created_at,
  };
}

function decisionRow(row: Selectable<DecisionsTable>): Decision {
  return {
    id: row.id,
    kind: row.kind,
    category: row.category,
    deciderId: row.decider_id,
    deciderName: row.decider_name,
    rationale: row.rationale,
    capabilityId: row.capability_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    summary: row.summary,
    at: row.at,
  };
}

// ---- Catalog ----

async function eligibleByCapability(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('capability_eligible_teams')
    .select(['capability_id', 'team_id'])
    .where('capability_id', 'in', ids)
    .orderBy('team_id')
    .execute();
  for (const r of rows) map.set(r.capability_id, [...(map.get(r.capability_id) ?? []), r.team_id]);
  return map;
}

/** The catalog by name, optionally filtered by stage and obligation. */
export async function listCapabilities(
  db: Db,
  filter: { stage?: Stage; obligation?: Obligation } = {},
): Promise<Capability[]> {
  let q = db.selectFrom('capabilities').selectAll().orderBy('name').orderBy('id');
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.obligation) q = q.where('obligation', '=', filter.obligation);
  const rows = await q.execute();
  const eligible = await eligibleByCapability(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => capabilityRow(r, eligible.get(r.id) ?? []));
}

export async function getCapabilityBySlug(db: Db, slug: string): Promise<Capability | undefined> {
  const row = await db
    .selectFrom('capabilities')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) return undefined;
  return capabilityRow(row, (await eligibleByCapability(db, [row.id])).get(row.id) ?? []);
}

export async function getCapabilityById(db: Db, id: string): Promise<Capability | undefined> {
  const row = await db
    .selectFrom('capabilities')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return capabilityRow(row, (await eligibleByCapability(db, [row.id])).get(row.id) ?? []);
}

export interface CapabilityInput {
  slug: string;
  name: string;
  summary: string;
  ownerTeamId: string | null;
  docsUrl: string | null;
  stage: Stage;
  obligation: Obligation;
  eligibleTeamIds: string[];
}

/** Adds a capability; a slug in use is a Conflict. */
export async function insertCapability(db: Db, input: CapabilityInput): Promise<Capability> {
  const now = nowIso();
  const row = {
    id: newId(),
    slug: input.slug,
    name: input.name,
    summary: input.summary,
    owner_team_id: input.ownerTeamId,
    docs_url: input.docsUrl,
    stage: input.stage,
    obligation: input.obligation,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('capabilities').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`There is already a capability "${input.slug}".`);
    throw error;
  }
  await setEligibleTeams(db, row.id, input.eligibleTeamIds);
  return capabilityRow(row, [...input.eligibleTeamIds].sort());
}

/** Changes a capability's fields (the slug never changes). */
export async function updateCapability(
  db: Db,
  id: string,
  patch: Partial<Omit<CapabilityInput, 'slug' | 'eligibleTeamIds'>>,
): Promise<void> {
  const set: Record<string, string | null> = { updated_at: nowIso() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.summary !== undefined) set.summary = patch.summary;
  if (patch.ownerTeamId !== undefined) set.owner_team_id = patch.ownerTeamId;
  if (patch.docsUrl !== undefined) set.docs_url = patch.docsUrl;
  if (patch.stage !== undefined) set.stage = patch.stage;
  if (patch.obligation !== undefined) set.obligation = patch.obligation;
  await db.updateTable('capabilities').set(set).where('id', '=', id).execute();
}

/** Replaces the eligible teams; an empty list offers the capability to every team. */
export async function setEligibleTeams(
  db: Db,
  capabilityId: string,
  teamIds: string[],
): Promise<void> {
  await db
    .deleteFrom('capability_eligible_teams')
    .where('capability_id', '=', capabilityId)
    .execute();
  const unique = [...new Set(teamIds)];
  if (unique.length > 0) {
    await db
      .insertInto('capability_eligible_teams')
      .values(unique.map((team_id) => ({ capability_id: capabilityId, team_id })))
      .execute();
  }
}

// ---- Mandates ----

export async function getMandate(db: Db, capabilityId: string): Promise<Mandate | undefined> {
  const row = await db
    .selectFrom('mandates')
    .selectAll()
    .where('capability_id', '=', capabilityId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    capabilityId: row.capability_id,
    category: row.category,
    reason: row.reason,
    mitigation: row.mitigation,
    reviewOn: row.review_on,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}

/** Records (or replaces) a capability's mandate. */
export async function saveMandate(db: Db, mandate: Omit<Mandate, 'recordedAt'>): Promise<void> {
  const row = {
    capability_id: mandate.capabilityId,
    category: mandate.category,
    reason: mandate.reason,
    mitigation: mandate.mitigation,
    review_on: mandate.reviewOn,
    recorded_by: mandate.recordedBy,
    recorded_at: nowIso(),
  };
  await db
    .insertInto('mandates')
    .values(row)
    .onConflict((oc) =>
      oc.column('capability_id').doUpdateSet({
        category: row.category,
        reason: row.reason,
        mitigation: row.mitigation,
        review_on: row.review_on,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
      }),
    )
    .execute();
}

export async function deleteMandate(db: Db, capabilityId: string): Promise<void> {
  await db.deleteFrom('mandates').where('capability_id', '=', capabilityId).execute();
}

/** Mandates whose review date is on or before `date`, soonest first. */
export async function mandatesDueForReview(db: Db, date: string): Promise<Mandate[]> {
  const rows = await db
    .selectFrom('mandates')
    .selectAll()
    .where('review_on', '<=', date)
    .orderBy('review_on')
    .execute();
  return rows.map((row) => ({
    capabilityId: row.capability_id,
    category: row.category,
    reason: row.reason,
    mitigation: row.mitigation,
    reviewOn: row.review_on,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  }));
}

// ---- Decision rights and reasons ----

export async function listCategories(db: Db): Promise<DecisionCategory[]> {
  const rows = await db
    .selectFrom('decision_categories')
    .selectAll()
    .orderBy('position')
    .orderBy('key')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    deciderRole: r.decider_role as DeciderRole,
  }));
}

export async function getCategory(db: Db, key: string): Promise<DecisionCategory | undefined> {
  return (await listCategories(db)).find((c) => c.key === key);
}

/** Adds a category or changes its label and decider. */
export async function saveCategory(db: Db, category: DecisionCategory): Promise<void> {
  const now = nowIso();
  const existing = await getCategory(db, category.key);
  if (existing) {
    await db
      .updateTable('decision_categories')
      .set({ label: category.label, decider_role: category.deciderRole, updated_at: now })
      .where('key', '=', category.key)
      .execute();
    return;
  }
  const last = await db
    .selectFrom('decision_categories')
    .select(db.fn.max('position').as('p'))
    .executeTakeFirst();
  await db
    .insertInto('decision_categories')
    .values({
      key: category.key,
      label: category.label,
      decider_role: category.deciderRole,
      position: Number(last?.p ?? -1) + 1,
      updated_at: now,
    })
    .execute();
}

export async function listReasons(db: Db): Promise<AdoptionReason[]> {
  return db.selectFrom('adoption_reasons').select(['key', 'label']).orderBy('position').execute();
}

// ---- Decision log ----

export type DecisionInput = Omit<Decision, 'id' | 'at'> & { at?: string };

/** Writes one decision; call it in the transaction of the change it decides. */
export async function recordDecision(db: Db, input: DecisionInput): Promise<Decision> {
  const row = {
    id: newId(),
    kind: input.kind,
    category: input.category,
    decider_id: input.deciderId,
    decider_name: input.deciderName,
    rationale: input.rationale,
    capability_id: input.capabilityId,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    summary: input.summary,
    at: input.at ?? nowIso(),
  };
  await db.insertInto('decisions').values(row).execute();
  return decisionRow(row);
}

/** The decision log, newest first, filtered by category and capability. */
export async function listDecisions(
  db: Db,
  filter: { category?: string; capabilityId?: string; limit: number; cursor?: string },
): Promise<Page<Decision>> {
  let q = db
    .selectFrom('decisions')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  if (filter.cursor) {
    q = q.where(olderThan('at', 'id', filter.cursor));
  }
  return toPage(await q.execute(), filter.limit, (r) => [r.at, r.id], decisionRow);
}

// ---- Adoption ledger ----

/** A team's state for one capability: derived from its latest event. */
export interface LedgerState {
  teamId: string;
  capabilityId: string;
  state: AdoptionState;
  seq: number;
  since: string | null;
  reason: string | null;
  reasonText: string | null;
  alternative: string | null;
}

/**
 * The current state of every team that has an event for the capability (or
 * the team), as of `at` (default now): its latest event strictly before `at`,
 * so a period's exclusive end gives the state at its close. Teams without
 * events are `none`.
 */
export async function ledgerStates(
  db: Db,
  filter: { capabilityId?: string; teamId?: string; at?: string },
): Promise<LedgerState[]> {
  const at = filter.at ?? '9999-12-31T23:59:59.999Z';
  let q = db
    .selectFrom('adoption_events as e')
    .selectAll('e')
    .where('e.at', '<', at)
    .where(({ eb, selectFrom }) =>
      eb(
        'e.seq',
        '=',
        selectFrom('adoption_events as l')
          .select((s) => s.fn.max('l.seq').as('m'))
          .whereRef('l.team_id', '=', 'e.team_id')
          .whereRef('l.capability_id', '=', 'e.capability_id')
          .where('l.at', '<', at),
      ),
    );
  if (filter.capabilityId) q = q.where('e.capability_id', '=', filter.capabilityId);
  if (filter.teamId) q = q.where('e.team_id', '=', filter.teamId);
  const rows = await q.execute();
  return rows.map((r) => ({
    teamId: r.team_id,
    capabilityId: r.capability_id,
    state: r.to_state as AdoptionState,
    seq: Number(r.seq),
    since: r.at,
    reason: r.reason,
    reasonText: r.reason_text,
    alternative: r.alternative,
  }));
}

/** One team's state for one capability (`none` with seq 0 when it has no events). */
export async function ledgerState(
  db: Db,
  teamId: string,
  capabilityId: string,
): Promise<LedgerState> {
  const [state] = await ledgerStates(db, { teamId, capabilityId });
  return (
    state ?? {
      teamId,
      capabilityId,
      state: 'none',
      seq: 0,
      since: null,
      reason: null,
      reasonText: null,
      alternative: null,
    }
  );
}

export type EventInput = Omit<AdoptionEvent, 'id' | 'at'> & { at?: string };

/**
 * Appends a transition. `seq` must be the previous event's seq + 1: when
 * another change got there first, the unique constraint refuses this one.
 */
export async function appendEvent(db: Db, input: EventInput): Promise<AdoptionEvent> {
  const row = {
    id: newId(),
    team_id: input.teamId,
    capability_id: input.capabilityId,
    seq: input.seq,
    from_state: input.from,
    to_state: input.to,
    reason: input.reason,
    reason_text: input.reasonText,
    alternative: input.alternative,
    actor_id: input.actorId,
    on_behalf: input.onBehalf ? 1 : 0,
    exception_id: input.exceptionId,
    at: input.at ?? nowIso(),
  };
  try {
    await db.insertInto('adoption_events').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new Conflict(
        'The team’s adoption changed while you were editing it. Reload and try again.',
      );
    }
    throw error;
  }
  return eventRow(row);
}

/** Adoption events newest first, for one capability (and optionally one team). */
export async function listEvents(
  db: Db,
  filter: { capabilityId?: string; teamId?: string; limit: number; cursor?: string },
): Promise<Page<AdoptionEvent>> {
  let q = db
    .selectFrom('adoption_events')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  if (filter.teamId) q = q.where('team_id', '=', filter.teamId);
  if (filter.cursor) {
    q = q.where(olderThan('at', 'id', filter.cursor));
  }
  return toPage(await q.execute(), filter.limit, (r) => [r.at, r.id], eventRow);
}

/** Every event of a capability in order (for figures and replay checks). */
export async function allEvents(db: Db, capabilityId: string): Promise<AdoptionEvent[]> {
  const rows = await db
    .selectFrom('adoption_events')
    .selectAll()
    .where('capability_id', '=', capabilityId)
    .orderBy('team_id')
    .orderBy('seq')
    .execute();
  return rows.map(eventRow);
}

// ---- Exceptions ----

export async function insertException(
  db: Db,
  input: Pick<
    ExceptionRequest,
    'kind' | 'capabilityId' | 'teamId' | 'category' | 'justification' | 'evidence' | 'requestedBy'
  >,
): Promise<ExceptionRequest> {
  const row = {
    id: newId(),
    kind: input.kind,
    capability_id: input.capabilityId,
    team_id: input.teamId,
    category: input.category,
    justification: input.justification,
    evidence: input.evidence,
    requested_by: input.requestedBy,
    status: 'pending',
    decided_by: null,
    decided_at: null,
    rationale: null,
    expires_on: null,
    created_at: nowIso(),
  };
  await db.insertInto('exceptions').values(row).execute();
  return exceptionRow(row);
}

export async function getException(db: Db, id: string): Promise<ExceptionRequest | undefined> {
  const row = await db.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? exceptionRow(row) : undefined;
}

/** Exceptions, newest first, filtered. */
export async function listExceptions(
  db: Db,
  filter: {
    status?: ExceptionStatus[];
    capabilityId?: string;
    teamIds?: string[];
    categories?: string[];
    expiringBy?: string;
    limit: number;
    cursor?: string;
  },
): Promise<Page<ExceptionRequest>> {
  let q = db
    .selectFrom('exceptions')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.status?.length) q = q.where('status', 'in', filter.status);
  if (filter.capabilityId) q = q.where('capability_id', '=', filter.capabilityId);
  if (filter.teamIds)
    q = filter.teamIds.length
      ? q.where('team_id', 'in', filter.teamIds)
      : q.where(sql<boolean>`1 = 0`);
  if (filter.categories) {
    q = filter.categories.length
      ? q.where('category', 'in', filter.categories)
      : q.where(sql<boolean>`1 = 0`);
  }
  if (filter.expiringBy) q = q.where('expires_on', '<=', filter.expiringBy);
  if (filter.cursor) {
    q = q.where(olderThan('created_at', 'id', filter.cursor));
  }
  return toPage(await q.execute(), filter.limit, (r) => [r.created_at, r.id], exceptionRow);
}

/**
 * Records a decision on a pending (or escalated) request; false when it was
 * decided meanwhile (someone else got there first).
 */
export async function saveExceptionDecision(
  db: Db,
  id: string,
  decision: {
    status: ExceptionStatus;
    decidedBy: string | null;
    rationale: string | null;
    expiresOn: string | null;
    from: ExceptionStatus[];
    /** When it was decided; defaults to now. Ending an approved exception keeps its original time. */
    decidedAt?: string | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('exceptions')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt ?? nowIso(),
      rationale: decision.rationale,
      expires_on: decision.expiresOn,
    })
    .where('id', '=', id)
    .where('status', 'in', decision.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Exception counts per status for a capability. */
export async function exceptionCounts(
  db: Db,
  capabilityId: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('exceptions')
    .select(['status', db.fn.countAll<number>().as('n')])
    .where('capability_id', '=', capabilityId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
