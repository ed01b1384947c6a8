// Reads a Backstage software catalog (Group, User and Component entities) into
// an OrgSnapshot. Parsing is pure; reading files and writing are kept apart so
// that a bad file aborts the import before anything touches the database.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Db } from '../core/db/index.ts';
import { InvalidInput } from '../core/errors.ts';
import {
  formatEntityRef,
  type ImportSummary,
  type OrgSnapshot,
  type PersonRecord,
  parseEntityRef,
  type ServiceRecord,
  type TeamRecord,
} from './model.ts';
import { applyOrgSnapshot } from './store.ts';

/** What a catalog holds for paved, before it is written. */
export interface CatalogImport {
  snapshot: OrgSnapshot;
  /** Entities of kinds paved does not import, by kind as written. */
  skipped: Record<string, number>;
  warnings: string[];
}

/** One catalog file's text and the name messages use for it. */
export interface CatalogFile {
  path: string;
  text: string;
}

/** The annotation that maps a component to its GitHub repository (`owner/repo`). */
export const PROJECT_SLUG = 'github.com/project-slug';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Lists the catalog files under the given paths: files as given, directories
 * searched recursively for *.yaml and *.yml, each directory's files sorted so
 * that "last one wins" means the same thing on every machine.
 */
export async function catalogFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) out.push(file);
    seen.add(file);
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new InvalidInput(`Cannot read ${path}: no such file or directory.`, [
        { path, message: 'no such file or directory' },
      ]);
    }
    if (!info.isDirectory()) {
      add(path);
      continue;
    }
    const found = await yamlFilesUnder(path);
    if (found.length === 0) {
      throw new InvalidInput(`${path} holds no *.yaml or *.yml files.`, [
        { path, message: 'no catalog files' },
      ]);
    }
    for (const file of found) add(file);
  }
  return out;
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && YAML_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads the catalog files under `paths` and turns them into a snapshot; throws InvalidInput naming `file:line` for invalid YAML. */
export async function readBackstageCatalog(paths: string[]): Promise<CatalogImport> {
  const files: CatalogFile[] = [];
  for (const path of await catalogFiles(paths)) {
    files.push({ path, text: await readFile(path, 'utf8') });
  }
  return parseBackstageCatalog(files);
}

/** An entity as found in a file, with where it came from for messages. */
interface SourcedEntity {
  kind: string;
  namespace: string;
  name: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  where: string;
}

/**
 * Turns catalog files into a snapshot, or throws InvalidInput at the first
 * YAML error. Documents that are not entities are skipped with a warning.
 * @example parseBackstageCatalog([{ path: 'org.yaml', text: 'kind: Group\nmetadata: { name: a }' }])
 */
export function parseBackstageCatalog(files: CatalogFile[]): CatalogImport {
  const warnings: string[] = [];
  const entities: SourcedEntity[] = [];
  for (const file of files) entities.push(...parseFile(file, warnings));
  return entitiesToSnapshot(entities, warnings);
}

function parseFile(file: CatalogFile, warnings: string[]): SourcedEntity[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const { line } = lineCounter.linePos(error.pos[0]);
      const reason = error.message.split('\n')[0]!.replace(/[.:]\s*$/, '');
      throw new InvalidInput(`Invalid YAML at ${file.path}:${line}: ${reason}.`, [
        { path: `${file.path}:${line}`, message: reason },
      ]);
    }
  }
  const out: SourcedEntity[] = [];
  list.forEach((doc, i) => {
    const where = `${file.path} document ${i + 1}`;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // Only alias abuse gets here: the text already parsed without errors.
      const { line } = lineCounter.linePos(doc.range[0]);
      throw new InvalidInput(`Invalid YAML at ${file.path}:${line}: ${(error as Error).message}`, [
        { path: `${file.path}:${line}`, message: (error as Error).message },
      ]);
    }
    // An empty document (a stray `---`) holds nothing to import or to warn about.
    if (value === null || value === undefined) return;
    const metadata = isRecord(value) ? value.metadata : undefined;
    const kind = isRecord(value) ? text(value.kind) : null;
    const name = isRecord(metadata) ? text(metadata.name) : null;
    if (!isRecord(value) || !isRecord(metadata) || !kind || !name) {
      warnings.push(`Skipped ${where}: not a catalog entity (it needs kind and metadata.name).`);
      return;
    }
    out.push({
      kind,
      namespace: (text(metadata.namespace) ?? 'default').toLowerCase(),
      name,
      metadata,
      spec: isRecord(value.spec) ? value.spec : {},
      where,
    });
  });
  return out;
}

