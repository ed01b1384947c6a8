import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureIo, signIn, startTestServer } from '../../test/app.ts';
import { describeEngines } from '../../test/engines.ts';
import { countRows } from '../../test/factories.ts';
import { run } from '../main.ts';
import { MAX_LINES } from './model.ts';
import { type SignalsFixture, sampleEvents, seedSignals } from './testing.ts';

describeEngines('signals CLI', (handle) => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let dir: string;
  let f: SignalsFixture;

  beforeEach(async () => {
    server = await startTestServer(handle());
    f = await seedSignals(handle().db);
    dir = mkdtempSync(join(tmpdir(), 'paved-events-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function paved(token: string, args: string[]) {
    const io = captureIo({ PAVED_URL: server!.url, PAVED_TOKEN: token, HOME: '/nonexistent' });
    const code = await run(args, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  }

  function file(name: string, lines: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('sends a file, reports the counts, and exits 0; a resend is all duplicates', async () => {
    const path = file(
      'events.ndjson',
      sampleEvents().map((e) => JSON.stringify(e)),
    );
    const first = await paved(f.token, ['event', 'send', path]);
    expect(first).toEqual({
      code: 0,
      stdout: 'Accepted 6, duplicates 0, rejected 0.\n',
      stderr: '',
    });
    const again = await paved(f.token, ['event', 'send', path, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 6, rejected: [] });
  });

  it('reports rejected lines with their line numbers in the file and exits 1', async () => {
    const path = file('mixed.ndjson', [
      JSON.stringify(sampleEvents()[5]),
      '',
      '{not json',
      JSON.stringify({ ...sampleEvents()[5], id: 'x2', team: 'nobody' }),
    ]);
    const human = await paved(f.token, ['event', 'send', path]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Accepted 1, duplicates 0, rejected 2.');
    expect(human.stdout).toMatch(/^3 +not valid JSON/m);
    expect(human.stdout).toMatch(/^4 +team: unknown team "nobody"/m);
    expect(human.stderr).toBe(
      'paved: 2 line(s) rejected. Fix them and send the file again: accepted lines are kept and come back as duplicates.\n',
    );
    const json = await paved(f.token, ['event', 'send', path, '--json']);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as {
      accepted: number;
      duplicates: number;
      rejected: { line: number }[];
    };
    expect(body.duplicates).toBe(1);
    expect(body.rejected.map((r) => r.line)).toEqual([3, 4]);
  });

  it('splits a large file into batches under the API limit and shows progress on stderr', async () => {
    const n = MAX_LINES + 2500;
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        type: 'usage',
        id: `n${i}`,
        team: 'checkout',
        capability: 'ci',
        at: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
      }),
    );
    const result = await paved(f.token, ['event', 'send', file('big.ndjson', lines), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: n, duplicates: 0, rejected: [] });
    expect(result.stderr).toMatch(
      /^Send: 10000 events sent \(\d+% of the file\)…\nSend: 12500 events sent \(100% of the file\)…\n$/,
    );
    expect(await countRows(handle().db, 'signal_ingest_batches')).toBe(2);
  });

  it('records a deploy from a pipeline step, once per id', async () => {
    const args = [
      'event',
      'deploy',
      '--team',
      'payments',
      '--service',
      'checkout-api',
      '--outcome',
      'success',
      '--started',
      '2026-11-02T10:00:00Z',
      '--finished',
      '2026-11-02T10:04:00Z',
      '--commit-time',
      '2026-11-02T08:04:00Z',
      '--commit-time',
      '2026-11-02T09:04:00Z',
      '--id',
      'pipeline-77',
    ];
    const first = await paved(f.token, args);
    expect(first).toEqual({
      code: 0,
      stdout: '',
      stderr: 'Recorded the deploy of checkout-api for payments (id pipeline-77).\n',
    });
    const retry = await paved(f.token, args);
    expect(retry.stderr).toBe(
      'A deploy with id pipeline-77 was recorded before; nothing changed.\n',
    );
    const day = await handle()
      .db.selectFrom('signal_team_days')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(day).toMatchObject({
      deploys: 1,
      deploy_seconds_sum: 240,
      lead_seconds_sum: 7200 + 3600,
    });

    const generated = await paved(f.token, [
      'event',
      'deploy',
      '--team',
      'payments',
      '--service',
      'web',
      '--outcome',
      'failure',
      '--json',
    ]);
    expect(generated.code).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({
      id: expect.stringMatching(/^deploy-/),
      accepted: 1,
    });

    const bad = await paved(f.token, [
      'event',
      'deploy',
      '--team',
      'nope',
      '--service',
      's',
      '--outcome',
      'success',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'paved: The deploy was not recorded: team: unknown team "nope" (use a team slug or a group entity ref).\n',
    );
    const developer = await signIn(handle(), 'developer');
    const refused = await paved(developer.token, args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Run paved whoami to see your role/);
  });
});

describeEngines('source commands', (handle) => {
  it('adds a source, issues, rotates and revokes tokens on the local database', async () => {
    const env = { PAVED_DATABASE_URL: handle().url, PAVED_SECRET: 'x'.repeat(32) };
    const paved = async (args: string[]) => {
      const io = captureIo(env);
      const code = await run(args, io);
      return { code, stdout: io.stdout(), stderr: io.stderr() };
    };
    const added = await paved(['source', 'add', 'gitlab', '--description', 'GitLab CI']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^pvi_\S+\n$/);
    expect((await paved(['source', 'add', 'Git Lab'])).stderr).toBe(
      'paved: Use lower-case letters, digits and dashes, such as jenkins-prod\n',
    );
    const unrotated = await paved(['source', 'token', 'gitlab', '--rotate']);
    expect(unrotated).toMatchObject({ code: 2, stdout: '' });
    expect(unrotated.stderr).toMatch(
      /^paved: --rotate revokes every older token of gitlab .* Add --force to go ahead\.\n$/,
    );
    const rotated = await paved(['source', 'token', 'gitlab', '--rotate', '--force', '--json']);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ source: 'gitlab', revoked: 1 });
    const tokens = await paved(['source', 'tokens', 'gitlab', '--json']);
    const list = JSON.parse(tokens.stdout) as { id: string; revokedAt: string | null }[];
    expect(list.map((t) => t.revokedAt === null)).toEqual([true, false]);
    const unrevoked = await paved(['source', 'revoke', 'gitlab', '--id', list[0]!.id]);
    expect(unrevoked).toMatchObject({ code: 2, stdout: '' });
    expect(unrevoked.stderr).toMatch(/^paved: Revoking token .* Add --force to go ahead\.\n$/);
    const revoke = await paved(['source', 'revoke', 'gitlab', '--id', list[0]!.id, '--force']);
    expect(revoke).toMatchObject({
      code: 0,
      stderr: `Revoked token ${list[0]!.id} of gitlab: it no longer works.\n`,
    });
    const sources = await paved(['source', 'list']);
    expect(sources.stdout).toMatch(/^gitlab +token +0 +never$/m);
    expect((await paved(['source', 'tokens', 'nope'])).stderr).toBe(
      'paved: There is no ingest source "nope".\n',
    );
    const audit = await handle()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('action', 'like', 'ingest-%')
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      { action: 'ingest-source.create', actor_id: null },
      { action: 'ingest-token.rotate', actor_id: null },
      { action: 'ingest-token.revoke', actor_id: null },
    ]);
  });
});
