// The capabilities area's operations: policy, rules, the change, its decision
// and its audit row, in one transaction. API, pages and CLI all call these.

import { recordAudit } from '../core/audit.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts';
import { type Actor, authorize, can } from '../core/policy.ts';
import type { Team } from '../org/model.ts';
import { descendantIds } from '../org/model.ts';
import { listTeams } from '../org/store.ts';
import type {
  AdoptionEvent,
  AdoptionState,
  Capability,
  Decision,
  ExceptionKind,
  ExceptionOutcome,
  ExceptionRequest,
  Mandate,
  Stage,
} from './model.ts';
import { transitionProblem } from './model.ts';
import {
  appendEvent,
  type CapabilityInput,
  deleteMandate,
  getCapabilityById,
  getCapabilityBySlug,
  getCategory,
  getException,
  getMandate,
  insertCapability,
  insertException,
  type LedgerState,
  ledgerState,
  ledgerStates,
  listExceptions,
  listReasons,
  recordDecision,
  saveCategory,
  saveExceptionDecision,
  saveMandate,
  setEligibleTeams,
  updateCapability,
} from './store.ts';

/** Who acts, and from where (for the audit log). */
export interface Ctx {
  actor: Actor;
  ip: string | null;
}

const auditActor = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

export async function capabilityOrThrow(db: Db, slug: string): Promise<Capability> {
  const capability = await getCapabilityBySlug(db, slug);
  if (!capability) throw new NotFound(`There is no capability "${slug}".`);
  return capability;
}

async function categoryOrThrow(db: Db, key: string, path = 'category') {
  const category = await getCategory(db, key);
  if (!category) throw InvalidInput.field(path, `There is no decision category "${key}".`);
  return category;
}

export interface MandateInput {
  category: string;
  reason: string;
  mitigation: string;
  reviewOn: string;
}

/**
 * Adds a capability to the catalog. A mandatory one needs its mandate, and
 * only the decider of the mandate's category may record it.
 */
export async function createCapability(
  db: Db,
  ctx: Ctx,
  input: CapabilityInput & { mandate?: MandateInput; rationale?: string },
): Promise<Capability> {
  authorize(ctx.actor, 'capability.manage');
  if (input.obligation === 'mandatory' && !input.mandate) {
    throw InvalidInput.field(
      'mandate',
      'A mandatory capability needs its mandate: who required it, why, and what limits the pain.',
    );
  }
  return db.transaction().execute(async (trx) => {
    const capability = await insertCapability(trx, { ...input, obligation: 'optional' });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'capability.create',
      target: { type: 'capability', id: capability.id },
      ip: ctx.ip,
      details: { slug: capability.slug, stage: capability.stage },
    });
    if (input.mandate) {
      await recordMandateIn(
        trx,
        ctx,
        capability,
        input.mandate,
        input.rationale ?? input.mandate.reason,
      );
      return { ...capability, obligation: 'mandatory' as const };
    }
    return capability;
  });
}

/** Changes a capability's descriptive fields, and its stage with a decision. */
export async function editCapability(
  db: Db,
  ctx: Ctx,
  slug: string,
  patch: {
    name?: string;
    summary?: string;
    ownerTeamId?: string | null;
    docsUrl?: string | null;
    eligibleTeamIds?: string[];
    stage?: Stage;
    rationale?: string;
  },
): Promise<Capability> {
  authorize(ctx.actor, 'capability.manage');
  return db.transaction().execute(async (trx) => {
    const capability = await capabilityOrThrow(trx, slug);
    const stageChanges = patch.stage !== undefined && patch.stage !== capability.stage;
    if (stageChanges && !patch.rationale?.trim()) {
      throw InvalidInput.field(
        'rationale',
        'Say why the stage changes: the rationale is required.',
      );
    }
    await updateCapability(trx, capability.id, {
      name: patch.name,
      summary: patch.summary,
      ownerTeamId: patch.ownerTeamId,
      docsUrl: patch.docsUrl,
      stage: patch.stage,
    });
    if (patch.eligibleTeamIds) await setEligibleTeams(trx, capability.id, patch.eligibleTeamIds);
    if (stageChanges) {
      await recordDecision(trx, {
        kind: 'stage.changed',
        category: 'developer-experience',
        deciderId: ctx.actor.userId,
        deciderName: ctx.actor.name,
        rationale: patch.rationale!.trim(),
        capabilityId: capability.id,
        subjectType: 'capability',
        subjectId: capability.id,
        summary: `${capability.name}: stage ${capability.stage} → ${patch.stage}`,
      });
    }
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'capability.update',
      target: { type: 'capability', id: capability.id },
      ip: ctx.ip,
      details: {
        fields: Object.keys(patch)
          .filter((k) => k !== 'rationale')
          .join(','),
      },
    });
    return (await getCapabilityBySlug(trx, slug))!;
  });
}

