// Choosing the outcome a capability's value is measured by: the platform
// team's call, audited, recorded with who chose it and when.

import type { Capability } from '../capabilities/model.ts';
import { capabilityOrThrow } from '../capabilities/service.ts';
import { recordAudit } from '../core/audit.ts';
import { nowIso } from '../core/db/helpers.ts';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { getSetting, setSetting } from '../core/settings.ts';
import { VALUE_OUTCOMES, type ValueOutcome, valueOutcomes } from './value-outcomes.ts';

export interface Ctx {
  actor: Actor;
  ip: string | null;
}

/**
 * Sets the outcome of a capability's value figure. Choosing the same outcome
 * again keeps the original date, so the page keeps saying when it was fixed.
 */
export async function chooseValueOutcome(
  db: Db,
  ctx: Ctx,
  slug: string,
  outcome: string,
): Promise<Capability> {
  authorize(ctx.actor, 'value.outcome');
  const capability = await capabilityOrThrow(db, slug);
  if (!VALUE_OUTCOMES.includes(outcome as ValueOutcome)) {
    throw InvalidInput.field('outcome', `Choose one of ${VALUE_OUTCOMES.join(', ')}.`);
  }
  await db.transaction().execute(async (trx) => {
    const all = await getSetting(trx, valueOutcomes);
    const previous = all[capability.id];
    if (previous?.outcome === outcome) return;
    await setSetting(trx, valueOutcomes, {
      ...all,
      [capability.id]: { outcome, chosenAt: nowIso(), chosenBy: ctx.actor.name },
    });
    await recordAudit(trx, {
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      action: 'value-outcome.choose',
      target: { type: 'capability', id: capability.id },
      ip: ctx.ip,
      details: { outcome, previous: previous?.outcome ?? null },
    });
  });
  return capability;
}
