// The cuts of one dimension (team tree, tenure band or level band) built from
// the stored segments, and which cut each answer row falls in. The engine
// that decides what may be shown is core/privacy.ts's decideCuts.

import type { CutNode } from '../core/privacy.ts';
import type { Team } from '../org/model.ts';
import { type Segment, TENURE_BANDS } from './model.ts';

export const DIMENSIONS = ['team', 'tenure', 'level'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One cut as results list it. */
export interface Cut {
  key: string;
  label: string;
  parent: string | null;
  depth: number;
  /** `all`, a `team`, a team's own members not in a sub-team (`rest`), a `band`, or `unknown`. */
  kind: 'all' | 'team' | 'rest' | 'band' | 'unknown';
  /** The team's slug for team cuts. */
  slug?: string;
}

export const ROOT = 'all';

/** The cuts of one dimension, in display order, and the path of cuts each segment falls in. */
export interface CutSpace {
  cuts: Cut[];
  pathOf(segment: Segment): string[];
  /** The tree for the engine, with each cut's count from `count`. */
  tree(count: (key: string) => number): CutNode;
}

/** Builds the cuts of a dimension over the segments that occur (and the teams invited). */
export function cutSpace(
  by: Dimension,
  segments: readonly Segment[],
  teams: readonly Team[],
  invitedTeamIds: readonly string[] = [],
): CutSpace {
  return by === 'team' ? teamSpace(segments, teams, invitedTeamIds) : bandSpace(by, segments);
}

function treeOf(cuts: Cut[], count: (key: string) => number): CutNode {
  const nodes = new Map<string, CutNode>(
    cuts.map((c) => [c.key, { key: c.key, n: count(c.key), children: [] }]),
  );
  for (const c of cuts) if (c.parent) nodes.get(c.parent)?.children?.push(nodes.get(c.key)!);
  return nodes.get(ROOT)!;
}

function bandSpace(by: 'tenure' | 'level', segments: readonly Segment[]): CutSpace {
  const bandOf = (s: Segment) => (by === 'tenure' ? s.tenureBand : s.levelBand);
  const present = new Set(segments.map(bandOf));
  const cuts: Cut[] = [{ key: ROOT, label: 'Everyone', parent: null, depth: 0, kind: 'all' }];
  const ordered =
    by === 'tenure'
      ? TENURE_BANDS.filter((b) => present.has(b.key)).map((b) => ({ key: b.key, label: b.label }))
      : [...present]
          .filter((v): v is string => v !== null)
          .sort((a, b) => a.localeCompare(b))
          .map((v) => ({ key: v, label: v }));
  for (const band of ordered) {
    cuts.push({
      key: `${by}:${band.key}`,
      label: band.label,
      parent: ROOT,
      depth: 1,
      kind: 'band',
    });
  }
  if (present.has(null)) {
    cuts.push({
      key: `${by}:unknown`,
      label: by === 'tenure' ? 'Tenure not recorded' : 'Level not recorded',
      parent: ROOT,
      depth: 1,
      kind: 'unknown',
    });
  }
  return {
    cuts,
    pathOf: (s) => {
      const v = bandOf(s);
      return [ROOT, `${by}:${v ?? 'unknown'}`];
    },
    tree: (count) => treeOf(cuts, count),
  };
}

function teamSpace(
  segments: readonly Segment[],
  teams: readonly Team[],
  invitedTeamIds: readonly string[],
): CutSpace {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const chain = (teamId: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let id: string | null = teamId; id && byId.has(id) && !seen.has(id); ) {
      seen.add(id);
      out.unshift(id);
      id = byId.get(id)!.parentId;
    }
    return out;
  };
  const included = new Set<string>();
  for (const id of [...segments.map((s) => s.teamId), ...invitedTeamIds]) {
    if (id) for (const t of chain(id)) included.add(t);
  }
  const children = new Map<string | null, Team[]>();
  for (const id of included) {
    const team = byId.get(id)!;
    const parent = team.parentId && included.has(team.parentId) ? team.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), team]);
  }
  const hasOwnRows = new Set(segments.map((s) => s.teamId));
  const cuts: Cut[] = [{ key: ROOT, label: 'Everyone', parent: null, depth: 0, kind: 'all' }];
  const add = (parentKey: string, parentId: string | null, depth: number) => {
    const kids = (children.get(parentId) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    for (const team of kids) {
      const key = `team:${team.id}`;
      cuts.push({ key, label: team.name, parent: parentKey, depth, kind: 'team', slug: team.slug });
      if ((children.get(team.id) ?? []).length > 0 && hasOwnRows.has(team.id)) {
        cuts.push({
          key: `rest:${team.id}`,
          label: `${team.name}: members not in a sub-team`,
          parent: key,
          depth: depth + 1,
          kind: 'rest',
        });
      }
      add(key, team.id, depth + 1);
    }
  };
  add(ROOT, null, 1);
  if (segments.some((s) => s.teamId === null || !byId.has(s.teamId))) {
    cuts.push({
      key: 'team:unknown',
      label: 'Other teams, or team not recorded',
      parent: ROOT,
      depth: 1,
      kind: 'unknown',
    });
  }
  const withKids = new Set(cuts.filter((c) => c.kind === 'rest').map((c) => c.key.slice(5)));
  // A row's path depends on its team only: worked out once per team, not once per row.
  const paths = new Map<string | null, string[]>();
  return {
    cuts,
    pathOf: (s) => {
      const known = paths.get(s.teamId);
      if (known) return known;
      let path: string[];
      if (s.teamId === null || !byId.has(s.teamId)) path = [ROOT, 'team:unknown'];
      else {
        path = [ROOT, ...chain(s.teamId).map((id) => `team:${id}`)];
        if (withKids.has(s.teamId)) path.push(`rest:${s.teamId}`);
      }
      paths.set(s.teamId, path);
      return path;
    },
    tree: (count) => treeOf(cuts, count),
  };
}

/** Counts rows per cut: every cut on a row's path counts it. */
export function countByCut<T extends Segment>(
  space: CutSpace,
  rows: readonly T[],
  include: (row: T) => boolean = () => true,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (!include(row)) continue;
    for (const key of space.pathOf(row)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The rows that fall in each cut, in one pass: every cut on a row's path holds it. */
export function rowsByCut<T extends Segment>(
  space: CutSpace,
  rows: readonly T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    for (const key of space.pathOf(row)) {
      const list = out.get(key);
      if (list) list.push(row);
      else out.set(key, [row]);
    }
  }
  return out;
}