async function recordMandateIn(
  trx: Db,
  ctx: Ctx,
  capability: Capability,
  mandate: MandateInput,
  rationale: string,
): Promise<void> {
  const category = await categoryOrThrow(trx, mandate.category, 'category');
  authorize(ctx.actor, 'mandate.record', { deciderRole: category.deciderRole });
  for (const [path, value] of [
    ['reason', mandate.reason],
    ['mitigation', mandate.mitigation],
  ] as const) {
    if (!value.trim())
      throw InvalidInput.field(
        path,
        `The mandate needs its ${path === 'reason' ? 'reason' : 'plan to limit the pain'}.`,
      );
  }
  const previous = await getMandate(trx, capability.id);
  await saveMandate(trx, {
    capabilityId: capability.id,
    category: category.key,
    reason: mandate.reason.trim(),
    mitigation: mandate.mitigation.trim(),
    reviewOn: mandate.reviewOn,
    recordedBy: ctx.actor.userId,
  });
  await updateCapability(trx, capability.id, { obligation: 'mandatory' });
  await recordDecision(trx, {
    kind: previous ? 'mandate.updated' : 'mandate.recorded',
    category: category.key,
    deciderId: ctx.actor.userId,
    deciderName: ctx.actor.name,
    rationale: rationale.trim(),
    capabilityId: capability.id,
    subjectType: 'capability',
    subjectId: capability.id,
    summary: `${capability.name} is required: ${mandate.reason.trim()}`,
  });
  await recordAudit(trx, {
    actor: auditActor(ctx),
    action: previous ? 'mandate.update' : 'mandate.record',
    target: { type: 'capability', id: capability.id },
    ip: ctx.ip,
    details: { category: category.key },
  });
}

/** Records or replaces the mandate that makes a capability mandatory. */
export async function recordMandate(
  db: Db,
  ctx: Ctx,
  slug: string,
  mandate: MandateInput & { rationale?: string },
): Promise<Mandate> {
  return db.transaction().execute(async (trx) => {
    const capability = await capabilityOrThrow(trx, slug);
    const previous = await getMandate(trx, capability.id);
    if (previous && previous.category !== mandate.category) {
      // Moving a mandate to another authority needs that authority and the old one.
      const old = await categoryOrThrow(trx, previous.category);
      authorize(ctx.actor, 'mandate.record', { deciderRole: old.deciderRole });
    }
    await recordMandateIn(trx, ctx, capability, mandate, mandate.rationale ?? mandate.reason);
    return (await getMandate(trx, capability.id))!;
  });
}

