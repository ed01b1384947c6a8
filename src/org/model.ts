// The organisation: teams (nested), people and the services teams own.

export interface Team {
  id: string;
  ref: string;
  slug: string;
  name: string;
  type: string | null;
  description: string | null;
  parentId: string | null;
  inactiveSince: string | null;
}

export interface Person {
  id: string;
  ref: string;
  name: string;
  email: string | null;
  teamId: string | null;
  startDate: string | null;
  level: string | null;
  location: string | null;
  inactiveSince: string | null;
}

export interface Service {
  id: string;
  ref: string;
  slug: string;
  name: string;
  teamId: string | null;
  system: string | null;
  type: string | null;
  /** `owner/repo` from the `github.com/project-slug` annotation; maps repositories to teams. */
  repository: string | null;
  annotations: Record<string, string>;
  inactiveSince: string | null;
}

/** A team as an importer describes it; identity is the entity ref. */
export interface TeamRecord {
  ref: string;
  name: string;
  type?: string | null;
  description?: string | null;
  /** Entity ref of the parent team, if any. */
  parentRef?: string | null;
}

export interface PersonRecord {
  ref: string;
  name: string;
  email?: string | null;
  /** Entity ref of the person's team, if any. */
  teamRef?: string | null;
  startDate?: string | null;
  level?: string | null;
  location?: string | null;
}

export interface ServiceRecord {
  ref: string;
  name: string;
  ownerRef?: string | null;
  system?: string | null;
  type?: string | null;
  repository?: string | null;
  annotations?: Record<string, string>;
}

/** What an import brings: every record is upserted by its ref. */
export interface OrgSnapshot {
  teams: TeamRecord[];
  people: PersonRecord[];
  services: ServiceRecord[];
}

export interface Counts {
  created: number;
  updated: number;
  deactivated: number;
}

export interface ImportSummary {
  teams: Counts;
  people: Counts;
  services: Counts;
  /** Entities of kinds paved does not import, by kind. */
  skipped: Record<string, number>;
  warnings: string[];
}

export interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Parses a Backstage entity ref (`kind:namespace/name`, `namespace/name` or
 * `name`), filling in the defaults the way Backstage does. Refs compare
 * case-insensitively in Backstage, so every part is lower-cased.
 * @example parseEntityRef('team-a', 'group') // { kind: 'group', namespace: 'default', name: 'team-a' }
 */
export function parseEntityRef(
  ref: string,
  defaultKind: string,
  defaultNamespace = 'default',
): EntityRef {
  const trimmed = ref.trim();
  const colon = trimmed.indexOf(':');
  const kind = colon > 0 ? trimmed.slice(0, colon) : defaultKind;
  const rest = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
  const slash = rest.indexOf('/');
  const namespace = slash > 0 ? rest.slice(0, slash) : defaultNamespace;
  const name = slash > 0 ? rest.slice(slash + 1) : rest;
  return { kind: kind.toLowerCase(), namespace: namespace.toLowerCase(), name: name.toLowerCase() };
}

/** `kind:namespace/name`, the canonical form paved stores. */
export function formatEntityRef(ref: EntityRef): string {
  return `${ref.kind}:${ref.namespace}/${ref.name}`;
}

/** The URL slug of a team or service: its name, prefixed by a namespace other than default. */
export function slugForRef(ref: string): string {
  const { namespace, name } = parseEntityRef(ref, 'group');
  const base = namespace === 'default' ? name : `${namespace}-${name}`;
  return base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Teams as a tree: each node with its active children, sorted by name. */
export interface TeamNode {
  team: Team;
  children: TeamNode[];
}

/** Builds the team tree; a team whose parent is missing or inactive becomes a root. */
export function buildTeamTree(teams: Team[]): TeamNode[] {
  const nodes = new Map(teams.map((t) => [t.id, { team: t, children: [] as TeamNode[] }]));
  const roots: TeamNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.team.parentId ? nodes.get(node.team.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: TeamNode[]) => {
    list.sort((a, b) => a.team.name.localeCompare(b.team.name));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** The ids of a team and all teams below it (members of a team act for its sub-teams too). */
export function descendantIds(teams: Team[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const t of teams) {
    if (!t.parentId) continue;
    children.set(t.parentId, [...(children.get(t.parentId) ?? []), t.id]);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [rootId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue; // a cycle in imported data must not hang paved
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
