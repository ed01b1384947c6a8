// The beta pages' data for the browser suite: a running beta of Preview
// environments (which the capabilities seed puts in stage beta) that
// leadership reviews, with Checkout and Ledger as volunteer teams and Ledger
// gone again with its reason. Returns `{betaId}` for the page list.

import { appendEvent, getCapabilityBySlug } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { getTeamBySlug } from '../org/store.ts';
import { addDays, normalizeCriteria } from './betas-model.ts';
import { insertBeta } from './betas-store.ts';

const DAY = 86_400_000;

/** Writes the browser suite's beta; needs the capabilities seed first. */
export async function seedBrowserBetas(
  db: Db,
  by: { adminId: string },
): Promise<Record<string, string>> {
  const capability = await getCapabilityBySlug(db, 'preview-environments');
  if (!capability) return {};
  const today = new Date().toISOString().slice(0, 10);
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const move = async (
    slug: string,
    seq: number,
    to: 'trial' | 'left',
    at: string,
    from: 'none' | 'trial',
  ) => {
    const team = await getTeamBySlug(db, slug);
    await appendEvent(db, {
      teamId: team!.id,
      capabilityId: capability.id,
      seq,
      from,
      to,
      reason: to === 'left' ? 'unreliable' : null,
      reasonText: to === 'left' ? 'Two previews failed to start during our release week.' : null,
      alternative: to === 'left' ? 'a shared staging environment' : null,
      actorId: null,
      onBehalf: false,
      exceptionId: null,
      at,
    });
  };
  await move('checkout', 1, 'trial', ago(50), 'none');
  await move('ledger', 1, 'trial', ago(45), 'none');
  await move('ledger', 2, 'left', ago(20), 'trial');
  const beta = await insertBeta(db, {
    capabilityId: capability.id,
    targetTeams: 3,
    startsOn: addDays(today, -56),
    reviewOn: addDays(today, 14),
    category: 'leadership',
    notes: 'Does a live copy per pull request shorten reviews enough to offer it to every team?',
    criteria: normalizeCriteria([
      { kind: 'csat' },
      { kind: 'stay-rate' },
      { kind: 'open-problems' },
    ]).criteria,
    createdBy: by.adminId,
  });
  return { betaId: beta.id };
}
