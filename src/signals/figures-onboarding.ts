// Onboarding figures (shared/METRICS.md, "Onboarding"): days from a person's
// start date (from the org import) to their first deploy, first pull request
// and tenth merged pull request, per monthly hire cohort, as Kaplan–Meier
// medians and shares by day 7, 14 and 30. Reads people and the per-person
// milestone aggregate only, never raw events.
//
// Where METRICS.md is silent: a hire is followed from the start date until
// now, or until they left (inactive) if they left before reaching the
// milestone; a milestone before the start date counts as day 0; cohorts run
// from `since` to the current month; the overall figure pools the shown
// cohorts only, so it never lets a hidden group be worked out by subtraction.

import type { Db } from '../core/db/index.ts';
import { kaplanMeier, type Observation, shareReachedBy, survivalMedian } from '../core/survival.ts';
import { byStartMonth, mergeHireCohorts } from './hire-cohorts.ts';

export const ONBOARDING_MILESTONES = ['first_deploy', 'first_pr', 'tenth_pr'] as const;
export type OnboardingMilestone = (typeof ONBOARDING_MILESTONES)[number];

export const MILESTONE_WORDS: Record<OnboardingMilestone, string> = {
  first_deploy: 'first deploy',
  first_pr: 'first pull request',
  tenth_pr: 'tenth merged pull request',
};

/** The days at which the share that reached a milestone is reported. */
export const CHECK_DAYS = [7, 14, 30] as const;

const DAY = 86_400_000;

/** One hire group's figures for one milestone; a hidden group carries none. */
export interface CohortFigure {
  /** First and last hire month of the group, YYYY-MM. */
  from: string;
  to: string;
  hidden: boolean;
  hires: number | null;
  /** Hires who reached it so far. */
  reached: number | null;
  /** Hires still on their way (censored). */
  waiting: number | null;
  medianDays: number | null;
  /** Percent (0–100) of hires who reached it by day 7, 14 and 30; null while not yet known. */
  reachedBy: { day: number; percent: number | null }[] | null;
}

export interface MilestoneFigures {
  milestone: OnboardingMilestone;
  cohorts: CohortFigure[];
  /** Every hire in the shown cohorts together. */
  overall: CohortFigure | null;
}

export interface OnboardingFigures {
  /** The first hire month included, YYYY-MM. */
  since: string;
  asOf: string;
  k: number;
  milestones: MilestoneFigures[];
}

interface Hire {
  id: string;
  startDate: string;
  inactiveSince: string | null;
  reachedAt: Partial<Record<OnboardingMilestone, string>>;
}

/** Whole and fractional days from a start date (UTC midnight) to a time. */
function daysFrom(startDate: string, iso: string): number {
  return (Date.parse(iso) - Date.parse(`${startDate.slice(0, 10)}T00:00:00Z`)) / DAY;
}

/** How far one hire got with a milestone by `asOf`. */
export function observe(hire: Hire, milestone: OnboardingMilestone, asOf: string): Observation {
  const at = hire.reachedAt[milestone];
  if (at && at <= asOf) return { time: daysFrom(hire.startDate, at), reached: true };
  const until = hire.inactiveSince && hire.inactiveSince < asOf ? hire.inactiveSince : asOf;
  return { time: Math.max(0, daysFrom(hire.startDate, until)), reached: false };
}

function figure(from: string, to: string, observations: Observation[]): CohortFigure {
  const curve = kaplanMeier(observations);
  return {
    from,
    to,
    hidden: false,
    hires: curve.n,
    reached: curve.reached,
    waiting: curve.n - curve.reached,
    medianDays: survivalMedian(curve),
    reachedBy: CHECK_DAYS.map((day) => {
      const share = shareReachedBy(curve, day);
      return { day, percent: share === null ? null : 100 * share };
    }),
  };
}