/** Lifts a mandate: the capability becomes optional and exemptions end. */
export async function liftMandate(
  db: Db,
  ctx: Ctx,
  slug: string,
  rationale: string,
): Promise<void> {
  if (!rationale.trim()) throw InvalidInput.field('rationale', 'Say why the mandate is lifted.');
  await db.transaction().execute(async (trx) => {
    const capability = await capabilityOrThrow(trx, slug);
    const mandate = await getMandate(trx, capability.id);
    if (!mandate) throw new Conflict(`${capability.name} has no mandate to lift.`);
    const category = await categoryOrThrow(trx, mandate.category);
    authorize(ctx.actor, 'mandate.record', { deciderRole: category.deciderRole });
    await deleteMandate(trx, capability.id);
    await updateCapability(trx, capability.id, { obligation: 'optional' });
    await recordDecision(trx, {
      kind: 'mandate.lifted',
      category: category.key,
      deciderId: ctx.actor.userId,
      deciderName: ctx.actor.name,
      rationale: rationale.trim(),
      capabilityId: capability.id,
      subjectType: 'capability',
      subjectId: capability.id,
      summary: `${capability.name} is no longer required`,
    });
    // Exemptions mean nothing without a mandate: those teams return to none.
    const approved = await listExceptions(trx, {
      capabilityId: capability.id,
      status: ['approved'],
      limit: 100_000,
    });
    for (const exception of approved.items) {
      await endException(trx, exception, 'revoked', ctx.actor.userId, 'The mandate was lifted.');
    }
    // Open requests have nothing left to decide: they are withdrawn, not denied.
    const open = await listExceptions(trx, {
      capabilityId: capability.id,
      status: ['pending', 'escalated'],
      limit: 100_000,
    });
    for (const exception of open.items) {
      await saveExceptionDecision(trx, exception.id, {
        status: 'withdrawn',
        decidedBy: ctx.actor.userId,
        rationale: 'The mandate was lifted, so no exception is needed.',
        expiresOn: null,
        from: ['pending', 'escalated'],
      });
    }
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'mandate.lift',
      target: { type: 'capability', id: capability.id },
      ip: ctx.ip,
    });
  });
}

/** Whether a team may use a capability: listed, under a listed team, or every team when none is listed. */
export async function isEligible(db: Db, capability: Capability, teamId: string): Promise<boolean> {
  if (capability.eligibleTeamIds.length === 0) return true;
  const teams = await listTeams(db, { includeInactive: true });
  const parent = new Map(teams.map((t) => [t.id, t.parentId]));
  const seen = new Set<string>();
  for (let id: string | null | undefined = teamId; id && !seen.has(id); id = parent.get(id)) {
    if (capability.eligibleTeamIds.includes(id)) return true;
    seen.add(id);
  }
  return false;
}

export interface AdoptionChange {
  teamId: string;
  to: AdoptionState;
  reason?: string | null;
  reasonText?: string | null;
  alternative?: string | null;
}

/**
 * Moves a team to a new adoption state. Members act for their team and its
 * sub-teams; the platform may record on a team's behalf (the event says so).
 * Illegal transitions are refused with what is allowed instead.
 */
export async function changeAdoption(
  db: Db,
  ctx: Ctx,
  slug: string,
  change: AdoptionChange,
): Promise<AdoptionEvent> {
  return db.transaction().execute(async (trx) => {
    // An unknown capability is a 404 for everyone, before any question of permission.
    const capability = await capabilityOrThrow(trx, slug);
    authorize(ctx.actor, 'adoption.change', { teamId: change.teamId });
    if (!(await isEligible(trx, capability, change.teamId))) {
      throw InvalidInput.field('team', `${capability.name} is not offered to this team.`);
    }
    if (
      (capability.stage === 'idea' || capability.stage === 'retired') &&
      (change.to === 'trial' || change.to === 'adopted')
    ) {
      throw InvalidInput.field(
        'to',
        `${capability.name} is ${capability.stage === 'idea' ? 'only an idea so far' : 'retired'}; teams cannot take it up.`,
      );
    }
    if (change.reason) {
      const reasons = await listReasons(trx);
      if (!reasons.some((r) => r.key === change.reason)) {
        throw InvalidInput.field(
          'reason',
          `Choose one of the reasons: ${reasons.map((r) => r.key).join(', ')}.`,
        );
      }
    }
    const current = await ledgerState(trx, change.teamId, capability.id);
    if (current.state === change.to) {
      // The same change twice (a double submit, two people at once): the second conflicts.
      throw new Conflict(
        `The team is already in "${change.to}" for ${capability.name}; nothing changed.`,
      );
    }
    const problem = transitionProblem({
      from: current.state,
      to: change.to,
      obligation: capability.obligation,
      reason: change.reason,
      alternative: change.alternative,
    });
    if (problem)
      throw InvalidInput.field(
        change.to === 'left' || change.to === 'opted-out' ? fieldOf(problem) : 'to',
        problem,
      );
    const event = await appendEvent(trx, {
      teamId: change.teamId,
      capabilityId: capability.id,
      seq: current.seq + 1,
      from: current.state,
      to: change.to,
      reason: change.reason ?? null,
      reasonText: change.reasonText?.trim() || null,
      alternative: change.alternative?.trim() || null,
      actorId: ctx.actor.userId,
      onBehalf: !ctx.actor.teamIds.includes(change.teamId),
      exceptionId: null,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'adoption.change',
      target: { type: 'capability', id: capability.id },
      ip: ctx.ip,
      details: { team: change.teamId, from: current.state, to: change.to },
    });
    return event;
  });
}

