// The capabilities part of the demo: Acme's platform catalog, mandates,
// two years of adoption history, exceptions and the decision log.

import { randomBytes } from 'node:crypto';
import type { Capability, DeciderRole } from '../capabilities/model.ts';
import {
  insertCapability,
  insertException,
  listCategories,
  recordDecision,
  saveExceptionDecision,
  saveMandate,
} from '../capabilities/store.ts';
import { batchSize, chunk } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import type { AdoptionEventsTable } from '../core/db/schema.ts';
import { getSetting } from '../core/settings.ts';
import { DOCS_BASE } from './capability-catalog.ts';
import { planCapabilities } from './capability-history.ts';
import type { CapabilityPlan, PlanActors, PlannedDecision, PlanUser } from './capability-plan.ts';
import type { DemoContext, DemoPart } from './generator.ts';
import { demoAccounts } from './model.ts';

/** The demo accounts that act in the history, looked up in the users table by email. */
async function demoActors(ctx: DemoContext): Promise<PlanActors> {
  const accounts = await getSetting(ctx.db, demoAccounts);
  const emails = accounts.map((a) => a.email.toLowerCase());
  const users =
    emails.length === 0
      ? []
      : await ctx.db
          .selectFrom('users')
          .select(['id', 'email', 'name'])
          .where('email', 'in', emails)
          .execute();
  const byRole = (role: string): PlanUser | null => {
    const email = accounts.find((a) => a.role === role)?.email.toLowerCase();
    const user = users.find((u) => u.email === email);
    return user ? { id: user.id, name: user.name } : null;
  };
  const developer = byRole('developer');
  const developerEmail = accounts.find((a) => a.role === 'developer')?.email.toLowerCase();
  const person = ctx.produced.org.people.find((p) => p.email?.toLowerCase() === developerEmail);
  return {
    leader: byRole('leader'),
    platform: byRole('platform'),
    developer,
    developerTeamId: developer ? (person?.teamId ?? null) : null,
  };
}

async function writeDecision(
  db: Db,
  decision: PlannedDecision,
  capabilityId: string,
  subject: { type: string; id: string },
): Promise<void> {
  await recordDecision(db, {
    kind: decision.kind,
    category: decision.category,
    deciderId: decision.decider?.id ?? null,
    deciderName: decision.decider?.name ?? null,
    rationale: decision.rationale,
    capabilityId,
    subjectType: subject.type,
    subjectId: subject.id,
    summary: decision.summary,
    at: decision.at,
  });
}

/** Writes the plan through the capability store, with the plan's times. */
async function writePlan(db: Db, plan: CapabilityPlan): Promise<Capability[]> {
  const capabilities: Capability[] = [];
  for (const planned of plan.capabilities) {
    const { spec } = planned;
    const inserted = await insertCapability(db, {
      slug: spec.slug,
      name: spec.name,
      summary: spec.summary,
      ownerTeamId: planned.ownerTeamId,
      docsUrl: `${DOCS_BASE}/platform/${spec.slug}`,
      stage: spec.stage,
      obligation: spec.obligation,
      eligibleTeamIds: planned.eligibleTeamIds,
    });
    // The store stamps rows with the current time; the demo's history needs its own.
    await db
      .updateTable('capabilities')
      .set({ created_at: planned.createdAt, updated_at: planned.updatedAt })
      .where('id', '=', inserted.id)
      .execute();
    const capability = { ...inserted, createdAt: planned.createdAt, updatedAt: planned.updatedAt };
    capabilities.push(capability);
    if (planned.mandate) {
      const { mandate } = planned;
      await saveMandate(db, {
        capabilityId: capability.id,
        category: mandate.category,
        reason: mandate.reason,
        mitigation: mandate.mitigation,
        reviewOn: mandate.reviewOn,
        recordedBy: mandate.recordedBy?.id ?? null,
      });
      await db
        .updateTable('mandates')
        .set({ recorded_at: mandate.recordedAt })
        .where('capability_id', '=', capability.id)
        .execute();
    }
    for (const decision of planned.decisions) {
      await writeDecision(db, decision, capability.id, { type: 'capability', id: capability.id });
    }
  }

  const exceptionIds: string[] = [];
  for (const planned of plan.exceptions) {
    const capabilityId = capabilities[planned.capability]!.id;
    const exception = await insertException(db, {
      kind: planned.kind,
      capabilityId,
      teamId: planned.teamId,
      category: plan.capabilities[planned.capability]!.mandate!.category,
      justification: planned.justification,
      evidence: planned.evidence,
      requestedBy: planned.requestedBy,
    });
    exceptionIds.push(exception.id);
    if (planned.status !== 'pending') {
      await saveExceptionDecision(db, exception.id, {
        status: planned.status,
        decidedBy: planned.decidedBy,
        rationale: planned.rationale,
        expiresOn: planned.expiresOn,
        from: ['pending'],
      });
    }
    await db
      .updateTable('exceptions')
      .set({ created_at: planned.createdAt, decided_at: planned.decidedAt })
      .where('id', '=', exception.id)
      .execute();
    for (const decision of planned.decisions) {
      await writeDecision(db, decision, capabilityId, { type: 'exception', id: exception.id });
    }
  }

  // Tens of thousands of events in the large demo: batched, not one appendEvent each,
  // with ids like newId's cut from one buffer (a random read per id costs more than the insert).
  const random = randomBytes(12 * plan.events.length);
  const rows: AdoptionEventsTable[] = plan.events.map((e, i) => ({
    id: random.subarray(12 * i, 12 * i + 12).toString('base64url'),
    team_id: e.teamId,
    capability_id: capabilities[e.capability]!.id,
    seq: e.seq,
    from_state: e.from,
    to_state: e.to,
    reason: e.reason,
    reason_text: e.reasonText,
    alternative: e.alternative,
    actor_id: e.actorId,
    on_behalf: e.onBehalf ? 1 : 0,
    exception_id: e.exception === null ? null : exceptionIds[e.exception]!,
    at: e.at,
  }));
  for (const batch of chunk(rows, batchSize(13))) {
    await db.insertInto('adoption_events').values(batch).execute();
  }
  return capabilities;
}

/**
 * Acme's platform capabilities (~12 small, ~60 large) with mandates, two
 * years of adoption history per team ending today, exceptions in every state
 * and the decisions behind them.
 */
export const capabilitiesPart: DemoPart = {
  name: 'capabilities',
  async run(ctx) {
    const deciders: Record<string, DeciderRole> = Object.fromEntries(
      (await listCategories(ctx.db)).map((c) => [c.key, c.deciderRole]),
    );
    const teams = ctx.produced.org.teams.map((t) => ({
      id: t.id,
      ref: t.ref,
      parentId: t.parentId,
    }));
    ctx.progress('Planning capabilities and two years of adoption history…');
    const plan = planCapabilities(
      ctx.rng,
      ctx.size,
      ctx.today,
      teams,
      await demoActors(ctx),
      deciders,
    );
    ctx.progress(
      `Writing ${plan.capabilities.length} capabilities, ` +
        `${plan.events.length.toLocaleString('en')} adoption events and ` +
        `${plan.exceptions.length} exceptions…`,
    );
    ctx.produced.capabilities = await writePlan(ctx.db, plan);
  },
};