/** Hires who started between `since` (YYYY-MM) and `asOf`, with the milestones they reached. */
async function hiresSince(
  db: Db,
  since: string,
  asOf: string,
  milestones: readonly OnboardingMilestone[],
): Promise<Hire[]> {
  const people = await db
    .selectFrom('people')
    .select(['id', 'start_date', 'inactive_since'])
    .where('start_date', 'is not', null)
    .where('start_date', '>=', `${since}-01`)
    .where('start_date', '<=', asOf.slice(0, 10))
    .execute();
  const reached = await db
    .selectFrom('signal_person_milestones as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['m.person_id', 'm.milestone', 'm.first_at'])
    .where('p.start_date', '>=', `${since}-01`)
    .where('p.start_date', '<=', asOf.slice(0, 10))
    .where('m.milestone', 'in', [...milestones])
    .execute();
  const byPerson = new Map<string, Hire['reachedAt']>();
  for (const r of reached) {
    const own = byPerson.get(r.person_id) ?? {};
    own[r.milestone as OnboardingMilestone] = r.first_at;
    byPerson.set(r.person_id, own);
  }
  return people.map((p) => ({
    id: p.id,
    startDate: p.start_date!,
    inactiveSince: p.inactive_since,
    reachedAt: byPerson.get(p.id) ?? {},
  }));
}

/**
 * Time to first deploy, first pull request and tenth merged pull request per
 * monthly hire cohort since `since` (YYYY-MM), cohorts under `k` merged;
 * `milestones` picks some (in that order), all by default.
 * @example await onboardingFigures(db, { since: '2026-01', k: 5 })
 */
export async function onboardingFigures(
  db: Db,
  opts: { since: string; k: number; now?: Date; milestones?: readonly OnboardingMilestone[] },
): Promise<OnboardingFigures> {
  const asOf = (opts.now ?? new Date()).toISOString();
  const wanted = opts.milestones ?? ONBOARDING_MILESTONES;
  const hires = await hiresSince(db, opts.since, asOf, wanted);
  const groups = mergeHireCohorts(byStartMonth(hires), opts.k);
  const milestones = wanted.map((milestone): MilestoneFigures => {
    const cohorts = groups.map((g) =>
      g.hidden
        ? {
            from: g.from,
            to: g.to,
            hidden: true,
            hires: null,
            reached: null,
            waiting: null,
            medianDays: null,
            reachedBy: null,
          }
        : figure(
            g.from,
            g.to,
            g.members.map((h) => observe(h, milestone, asOf)),
          ),
    );
    const shown = groups.filter((g) => !g.hidden);
    const overall =
      shown.length === 0
        ? null
        : figure(
            shown[0]!.from,
            shown.at(-1)!.to,
            shown.flatMap((g) => g.members.map((h) => observe(h, milestone, asOf))),
          );
    return { milestone, cohorts, overall };
  });
  return { since: opts.since, asOf, k: opts.k, milestones };
}

/** One person's own milestones: shown to that person only. */
export interface OwnMilestones {
  startDate: string;
  milestones: { milestone: OnboardingMilestone; reachedAt: string | null; days: number | null }[];
}

/** The signed-in person's own onboarding milestones, or null without a start date. */
export async function ownMilestones(db: Db, personId: string): Promise<OwnMilestones | null> {
  const person = await db
    .selectFrom('people')
    .select('start_date')
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person?.start_date) return null;
  const rows = await db
    .selectFrom('signal_person_milestones')
    .select(['milestone', 'first_at'])
    .where('person_id', '=', personId)
    .execute();
  const at = new Map(rows.map((r) => [r.milestone, r.first_at]));
  return {
    startDate: person.start_date,
    milestones: ONBOARDING_MILESTONES.map((milestone) => {
      const reachedAt = at.get(milestone) ?? null;
      return {
        milestone,
        reachedAt,
        days: reachedAt === null ? null : Math.max(0, daysFrom(person.start_date!, reachedAt)),
      };
    }),
  };
}
