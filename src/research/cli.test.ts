import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, startTestServer } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { run } from '../main.ts';
import { createNote } from './service.ts';
import { createSession } from './service-office-hours.ts';
import {
  frictionInput,
  noteInput,
  type Person,
  seedPeople,
  sessionInput,
  topicInput,
} from './testing.ts';

describeEngines('research and office-hours CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let people: Awaited<ReturnType<typeof seedPeople>>;

  beforeEach(async () => {
    server = await startTestServer(handle());
    people = await seedPeople(handle());
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function paved(user: Person | null, args: string[]) {
    const io = captureIo({
      PAVED_URL: server!.url,
      PAVED_TOKEN: user?.token ?? '',
      HOME: '/nonexistent',
    });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  const fits80 = (text: string) => text.split('\n').every((line) => line.length <= 80);

  it('adds a note from flags, lists it and shows it with its quote', async () => {
    const added = await paved(people.barbara, [
      'research',
      'add',
      '--kind',
      'interview',
      '--date',
      '2026-10-14',
      '--team',
      'payments',
      '--persona',
      'junior,cli-first',
      '--workflow',
      'deploy a service',
      '--step',
      'Open the pipeline',
      '--step',
      'Wait for approval',
      '--friction',
      'Wait for approval|3|service-templates|40|Who approves this?',
      '--friction',
      'Open the pipeline|1',
    ]);
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(added.stderr).toContain(
      'Recorded the interview about deploy a service with 2 friction points',
    );
    const list = await paved(people.leader, ['research', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Id\s+Date\s+Kind\s+Workflow\s+Frictions$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${id}\\s+2026-10-14\\s+Interview\\s+deploy a service\\s+2$`),
    );
    expect(fits80(list.stdout)).toBe(true);
    const show = await paved(people.leader, ['research', 'show', id]);
    expect(show.stdout).toContain('Interview: deploy a service');
    expect(show.stdout).toContain('Personas: cli-first, junior');
    expect(show.stdout).toContain(
      'Wait for approval (3 — blocked, Service templates, 40 minutes lost)',
    );
    expect(show.stdout).toContain('“Who approves this?”');
    const json = await paved(people.leader, ['research', 'show', id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, team: { slug: 'payments' } });
  });

  it('adds a note from a JSON file, and names the problem when the API refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-research-'));
    const file = join(dir, 'note.json');
    writeFileSync(
      file,
      JSON.stringify({
        kind: 'usability-test',
        heldOn: '2026-11-02',
        workflow: 'create a new service',
        steps: ['Pick a template'],
        frictions: [{ step: 'Pick a template', severity: 2, capability: 'service-templates' }],
      }),
    );
    const ok = await paved(people.barbara, ['research', 'add', '--file', file, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      kind: 'usability-test',
      frictions: [{ severity: 2 }],
    });
    const refused = await paved(people.barbara, [
      'research',
      'add',
      '--file',
      file,
      '--friction',
      'Pick a template|2|teleporter',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Friction point 1: there is no capability "teleporter".');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(await countRows(handle().db, 'research_notes')).toBe(1);
  });

  it('fails at once with --no-input, naming the missing flags, and refuses bad specs', async () => {
    const missing = await paved(people.barbara, [
      'research',
      'add',
      '--kind',
      'interview',
      '--no-input',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'paved: Missing --workflow and --step: pass them, or --file note.json.\n',
    );
    const bad = await paved(people.barbara, [
      'research',
      'add',
      '--kind',
      'interview',
      '--workflow',
      'w',
      '--step',
      's',
      '--friction',
      'no severity',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--friction "no severity"');
    const hosts = await paved(people.barbara, ['office-hours', 'add', '--no-input']);
    expect(hosts.code).toBe(2);
    expect(hosts.stderr).toContain('Missing --hosts');
    expect(await countRows(handle().db, 'research_notes')).toBe(0);
  });

  it('prints the synthesis ranked by score, and refuses a developer', async () => {
    const { db } = handle();
    await createNote(db, people.barbara.ctx, noteInput());
    await createNote(
      db,
      people.barbara.ctx,
      noteInput({ frictions: [frictionInput({ severity: 3 })] }),
    );
    const s = await paved(people.leader, ['research', 'synthesis']);
    expect(s.code).toBe(0);
    expect(s.stderr).toContain('3 friction points from 2 notes');
    const rows = s.stdout.trimEnd().split('\n');
    expect(rows[1]).toMatch(
      /^1\s+create a new service: Wait for the \S*\s+service-templates\s+5\s+2\s+60$/,
    );
    expect(rows[2]).toMatch(
      /^2\s+create a new service: Find the secr\S*\s+secrets-manager\s+3\s+1\s+60$/,
    );
    expect(fits80(s.stdout)).toBe(true);
    const dev = await paved(people.ada, ['research', 'synthesis']);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toContain('Run paved whoami to see your role; an admin can change it.');
  });

  it('records office hours from flags and prints the figures with the interval', async () => {
    await createSession(
      handle().db,
      people.barbara.ctx,
      sessionInput({ heldOn: '2026-10-06', topics: [topicInput({ outcome: 'docs-gap' })] }),
    );
    const added = await paved(people.barbara, [
      'office-hours',
      'add',
      '--date',
      '2026-10-13',
      '--hosts',
      'Barbara Liskov',
      '--topic',
      'solved|Rotating a password|secrets-manager|checkout',
      '--topic',
      'solved|Which runner size?',
    ]);
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('Recorded the session of 13 Oct 2026 with 2 topics');
    const list = await paved(people.leader, ['office-hours', 'list', '--period', '2026-Q4']);
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(3);
    const figures = await paved(people.leader, ['office-hours', 'figures', '--period', '2026-Q4']);
    expect(figures.code).toBe(0);
    // Wilson 2 of 3: 21% to 94%.
    expect(figures.stdout).toContain('Office hours in 2026-Q4: 2 sessions, 3 topics.');
    expect(figures.stdout).toContain('Solved on the spot: 67% (95% interval 21% to 94%, n = 3).');
    expect(figures.stdout).toMatch(/secrets-manager\s+2\s+50%\s+9%–91%\s+1/);
    expect(fits80(figures.stdout)).toBe(true);
    const bad = await paved(people.leader, ['office-hours', 'figures', '--period', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('period');
    const badTopic = await paved(people.barbara, [
      'office-hours',
      'add',
      '--hosts',
      'B',
      '--topic',
      'fixed|x',
    ]);
    expect(badTopic.code).toBe(2);
  });
});
