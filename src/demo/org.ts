// The org part of the demo: Acme Engineering's teams, people and services.

import type { OrgSnapshot, PersonRecord, ServiceRecord, TeamRecord } from '../org/model.ts';
import { applyOrgSnapshot, listPeople, listServices, listTeams } from '../org/store.ts';
import type { DemoPart } from './generator.ts';
import type { DemoSize } from './model.ts';
import {
  FAMILY_NAMES,
  GIVEN_NAMES,
  LEVEL_WEIGHTS,
  LOCATION_WEIGHTS,
  PLATFORM_AREAS,
  PLATFORM_SERVICES,
  PRODUCT_DOMAINS,
  SERVICE_KINDS,
  SMALL_PRODUCT_TEAMS,
  SQUAD_PAIRS,
  TEAM_FOCUS,
} from './names.ts';
import type { Random } from './random.ts';

/** The organisation's root team. */
export const ORG_ROOT_REF = 'group:default/acme-engineering';
/** The platform team: paved's own users, in every demo size. */
export const PLATFORM_TEAM_REF = 'group:default/platform';
export const EMAIL_DOMAIN = 'acme.example';

/** How many people each size holds; teams follow from the shape below. */
const PEOPLE: Record<DemoSize, number> = { small: 60, large: 10_000 };
/** Share of people who joined in the last four months (the hiring wave). */
const WAVE_SHARE = 0.25;
interface TeamNode {
  record: TeamRecord;
  depth: number;
  children: TeamNode[];
  /** Ref name of the nearest ancestor at depth 2 (or the team itself), used as the Backstage system. */
  system: string;
  underPlatform: boolean;
}

/** A ref's name part from a display name: `Data Platform` → `data-platform`. */
function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Builds the team tree; every name becomes a unique `group:default/<slug>` ref. */
class TeamTree {
  readonly nodes: TeamNode[] = [];
  private readonly taken = new Set<string>();

  add(name: string, type: string, parent: TeamNode | null, description?: string): TeamNode {
    let slug = slugify(name);
    for (let i = 2; this.taken.has(slug); i++) slug = `${slugify(name)}-${i}`;
    this.taken.add(slug);
    const depth = parent ? parent.depth + 1 : 0;
    const node: TeamNode = {
      record: {
        ref: `group:default/${slug}`,
        name,
        type,
        description: description ?? null,
        parentRef: parent?.record.ref ?? null,
      },
      depth,
      children: [],
      system: parent && parent.depth >= 2 ? parent.system : slug,
      underPlatform: parent?.underPlatform || slug === 'platform',
    };
    parent?.children.push(node);
    this.nodes.push(node);
    return node;
  }
}

function addRoot(tree: TeamTree): TeamNode {
  return tree.add('Acme Engineering', 'organization', null, "All of Acme's engineering teams.");
}

function addPlatform(tree: TeamTree, root: TeamNode): TeamNode {
  return tree.add(
    'Platform',
    'department',
    root,
    'The internal developer platform: paved is how it runs itself as a product.',
  );
}

/** ~8 teams: the root, a product department with four teams, and the platform with two. */
function smallTeams(rng: Random, tree: TeamTree): void {
  const root = addRoot(tree);
  const product = tree.add('Product Engineering', 'department', root);
  const picked = new Set(rng.sample(SMALL_PRODUCT_TEAMS, 4));
  for (const name of SMALL_PRODUCT_TEAMS) if (picked.has(name)) tree.add(name, 'team', product);
  const platform = addPlatform(tree, root);
  for (const area of PLATFORM_AREAS.slice(0, 2)) tree.add(area, 'team', platform);
}

/** ~1,000 teams: ten departments of eight areas, each with 8–11 teams, some split in two. */
function largeTeams(rng: Random, tree: TeamTree): void {
  const root = addRoot(tree);
  const departments = [...PRODUCT_DOMAINS, { name: 'Platform', areas: PLATFORM_AREAS }];
  for (const domain of departments) {
    const department =
      domain.name === 'Platform'
        ? addPlatform(tree, root)
        : tree.add(domain.name, 'department', root);
    for (const area of domain.areas) {
      const group = tree.add(area, 'group', department);
      for (const focus of rng.sample(TEAM_FOCUS, rng.int(8, 11))) {
        const team = tree.add(`${area} ${focus}`, 'team', group);
        if (!rng.chance(0.1)) continue;
        for (const half of rng.pick(SQUAD_PAIRS)) {
          tree.add(`${team.record.name} ${half}`, 'team', team);
        }
      }
    }
  }
}

/** Splits `total` across weights in proportion, exactly (largest remainder). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (total * w) / sum);
  const out = shares.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = shares
    .map((s, i) => [s - Math.floor(s), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

/** Dates as YYYY-MM-DD, in UTC. */
function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

