import { describe, expect, it } from 'vitest';
import {
  buildTeamTree,
  descendantIds,
  formatEntityRef,
  parseEntityRef,
  slugForRef,
  type Team,
} from './model.ts';

describe('entity refs', () => {
  it.each([
    ['team-a', 'group', 'group:default/team-a'],
    ['group:default/team-a', 'group', 'group:default/team-a'],
    ['ops/sre', 'group', 'group:ops/sre'],
    ['Group:Default/Team-A', 'group', 'group:default/team-a'],
    ['user:jane.doe', 'group', 'user:default/jane.doe'],
  ])('%s (default kind %s) → %s', (ref, kind, expected) => {
    expect(formatEntityRef(parseEntityRef(ref, kind))).toBe(expected);
  });

  it('makes slugs from the name, prefixed by a namespace other than default', () => {
    expect(slugForRef('group:default/team-a')).toBe('team-a');
    expect(slugForRef('group:ops/SRE Core')).toBe('ops-sre-core');
  });
});

describe('team tree', () => {
  const team = (id: string, name: string, parentId: string | null = null): Team => ({
    id,
    ref: `group:default/${id}`,
    slug: id,
    name,
    type: null,
    description: null,
    parentId,
    inactiveSince: null,
  });
  const teams = [
    team('e', 'Engineering'),
    team('p', 'Payments', 'e'),
    team('c', 'Checkout', 'p'),
    team('a', 'Apps', 'e'),
  ];

  it('nests children under parents, sorted by name', () => {
    const tree = buildTeamTree(teams);
    expect(tree.map((n) => n.team.name)).toEqual(['Engineering']);
    expect(tree[0]!.children.map((n) => n.team.name)).toEqual(['Apps', 'Payments']);
    expect(tree[0]!.children[1]!.children.map((n) => n.team.name)).toEqual(['Checkout']);
  });

  it('treats a team whose parent is missing as a root', () => {
    expect(buildTeamTree([team('x', 'Orphan', 'gone')]).map((n) => n.team.name)).toEqual([
      'Orphan',
    ]);
  });

  it('lists a team and everything below it, and survives a cycle', () => {
    expect(descendantIds(teams, 'p').sort()).toEqual(['c', 'p']);
    expect(descendantIds(teams, 'e').sort()).toEqual(['a', 'c', 'e', 'p']);
    const cyclic = [team('x', 'X', 'y'), team('y', 'Y', 'x')];
    expect(descendantIds(cyclic, 'x').sort()).toEqual(['x', 'y']);
  });
});