function entitiesToSnapshot(entities: SourcedEntity[], warnings: string[]): CatalogImport {
  const skipped: Record<string, number> = {};
  const groups = new Map<string, { team: TeamRecord; children: string[]; where: string }>();
  const users = new Map<string, { person: PersonRecord; where: string }>();
  const components = new Map<string, { service: ServiceRecord; where: string }>();
  const repeated = (ref: string, first: string, again: string) =>
    warnings.push(`${ref} appears twice (${first}, ${again}); the later one is used.`);

  for (const e of entities) {
    const kind = e.kind.toLowerCase();
    const ref = formatEntityRef({ kind, namespace: e.namespace, name: e.name });
    const displayName = text(record(e.spec.profile).displayName) ?? e.name;
    if (kind === 'group') {
      const parent = text(e.spec.parent);
      const team: TeamRecord = {
        ref,
        name: displayName,
        type: text(e.spec.type),
        description: text(e.metadata.description),
        parentRef: parent ? groupRef(parent, e.namespace) : null,
      };
      if (team.parentRef === ref) {
        warnings.push(`${ref} names itself as its parent; it is left without a parent.`);
        team.parentRef = null;
      }
      const children = strings(e.spec.children).map((c) => groupRef(c, e.namespace));
      const old = groups.get(ref);
      if (old) repeated(ref, old.where, e.where);
      groups.set(ref, { team, children, where: e.where });
    } else if (kind === 'user') {
      const profile = record(e.spec.profile);
      const firstGroup = strings(e.spec.memberOf)[0];
      const person: PersonRecord = {
        ref,
        name: displayName,
        email: text(profile.email),
        teamRef: firstGroup ? groupRef(firstGroup, e.namespace) : null,
      };
      const old = users.get(ref);
      if (old) repeated(ref, old.where, e.where);
      users.set(ref, { person, where: e.where });
    } else if (kind === 'component') {
      const annotations = stringValues(e.metadata.annotations);
      const owner = text(e.spec.owner);
      const service: ServiceRecord = {
        ref,
        name: e.name,
        // A short owner is a group; `user:…` stays as given and the store warns about it.
        ownerRef: owner ? groupRef(owner, e.namespace) : null,
        system: text(e.spec.system),
        type: text(e.spec.type),
        repository: annotations[PROJECT_SLUG] ?? null,
        annotations,
      };
      const old = components.get(ref);
      if (old) repeated(ref, old.where, e.where);
      components.set(ref, { service, where: e.where });
    } else {
      skipped[e.kind] = (skipped[e.kind] ?? 0) + 1;
    }
  }

  reconcileChildren(groups, warnings);
  const byRef = (a: { ref: string }, b: { ref: string }) =>
    a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
  return {
    snapshot: {
      teams: [...groups.values()].map((g) => g.team).sort(byRef),
      people: [...users.values()].map((u) => u.person).sort(byRef),
      services: [...components.values()].map((c) => c.service).sort(byRef),
    },
    skipped,
    warnings,
  };
}

/**
 * Backstage lets either side of a parent link declare it. A child's own
 * spec.parent wins; a parent's spec.children fills in a child that names no
 * parent; a disagreement keeps the child's word and says so.
 */
function reconcileChildren(
  groups: Map<string, { team: TeamRecord; children: string[] }>,
  warnings: string[],
): void {
  const declared = new Set(
    [...groups.values()].filter((g) => g.team.parentRef).map((g) => g.team.ref),
  );
  for (const [parentRef, { children }] of groups) {
    for (const childRef of children) {
      const child = groups.get(childRef)?.team;
      if (!child) {
        warnings.push(
          `${parentRef} lists child ${childRef}, which is not in the import; that link is ignored.`,
        );
      } else if (childRef === parentRef) {
        warnings.push(`${parentRef} lists itself as a child; that link is ignored.`);
      } else if (!child.parentRef) {
        child.parentRef = parentRef;
      } else if (child.parentRef !== parentRef) {
        const by = declared.has(childRef) ? 'names parent' : 'is already listed as a child of';
        warnings.push(
          `${parentRef} lists child ${childRef}, but ${childRef} ${by} ${child.parentRef}; ${child.parentRef} is kept.`,
        );
      }
    }
  }
}

/** A group ref from a short name or a full ref, in the entity's namespace by default. */
function groupRef(ref: string, namespace: string): string {
  return formatEntityRef(parseEntityRef(ref, 'group', namespace));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A non-empty string, or null for anything else. */
function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** The non-empty strings of a list (a lone string counts as a list of one). */
function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map(text).filter((s): s is string => s !== null);
}

/** The string-valued entries of a map, the only kind Backstage annotations allow. */
function stringValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}

/**
 * Writes a parsed catalog: every entity upserted by its ref and, when `full`,
 * teams, people and services missing from it marked inactive as of `today`.
 * The caller owns the transaction.
 */
export async function importBackstageCatalog(
  db: Db,
  catalog: CatalogImport,
  opts: { full: boolean; today: string },
): Promise<ImportSummary> {
  const applied = await applyOrgSnapshot(db, catalog.snapshot, opts);
  return {
    ...applied,
    skipped: catalog.skipped,
    warnings: [...catalog.warnings, ...applied.warnings],
  };
}