function fieldOf(problem: string): string {
  if (problem.includes('reason')) return 'reason';
  if (problem.includes('alternative')) return 'alternative';
  return 'to';
}

/** Asks not to use a mandatory capability, or for its policy to change; goes to the category's decider. */
export async function requestException(
  db: Db,
  ctx: Ctx,
  input: {
    capabilitySlug: string;
    teamId: string;
    kind: ExceptionKind;
    justification: string;
    evidence: string;
  },
): Promise<ExceptionRequest> {
  authorize(ctx.actor, 'exception.request', { teamId: input.teamId });
  if (!input.justification.trim()) {
    throw InvalidInput.field(
      'justification',
      'Say why the team needs this: the justification is required.',
    );
  }
  return db.transaction().execute(async (trx) => {
    const capability = await capabilityOrThrow(trx, input.capabilitySlug);
    const mandate = await getMandate(trx, capability.id);
    if (!mandate) {
      throw InvalidInput.field(
        'capability',
        `${capability.name} is optional, so no exception is needed: the team can simply opt out or leave it.`,
      );
    }
    const open = await listExceptions(trx, {
      capabilityId: capability.id,
      teamIds: [input.teamId],
      status: ['pending', 'escalated'],
      limit: 100,
    });
    if (open.items.some((e) => e.kind === input.kind)) {
      throw new Conflict('This team already has an open request of this kind for this capability.');
    }
    const exception = await insertException(trx, {
      kind: input.kind,
      capabilityId: capability.id,
      teamId: input.teamId,
      category: mandate.category,
      justification: input.justification.trim(),
      evidence: input.evidence.trim(),
      requestedBy: ctx.actor.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'exception.request',
      target: { type: 'exception', id: exception.id },
      ip: ctx.ip,
      details: { kind: input.kind, team: input.teamId },
    });
    return exception;
  });
}

/** The role that decides a request now: the category's decider, or leadership once escalated. */
export async function deciderRoleFor(db: Db, exception: ExceptionRequest): Promise<string> {
  if (exception.status === 'escalated') return 'leader';
  return (await categoryOrThrow(db, exception.category)).deciderRole;
}

/** Whether the actor may decide this request (for pages that offer the form). */
export async function canDecide(
  db: Db,
  actor: Actor | null,
  exception: ExceptionRequest,
): Promise<boolean> {
  return can(actor, 'exception.decide', { deciderRole: await deciderRoleFor(db, exception) });
}

/**
 * Decides a request: approved (an exception needs an expiry date, and the
 * team becomes exempt), denied, or escalated to leadership. Every outcome
 * needs a rationale and goes to the decision log.
 */
