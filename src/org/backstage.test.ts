import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../core/errors.ts';
import { catalogFiles, parseBackstageCatalog, readBackstageCatalog } from './backstage.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const catalogDir = `${fixtures}backstage`;
const file = (name: string) => `${catalogDir}/${name}`;

/** Parses one inline catalog file. */
function parse(text: string) {
  return parseBackstageCatalog([{ path: 'inline.yaml', text }]);
}

describe('reading a Backstage catalog directory', () => {
  it('finds *.yaml and *.yml files recursively, sorted, and ignores other files', async () => {
    expect(await catalogFiles([catalogDir])).toEqual([
      file('components.yaml'),
      file('misc.yml'),
      file('org.yaml'),
      file('people/users.yaml'),
    ]);
  });

  it('reads a file named twice (directly and through its directory) once', async () => {
    const files = await catalogFiles([file('org.yaml'), catalogDir]);
    expect(files.filter((f) => f === file('org.yaml'))).toHaveLength(1);
    expect(files[0]).toBe(file('org.yaml'));
  });

  it('turns groups into teams, reconciling parents and children', async () => {
    const { snapshot } = await readBackstageCatalog([catalogDir]);
    expect(snapshot.teams).toEqual([
      {
        ref: 'group:default/data',
        name: 'Data',
        type: 'team',
        description: null,
        parentRef: 'group:default/engineering',
      },
      {
        ref: 'group:default/engineering',
        name: 'Engineering',
        type: 'department',
        description: 'Everyone who builds the product',
        parentRef: null,
      },
      {
        ref: 'group:default/growth',
        name: 'Growth',
        type: 'team',
        description: null,
        parentRef: 'group:default/marketing',
      },
      {
        ref: 'group:default/payments',
        name: 'payments',
        type: 'team',
        description: null,
        parentRef: 'group:default/engineering',
      },
      {
        ref: 'group:default/platform',
        name: 'Platform Team',
        type: 'team',
        description: null,
        parentRef: 'group:default/engineering',
      },
      {
        ref: 'group:default/sre',
        name: 'Site Reliability',
        type: 'team',
        description: null,
        parentRef: 'group:default/platform',
      },
      {
        ref: 'group:emea/berlin',
        name: 'Berlin Office',
        type: 'office',
        description: null,
        parentRef: 'group:default/engineering',
      },
    ]);
  });

  it('turns users into people whose team is their first group, short name or full ref', async () => {
    const { snapshot } = await readBackstageCatalog([catalogDir]);
    expect(snapshot.people).toEqual([
      {
        ref: 'user:default/alice',
        name: 'Alice Archer',
        email: 'alice@example.com',
        teamRef: 'group:default/platform',
      },
      {
        ref: 'user:default/bob',
        name: 'Bob Baker',
        email: 'bob@example.com',
        teamRef: 'group:default/payments',
      },
      {
        ref: 'user:default/carol',
        name: 'Carol Cole',
        email: 'carol@example.com',
        teamRef: 'group:default/ghost-team',
      },
      {
        ref: 'user:default/dave',
        name: 'Dave Dunn',
        email: 'Alice@Example.com',
        teamRef: 'group:default/data',
      },
      {
        ref: 'user:default/frank',
        name: 'Frank Fischer',
        email: 'frank@example.com',
        teamRef: 'group:emea/berlin',
      },
      { ref: 'user:emea/erin', name: 'erin', email: null, teamRef: 'group:emea/berlin' },
    ]);
  });

  it('turns components into services with owner, repository and annotations', async () => {
    const { snapshot } = await readBackstageCatalog([catalogDir]);
    expect(snapshot.services).toEqual([
      {
        ref: 'component:default/checkout',
        name: 'checkout',
        ownerRef: 'group:default/payments',
        system: 'commerce',
        type: 'service',
        repository: 'acme/checkout',
        annotations: {
          'github.com/project-slug': 'acme/checkout',
          'backstage.io/techdocs-ref': 'dir:.',
        },
      },
      {
        ref: 'component:default/deploy-bot',
        name: 'deploy-bot',
        ownerRef: 'user:default/alice',
        system: null,
        type: 'tool',
        repository: null,
        annotations: {},
      },
    ]);
  });

  it('counts the kinds it skips', async () => {
    const { skipped } = await readBackstageCatalog([catalogDir]);
    expect(skipped).toEqual({ API: 1, System: 1, Location: 1 });
  });

  it('warns about non-entities, repeated refs, disagreeing and dangling children', async () => {
    const { warnings } = await readBackstageCatalog([catalogDir]);
    expect(warnings).toEqual([
      `Skipped ${file('misc.yml')} document 4: not a catalog entity (it needs kind and metadata.name).`,
      `Skipped ${file('misc.yml')} document 5: not a catalog entity (it needs kind and metadata.name).`,
      `group:default/data appears twice (${file('misc.yml')} document 1, ${file('org.yaml')} document 4); the later one is used.`,
      'group:default/engineering lists child group:default/sre, but group:default/sre names parent group:default/platform; group:default/platform is kept.',
      'group:default/engineering lists child group:default/ml, which is not in the import; that link is ignored.',
    ]);
  });

  it('aborts on invalid YAML, naming the file and line', async () => {
    const broken = `${fixtures}backstage-invalid/broken.yaml`;
    const error = await readBackstageCatalog([catalogDir, broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toBe(
      `Invalid YAML at ${broken}:15: Map keys must be unique.`,
    );
    expect((error as InvalidInput).errors).toEqual([
      { path: `${broken}:15`, message: 'Map keys must be unique' },
    ]);
  });

  it('refuses a path that does not exist', async () => {
    await expect(readBackstageCatalog([`${fixtures}nowhere`])).rejects.toThrow(
      `Cannot read ${fixtures}nowhere: no such file or directory.`,
    );
  });

  it('refuses a directory without catalog files rather than import nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-catalog-'));
    try {
      writeFileSync(join(dir, 'notes.txt'), 'kind: Group\n');
      await expect(readBackstageCatalog([dir])).rejects.toThrow(
        `${dir} holds no *.yaml or *.yml files.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parsing catalog entities', () => {
  it('aborts at the line of a syntax error in a later document', () => {
    const text = 'kind: Group\nmetadata: { name: a }\n---\nkind: Group\nmetadata:\n  name: b: c\n';
    expect(() => parse(text)).toThrow(
      'Invalid YAML at inline.yaml:6: Nested mappings are not allowed in compact mappings.',
    );
  });

  it('skips empty documents silently', () => {
    const result = parse('---\n# nothing\n---\nkind: Group\nmetadata: { name: a }\n---\n');
    expect(result.snapshot.teams.map((t) => t.ref)).toEqual(['group:default/a']);
    expect(result.warnings).toEqual([]);
  });

  it('reports a scalar document by file and document number', () => {
    expect(parse('kind: Group\nmetadata: { name: a }\n---\njust text\n').warnings).toEqual([
      'Skipped inline.yaml document 2: not a catalog entity (it needs kind and metadata.name).',
    ]);
  });

  it('reads kind and namespace case-insensitively and keeps the last of a repeated ref', () => {
    const result = parse(
      [
        'kind: Group\nmetadata: { name: ops, namespace: Infra }\nspec: { profile: { displayName: First } }',
        'kind: group\nmetadata: { name: ops, namespace: infra }\nspec: { profile: { displayName: Second } }',
      ].join('\n---\n'),
    );
    expect(result.snapshot.teams).toEqual([
      { ref: 'group:infra/ops', name: 'Second', type: null, description: null, parentRef: null },
    ]);
    expect(result.warnings).toEqual([
      'group:infra/ops appears twice (inline.yaml document 1, inline.yaml document 2); the later one is used.',
    ]);
  });

  it('resolves short refs in the entity’s own namespace', () => {
    const result = parse(
      [
        'kind: User\nmetadata: { name: u, namespace: emea }\nspec: { memberOf: [berlin] }',
        'kind: Component\nmetadata: { name: c, namespace: emea }\nspec: { owner: berlin }',
        'kind: Group\nmetadata: { name: berlin, namespace: emea }\nspec: { parent: hq }',
      ].join('\n---\n'),
    );
    expect(result.snapshot.people[0]?.teamRef).toBe('group:emea/berlin');
    expect(result.snapshot.services[0]?.ownerRef).toBe('group:emea/berlin');
    expect(result.snapshot.teams[0]?.parentRef).toBe('group:emea/hq');
  });

  it('gives a child listed by two parents to the first and warns about the second', () => {
    const result = parse(
      [
        'kind: Group\nmetadata: { name: a }\nspec: { children: [c] }',
        'kind: Group\nmetadata: { name: b }\nspec: { children: [c] }',
        'kind: Group\nmetadata: { name: c }',
      ].join('\n---\n'),
    );
    expect(result.snapshot.teams.find((t) => t.ref === 'group:default/c')?.parentRef).toBe(
      'group:default/a',
    );
    expect(result.warnings).toEqual([
      'group:default/b lists child group:default/c, but group:default/c is already listed as a child of group:default/a; group:default/a is kept.',
    ]);
  });

  it('drops a group that names itself as its parent', () => {
    const result = parse('kind: Group\nmetadata: { name: a }\nspec: { parent: a }');
    expect(result.snapshot.teams[0]?.parentRef).toBeNull();
    expect(result.warnings).toEqual([
      'group:default/a names itself as its parent; it is left without a parent.',
    ]);
  });

  it('keeps only string annotations and takes the repository from project-slug', () => {
    const result = parse(
      'kind: Component\nmetadata:\n  name: c\n  annotations:\n    github.com/project-slug: acme/c\n    weird: 3\n',
    );
    expect(result.snapshot.services[0]).toMatchObject({
      repository: 'acme/c',
      annotations: { 'github.com/project-slug': 'acme/c' },
      ownerRef: null,
    });
  });
});