function parseToday(today: string): number {
  const ms = Date.parse(`${today}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(ms) || isoDate(ms) !== today) {
    throw new Error(`today must be a date as YYYY-MM-DD, got ${JSON.stringify(today)}`);
  }
  return ms;
}

/** `ms` moved by whole calendar months (negative goes back). */
function shiftUtc(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}

/** Lower-case ASCII for an email local part: `Zoë` → `zoe`, `Da Silva` → `dasilva`. */
function emailPart(name: string): string {
  return slugify(name.replace(/\s+/g, ''));
}

/** A name, redrawn a few times while its email is taken: a large org keeps few jane.doe2s. */
function uniqueName(rng: Random, emails: Map<string, number>) {
  let name = { given: '', family: '', base: '' };
  for (let attempt = 0; attempt < 4; attempt++) {
    const given = rng.pick(GIVEN_NAMES);
    const family = rng.pick(FAMILY_NAMES);
    name = { given, family, base: `${emailPart(given)}.${emailPart(family)}` };
    if (!emails.has(name.base)) break;
  }
  return name;
}

interface Slot {
  team: TeamNode;
  leader: boolean;
}

/** People: one leader for each team above the leaves, the rest spread over the leaf teams. */
function peopleFor(rng: Random, tree: TeamTree, total: number, todayMs: number): PersonRecord[] {
  const slots: Slot[] = tree.nodes
    .filter((t) => t.children.length > 0)
    .map((team) => ({ team, leader: true }));
  const leaves = tree.nodes.filter((t) => t.children.length === 0);
  const sizes = apportion(
    total - slots.length,
    leaves.map(() => Math.max(3, rng.normal(10, 3))),
  );
  const home = new Map(leaves.map((t) => [t, rng.weighted(LOCATION_WEIGHTS)]));
  leaves.forEach((team, i) => {
    for (let n = 0; n < (sizes[i] ?? 0); n++) slots.push({ team, leader: false });
  });

  // The wave is an exact share, so a small demo always shows it.
  const engineers = slots.flatMap((s, i) => (s.leader ? [] : [i]));
  const wave = new Set(rng.sample(engineers, Math.round(total * WAVE_SHARE)));
  const waveStart = shiftUtc(todayMs, -4);
  const oldest = shiftUtc(todayMs, -36);
  const waveDays = Math.round((todayMs - waveStart) / DAY); // days back 0 … waveDays-1
  const allDays = Math.round((todayMs - oldest) / DAY);

  const emails = new Map<string, number>();
  return slots.map((slot, i) => {
    const { given, family, base } = uniqueName(rng, emails);
    const n = (emails.get(base) ?? 0) + 1;
    emails.set(base, n);
    // A second Jane Doe becomes jane.doe2, as mail systems do.
    const local = n === 1 ? base : `${base}${n}`;
    const inWave = wave.has(i);
    const daysBack = inWave
      ? rng.int(0, waveDays - 1)
      : rng.int(slot.leader ? Math.min(365, allDays) : waveDays, allDays);
    const level = slot.leader
      ? slot.team.depth <= 1
        ? 'Principal'
        : 'Staff'
      : inWave
        ? rng.weighted([
            ['Junior', 30],
            ['Mid', 35],
            ['Senior', 25],
            ['Staff', 8],
            ['Principal', 2],
          ])
        : rng.weighted(LEVEL_WEIGHTS);
    const teamHome = home.get(slot.team);
    const location = teamHome && rng.chance(0.75) ? teamHome : rng.weighted(LOCATION_WEIGHTS);
    return {
      ref: `user:default/${local}`,
      name: `${given} ${family}`,
      email: `${local}@${EMAIL_DOMAIN}`,
      teamRef: slot.team.record.ref,
      startDate: isoDate(todayMs - daysBack * DAY),
      level,
      location,
    };
  });
}

/** One to three services per leaf team, each with its GitHub repository. */
function servicesFor(rng: Random, tree: TeamTree): ServiceRecord[] {
  const taken = new Set<string>();
  const platformNames = [...PLATFORM_SERVICES];
  const out: ServiceRecord[] = [];
  for (const team of tree.nodes.filter((t) => t.children.length === 0)) {
    const slug = team.record.ref.slice('group:default/'.length);
    for (const [suffix, type] of rng.sample(SERVICE_KINDS, rng.int(1, 3))) {
      let name = (team.underPlatform && platformNames.shift()) || `${slug}-${suffix}`;
      for (let i = 2; taken.has(name); i++) name = `${slug}-${suffix}-${i}`;
      taken.add(name);
      out.push({
        ref: `component:default/${name}`,
        name,
        ownerRef: team.record.ref,
        system: team.system,
        type,
        repository: `acme/${name}`,
        annotations: { 'github.com/project-slug': `acme/${name}` },
      });
    }
  }
  return out;
}

/**
 * Generates the demo organisation: Acme Engineering with departments, groups
 * and teams nested two to four levels, people mostly on leaf teams (start
 * dates over the three years before `today`, a quarter in the last four
 * months), and services with GitHub repositories. Pure: the same random
 * stream, size and day always give the same snapshot.
 * @example generateOrg(createRandom(42, 'org'), 'small', '2026-11-01').people.length // 60
 */
export function generateOrg(rng: Random, size: DemoSize, today: string): OrgSnapshot {
  const todayMs = parseToday(today);
  const tree = new TeamTree();
  if (size === 'small') smallTeams(rng, tree);
  else largeTeams(rng, tree);
  return {
    teams: tree.nodes.map((t) => t.record),
    people: peopleFor(rng, tree, PEOPLE[size], todayMs),
    services: servicesFor(rng, tree),
  };
}

/** The organisation: teams, people and services, read back with their ids. */
export const orgPart: DemoPart = {
  name: 'org',
  async run(ctx) {
    ctx.progress('Generating teams, people and services…');
    const snapshot = generateOrg(ctx.rng, ctx.size, ctx.today);
    ctx.progress(
      `Writing ${snapshot.teams.length.toLocaleString('en')} teams, ` +
        `${snapshot.people.length.toLocaleString('en')} people and ` +
        `${snapshot.services.length.toLocaleString('en')} services…`,
    );
    await applyOrgSnapshot(ctx.db, snapshot, { full: false, today: ctx.today });
    const all = { limit: Number.MAX_SAFE_INTEGER - 1 };
    ctx.produced.org = {
      teams: await listTeams(ctx.db),
      people: (await listPeople(ctx.db, all)).items,
      services: (await listServices(ctx.db, all)).items,
    };
  },
};