export async function decideException(
  db: Db,
  ctx: Ctx,
  id: string,
  input: {
    outcome: ExceptionOutcome;
    rationale: string;
    expiresOn?: string | null;
    today?: string;
  },
): Promise<{ exception: ExceptionRequest; decision: Decision }> {
  return db.transaction().execute(async (trx) => {
    const exception = await getException(trx, id);
    if (!exception) throw new NotFound('There is no such exception request.');
    authorize(ctx.actor, 'exception.decide', { deciderRole: await deciderRoleFor(trx, exception) });
    if (exception.status !== 'pending' && exception.status !== 'escalated') {
      throw new Conflict(`This request was already decided: ${exception.status}.`);
    }
    if (!input.rationale.trim()) {
      throw InvalidInput.field('rationale', 'Say why: every decision records its rationale.');
    }
    if (input.outcome === 'escalated' && exception.status === 'escalated') {
      throw InvalidInput.field('outcome', 'This request is already escalated; approve or deny it.');
    }
    const today = input.today ?? new Date().toISOString().slice(0, 10);
    const grantsExemption = input.outcome === 'approved' && exception.kind === 'exception';
    if (grantsExemption && (!input.expiresOn || input.expiresOn <= today)) {
      throw InvalidInput.field(
        'expiresOn',
        'An approved exception needs an expiry date after today.',
      );
    }
    const capability = (await getCapabilityById(trx, exception.capabilityId))!;
    const updated = await saveExceptionDecision(trx, id, {
      status: input.outcome,
      decidedBy: ctx.actor.userId,
      rationale: input.rationale.trim(),
      expiresOn: grantsExemption ? input.expiresOn! : null,
      from: [exception.status],
    });
    if (!updated) throw new Conflict('Someone decided this request while you were reading it.');
    if (grantsExemption) {
      const current = await ledgerState(trx, exception.teamId, exception.capabilityId);
      if (current.state !== 'exempt') {
        const problem = transitionProblem({
          from: current.state,
          to: 'exempt',
          obligation: capability.obligation,
          viaException: true,
        });
        if (problem) throw new Conflict(problem);
        await appendEvent(trx, {
          teamId: exception.teamId,
          capabilityId: exception.capabilityId,
          seq: current.seq + 1,
          from: current.state,
          to: 'exempt',
          reason: null,
          reasonText: null,
          alternative: null,
          actorId: ctx.actor.userId,
          onBehalf: true,
          exceptionId: exception.id,
        });
      }
    }
    const verb = { approved: 'approved', denied: 'denied', escalated: 'escalated' }[input.outcome];
    const decision = await recordDecision(trx, {
      kind: 'exception.decided',
      category: exception.category,
      deciderId: ctx.actor.userId,
      deciderName: ctx.actor.name,
      rationale: input.rationale.trim(),
      capabilityId: exception.capabilityId,
      subjectType: 'exception',
      subjectId: exception.id,
      summary: `${exception.kind === 'exception' ? 'Exception' : 'Policy change'} for ${capability.name} ${verb}`,
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'exception.decide',
      target: { type: 'exception', id: exception.id },
      ip: ctx.ip,
      details: { outcome: input.outcome },
    });
    return { exception: (await getException(trx, id))!, decision };
  });
}

/** Ends an approved exception (expired or revoked): the team returns to `none`. */
async function endException(
  trx: Db,
  exception: ExceptionRequest,
  status: 'expired' | 'revoked',
  actorId: string | null,
  rationale: string,
): Promise<boolean> {
  const updated = await saveExceptionDecision(trx, exception.id, {
    status,
    decidedBy: exception.decidedBy,
    rationale: exception.rationale ? `${exception.rationale} — ${rationale}` : rationale,
    expiresOn: exception.expiresOn,
    from: ['approved'],
    decidedAt: exception.decidedAt,
  });
  if (!updated) return false;
  const current = await ledgerState(trx, exception.teamId, exception.capabilityId);
  if (current.state === 'exempt') {
    await appendEvent(trx, {
      teamId: exception.teamId,
      capabilityId: exception.capabilityId,
      seq: current.seq + 1,
      from: 'exempt',
      to: 'none',
      reason: null,
      reasonText: null,
      alternative: null,
      actorId,
      onBehalf: true,
      exceptionId: exception.id,
    });
  }
  return true;
}

/** Revokes an approved exception early (the decider of its category). */
export async function revokeException(
  db: Db,
  ctx: Ctx,
  id: string,
  rationale: string,
): Promise<void> {
  if (!rationale.trim()) throw InvalidInput.field('rationale', 'Say why the exception is revoked.');
  await db.transaction().execute(async (trx) => {
    const exception = await getException(trx, id);
    if (!exception) throw new NotFound('There is no such exception request.');
    authorize(ctx.actor, 'exception.decide', {
      deciderRole: (await categoryOrThrow(trx, exception.category)).deciderRole,
    });
    if (exception.status !== 'approved')
      throw new Conflict('Only an approved exception can be revoked.');
    await endException(trx, exception, 'revoked', ctx.actor.userId, rationale.trim());
    await recordDecision(trx, {
      kind: 'exception.revoked',
      category: exception.category,
      deciderId: ctx.actor.userId,
      deciderName: ctx.actor.name,
      rationale: rationale.trim(),
      capabilityId: exception.capabilityId,
      subjectType: 'exception',
      subjectId: exception.id,
      summary: 'Exception revoked',
    });
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'exception.revoke',
      target: { type: 'exception', id: exception.id },
      ip: ctx.ip,
    });
  });
}

