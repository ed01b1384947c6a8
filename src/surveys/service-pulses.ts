// Pulses: one rating right after using a capability, throttled per person
// and capability by a keyed hash with a day, never the answer.

import { z } from 'zod';
import { getCapabilityBySlug } from '../capabilities/store.ts';
import type { Db } from '../core/db/index.ts';
import { Conflict, InvalidInput } from '../core/errors.ts';
import { type Actor, authorize } from '../core/policy.ts';
import { defineSetting, getSetting } from '../core/settings.ts';
import { COMMENT_MAX, cleanText, nextPulseDay, type PulseInput, TOUCHPOINTS } from './model.ts';
import {
  formatDay,
  PULSE_THROTTLE,
  type SurveyDeps,
  today,
  withheldDetails,
} from './service-support.ts';
import {
  claimThrottle,
  insertPulse,
  isSilenced,
  pruneThrottle,
  setSilenced,
  throttleOn,
} from './store.ts';

/** Days between pulses by one person on one capability. */
export const pulseCooldownDays = defineSetting({
  key: 'pulses.cooldown_days',
  label: 'Days between pulses on one capability',
  hint: 'A person is asked about the same capability at most once in this many days. 30 is the default.',
  schema: z.number().int().min(1).max(365),
  defaultValue: 30,
});

/** What a person may do about pulses on one capability right now. */
export interface PulseStatus {
  /** YYYY-MM-DD from which they may pulse it again; null when they may now. */
  nextOn: string | null;
  silenced: boolean;
}

const throttleKey = (deps: SurveyDeps, actor: Actor, capabilityId: string) =>
  deps.secret.hmac(PULSE_THROTTLE, actor.personId ?? `user:${actor.userId}`, capabilityId);

function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

async function pulseCapability(db: Db, slug: string) {
  const capability = await getCapabilityBySlug(db, slug);
  if (!capability) {
    throw InvalidInput.field(
      'capability',
      `There is no capability "${slug}"; use its slug, like deploy-pipeline.`,
    );
  }
  return capability;
}

/** Whether a person may pulse a capability now, and whether they silenced prompts. */
export async function pulseStatus(
  deps: SurveyDeps,
  actor: Actor,
  slug: string,
  now: Date = new Date(),
): Promise<PulseStatus> {
  const db = deps.handle.db;
  const capability = await pulseCapability(db, slug);
  const cooldown = await getSetting(db, pulseCooldownDays);
  const last = await throttleOn(db, throttleKey(deps, actor, capability.id));
  const next = last ? nextPulseDay(last, cooldown) : null;
  return {
    nextOn: next && next > today(now) ? next : null,
    silenced: await isSilenced(db, actor.userId),
  };
}

/**
 * Stores one pulse: the throttle is claimed first (a keyed hash and today's
 * date, never the answer; a second pulse in the cooldown is refused, also
 * when both arrive at once), then the pulse row, in the same transaction:
 * capability, touchpoint, rating, comment and month, nothing else.
 */
export async function submitPulse(
  deps: SurveyDeps,
  actor: Actor,
  input: PulseInput,
  now: Date = new Date(),
): Promise<{ month: string; nextOn: string }> {
  return withheldDetails('A pulse', () => storePulse(deps, actor, input, now));
}

async function storePulse(
  deps: SurveyDeps,
  actor: Actor,
  input: PulseInput,
  now: Date,
): Promise<{ month: string; nextOn: string }> {
  const db = deps.handle.db;
  const errors: { path: string; message: string }[] = [];
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    errors.push({ path: 'rating', message: 'Choose a whole number from 1 to 5.' });
  }
  if (input.comment !== undefined && input.comment.length > COMMENT_MAX) {
    errors.push({ path: 'comment', message: `Keep it under ${COMMENT_MAX} characters.` });
  }
  if (input.touchpoint !== undefined && !TOUCHPOINTS.includes(input.touchpoint)) {
    errors.push({ path: 'touchpoint', message: `Choose one of ${TOUCHPOINTS.join(', ')}.` });
  }
  if (errors.length > 0) throw new InvalidInput('The pulse has problems.', errors);
  const capability = await pulseCapability(db, input.capability);
  const cooldown = await getSetting(db, pulseCooldownDays);
  const day = today(now);
  const hash = throttleKey(deps, actor, capability.id);
  const month = day.slice(0, 7);
  // One transaction: a server that dies half-way never keeps the throttle of a
  // pulse it did not store (the person would wait out the cooldown for nothing).
  const stored = await db.transaction().execute(async (trx) => {
    if (!(await claimThrottle(trx, hash, day, daysBefore(day, cooldown)))) return false;
    await insertPulse(trx, {
      capabilityId: capability.id,
      touchpoint: input.touchpoint ?? null,
      rating: input.rating,
      comment: cleanText(input.comment) ?? null,
      month,
    });
    return true;
  });
  if (!stored) {
    const last = (await throttleOn(db, hash)) ?? day;
    throw new Conflict(
      `Thanks — you already rated ${capability.name} recently. You can rate it again from ${formatDay(nextPulseDay(last, cooldown))}.`,
    );
  }
  return { month, nextOn: nextPulseDay(day, cooldown) };
}

/** Silences (or allows again) pulse prompts for this person, for good. */
export async function silencePulses(db: Db, actor: Actor, silenced: boolean): Promise<void> {
  authorize(actor, 'pulse.submit');
  await setSilenced(db, actor.userId, silenced);
}

/** Background work: deletes throttle records whose cooldown has passed. */
export async function prunePulseThrottle(db: Db, now: Date = new Date()): Promise<number> {
  const cooldown = await getSetting(db, pulseCooldownDays);
  return pruneThrottle(db, daysBefore(today(now), cooldown));
}
