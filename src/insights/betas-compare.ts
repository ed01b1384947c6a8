// The beta teams' survey CSAT against everyone else's: a partition of one
// capability's ratings into two cuts by the answer's (coarse) team segment,
// decided by core/privacy.ts's decideCuts with the whole as their parent, so
// neither cut can be worked out from the other and the published total. Pure.

import { type CutNode, type CutVerdict, decideCuts } from '../core/privacy.ts';
import { mean, topBox } from '../core/stats.ts';
import type { Figure, TopBox } from '../surveys/results.ts';

/** The ratings of one segment team (null: team not recorded). */
export interface RatingUnit {
  teamId: string | null;
  values: number[];
}

/** Where an answer falls: a beta team, another team, or a segment that could be either. */
export type Placement = 'beta' | 'others' | 'unplaced';

/**
 * Places a segment team: a beta team itself is `beta`; no team, an unknown
 * team, or a team above a beta team (its answers were coarsened into a group
 * that holds a beta team and others) is `unplaced`; any other team `others`.
 */
export function placeTeam(
  teamId: string | null,
  betaTeamIds: ReadonlySet<string>,
  parentOf: ReadonlyMap<string, string | null>,
): Placement {
  if (teamId === null || !parentOf.has(teamId)) return 'unplaced';
  if (betaTeamIds.has(teamId)) return 'beta';
  for (const beta of betaTeamIds) {
    const seen = new Set<string>();
    for (let id = parentOf.get(beta) ?? null; id && !seen.has(id); id = parentOf.get(id) ?? null) {
      if (id === teamId) return 'unplaced';
      seen.add(id);
    }
  }
  return 'others';
}

export interface CsatCuts {
  k: number;
  beta: Figure<TopBox>;
  others: Figure<TopBox>;
  /** Answers that cannot be placed, left out of both cuts; their count only when at least k. */
  unplaced: { status: CutVerdict; n: number | null };
}

/**
 * Decides and computes the two cuts. `exposed` says whether a segment team's
 * own CSAT may be published by the survey's results by team: where a cut's
 * answers from teams that are not add up to between 1 and k − 1, the cut is
 * hidden, so it never subtracts from the survey's team figures to a small
 * group. (Counting a team with at least k answers as published is the safe
 * side: a hidden team of that size cannot bring a sum below k.)
 */
export function compareCsat(input: {
  units: readonly RatingUnit[];
  betaTeamIds: ReadonlySet<string>;
  parentOf: ReadonlyMap<string, string | null>;
  exposed: (teamId: string | null) => boolean;
  k: number;
}): CsatCuts {
  const { k } = input;
  const groups: Record<Placement, { values: number[]; unexposed: number }> = {
    beta: { values: [], unexposed: 0 },
    others: { values: [], unexposed: 0 },
    unplaced: { values: [], unexposed: 0 },
  };
  for (const unit of input.units) {
    if (unit.values.length === 0) continue;
    const group = groups[placeTeam(unit.teamId, input.betaTeamIds, input.parentOf)];
    group.values.push(...unit.values);
    if (!input.exposed(unit.teamId)) group.unexposed += unit.values.length;
  }
  const keys: Placement[] = ['beta', 'others', 'unplaced'];
  const root: CutNode = {
    key: 'all',
    n: keys.reduce((sum, key) => sum + groups[key].values.length, 0),
    children: keys.map((key) => ({ key, n: groups[key].values.length })),
  };
  const alsoHide = new Set(
    keys.filter((key) => groups[key].unexposed >= 1 && groups[key].unexposed <= k - 1),
  );
  const verdicts = decideCuts(root, k, alsoHide);
  const figure = (key: Placement): Figure<TopBox> => {
    const verdict = verdicts.get(key) ?? 'empty';
    if (verdict !== 'shown') return { status: verdict === 'empty' ? 'empty' : 'hidden' };
    const values = groups[key].values;
    return { status: 'shown', ...topBox(values, 4), mean: mean(values) };
  };
  const unplaced = verdicts.get('unplaced') ?? 'empty';
  return {
    k,
    beta: figure('beta'),
    others: figure('others'),
    unplaced: {
      status: unplaced,
      n: unplaced === 'shown' ? groups.unplaced.values.length : null,
    },
  };
}