/**
 * Ends every approved exception whose expiry date has passed. Safe to run on
 * several instances at once: each exception ends once (a conditional update),
 * and the ledger's sequence refuses a second event.
 */
export async function expireExceptions(db: Db, today: string): Promise<number> {
  const due = await listExceptions(db, { status: ['approved'], expiringBy: today, limit: 10_000 });
  let ended = 0;
  for (const exception of due.items) {
    if (!exception.expiresOn || exception.expiresOn >= today) continue;
    const done = await db
      .transaction()
      .execute(async (trx) => {
        const ok = await endException(
          trx,
          exception,
          'expired',
          null,
          `Expired on ${exception.expiresOn}.`,
        );
        if (ok) {
          await recordAudit(trx, {
            actor: null,
            action: 'exception.expire',
            target: { type: 'exception', id: exception.id },
          });
        }
        return ok;
      })
      .catch((error: unknown) => {
        if (error instanceof Conflict) return false; // another instance ended it first
        throw error;
      });
    if (done) ended++;
  }
  return ended;
}

/** Adds a decision category or changes who decides it (admins only). */
export async function setDecisionRight(
  db: Db,
  ctx: Ctx,
  input: { key: string; label: string; deciderRole: 'leader' | 'platform' },
): Promise<void> {
  authorize(ctx.actor, 'decision-rights.manage');
  await db.transaction().execute(async (trx) => {
    await saveCategory(trx, input);
    await recordAudit(trx, {
      actor: auditActor(ctx),
      action: 'decision-rights.set',
      target: { type: 'decision-category', id: input.key },
      ip: ctx.ip,
      details: { deciderRole: input.deciderRole },
    });
  });
}

/**
 * The active teams a capability is offered to: the listed teams and every
 * team below them, or every active team when none is listed.
 */
export async function eligibleTeams(db: Db, capability: Capability): Promise<Team[]> {
  const teams = await listTeams(db);
  if (capability.eligibleTeamIds.length === 0) return teams;
  const all = await listTeams(db, { includeInactive: true });
  const ids = new Set(capability.eligibleTeamIds.flatMap((id) => descendantIds(all, id)));
  return teams.filter((t) => ids.has(t.id));
}

/** One team's place in a capability's adoption: its current state and whether it is offered it. */
export interface TeamAdoption {
  team: Team;
  eligible: boolean;
  ledger: LedgerState;
}

/**
 * Every eligible team's current state (`none` for teams without events),
 * plus teams that have a state but are no longer eligible; by team name.
 */
export async function teamAdoption(db: Db, capability: Capability): Promise<TeamAdoption[]> {
  const eligible = await eligibleTeams(db, capability);
  const states = new Map(
    (await ledgerStates(db, { capabilityId: capability.id })).map((s) => [s.teamId, s]),
  );
  const rows: TeamAdoption[] = eligible.map((team) => ({
    team,
    eligible: true,
    ledger: states.get(team.id) ?? {
      teamId: team.id,
      capabilityId: capability.id,
      state: 'none',
      seq: 0,
      since: null,
      reason: null,
      reasonText: null,
      alternative: null,
    },
  }));
  const listed = new Set(eligible.map((t) => t.id));
  const others = [...states.values()].filter((s) => !listed.has(s.teamId));
  if (others.length > 0) {
    const all = new Map((await listTeams(db, { includeInactive: true })).map((t) => [t.id, t]));
    for (const ledger of others) {
      const team = all.get(ledger.teamId);
      if (team) rows.push({ team, eligible: false, ledger });
    }
  }
  return rows.sort(
    (a, b) => a.team.name.localeCompare(b.team.name) || a.team.id.localeCompare(b.team.id),
  );
}
